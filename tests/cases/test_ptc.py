"""PTC: C1234567 numbers, S0 reviews every 24 elapsed hours, 24/7 contact at S0."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services

from .factories import customer, desk, staff

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
INTAKE = {
    "scn": "4000017",
    "product": "Creo",
    "category": "Modeling",
    "product_version": "11.0 M020",
    "problem_type": "break-fix",
}


def _open(priority: str, at: datetime, **extra: str):  # type: ignore[no-untyped-def]
    d = desk("ptc")
    alice, contract = customer(d, country="FR", zone="Europe/Paris", scn="4000017")
    return services.open_case(
        d,
        requester=alice,
        subject="Production down",
        priority=priority,
        contract=contract,
        intake={**INTAKE, **extra},
        at=at,
    )


def test_s0_reviews_every_24_elapsed_hours_across_the_dst_change() -> None:
    # Sat 24 Oct 2026 12:00 CEST (10:00 UTC); clocks go back on Sun 25 Oct at 03:00 CEST.
    # 24 elapsed hours later is Sun 25 Oct 10:00 UTC = 11:00 CET; 48 h: Mon 26 Oct 11:00 CET.
    case = _open("S0", datetime(2026, 10, 24, 12, 0, tzinfo=PARIS), phone_24x7="+33 1 55 55 01 00")
    assert case.number == "C0000001"
    review = case.metrics.get(metric="review")
    assert review.due_at == datetime(2026, 10, 25, 11, 0, tzinfo=PARIS)
    services.record_review(case, "R&D engaged", at=datetime(2026, 10, 25, 10, 0, tzinfo=PARIS))
    review.refresh_from_db()
    assert review.due_at == datetime(2026, 10, 26, 11, 0, tzinfo=PARIS)
    assert review.missed == 0


def test_a_late_review_counts_as_missed_and_the_schedule_stays() -> None:
    # Marks (POLICIES 0.20): 25 Oct 11:00 CET, 26 Oct 11:00, 27 Oct 11:00 (24 elapsed hours apart).
    # Nothing held by the first mark: missed, and the second mark becomes due. A review at
    # 25 Oct 13:00 is held by the second mark, so the third one is next.
    case = _open("S0", datetime(2026, 10, 24, 12, 0, tzinfo=PARIS), phone_24x7="+33 1 55 55 01 00")
    services.record_review(case, "late", at=datetime(2026, 10, 25, 13, 0, tzinfo=PARIS))
    review = case.metrics.get(metric="review")
    assert review.missed == 1
    assert review.breached_at == datetime(2026, 10, 25, 11, 0, tzinfo=PARIS)
    assert review.due_at == datetime(2026, 10, 27, 11, 0, tzinfo=PARIS)


def test_s0_needs_a_contact_reachable_24_7() -> None:
    with pytest.raises(services.CaseError, match="24/7"):
        _open("S0", datetime(2026, 10, 24, 12, 0, tzinfo=PARIS))
    case = _open("S2", datetime(2026, 10, 26, 12, 0, tzinfo=PARIS))
    with pytest.raises(services.CaseError, match="24/7"):
        services.set_priority(case, "S0")
    case.refresh_from_db()
    assert case.priority == "S2"


def test_downgrading_from_s0_stops_the_reviews() -> None:
    case = _open("S0", datetime(2026, 10, 24, 12, 0, tzinfo=PARIS), phone_24x7="+33 1 55 55 01 00")
    services.set_priority(case, "S1", at=datetime(2026, 10, 24, 18, 0, tzinfo=PARIS))
    review = case.metrics.get(metric="review")
    assert review.status == "met"
    assert review.due_at is None


def test_severity_is_a_known_one_and_the_scn_is_required() -> None:
    with pytest.raises(services.CaseError, match="unknown priority"):
        _open("S9", datetime(2026, 10, 26, 12, 0, tzinfo=PARIS))
    with pytest.raises(services.CaseError, match="SCN"):
        _open("S2", datetime(2026, 10, 26, 12, 0, tzinfo=PARIS), scn="")


def test_s0_runs_24x7_until_the_evaluation_says_it_is_not_needed() -> None:
    # S0 opened Sat 24 Oct 12:00 Paris; the agent's first contact at 12:30 starts the update cadence.
    # S0 updates every 4 h (the preset's reading): on 24x7 due Sat 16:30 Paris.
    bob = staff("bob")
    case = _open("S0", datetime(2026, 10, 24, 12, 0, tzinfo=PARIS), phone_24x7="+33 1 55 55 01 00")
    services.agent_reply(case, bob, "R&D engaged", at=datetime(2026, 10, 24, 12, 30, tzinfo=PARIS))
    update = case.metrics.get(metric="update")
    assert (update.calendar, update.due_at) == ("24x7", datetime(2026, 10, 24, 16, 30, tzinfo=PARIS))
    # Evaluation: 24-hour work not needed -> business calendar (Mon-Fri 08-17 in the site's zone, Paris):
    # 4 business hours from Sat 12:30 count from Mon 26 Oct 08:00 -> 12:00 CET.
    services.set_round_the_clock(case, False, actor=bob, at=datetime(2026, 10, 24, 13, 0, tzinfo=PARIS))
    update.refresh_from_db()
    assert (update.calendar, update.due_at) == ("business", datetime(2026, 10, 26, 12, 0, tzinfo=PARIS))
    # The management review stays on elapsed time: still due 24 h after opening.
    assert case.metrics.get(metric="review").due_at == datetime(2026, 10, 25, 11, 0, tzinfo=PARIS)
