"""Scope (issue 15): the agent classifies a request by the policy's lists; out of scope offers the paid route
instead of the SLA, and the clocks say so. Every expectation read off POLICIES.md by hand:

- PLM Group (section 1): installation, upgrades, macros, ... are "NOT covered, offered as hourly
  consultancy"; defects and functionality questions are covered. Sweden (Europe/Stockholm):
  Mon-Fri 08-12, 13-16; Standard High 8 business hours, Critical 4. No Swedish holiday in 30 Nov - 4 Dec 2026.
- Mastercam (section 2): SDK, custom toolpath and post-processor work is "sent to paid professional
  services"; the other exclusions are simply not covered. `online` calendar Mon-Fri 08-17 in the licensed
  user's zone (New York); P1 response 2h, resolution 8h.
- Solidxperts (section 4): how-to questions, configuration, ... are not included: paid Technical Services;
  how-to and configuration may use a grace call.
- DYTRON (section 3): PAY is paid support on demand, each service type at its fixed rate; an SLA-level
  contract states its own reaction times (here urgent 1h).
- PTC (section 5) declares no scope lists.

Out of scope removes pending targets exactly as the bug/defect classification does (0.2, 0.17): a due
already passed stays a recorded breach; back in scope the targets return as if never removed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.contracts import scope
from casedesk.desks.policies import preset_of
from casedesk.sla import load_preset
from casedesk.sla.clock import SCOPE, Facts
from casedesk.sla.clock_json import from_json, to_json
from tests.cases.factories import customer, desk, staff

pytestmark = pytest.mark.django_db
STO = ZoneInfo("Europe/Stockholm")
NYC = ZoneInfo("America/New_York")
PRG = ZoneInfo("Europe/Prague")
TORONTO = ZoneInfo("America/Toronto")
PLM_INTAKE = {"phone": "+46 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}
MC_INTAKE = {"site": "Plant", "product_version": "2026"}


def sto(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11 if day > 20 else 12, day, hour, minute, tzinfo=STO)


def nyc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11 if day > 20 else 12, day, hour, minute, tzinfo=NYC)


def metric(case: Case, key: str = "response") -> SlaMetric:
    return case.metrics.get(metric=key)


def plm_se(priority: str, at: datetime) -> Case:
    d = desk("plm-group")
    alice, contract = customer(d, country="SE", zone="Europe/Stockholm", tier="standard")
    return services.open_case(
        d, requester=alice, subject="Install", priority=priority, contract=contract, intake=PLM_INTAKE, at=at
    )


def mastercam_p1(at: datetime) -> Case:
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    return services.open_case(
        d, requester=alice, subject="Post", priority="P1", contract=contract, intake=MC_INTAKE, at=at
    )


# -- the lists, read from each preset -------------------------------------------------


def test_each_preset_lists_its_items_with_the_paid_route_it_names() -> None:
    plm = {i.name: i for i in scope.items(load_preset("plm-group").policy)}
    assert plm["Questions on product functionality"].in_scope
    assert plm["Questions on product functionality"].offer == ""
    assert not plm["Installation"].in_scope and plm["Installation"].offer == "hourly consultancy"
    assert all(i.offer == "hourly consultancy" for i in plm.values() if i.group == scope.EXCLUDED)

    mc = {i.name: i for i in scope.items(load_preset("mastercam").policy)}
    assert not any(i.in_scope for i in mc.values())  # Mastercam lists exclusions only
    sdk = "SDK, custom toolpath development, post-processor modifications (paid professional services)"
    assert mc[sdk].offer == "paid professional services"
    assert mc["Hardware faults or customer negligence"].offer == ""  # not covered: no paid route named

    sx = {i.name: i for i in scope.items(load_preset("solidxperts").policy)}
    assert sx["How-to questions"].offer == "paid Technical Services" and sx["How-to questions"].grace_eligible
    assert sx["Configuration"].grace_eligible
    assert not sx["Best practices"].grace_eligible
    assert sx["Licence activation and deactivation"].in_scope

    dy = scope.items(load_preset("dytron").policy)
    assert {i.group for i in dy} == {scope.PAID} and len(dy) == 7
    assert all(i.offer == "PAY services at the rate card" for i in dy)

    assert scope.items(load_preset("ptc").policy) == []


def test_the_grouped_choices_put_covered_first_and_leave_empty_groups_out() -> None:
    groups = scope.grouped(load_preset("plm-group").policy)
    assert [len(items) for _, items in groups] == [2, 15]
    assert [len(items) for _, items in scope.grouped(load_preset("dytron").policy)] == [7]


# -- PLM Group: hourly consultancy instead of the SLA ----------------------------------------


def test_plm_installation_before_the_due_removes_the_response_target_and_offers_hourly_consultancy() -> None:
    # Standard High from Mon 30 Nov 09:00 Stockholm: Mon 09-12 (3h) + 13-16 (3h) + Tue 08-10 (2h) -> Tue 10:00.
    case = plm_se("high", sto(30, 9))
    assert metric(case).due_at == sto(1, 10)
    bob = staff("bob")
    services.classify_scope(case, "Installation", actor=bob, at=sto(30, 14))
    m = metric(case)
    assert (m.status, m.cancelled_at, m.breached) == ("cancelled", sto(30, 14), False)
    case.refresh_from_db()
    assert case.next_due_at is None
    event = CaseEvent.objects.get(case=case, kind=SCOPE)
    assert event.data == {"item": "Installation", "in_scope": False, "offer": "hourly consultancy"}
    assert (event.actor, event.at) == (bob, sto(30, 14))
    current = scope.classified(case, preset_of(case.policy_version).policy)
    assert current is not None and current.offer == "hourly consultancy" and not current.in_scope
    # Tuesday 11:00, past the due it would have had: nothing is breached, nothing is due.
    services.bring_clocks_to(case, sto(1, 11))
    assert metric(case).status == "cancelled" and not metric(case).breached


def test_plm_classified_after_the_due_passed_keeps_the_breach_recorded() -> None:
    # Standard Critical from Mon 30 Nov 09:00 Stockholm: 09-12 (3h) + 13-14 (1h) -> due 14:00.
    case = plm_se("critical", sto(30, 9))
    services.classify_scope(case, "Macros and API", at=sto(30, 15))
    m = metric(case)
    assert (m.status, m.breached, m.breached_at) == ("overdue", True, sto(30, 14))
    case.refresh_from_db()
    assert case.sla_breached
    assert CaseEvent.objects.filter(case=case, kind="breached", at=sto(30, 14)).count() == 1


def test_plm_back_in_scope_returns_the_target_with_its_original_due() -> None:
    case = plm_se("high", sto(30, 9))
    services.classify_scope(case, "Installation", at=sto(30, 14))
    services.classify_scope(case, "", at=sto(1, 9))
    m = metric(case)
    assert (m.status, m.due_at, m.cancelled_at) == ("running", sto(1, 10), None)
    assert CaseEvent.objects.filter(case=case, kind=SCOPE).last().data == {  # type: ignore[union-attr]
        "item": "",
        "in_scope": True,
        "offer": "",
    }
    # Cleared only after that due: as if never removed, the response was missed at Tue 10:00.
    other = plm_se("high", sto(30, 9))
    services.classify_scope(other, "Installation", at=sto(30, 14))
    services.classify_scope(other, "", at=sto(1, 11))
    m = metric(other)
    assert (m.status, m.breached_at) == ("overdue", sto(1, 10))


def test_plm_a_covered_item_keeps_the_sla() -> None:
    case = plm_se("high", sto(30, 9))
    services.classify_scope(case, "Questions on product functionality", at=sto(30, 10))
    m = metric(case)
    assert (m.status, m.due_at) == ("running", sto(1, 10))
    assert CaseEvent.objects.get(case=case, kind=SCOPE).data["in_scope"] is True
    # From a covered item straight to an excluded one, and back to a covered one.
    services.classify_scope(case, "Simulation", at=sto(30, 11))
    assert metric(case).status == "cancelled"
    services.classify_scope(case, "Questions on product functionality", at=sto(30, 12))
    assert (metric(case).status, metric(case).due_at) == ("running", sto(1, 10))


def test_the_same_item_again_records_nothing() -> None:
    case = plm_se("high", sto(30, 9))
    services.classify_scope(case, "Installation", at=sto(30, 10))
    services.classify_scope(case, "Installation", at=sto(30, 11))
    services.classify_scope(case, "", at=sto(30, 12))
    services.classify_scope(case, "", at=sto(30, 13))
    assert CaseEvent.objects.filter(case=case, kind=SCOPE).count() == 2


def test_out_of_scope_and_bug_both_remove_and_both_must_clear() -> None:
    case = mastercam_p1(nyc(30, 9))
    services.classify_scope(case, "Outdated software configurations", at=nyc(30, 9, 30))
    services.classify(case, "bug", at=nyc(30, 9, 45))
    services.classify_scope(case, "", at=nyc(30, 10))
    assert metric(case).status == "cancelled"  # the bug classification still holds
    services.classify(case, "", at=nyc(30, 10, 15))
    assert (metric(case).status, metric(case).due_at) == ("running", nyc(30, 11))


# -- Mastercam: paid professional services, or not covered --------------------------------------


def test_mastercam_post_processor_work_removes_response_and_resolution_and_offers_professional_services() -> None:
    # P1 from Mon 09:00 New York: response due 11:00, resolution (8h on 08-17) due 17:00.
    case = mastercam_p1(nyc(30, 9))
    assert metric(case, "resolution").due_at == nyc(30, 17)
    sdk = "SDK, custom toolpath development, post-processor modifications (paid professional services)"
    services.classify_scope(case, sdk, at=nyc(30, 10))
    assert metric(case, "response").status == "cancelled"
    assert metric(case, "resolution").status == "cancelled"
    assert CaseEvent.objects.get(case=case, kind=SCOPE).data["offer"] == "paid professional services"


def test_mastercam_another_exclusion_is_not_covered_with_no_paid_route() -> None:
    case = mastercam_p1(nyc(30, 9))
    services.classify_scope(case, "Hardware faults or customer negligence", at=nyc(30, 10))
    assert metric(case, "response").status == "cancelled"
    current = scope.classified(case, preset_of(case.policy_version).policy)
    assert current is not None and current.offer == "" and "not covered" in current.route


# -- Solidxperts: paid Technical Services, grace-eligible ----------------------------------------


def test_solidxperts_how_to_is_out_of_scope_and_grace_eligible() -> None:
    d = desk("solidxperts")
    alice, contract = customer(d, country="CA", zone="America/Toronto", tier="subscription")
    case = services.open_case(
        d, requester=alice, contract=contract, subject="How do I?", at=datetime(2026, 11, 30, 10, tzinfo=TORONTO)
    )
    services.classify_scope(case, "How-to questions", at=datetime(2026, 11, 30, 11, tzinfo=TORONTO))
    current = scope.classified(case, preset_of(case.policy_version).policy)
    assert current is not None
    assert (current.in_scope, current.offer, current.grace_eligible) == (False, "paid Technical Services", True)
    services.classify_scope(case, "Best practices", at=datetime(2026, 11, 30, 12, tzinfo=TORONTO))
    current = scope.classified(case, preset_of(case.policy_version).policy)
    assert current is not None and not current.grace_eligible


# -- DYTRON: PAY services at the rate card --------------------------------------------------


def test_dytron_paid_service_removes_the_sla_contracts_reaction_time() -> None:
    d = desk("dytron")
    alice, contract = customer(
        d, country="CZ", zone="Europe/Prague", tier="SLA", targets={"urgent": {"response": "1h"}}
    )
    opened = datetime(2026, 11, 30, 10, tzinfo=PRG)
    case = services.open_case(d, requester=alice, subject="Train us", priority="urgent", contract=contract, at=opened)
    assert metric(case).due_at == datetime(2026, 11, 30, 11, tzinfo=PRG)
    services.classify_scope(case, "Training", at=datetime(2026, 11, 30, 10, 30, tzinfo=PRG))
    assert metric(case).status == "cancelled"
    assert CaseEvent.objects.get(case=case, kind=SCOPE).data == {
        "item": "Training",
        "in_scope": False,
        "offer": "PAY services at the rate card",
    }


# -- refusals -----------------------------------------------------------------------------


def test_an_unknown_item_is_refused_and_changes_nothing() -> None:
    case = plm_se("high", sto(30, 9))
    with pytest.raises(services.CaseError, match="unknown scope item 'Gardening'"):
        services.classify_scope(case, "Gardening", at=sto(30, 10))
    assert not CaseEvent.objects.filter(case=case, kind=SCOPE).exists()
    assert metric(case).status == "running"


def test_ptc_declares_no_scope_lists() -> None:
    d = desk("ptc")
    alice, contract = customer(d, country="FR", zone="Europe/Paris", scn="4000017")
    intake = {"scn": "4000017", "product": "Creo", "category": "Modeling", "product_version": "11"}
    case = services.open_case(
        d, requester=alice, subject="Creo", priority="S2", contract=contract,
        intake={**intake, "problem_type": "how-to"}, at=datetime(2026, 11, 30, 9, tzinfo=UTC),
    )  # fmt: skip
    with pytest.raises(services.CaseError, match="declares no scope lists"):
        services.classify_scope(case, "Installation")


# -- stored clock states ---------------------------------------------------------------------


def test_a_clock_state_stored_before_scope_existed_loads_in_scope() -> None:
    case = plm_se("high", sto(30, 9))
    stored = dict(case.clock)
    stored["facts"] = {k: v for k, v in stored["facts"].items() if k != "out_of_scope"}
    state = from_json(stored)
    assert state.facts.out_of_scope is False
    assert to_json(state)["facts"]["out_of_scope"] is False
    assert Facts().holds("out_of_scope") is False
    # A case row holding such a state folds the next event onto it.
    Case.objects.filter(pk=case.pk).update(clock=stored)
    case.refresh_from_db()
    services.classify_scope(case, "Installation", at=sto(30, 14))
    assert metric(case).status == "cancelled"


def test_a_due_passed_before_the_removal_is_recorded_once_for_bug_and_scope_alike() -> None:
    # Mastercam P1 from Mon 09:00 New York: response due 11:00; removed at 12:00, one breach record at 11:00.
    for kind in ("bug", "scope"):
        case = mastercam_p1(nyc(30, 9))
        if kind == "bug":
            services.classify(case, "bug", at=nyc(30, 12))
        else:
            services.classify_scope(case, "Outdated software configurations", at=nyc(30, 12))
        assert metric(case).missed == 1
        assert list(CaseEvent.objects.filter(case=case, kind="breached").values_list("at", flat=True)) == [nyc(30, 11)]
