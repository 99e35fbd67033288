"""The case page's e-mail: a received message in full and as received, and the notifications sent with their
delivery state; a refused one is sent again only when an agent asks, as a new message.

alice@se.test is a Swedish PLM Group customer who writes to support@plmgroup.se; bob is a PLM Group agent,
dave a Mastercam agent (another desk). The SMTP server is a real aiosmtpd listener (tests/notify/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.mail.intake import accept
from casedesk.notify.models import OutgoingMail
from casedesk.notify.sending import send_due
from tests.cases.factories import customer, desk, staff
from tests.mail.mails import mail
from tests.notify.conftest import Capture, smtp  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Stockholm
QUOTED = "Hello,\n\nthe licence server stops every night.\n\nOn Fri, Bob wrote:\n> Please restart it.\n> Bob\n"


def _member(d: Desk, name: str) -> User:
    user = staff(name)
    Membership.objects.create(desk=d, user=user, role=Membership.Role.AGENT)
    return user


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mailed() -> tuple[Case, bytes, User, User]:
    plm = desk("plm-group")
    customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    raw = mail(frm="Alice <alice@se.test>", to="support@plmgroup.se", subject="Licence server", body=QUOTED)
    result = accept(raw, "support@plmgroup.se", source="pipe", at=AT)
    assert result.outcome == "case", result.reason
    return Case.objects.get(number=result.case), raw, _member(plm, "bob"), _member(desk("mastercam"), "dave")


def test_the_case_page_shows_the_whole_received_message_and_its_raw_bytes(mailed) -> None:  # type: ignore[no-untyped-def]
    case, raw, bob, dave = mailed
    page = _as(bob).get(f"/console/cases/{case.number}/").content.decode()
    assert "the licence server stops every night." in case.description and "Please restart it" not in case.description
    assert "e-mail from alice@se.test" in page and "&gt; Please restart it." in page  # folded, yet available
    link = f"/console/cases/{case.number}/mail/"
    start = page.index(link)
    url = page[start : page.index('"', start)]
    download = _as(bob).get(url)
    assert download.status_code == 200 and download["Content-Type"] == "message/rfc822"
    assert download.content.endswith(raw.split(b"\n\n", 1)[1]) and b"Message-ID:" in download.content
    assert _as(dave).get(url).status_code == 404  # another desk's agent: not found, like the case


def test_a_refused_notification_shows_its_error_and_is_sent_again_only_on_request(  # type: ignore[no-untyped-def]
    mailed,
    smtp: Capture,  # noqa: F811
) -> None:
    case, _, bob, dave = mailed
    smtp.refuse_all = "550 5.1.1 No such user"
    assert send_due().failed == 1  # the "case opened" acknowledgement to alice
    failed = OutgoingMail.objects.get(case=case)
    page = _as(bob).get(f"/console/cases/{case.number}/").content.decode()
    assert "No such user" in page and "send again" in page and failed.recipients == ["alice@se.test"]

    resend = f"/console/cases/{case.number}/mail/{failed.pk}/send-again/"
    assert _as(dave).post(resend).status_code == 404
    smtp.refuse_all = ""
    assert _as(bob).post(resend).status_code == 302
    assert _as(bob).post(resend).status_code == 302  # a second click while it is queued: refused with a message
    copies = OutgoingMail.objects.filter(resend_of=failed)
    assert copies.count() == 1 and copies.get().requested_by == bob
    send_due()
    failed.refresh_from_db()
    assert failed.state == "failed" and "No such user" in failed.last_error  # the record stays as it ended
    assert copies.get().state == "sent" and len(smtp.to("alice@se.test")) == 1
    assert copies.get().message_id != failed.message_id
    page = _as(bob).get(f"/console/cases/{case.number}/").content.decode()
    assert "(sent again by bob)" in page


def test_a_sent_message_cannot_be_sent_again(mailed, smtp: Capture) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    case, _, bob, _ = mailed
    send_due()
    sent = OutgoingMail.objects.get(case=case)
    assert sent.state == "sent"
    response = _as(bob).post(f"/console/cases/{case.number}/mail/{sent.pk}/send-again/", follow=True)
    assert "only a failed or uncertain message can be sent again" in response.content.decode()
    assert OutgoingMail.objects.count() == 1 and len(smtp.messages) == 1
