"""Files on a case: limits and names checked before anything is stored; served only to who may see them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from casedesk.cases import attachments, services
from casedesk.cases.models import Attachment

from .factories import customer, desk, staff

pytestmark = pytest.mark.django_db
NYC = ZoneInfo("America/New_York")
INTAKE = {"site": "Plant", "product_version": "2026"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASEDESK_MAX_UPLOAD_BYTES = 1000


def _open(files=()):  # type: ignore[no-untyped-def]
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    return services.open_case(
        d, requester=alice, subject="Post", priority="P2", contract=contract, intake=INTAKE,
        at=datetime(2026, 11, 30, 9, tzinfo=NYC), files=files,
    )  # fmt: skip


def test_a_screenshot_opens_with_the_case_and_is_served_inline() -> None:
    case = _open([SimpleUploadedFile("../../etc/screen shot.png", PNG, content_type="image/png")])
    [att] = Attachment.objects.filter(case=case)
    assert att.name == "screen shot.png"  # no path: the name alone
    assert att.event.kind == "opened" and att.event.data["files"] == ["screen shot.png"]
    response = attachments.download(case, att.pk, public_only=True)
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_a_file_too_big_or_of_an_unknown_type_is_refused_and_nothing_is_stored() -> None:
    big = SimpleUploadedFile("log.txt", b"x" * 1001, content_type="text/plain")
    exe = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(services.CaseError) as err:
        _open([big, exe])
    assert "log.txt: 1,001 bytes is over the limit of 1,000 bytes" in str(err.value)
    assert "setup.exe: files of type .exe are not accepted" in str(err.value)
    assert not Attachment.objects.exists()


def test_a_note_s_file_is_never_handed_out_on_the_portal() -> None:
    case = _open()
    services.add_note(case, staff("bob"), "licence dump", at=datetime(2026, 11, 30, 10, tzinfo=NYC),
                      files=[SimpleUploadedFile("hasp.log", b"id=1", content_type="text/plain")])  # fmt: skip
    [att] = Attachment.objects.filter(case=case)
    with pytest.raises(Http404):
        attachments.download(case, att.pk, public_only=True)
    response = attachments.download(case, att.pk, public_only=False)
    assert response["Content-Type"] == "application/octet-stream"
    assert "attachment" in response["Content-Disposition"]
    other = _open()
    with pytest.raises(Http404):
        attachments.download(other, att.pk, public_only=False)


def test_a_long_name_in_a_non_latin_script_is_stored_shortened_with_its_extension() -> None:
    # 100 Cyrillic letters are 200 bytes in UTF-8; with ".png" and the stored 17-byte prefix that is over a file
    # system's 255 bytes per name, which refused the file before.
    name = "чертёж" * 20 + ".png"
    case = _open([SimpleUploadedFile(name, PNG, content_type="image/png")])
    [att] = Attachment.objects.filter(case=case)
    assert att.name.endswith(".png") and name.startswith(att.name[:-4]) and len(att.name.encode()) <= 200
    assert att.file.read() == PNG
