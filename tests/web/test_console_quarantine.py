"""The mail quarantine in the console: who sees which held message, reading it, the raw download, release, discard.

Messages are quarantined by the real intake: a PTC mail naming no severity (PTC logs every case with one), mail
to an address of PLM Group's domain that routes nowhere, and mail to a domain no desk uses. bob is a PTC agent,
carol a PLM Group agent, dave a Mastercam agent (another desk), root a superuser, eve a requester.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.cases.models import Case
from casedesk.core.models import Profile
from casedesk.desks.models import Desk, Membership
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundAddress, InboundMessage
from tests.cases.factories import customer, desk, staff
from tests.mail.mails import mail
from tests.web.test_portal_world import portal_user

pytestmark = pytest.mark.django_db
LIST = "/console/mail/quarantine/"
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@dataclass
class Held:
    ptc: Desk
    plm: Desk
    severity: InboundMessage  # PTC's: no severity named
    stray: InboundMessage  # to old-support@plmgroup.no, which routes nowhere
    foreign: InboundMessage  # to a domain no desk receives mail at
    bob: User
    carol: User
    dave: User
    eve: User


def _member(d: Desk, name: str) -> User:
    user = staff(name)
    Membership.objects.create(desk=d, user=user, role=Membership.Role.AGENT)
    return user


def _held(raw: bytes, recipient: str, at: datetime = AT) -> InboundMessage:
    result = accept(raw, recipient, source="pipe", at=at)
    assert result.outcome == "quarantined"
    return InboundMessage.objects.get(pk=result.message)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def held() -> Held:
    ptc, plm = desk("ptc"), desk("plm-group")
    InboundAddress.objects.create(address="support@ptc.example.com", desk=ptc)
    eve, _ = customer(ptc, country="FR", zone="Europe/Paris", scn="SCN-1")
    body = "Creo stops at <script>alert(1)</script> when the drawing opens.\n\n-- \nEve"
    severity = _held(mail(frm=eve.email, subject="Creo stops", body=body), "support@ptc.example.com")
    stray = _held(mail(frm="olaf@kunde.test", subject="Lisens"), "old-support@plmgroup.no", AT + timedelta(hours=1))
    foreign = _held(mail(frm="x@spam.test", subject="Offer"), "info@elsewhere.test", AT + timedelta(hours=2))
    return Held(
        ptc, plm, severity, stray, foreign,
        bob=_member(ptc, "bob"), carol=_member(plm, "carol"), dave=_member(desk("mastercam"), "dave"),
        eve=portal_user(eve),
    )  # fmt: skip


def _as(user: User | None, **kwargs: object) -> Client:
    client = Client(**kwargs)  # type: ignore[arg-type]
    if user is not None:
        client.force_login(user)
    return client


def _url(msg: InboundMessage, action: str = "") -> str:
    return f"{LIST}{msg.pk}/{action + '/' if action else ''}"


def _flash(r) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in r.context["messages"]]


def test_each_agent_lists_only_their_desks_messages(held: Held) -> None:
    Profile.objects.update_or_create(user=held.bob, defaults={"zone": "Europe/Paris"})
    page = _as(held.bob).get(LIST).content.decode()
    assert "Creo stops" in page and "support@ptc.example.com" in page
    assert "2026-12-01 10:30 CET" in page  # 09:30 UTC in bob's zone
    assert "logs every case with a severity" in page
    assert "Lisens" not in page and "Offer" not in page
    # PLM Group receives mail at plmgroup.no: its agents judge mail to an address of it that routes nowhere.
    page = _as(held.carol).get(LIST).content.decode()
    assert "Lisens" in page and "Creo stops" not in page and "Offer" not in page
    assert "Creo stops" not in _as(held.dave).get(LIST).content.decode()
    root = User.objects.create_superuser("root", "root@desk.test")
    page = _as(root).get(LIST).content.decode()
    assert page.index("Offer") < page.index("Lisens") < page.index("Creo stops")  # newest first
    assert "Mail quarantine" in _as(held.bob).get("/console/").content.decode()  # the navigation's link


def test_the_list_pages_by_25(held: Held) -> None:
    for i in range(26):
        _held(
            mail(frm=f"s{i}@kunde.test", subject=f"Lost {i:02d}"),
            f"gone{i}@plmgroup.no",
            AT + timedelta(days=1, minutes=i),
        )
    first = _as(held.carol).get(LIST).content.decode()
    assert "Lost 25" in first and "Lost 01" in first and "Lost 00" not in first and "Lisens" not in first
    assert "27 messages held back" in first
    second = _as(held.carol).get(LIST + "?page=2").content.decode()
    assert "Lost 00" in second and "Lisens" in second and "Lost 01" not in second


def test_the_message_page_shows_reason_headers_and_text_as_text(held: Held) -> None:
    r = _as(held.bob).get(_url(held.severity))
    page = r.content.decode()
    assert r.status_code == 200
    assert "logs every case with a severity" in page
    assert "Message-ID" in page and "Creo stops" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert f'action="{_url(held.severity, "release")}"' in page
    assert '<option value="S2">S2 - Moderate impact</option>' in page
    assert 'name="release-desk"' not in page  # the message has its desk
    assert f'action="{_url(held.severity, "discard")}"' in page


def test_the_raw_message_downloads_as_stored(held: Held) -> None:
    r = _as(held.bob).get(_url(held.severity, "raw"))
    assert r.status_code == 200
    assert r.content == bytes(InboundMessage.objects.get(pk=held.severity.pk).raw)
    assert r["Content-Type"] == "message/rfc822"
    assert r["Content-Disposition"] == f'attachment; filename="message-{held.severity.pk}.eml"'
    assert r["X-Content-Type-Options"] == "nosniff"


def test_release_opens_a_case_with_the_agents_priority(held: Held) -> None:
    r = _as(held.bob).post(_url(held.severity, "release"), {"release-priority": "S2"}, follow=True)
    msg = InboundMessage.objects.get(pk=held.severity.pk)
    case = Case.objects.get(pk=msg.case_id)
    assert r.redirect_chain == [(f"/console/cases/{case.number}/", 302)]
    assert f"Released: case {case.number} opened." in _flash(r)
    assert (msg.outcome, msg.handled_by, case.priority, case.desk) == ("case", held.bob, "S2", held.ptc)
    assert "Creo stops at <script>alert(1)</script> when the drawing opens." in case.description
    assert msg.handled_at is not None and msg.reason.startswith("released by bob")
    assert "Creo stops" not in _as(held.bob).get(LIST).content.decode()
    page = _as(held.bob).get(_url(held.severity)).content.decode()  # out of quarantine: who and when, no buttons
    assert "Last handled by bob" in page and "/release/" not in page and "/discard/" not in page


def test_release_without_the_required_severity_keeps_the_form(held: Held) -> None:
    r = _as(held.bob).post(_url(held.severity, "release"), {"release-priority": ""})
    assert r.status_code == 400 and "logs every case with a priority" in r.content.decode()
    r = _as(held.bob).post(_url(held.severity, "release"), {"release-priority": "P1"})
    assert r.status_code == 400
    assert InboundMessage.objects.get(pk=held.severity.pk).outcome == "quarantined"


def test_mail_no_desk_receives_is_released_onto_the_desk_chosen(held: Held) -> None:
    page = _as(held.carol).get(_url(held.stray)).content.decode()
    assert 'name="release-desk"' in page and "PTC" not in page.split('name="release-desk"')[1].split("</select>")[0]
    r = _as(held.carol).post(_url(held.stray, "release"), {"release-desk": held.ptc.pk})
    assert r.status_code == 400  # not one of carol's desks
    r = _as(held.carol).post(_url(held.stray, "release"), {"release-desk": held.plm.pk}, follow=True)
    msg = InboundMessage.objects.get(pk=held.stray.pk)
    assert msg.outcome == "case" and msg.desk == held.plm and msg.handled_by == held.carol
    assert r.redirect_chain[-1][0] == f"/console/cases/{msg.case.number}/"


def test_a_quarantine_error_is_a_flash_and_the_form_stays(held: Held) -> None:
    held.carol.is_staff = False  # the quarantine lets only staff throw away mail no desk receives
    held.carol.save()
    r = _as(held.carol).post(_url(held.stray, "discard"), {"discard-note": "old address"})
    assert r.status_code == 400 and "only staff can handle mail no desk receives" in _flash(r)
    assert 'value="old address"' in r.content.decode()
    assert InboundMessage.objects.get(pk=held.stray.pk).outcome == "quarantined"


def test_discard_is_logged_and_leaves_the_list(held: Held) -> None:
    r = _as(held.bob).post(_url(held.severity, "discard"), {"discard-note": "  sent  twice "}, follow=True)
    assert r.redirect_chain == [(LIST, 302)]
    assert "Message from alice@fr.test discarded." in _flash(r)
    msg = InboundMessage.objects.get(pk=held.severity.pk)
    assert (msg.outcome, msg.handled_by) == ("discarded", held.bob)
    assert msg.handled_at is not None and msg.reason.startswith("discarded by bob: sent twice (was: PTC logs")
    assert "Creo stops" not in r.content.decode()
    page = _as(held.bob).get(_url(held.severity)).content.decode()
    assert "Outcome: Discarded." in page and "discarded by bob: sent twice" in page and "/discard/" not in page
    r = _as(held.bob).post(_url(held.severity, "discard"), {})  # twice: the quarantine's own words
    assert r.status_code == 400 and any("not quarantined" in m for m in _flash(r))


def test_another_desks_message_is_a_404_like_a_missing_one(held: Held) -> None:
    missing = InboundMessage(pk=held.foreign.pk + 1000)
    for user, msg in [
        (held.dave, held.severity),
        (held.bob, held.stray),
        (held.carol, held.foreign),
        (held.bob, missing),
    ]:
        client = _as(user)
        for action in ("", "raw"):
            assert client.get(_url(msg, action)).status_code == 404
        assert client.post(_url(msg, "release"), {"release-priority": "S2"}).status_code == 404
        assert client.post(_url(msg, "discard"), {}).status_code == 404
    assert InboundMessage.objects.filter(outcome="quarantined").count() == 3


def test_requesters_get_403_and_anonymous_visitors_the_sign_in_page(held: Held) -> None:
    msg = held.severity
    for method, url in [("get", LIST), ("get", _url(msg)), ("get", _url(msg, "raw")), ("post", _url(msg, "release")),
                        ("post", _url(msg, "discard"))]:  # fmt: skip
        r = getattr(Client(), method)(url)
        assert r.status_code == 302 and r["Location"].startswith("/admin/login/?next="), url
        r = getattr(_as(held.eve), method)(url)
        assert r.status_code == 403 and "Creo stops" not in r.content.decode(), url


def test_release_and_discard_need_the_csrf_token(held: Held) -> None:
    client = _as(held.bob, enforce_csrf_checks=True)
    assert client.post(_url(held.severity, "release"), {"release-priority": "S2"}).status_code == 403
    assert client.post(_url(held.severity, "discard"), {}).status_code == 403
    assert InboundMessage.objects.get(pk=held.severity.pk).outcome == "quarantined"
    page = client.get(_url(held.severity)).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == 2
