"""Desk boundaries, routing and intake (POLICIES.md 0.24, 0.25, 0.27)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.cases import services
from casedesk.cases.models import Case

from .factories import customer, desk

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
OSL = ZoneInfo("Europe/Oslo")
PLM_INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}
MON_9 = datetime(2026, 11, 30, 9, 0, tzinfo=CPH)


def test_a_case_is_opened_only_for_a_contact_and_contract_of_the_desk() -> None:
    plm, mc = desk("plm-group"), desk("mastercam")
    alice, _contract = customer(plm, country="DK", zone="Europe/Copenhagen", tier="standard")
    with pytest.raises(services.CaseError, match="another desk"):
        services.open_case(mc, requester=alice, subject="x", intake=PLM_INTAKE, at=MON_9)
    _bo, mc_contract = customer(mc, country="US", zone="America/New_York")
    with pytest.raises(services.CaseError, match="another desk"):
        services.open_case(plm, requester=alice, subject="x", contract=mc_contract, intake=PLM_INTAKE, at=MON_9)
    assert not plm.cases.exists() and not mc.cases.exists()


def test_tiers_compare_without_case_and_an_undeclared_tier_is_refused() -> None:
    plm = desk("plm-group")
    alice, contract = customer(plm, country="DK", zone="Europe/Copenhagen", tier="Premium")
    case = services.open_case(
        plm, requester=alice, subject="x", priority="critical", contract=contract, intake=PLM_INTAKE, at=MON_9
    )
    # Premium critical is 2 business hours: Mon 09:00 -> 11:00.
    assert case.tier == "premium"
    assert case.metrics.get(metric="response").due_at == datetime(2026, 11, 30, 11, 0, tzinfo=CPH)
    Contract.objects.filter(pk=contract.pk).update(tier="gold")  # written around the contract's validation
    contract.refresh_from_db()
    with pytest.raises(services.CaseError, match="tier 'gold'"):
        services.open_case(plm, requester=alice, subject="y", contract=contract, intake=PLM_INTAKE, at=MON_9)


def test_plm_without_a_contract_says_no_contract_no_sla() -> None:
    plm = desk("plm-group")
    alice, _ = customer(plm, country="DK", zone="Europe/Copenhagen", tier="standard")
    case = services.open_case(plm, requester=alice, subject="x", priority="high", intake=PLM_INTAKE, at=MON_9)
    assert case.no_contract_sla
    assert case.metrics.get(metric="response").status == "no_target"


def test_dytron_sla_contract_without_its_own_reaction_times_is_refused() -> None:
    d = desk("dytron")
    alice, contract = customer(
        d, country="CZ", zone="Europe/Prague", tier="SLA", targets={"urgent": {"response": "4h"}}
    )
    Contract.objects.filter(pk=contract.pk).update(targets={})  # written around the contract's validation
    contract.refresh_from_db()
    with pytest.raises(services.CaseError, match="states its own targets"):
        services.open_case(d, requester=alice, subject="x", priority="urgent", contract=contract, at=MON_9)


def test_a_country_without_a_plm_queue_goes_to_norway_flagged_for_triage() -> None:
    # Lithuania has no PLM queue: Norway's queue and calendar (08-16 Oslo), flagged (POLICIES 0.24).
    plm = desk("plm-group")
    alice, contract = customer(plm, country="LT", zone="Europe/Vilnius", tier="standard")
    case = services.open_case(
        plm,
        requester=alice,
        subject="x",
        priority="high",
        contract=contract,
        intake=PLM_INTAKE,
        at=datetime(2026, 11, 30, 9, 0, tzinfo=OSL),
    )
    assert (case.queue.key, case.calendar, case.needs_triage) == ("NO", "NO", True)
    # High 8h on Oslo's 08-16 from Mon 09:00: Mon 7h + Tue 08:00-09:00 -> Tue 09:00 Oslo.
    assert case.metrics.get(metric="response").due_at == datetime(2026, 12, 1, 9, 0, tzinfo=OSL)


def test_e_mail_with_intake_fields_missing_is_opened_and_flagged_the_portal_refuses() -> None:
    plm = desk("plm-group")
    alice, contract = customer(plm, country="DK", zone="Europe/Copenhagen", tier="standard")
    with pytest.raises(services.CaseError, match="required"):
        services.open_case(plm, requester=alice, subject="x", contract=contract, channel="portal", at=MON_9)
    case = services.open_case(
        plm,
        requester=alice,
        subject="Crash",
        contract=contract,
        channel="email",
        intake={"product_version": "2025"},
        at=MON_9,
    )
    assert case.info_missing
    assert case.intake == {"product_version": "2025"}
    assert case.events.get(kind="opened").data["missing"]
    services.info_received(case, at=datetime(2026, 11, 30, 10, 0, tzinfo=CPH))
    case.refresh_from_db()
    assert not case.info_missing


def test_blank_zones_mean_the_calendars_own_zone_not_utc() -> None:
    # Mastercam online is 08-17 in the licensed user's zone, New York when unknown (POLICIES 0.25).
    mc = desk("mastercam")
    company = Company.objects.create(desk=mc, name="Unknown Zone Inc", country="US")
    site = Site.objects.create(company=company, name="Plant", country="US", zone="")
    bo = Contact.objects.create(company=company, site=site, name="Bo", email="bo@x.test", zone="")
    case = services.open_case(
        mc,
        requester=bo,
        subject="x",
        priority="P1",
        intake={"site": "Plant", "product_version": "2026"},
        at=datetime(2026, 11, 30, 9, 0, tzinfo=NYC),
    )
    assert case.calendar_zone == ""
    # P1 response 2h from Mon 09:00 New York -> 11:00 New York.
    assert case.metrics.get(metric="response").due_at == datetime(2026, 11, 30, 11, 0, tzinfo=NYC)


def test_a_case_with_an_invalid_stored_zone_gets_a_clear_error() -> None:
    mc = desk("mastercam")
    company = Company.objects.create(desk=mc, name="Typo Inc", country="US")
    site = Site.objects.create(company=company, name="Plant", country="US", zone="")
    bo = Contact.objects.create(company=company, site=site, name="Bo", email="bo@x.test", zone="")
    Site.objects.filter(pk=site.pk).update(zone="America/New_Yrok")  # written around validation
    site.refresh_from_db()
    with pytest.raises(services.CaseError, match="unknown time zone 'America/New_Yrok'"):
        services.open_case(
            mc,
            requester=bo,
            subject="x",
            site=site,
            intake={"site": "Plant", "product_version": "2026"},
            at=datetime(2026, 11, 30, 9, 0, tzinfo=NYC),
        )


def test_the_queue_lists_open_cases_by_nearest_due_overdue_first_and_never_resolved_ones() -> None:
    # DK Standard: Critical 4h, High 8h, Low 4 bd; all opened Mon 30 Nov 09:00, read at 15:00.
    plm = desk("plm-group")
    alice, contract = customer(plm, country="DK", zone="Europe/Copenhagen", tier="standard")

    def open_(priority: str) -> Case:
        return services.open_case(
            plm, requester=alice, subject=priority, priority=priority, contract=contract, intake=PLM_INTAKE, at=MON_9
        )

    low, high, critical, done = open_("low"), open_("high"), open_("critical"), open_("critical")
    services.resolve(done, "solved", at=datetime(2026, 11, 30, 10, 0, tzinfo=CPH))
    queue = list(Case.objects.filter(desk=plm).by_nearest_due())
    # critical due Mon 14:00 (overdue at 15:00), high Tue 09:00, low Fri 4 Dec 09:00.
    assert queue == [critical, high, low]
    assert list(Case.objects.filter(queue=critical.queue).by_nearest_due()) == [critical, high, low]


def test_an_e_mail_case_with_intake_missing_gets_its_priority_but_s0_still_needs_the_24x7_phone() -> None:
    plm = desk("plm-group")
    alice, contract = customer(plm, country="DK", zone="Europe/Copenhagen", tier="standard")
    case = services.open_case(plm, requester=alice, subject="Crash", contract=contract, channel="email", at=MON_9)
    assert case.info_missing and case.priority == ""
    services.set_priority(case, "critical", at=datetime(2026, 11, 30, 9, 30, tzinfo=CPH))
    case.refresh_from_db()
    assert case.priority == "critical" and case.info_missing  # still missing: the agent collects it
    ptc = desk("ptc")
    bob, ptc_contract = customer(ptc, country="FR", zone="Europe/Paris", scn="4000017")
    s1 = services.open_case(ptc, requester=bob, subject="Down", contract=ptc_contract, channel="email",
                            priority="S1", at=MON_9)  # fmt: skip
    with pytest.raises(services.CaseError, match="Contact phone reachable 24/7 is required"):
        services.set_priority(s1, "S0", at=datetime(2026, 11, 30, 9, 30, tzinfo=CPH))
