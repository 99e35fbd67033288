"""The requester portal: who sees what (a permission matrix), the tracker, opening a case, the case page's actions."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from casedesk.accounts.models import Company, Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.portal.invite import invite
from tests.cases.factories import customer, desk
from tests.web.test_portal_world import PASSWORD, world

pytestmark = pytest.mark.django_db


def _as(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def _case_urls(number: str) -> list[tuple[str, str, dict[str, str]]]:
    base = f"/portal/cases/{number}/"
    return [
        ("get", base, {}),
        ("get", f"{base}files/1/", {}),
        ("post", f"{base}comment/", {"body": "leak?"}),
        ("post", f"{base}accept/", {}),
        ("post", f"{base}reopen/", {}),
        ("post", f"{base}escalate/", {"reason": "leak?"}),
    ]


def _request(client: Client, method: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.get(url) if method == "get" else client.post(url, data)


# who -> can they see the case (None: turned away before any case is looked up)
MATRIX = {
    "plm-group": {"requester": True, "cc": False, "colleague": False, "other company": False},
    "mastercam": {"requester": True, "cc": True, "colleague": False, "other company": False},
}


@pytest.mark.parametrize("slug", ["plm-group", "mastercam"])
def test_permission_matrix_over_every_portal_url_and_action(slug: str) -> None:
    w = world(slug)
    services.resolve(w.case, "fixed")  # accept and reopen are possible: a leak would show as a change
    number, subject = w.case.number, w.case.subject
    events_before = CaseEvent.objects.filter(case=w.case).count()
    missing = w.case.number[:-1] + ("9" if w.case.number[-1] != "9" else "8")
    for who, sees in MATRIX[slug].items():
        client = _as(Client(), w.users[who])
        tracker = client.get("/portal/").content.decode()
        assert (number in tracker) is sees, (who, "tracker")
        for method, url, data in _case_urls(number):
            if method == "post" and sees:
                continue  # the allowed actions are tested one by one below
            r = _request(client, method, url, data)
            if url.endswith("/files/1/"):
                assert r.status_code == 404, (who, url)  # no such file even for the requester
                continue
            if sees:
                assert r.status_code == 200, (who, url)
                assert subject in r.content.decode()
            else:
                gone = _request(client, method, url.replace(number, missing), data)
                assert (r.status_code, r.content) == (gone.status_code, gone.content) == (404, gone.content), (who, url)
                assert subject not in r.content.decode() and number not in r.content.decode()
    # Anonymous: every URL sends to the portal's sign-in page; staff: a page pointing to the console.
    for method, url, data in [("get", "/portal/", {}), ("get", "/portal/new/", {}), *_case_urls(number)]:
        r = _request(Client(), method, url, data)
        assert r.status_code == 302 and r["Location"].startswith("/portal/login/?next="), url
        r = _request(_as(Client(), w.users["agent"]), method, url, data)
        assert r.status_code == 403 and "console" in r.content.decode() and subject not in r.content.decode(), url
    w.case.refresh_from_db()
    assert w.case.status == Case.Status.RESOLVED
    assert CaseEvent.objects.filter(case=w.case).count() == events_before


def test_tracker_lists_own_cases_newest_first_with_the_next_expected_response_in_the_requesters_zone() -> None:
    w = world("plm-group")
    # Standard High = 8 business hours on the Danish calendar (Mon-Thu 08-12, 13-16): opened Monday 30 Nov
    # 09:00, Monday gives 09-12 and 13-16 (6h), Tuesday 08-10 the last 2h: due Tuesday 1 Dec 10:00 CET.
    client = _as(Client(), w.users["requester"])
    page = client.get("/portal/").content.decode()
    assert "Initial response by" in page and "2026-12-01 10:00 CET" in page
    # A requester in New York sees the same instant in their own zone: 10:00 CET = 04:00 EST.
    w.alice.zone = "America/New_York"
    w.alice.save()
    assert "2026-12-01 04:00 EST" in client.get("/portal/").content.decode()
    # No zone of their own: the case's calendar zone (Copenhagen).
    w.alice.zone = ""
    w.alice.save()
    assert "2026-12-01 10:00 CET" in client.get("/portal/").content.decode()
    newer = services.open_case(w.desk, requester=w.alice, subject="Second question", priority="question",
                               intake={"phone": "1", "product_version": "2026", "service_pack": "SP1",
                                       "english_ok": "no"})  # fmt: skip
    page = client.get("/portal/").content.decode()
    assert page.index(newer.number) < page.index(w.case.number)
    assert "Question" in page and "High" in page  # priorities by the policy's names


def test_case_page_shows_only_the_public_timeline() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    services.add_note(w.case, bob, "INTERNAL: customer is difficult")
    services.agent_reply(w.case, bob, "Please send the <b>model</b>.")
    page = _as(Client(), w.users["requester"]).get(f"/portal/cases/{w.case.number}/").content.decode()
    assert "Reply from support" in page and "Please send the &lt;b&gt;model&lt;/b&gt;." in page  # escaped
    assert "INTERNAL" not in page and "breached" not in page and "cc_added" not in page
    assert "Case opened" in page and "It crashes." in page
    assert "Request escalation" not in page  # PLM has no escalation levels


def test_requester_comments_accepts_and_reopens() -> None:
    w = world("plm-group")
    client = _as(Client(), w.users["requester"])
    url = f"/portal/cases/{w.case.number}/"
    r = client.post(url + "comment/", {"body": "Here is <script>alert(1)</script> more detail"})
    assert r.status_code == 302
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    ev = CaseEvent.objects.get(case=w.case, kind="customer_reply")
    assert ev.actor == w.users["requester"]
    assert client.post(url + "comment/", {"body": "  "}).status_code == 400  # the form names the field
    assert "Accept the solution" not in page
    services.resolve(w.case, "answered")
    page = client.get(url).content.decode()
    assert "Accept the solution" in page and "Reopen the case" in page
    client.post(url + "reopen/")
    w.case.refresh_from_db()
    assert w.case.status == Case.Status.OPEN
    services.resolve(w.case, "answered")
    client.post(url + "accept/")
    w.case.refresh_from_db()
    assert w.case.status == Case.Status.CLOSED
    assert "Add a comment" not in client.get(url).content.decode()


def test_mastercam_requester_escalates_level_1_then_2_and_never_the_critical_route() -> None:
    w = world("mastercam")
    client = _as(Client(), w.users["requester"])
    url = f"/portal/cases/{w.case.number}/"
    page = client.get(url).content.decode()
    assert "level 1: Support manager / supervisor review" in page
    assert client.post(url + "escalate/", {"reason": ""}).status_code == 400
    client.post(url + "escalate/", {"reason": "No answer for two days"})
    w.case.refresh_from_db()
    assert w.case.escalation_level == 1
    ev = CaseEvent.objects.get(case=w.case, kind="escalated")
    assert ev.data["reason"] == "No answer for two days" and ev.actor == w.users["requester"]
    assert "level 2: Technical-support management" in client.get(url).content.decode()
    client.post(url + "escalate/", {"reason": "Still blocked"})
    w.case.refresh_from_db()
    assert w.case.escalation_level == 2
    page = client.get(url).content.decode()
    assert "Request escalation" not in page and "Executive Sponsor" not in page
    client.post(url + "escalate/", {"reason": "more"})
    w.case.refresh_from_db()
    assert w.case.escalation_level == 2


# ---- opening a case -------------------------------------------------------------------------------------


PLM_FORM = {
    "subject": "Drawing views vanish",
    "priority": "high",
    "intake_phone": "+45 1234 5678",
    "intake_product_version": "R2025x",
    "intake_service_pack": "SP2.1",
    "intake_english_ok": "yes",
    "intake_reproduction": "1. open 2. rebuild",
    "description": "Since Monday.",
}


def _plm_requester() -> tuple[Contact, Contract, Client]:
    d = desk("plm-group")
    alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
    from tests.web.test_portal_world import portal_user

    return alice, contract, _as(Client(), portal_user(alice))


def test_plm_form_has_exactly_the_policys_fields_with_definitions() -> None:
    _, _, client = _plm_requester()
    page = client.get("/portal/new/").content.decode()
    for label in ("Phone", "SOLIDWORKS version (2025) or 3DEXPERIENCE release (R2025x)", "Service pack (SPX.X)",
                  "I accept English support from the global team", "Step-by-step reproduction",
                  "3DEXPERIENCE apps in use"):  # fmt: skip
        assert label in page, label
    assert "SOLIDWORKS: the year, e.g. 2025. 3DEXPERIENCE: the release, e.g. R2025x." in page
    assert "<code>SP\\d+(\\.\\d+)?</code>" in page  # the pattern as a hint
    assert 'name="intake_english_ok"' in page and '<option value="yes">' in page
    assert "Cannot use the software, severe business impact" in page  # Critical's definition
    assert "Not sure: support sets it" in page  # PLM does not require a priority
    assert "SCN" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("intake_product_version", "2025x", "is not in the expected form"),
        ("intake_product_version", "25", "is not in the expected form"),
        ("intake_service_pack", "SP-2", "is not in the expected form"),
        ("intake_english_ok", "", "This field is required"),
        ("intake_phone", "", "This field is required"),
    ],
)
def test_plm_validation_names_the_field_and_keeps_everything_typed(field: str, value: str, message: str) -> None:
    _, _, client = _plm_requester()
    r = client.post("/portal/new/", {**PLM_FORM, field: value})
    assert r.status_code == 200
    form = r.context["form"]
    assert message in " ".join(form.errors[field])
    page = r.content.decode()
    assert 'value="Drawing views vanish"' in page and "1. open 2. rebuild" in page and "Since Monday." in page
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("version", "sp"), [("2025", "SP2.0"), ("R2025x", "SP5"), ("2024", "SP0.1")])
def test_plm_case_opened_on_the_portal_with_the_valid_contract(version: str, sp: str) -> None:
    alice, contract, client = _plm_requester()
    Contract.objects.create(desk=contract.desk, company=alice.company, tier="premium",
                            starts_on=date(2020, 1, 1), ends_on=date(2021, 12, 31))  # fmt: skip  # expired
    r = client.post("/portal/new/", {**PLM_FORM, "intake_product_version": version, "intake_service_pack": sp})
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/portal/cases/{case.number}/"
    assert (case.channel, case.requester, case.contract, case.priority) == ("portal", alice, contract, "high")
    assert case.intake["product_version"] == version and case.intake["english_ok"] == "yes"
    assert case.tier == "standard"


def test_ptc_severity_is_required_with_definitions_and_s0_needs_a_24x7_phone() -> None:
    d = desk("ptc")
    alice, _ = customer(d, country="FR", zone="Europe/Paris", scn="SCN-1")
    from tests.web.test_portal_world import portal_user

    client = _as(Client(), portal_user(alice))
    page = client.get("/portal/new/").content.decode()
    assert "Severity" in page and "Service contract number (SCN)" in page
    assert "Production down. Requires a customer contact available 24/7." in page
    assert '<option value="break-fix">' in page
    form = {"subject": "Server down", "intake_scn": "SCN-1", "intake_product": "Windchill", "intake_category": "Server",
            "intake_product_version": "13.0.2 M010", "intake_problem_type": "break-fix"}  # fmt: skip
    r = client.post("/portal/new/", form)
    assert "This field is required" in " ".join(r.context["form"].errors["priority"])
    r = client.post("/portal/new/", {**form, "priority": "S0"})
    assert "Contact phone reachable 24/7 is required for S0" in " ".join(r.context["form"].errors["intake_phone_24x7"])
    assert 'value="Windchill"' in r.content.decode()
    r = client.post("/portal/new/", {**form, "priority": "S0", "intake_phone_24x7": "+33 1 23 45 67 89"})
    case = Case.objects.get()
    assert r.status_code == 302 and case.priority == "S0" and case.intake["phone_24x7"] == "+33 1 23 45 67 89"


def test_a_service_refusal_is_shown_on_the_field_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, client = _plm_requester()

    def refuse(*args: object, **kwargs: object) -> None:
        raise services.CaseError("Service pack (SPX.X) is required")

    monkeypatch.setattr(services, "open_case", refuse)
    r = client.post("/portal/new/", PLM_FORM)
    assert r.context["form"].errors["intake_service_pack"] == ["Service pack (SPX.X) is required"]


# ---- sign-in, invitation, password reset --------------------------------------------------------------


def test_invitation_creates_the_user_and_the_link_sets_a_password_to_sign_in_with() -> None:
    d = desk("plm-group")
    alice, _ = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
    bob = User.objects.create_user("bob", "bob@desk.test", is_staff=True, first_name="Bob")
    user = invite(alice, by=bob)
    alice.refresh_from_db()
    assert alice.user == user and user.username == "alice@dk.test" and not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@dk.test"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/portal/reset/" in line)
    path = link[link.index("/portal/reset/") :]
    client = Client()
    r = client.get(path, follow=True)
    assert r.status_code == 200 and "Choose your password" in r.content.decode()
    r = client.post(r.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/portal/reset/done/"
    r = Client().post("/portal/login/", {"username": "Alice@DK.test", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/portal/"


def test_invite_command_and_refusals() -> None:
    d = desk("plm-group")
    customer(d, country="DK", zone="Europe/Copenhagen")
    call_command("invite", "ALICE@dk.test")
    assert len(mail.outbox) == 1
    User.objects.create_user("x@y.test", "x@y.test", is_staff=True)
    other = Contact.objects.create(company=Company.objects.get(), name="X", email="x@y.test")
    with pytest.raises(Exception, match="already exists"):
        invite(other, by=None)


def test_password_reset_by_email_reaches_an_invited_contact() -> None:
    d = desk("plm-group")
    alice, _ = customer(d, country="DK", zone="Europe/Copenhagen")
    invite(alice, by=None)
    r = Client().post("/portal/password-reset/", {"email": "alice@dk.test"})
    assert r.status_code == 302 and r["Location"] == "/portal/password-reset/sent/"
    assert len(mail.outbox) == 2 and "/portal/reset/" in mail.outbox[1].body
    Client().post("/portal/password-reset/", {"email": "nobody@dk.test"})
    assert len(mail.outbox) == 2


def test_sign_in_page_and_sign_out() -> None:
    w = world("plm-group")
    client = Client()
    assert "E-mail" in client.get("/portal/login/").content.decode()
    r = client.post("/portal/login/", {"username": w.alice.email, "password": PASSWORD})
    assert r["Location"] == "/portal/"
    assert w.case.number in client.get("/portal/").content.decode()
    assert client.post("/portal/logout/")["Location"] == "/portal/login/"
    assert client.get("/portal/").status_code == 302


def test_files_come_with_the_case_and_are_served_only_to_who_sees_it() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = world("plm-group")
    client = _as(Client(), w.users["requester"])
    shot = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200, content_type="image/png")
    r = client.post(f"/portal/cases/{w.case.number}/comment/", {"body": "See the screenshot", "uploads": [shot]})
    assert r.status_code == 302
    att = w.case.attachments.get()
    page = client.get(f"/portal/cases/{w.case.number}/").content.decode()
    url = f"/portal/cases/{w.case.number}/files/{att.pk}/"
    assert url in page and "screen.png" in page
    assert client.get(url).status_code == 200
    mate = _as(Client(), w.users["colleague"])
    assert mate.get(url).status_code == 404
    services.add_note(w.case, w.users["agent"], "internal log", files=[SimpleUploadedFile("x.log", b"secret")])
    hidden = w.case.attachments.get(name="x.log")
    assert client.get(f"/portal/cases/{w.case.number}/files/{hidden.pk}/").status_code == 404
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    r = client.post(f"/portal/cases/{w.case.number}/comment/", {"body": "exe", "uploads": [bad]})
    assert r.status_code == 400 and "run.exe: files of type .exe are not accepted" in r.content.decode()


def test_uploaded_files_wait_across_a_refused_form_and_come_with_the_case(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    _, _, client = _plm_requester()
    shot = SimpleUploadedFile("screen.png", b"\x89PNG-first", content_type="image/png")
    log = SimpleUploadedFile("solidworks.log", b"log lines", content_type="text/plain")
    exe = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    r = client.post("/portal/new/", {**PLM_FORM, "intake_service_pack": "SP-2", "uploads": [shot, log, exe]})
    page = r.content.decode()
    assert r.status_code == 200 and "is not in the expected form" in page
    assert "Files you already uploaded" in page and "screen.png" in page and "solidworks.log" in page
    assert "setup.exe: files of type .exe are not accepted" in page  # refused now, not lost silently later
    tokens = r.context["held"]
    assert [h.name for h in tokens] == ["screen.png", "solidworks.log"]
    # The requester corrects the field, unticks the log, adds one more file: the case gets the ticked and the new.
    more = SimpleUploadedFile("second.png", b"\x89PNG-second", content_type="image/png")
    held = [h.token for h in tokens if h.name == "screen.png"]
    # Another requester's session cannot attach what this one holds, even with its token.
    mallory, _ = customer(desk("plm-group"), country="SE", zone="Europe/Stockholm", tier="standard")
    from tests.web.test_portal_world import portal_user

    other = _as(Client(), portal_user(mallory))
    assert other.post("/portal/new/", {**PLM_FORM, "held": held}).status_code == 302
    assert not Case.objects.get(requester=mallory).attachments.exists()
    r = client.post("/portal/new/", {**PLM_FORM, "held": held, "uploads": [more]})
    case = Case.objects.exclude(requester=mallory).get()
    assert r.status_code == 302
    stored = {a.name: a.file.read() for a in case.attachments.all()}
    assert stored == {"screen.png": b"\x89PNG-first", "second.png": b"\x89PNG-second"}
    assert not list((tmp_path / "held").iterdir())  # nothing left waiting
