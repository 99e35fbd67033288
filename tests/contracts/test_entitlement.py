"""Entitlement at intake (POLICIES 0.27; sections 2 and 5): recorded on every new case as an event, shown to
agents, never a refusal. Mastercam agreements are bound to the site where the licence is used; PTC checks the
service contract number (SCN). Expected reasons are the policy's facts (site, SCN, dates) in words.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from casedesk.accounts.models import Contract
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Membership
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundAddress
from tests.cases.factories import customer, desk, staff
from tests.cases.test_ptc import INTAKE as PTC_INTAKE
from tests.mail.mails import mail

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=NEW_YORK)


def entitlement(case: Case) -> dict[str, object]:
    return case.events.get(kind="entitlement").data


def mastercam_case(site: str, **contract_changes: object) -> Case:
    mc = desk("mastercam")
    carl, contract = customer(mc, country="US", zone="America/New_York")  # the contract's site is "Plant"
    if contract_changes:
        Contract.objects.filter(pk=contract.pk).update(**contract_changes)
        contract.refresh_from_db()
    intake = {"site": site, "product_version": "2026"}
    return services.open_case(mc, requester=carl, contract=contract, subject="Post fails", intake=intake, at=MONDAY)


def test_a_licence_used_at_the_agreement_site_is_entitled() -> None:
    assert entitlement(mastercam_case("plant")) == {"status": "entitled", "reasons": []}


def test_a_licence_used_at_another_site_is_not_entitled_and_the_reason_names_the_site() -> None:
    case = mastercam_case("Detroit")
    assert entitlement(case) == {
        "status": "not_entitled",
        "reasons": ["the agreement covers the site Plant, not Detroit where the licence is used"],
    }
    assert case.is_open  # never dropped: the agent answers with the paid route


def test_an_expired_agreement_is_not_entitled_with_its_end_date() -> None:
    case = mastercam_case("Plant", ends_on=date(2026, 10, 31))
    assert entitlement(case) == {"status": "not_entitled", "reasons": ["the contract ended on 2026-10-31"]}


def test_ptc_checks_the_scn_against_the_companys_contracts() -> None:
    ptc = desk("ptc")
    alice, contract = customer(ptc, country="FR", zone="Europe/Paris", scn="4000017")
    at = datetime(2026, 11, 30, 10, 0, tzinfo=PARIS)

    def opened(scn: str) -> Case:
        intake = {**PTC_INTAKE, "scn": scn}
        return services.open_case(
            ptc, requester=alice, contract=contract, subject="Crash", priority="S2", intake=intake, at=at
        )

    assert entitlement(opened("4000017"))["status"] == "entitled"
    assert entitlement(opened("4999999")) == {
        "status": "not_entitled",
        "reasons": ["SCN 4999999 is not a service contract of Customer FR"],
    }


def test_an_unknown_sender_by_e_mail_gets_a_case_that_is_not_entitled_and_the_agent_sees_why() -> None:
    mc = desk("mastercam")
    InboundAddress.objects.create(address="support@mastercam.example.com", desk=mc)
    result = accept(
        mail(frm="stranger@unknown.test", to="support@mastercam.example.com"),
        "support@mastercam.example.com",
        source="pipe",
    )
    case = Case.objects.get(number=result.case)
    assert entitlement(case)["status"] == "not_entitled"
    bob = staff("bob")
    Membership.objects.create(desk=mc, user=bob, role=Membership.Role.AGENT)
    client = Client()
    client.force_login(bob)
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert 'id="entitlement"' in page and "not entitled: no contract on file for" in page


def test_dytron_alc_covers_only_solutions_bought_through_dytron() -> None:
    # POLICIES section 3: "ALC ... for customers who bought their Dassault solution through DYTRON".
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from casedesk.cases import services
    from casedesk.cases.models import CaseEvent
    from tests.cases.factories import customer, desk

    dy = desk("dytron")
    at = datetime(2026, 11, 3, 10, tzinfo=ZoneInfo("Europe/Prague"))
    ours, contract = customer(dy, country="CZ", zone="Europe/Prague", tier="ALC")
    case = services.open_case(dy, requester=ours, contract=contract, subject="Hotline question", at=at)
    assert CaseEvent.objects.get(case=case, kind="entitlement").data == {"status": "entitled", "reasons": []}
    contract.bought_here = False
    contract.save()
    case = services.open_case(dy, requester=ours, contract=contract, subject="Another question", at=at)
    verdict = CaseEvent.objects.get(case=case, kind="entitlement").data
    assert verdict["status"] == "not_entitled"
    assert verdict["reasons"] == ["ALC covers only solutions bought through DYTRON: this one was bought elsewhere"]
