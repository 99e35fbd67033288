"""Who sees a case (POLICIES 0.6 and PLM's GDPR rule): the getter behind portal, console and API."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser, User

from casedesk.accounts.models import Contact
from casedesk.cases import access, services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership

from .factories import customer, desk, staff

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
PLM_INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


def _login(contact: Contact) -> User:
    contact.user = User.objects.create_user(contact.email, contact.email, "pw")
    contact.save()
    return contact.user


def _colleague(of: Contact, name: str) -> Contact:
    return Contact.objects.create(company=of.company, site=of.site, name=name, email=f"{name}@{of.company.pk}.test")


def _world(slug: str) -> tuple[Desk, Case, dict[str, User | AnonymousUser]]:
    d = desk(slug)
    if slug == "plm-group":
        alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
        intake, at = PLM_INTAKE, datetime(2026, 11, 30, 9, tzinfo=CPH)
    else:
        alice, contract = customer(d, country="US", zone="America/New_York")
        intake, at = {"site": "Plant", "product_version": "2026"}, datetime(2026, 11, 30, 9, tzinfo=NYC)
    case = services.open_case(d, requester=alice, subject="x", contract=contract, intake=intake, at=at)
    ccd, colleague = _colleague(alice, "cc"), _colleague(alice, "colleague")
    services.add_cc(case, ccd, at=at)
    stranger, _ = customer(d, country="SE", zone="Europe/Stockholm")
    other_desk = desk("ptc" if slug != "ptc" else "dytron")
    agent, manager, foreign_agent = staff("bob"), staff("carol"), staff("mallory")
    Membership.objects.create(desk=d, user=agent, role=Membership.Role.AGENT)
    Membership.objects.create(desk=d, user=manager, role=Membership.Role.SUPPORT_MANAGER)
    Membership.objects.create(desk=other_desk, user=foreign_agent, role=Membership.Role.AGENT)
    users: dict[str, User | AnonymousUser] = {
        "anonymous": AnonymousUser(),
        "requester": _login(alice),
        "cc": _login(ccd),
        "colleague": _login(colleague),
        "other company": _login(stranger),
        "agent of another desk": foreign_agent,
        "agent": agent,
        "manager": manager,
        "superuser": User.objects.create_superuser("root", "root@x.test", "pw"),
    }
    return d, case, users


def _sees(user: User | AnonymousUser, case: Case, area: str) -> bool:
    get = access.case_for_portal if area == "portal" else access.case_for_console
    try:
        return get(user, case.number).pk == case.pk
    except access.CaseNotFound:
        return False


@pytest.mark.parametrize("slug", ["plm-group", "mastercam"])
def test_the_visibility_matrix(slug: str) -> None:
    # PLM Group: CC'd users get e-mails but no portal view; other desks: CC'd users see the case.
    d, case, users = _world(slug)
    portal = {name for name, u in users.items() if _sees(u, case, "portal")}
    console = {name for name, u in users.items() if _sees(u, case, "console")}
    assert portal == ({"requester"} if slug == "plm-group" else {"requester", "cc"})
    assert console == {"agent", "manager", "superuser"}
    assert not d.cc_can_view_in_portal if slug == "plm-group" else d.cc_can_view_in_portal


def test_someone_elses_case_is_answered_like_a_missing_one() -> None:
    _, case, users = _world("plm-group")
    with pytest.raises(access.CaseNotFound) as other:
        access.case_for_portal(users["colleague"], case.number)
    with pytest.raises(access.CaseNotFound) as missing:
        access.case_for_portal(users["colleague"], "PLM-999999")
    assert str(other.value) == str(missing.value)


def test_a_cc_removed_no_longer_sees_the_case() -> None:
    _, case, users = _world("mastercam")
    cc = Contact.objects.get(user=users["cc"])
    services.remove_cc(case, cc, at=datetime(2026, 11, 30, 10, tzinfo=NYC))
    assert not _sees(users["cc"], case, "portal")
    assert [e.kind for e in case.events.order_by("at", "id")][-2:] == ["cc_added", "cc_removed"]
