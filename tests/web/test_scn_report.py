"""PTC (POLICIES section 5): entitlement by SCN, and "customers with the Online Licensing privilege can get a
detailed report listing their SCNs". Two contracts of one company: SCN 4000017 valid through 2027, SCN
4000099 ended 2025-12-31; two cases on the first (one resolved), none on the second."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from tests.cases.factories import customer, desk
from tests.cases.test_ptc import INTAKE
from tests.web.test_portal_world import portal_user

BOSTON = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> Contact:
    ptc = desk("ptc")
    alice, contract = customer(ptc, country="US", zone="America/New_York", tier="", scn="4000017")
    Contract.objects.create(
        desk=ptc,
        company=alice.company,
        site=alice.site,
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        service_number="4000099",
    )
    for day in (2, 3):
        case = services.open_case(
            ptc,
            requester=alice,
            contract=contract,
            subject=f"Regen fails {day}",
            priority="S2",
            intake=dict(INTAKE),
            at=datetime(2026, 11, day, 10, tzinfo=BOSTON),
        )
    services.resolve(case, "solved", at=datetime(2026, 11, 4, 10, tzinfo=BOSTON))
    return alice


def test_a_contact_with_the_privilege_sees_every_scn_with_its_cases(alice: Contact) -> None:
    alice.online_licensing = True
    alice.save()
    browser = Client()
    browser.force_login(portal_user(alice))
    assert "Report of our service contract numbers" in browser.get("/portal/").content.decode()
    page = browser.get("/portal/scns/").content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    valid, ended = rows
    assert "4000017" in valid and ">yes<" in valid and "<td>2</td><td>1</td>" in valid
    assert "4000099" in ended and "2025-12-31" in ended and "expired" in ended and "<td>0</td><td>0</td>" in ended


def test_without_the_privilege_the_report_is_refused(alice: Contact) -> None:
    browser = Client()
    browser.force_login(portal_user(alice))
    assert "Report of our service contract numbers" not in browser.get("/portal/").content.decode()
    r = browser.get("/portal/scns/")
    assert r.status_code == 403
    assert "4000017" not in r.content.decode()
