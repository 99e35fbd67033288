"""A case's files through the JSON API: listed, downloaded and uploaded through the same getter as the portal.

bob is a PLM Group agent, dave a Mastercam agent (another desk), alice the PLM requester of the case. The
size limit is set to 1000 bytes here; the accepted kinds are the portal's (casedesk.cases.attachments).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casedesk.api.models import AccessToken
from casedesk.cases import services
from casedesk.cases.models import Attachment, Case, CaseEvent
from casedesk.desks.models import Membership
from tests.cases.factories import customer, desk, staff

pytestmark = pytest.mark.django_db
MONDAY_9 = datetime(2026, 10, 19, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
LOG = b"2026-10-19 09:12 rebuild failed\n" * 10


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASEDESK_MAX_UPLOAD_BYTES = 1000


@pytest.fixture
def case() -> Case:
    plm = desk("plm-group")
    Membership.objects.create(desk=plm, user=staff("bob"), role=Membership.Role.AGENT)
    mastercam = desk("mastercam")
    Membership.objects.create(desk=mastercam, user=staff("dave"), role=Membership.Role.AGENT)
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    alice.user = User.objects.create_user("alice", "alice@se.test")
    alice.save()
    intake = {"phone": "+46 8 123", "product_version": "2025 SP1", "english_ok": "yes"}
    return services.open_case(
        plm,
        requester=alice,
        contract=contract,
        subject="Crash on rebuild",
        priority="high",
        intake=intake,
        channel=Case.Channel.EMAIL,
        at=MONDAY_9,
    )


def token(username: str, scope: str = "write") -> dict[str, str]:
    user = User.objects.get(username=username)
    return {"HTTP_AUTHORIZATION": "Bearer " + AccessToken.issue(user, scope=scope)}


def path(case: Case, rest: str = "") -> str:
    return f"/api/v1/cases/{case.number}/attachments{rest}"


def upload(case: Case, who: str, *files: SimpleUploadedFile, scope: str = "write", **form: str):  # type: ignore[no-untyped-def]
    return Client().post(path(case), data={"files": list(files), **form}, **token(who, scope))


def log(name: str = "rebuild.log", content: bytes = LOG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_an_agents_upload_is_an_internal_note_and_downloads_as_the_same_bytes(case: Case) -> None:
    r = upload(case, "bob", log("../../etc/rebuild.log"), log("second.txt", b"two"), note="from the customer's PC")
    assert r.status_code == 201, r.content
    body = r.json()
    event = CaseEvent.objects.get(pk=body["event"])
    assert (body["kind"], event.kind, event.body) == ("note", "note", "from the customer's PC")
    assert [(a["name"], a["size"]) for a in body["attachments"]] == [("rebuild.log", len(LOG)), ("second.txt", 3)]

    listed = Client().get(path(case), **token("bob", "read"))
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [a["id"] for a in body["attachments"]]
    assert listed.json()[0]["event"] == body["event"]

    first = body["attachments"][0]["id"]
    r = Client().get(path(case, f"/{first}"), **token("bob", "read"))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == LOG
    assert r["Content-Disposition"].startswith("attachment;") and 'filename="rebuild.log"' in r["Content-Disposition"]
    assert r["Content-Type"] == "application/octet-stream" and r["X-Content-Type-Options"] == "nosniff"


def test_a_requester_cannot_see_an_internal_notes_file_but_sees_their_own(case: Case) -> None:
    hidden = upload(case, "bob", log("internal.log")).json()["attachments"][0]["id"]
    r = upload(case, "alice", log("mine.log", b"my own log"))
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "customer_reply"
    mine = r.json()["attachments"][0]["id"]

    listed = Client().get(path(case), **token("alice", "read")).json()
    assert [a["id"] for a in listed] == [mine]
    r = Client().get(path(case, f"/{mine}"), **token("alice", "read"))
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"my own log"

    refused = Client().get(path(case, f"/{hidden}"), **token("alice", "read"))
    missing = Client().get(path(case, f"/{hidden + mine + 100}"), **token("alice", "read"))
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert refused["Content-Type"] == "application/problem+json"
    # The agent sees both.
    assert len(Client().get(path(case), **token("bob", "read")).json()) == 2


def test_a_public_upload_by_staff_is_a_reply_the_requester_can_download(case: Case) -> None:
    r = upload(case, "bob", log("fix.txt", b"the fix"), public="true", note="Here is the fix.")
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "agent_reply"
    att = r.json()["attachments"][0]["id"]
    r = Client().get(path(case, f"/{att}"), **token("alice", "read"))
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"the fix"


def test_another_desks_agent_gets_404_like_for_a_missing_case(case: Case) -> None:
    att = upload(case, "bob", log()).json()["attachments"][0]["id"]
    missing_case = f"/api/v1/cases/{case.number}9/attachments"
    for rest in ["", f"/{att}"]:
        seen = Client().get(path(case, rest), **token("dave", "read"))
        absent = Client().get(missing_case + rest, **token("dave", "read"))
        assert seen.status_code == absent.status_code == 404
        assert seen.json() == absent.json()
    r = upload(case, "dave", log("planted.log"))
    assert r.status_code == 404
    assert not Attachment.objects.filter(name="planted.log").exists()


def test_a_too_large_file_is_413_and_nothing_is_stored(case: Case) -> None:
    events = CaseEvent.objects.filter(case=case).count()
    r = upload(case, "bob", log("small.log", b"ok"), log("huge.log", b"x" * 1001), note="two files")
    assert r.status_code == 413, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert "huge.log" in r.json()["detail"] and "limit" in r.json()["detail"]
    assert Attachment.objects.count() == 0
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_refused_kind_is_400_and_nothing_is_stored(case: Case) -> None:
    r = upload(case, "alice", SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream"))
    assert r.status_code == 400, r.content
    assert "setup.exe" in r.json()["detail"]
    assert Attachment.objects.count() == 0


def test_no_file_is_400(case: Case) -> None:
    r = Client().post(path(case), data={"note": "nothing"}, **token("bob"))
    assert r.status_code == 400


def test_a_read_only_token_cannot_upload(case: Case) -> None:
    r = upload(case, "bob", log(), scope="read")
    assert r.status_code == 403
    assert Attachment.objects.count() == 0


def test_a_nul_in_the_number_or_the_note_is_refused_without_a_server_error(case: Case) -> None:
    r = Client().get(f"/api/v1/cases/{case.number}%00/attachments", **token("bob", "read"))
    assert r.status_code == 404
    r = upload(case, "bob", log(), note="bad\x00note")
    assert r.status_code == 400
    assert Attachment.objects.count() == 0


def test_a_strange_name_downloads_under_a_safe_one(case: Case) -> None:
    r = upload(case, "bob", log('..\\..\\"rapport"\tfinal é.log', b"bytes"))
    assert r.status_code == 201, r.content
    (att,) = r.json()["attachments"]
    assert att["name"] == '"rapport"final é.log'
    r = Client().get(path(case, f"/{att['id']}"), **token("bob", "read"))
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "\\" not in disposition and "/" not in disposition and '"' not in disposition
    assert b"".join(r.streaming_content) == b"bytes"


def test_the_readmes_upload_and_download_work_as_printed(live_server, transactional_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import re
    import subprocess
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    tail = readme[readme.index("a file up and down again") :]
    match = re.search(r"```sh\n(.*?)```", tail, re.S)
    assert match is not None
    plm = desk("plm-group")
    Membership.objects.create(desk=plm, user=staff("plm-group-bob"), role=Membership.Role.AGENT)
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    intake = {"phone": "+46 8 123", "product_version": "2025", "english_ok": "yes"}
    case = services.open_case(
        plm, requester=alice, contract=contract, subject="Crash", priority="high", intake=intake,
        channel=Case.Channel.EMAIL, at=MONDAY_9,
    )  # fmt: skip
    env = {
        **os.environ,
        "TOKEN": AccessToken.issue(User.objects.get(username="plm-group-bob"), scope="write"),
        "BASE": f"{live_server.url}/api/v1",
        "NUMBER": case.number,
    }
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", match.group(1)], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr + run.stdout
    assert "the same bytes" in run.stdout and '"name": "Customer SE"' in run.stdout
    (att,) = Attachment.objects.filter(case=case)
    assert (att.name, att.event.kind, att.event.body) == ("solidworks.log", "note", "The customer's log.")
