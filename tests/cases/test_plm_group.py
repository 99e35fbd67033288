"""PLM Group: initial response targets by tier x priority on the customer's country calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services
from casedesk.cases.models import SlaMetric

from .factories import customer, desk, staff

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
OSL = ZoneInfo("Europe/Oslo")
INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


def response(case) -> SlaMetric:  # type: ignore[no-untyped-def]
    return case.metrics.get(metric="response")


def open_dk(tier: str, priority: str, at: datetime):  # type: ignore[no-untyped-def]
    d = desk("plm-group")
    alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier=tier)
    return services.open_case(
        d, requester=alice, subject="Crash", priority=priority, contract=contract, intake=INTAKE, channel="email", at=at
    )


def test_dk_standard_high_opened_friday_afternoon_is_due_tuesday_0830() -> None:
    # Fri 14:30-15:00 (short Friday) 0.5h + Mon 08-12, 13-16 7h + Tue 08:00-08:30 0.5h = 8h.
    case = open_dk("standard", "high", datetime(2026, 11, 27, 14, 30, tzinfo=CPH))
    m = response(case)
    assert case.calendar == "DK"
    assert case.queue.key == "DK"
    assert m.status == "running"
    assert m.target == "8h"
    assert m.due_at == datetime(2026, 12, 1, 8, 30, tzinfo=CPH)


def test_dk_premium_critical_two_hours_skips_the_lunch_break() -> None:
    # Mon 11:00: 11-12 (1h), lunch 12-13, 13:00-14:00 (1h) -> 14:00.
    case = open_dk("premium", "critical", datetime(2026, 11, 30, 11, 0, tzinfo=CPH))
    assert response(case).due_at == datetime(2026, 11, 30, 14, 0, tzinfo=CPH)


def test_low_is_business_days_standard_4_premium_2() -> None:
    # Mon 23 Nov 10:00 + 4 bd = Fri 27 Nov 10:00; + 2 bd = Wed 25 Nov 10:00 (no Danish holidays).
    std = open_dk("standard", "low", datetime(2026, 11, 23, 10, 0, tzinfo=CPH))
    assert response(std).due_at == datetime(2026, 11, 27, 10, 0, tzinfo=CPH)
    prem = open_dk("premium", "low", datetime(2026, 11, 23, 10, 0, tzinfo=CPH))
    assert response(prem).due_at == datetime(2026, 11, 25, 10, 0, tzinfo=CPH)


def test_question_has_no_target() -> None:
    case = open_dk("standard", "question", datetime(2026, 11, 23, 10, 0, tzinfo=CPH))
    m = response(case)
    assert m.status == "no_target"
    assert m.due_at is None


def test_reply_in_time_meets_and_late_reply_breaches() -> None:
    bob = staff("bob")
    case = open_dk("standard", "critical", datetime(2026, 11, 30, 9, 0, tzinfo=CPH))
    # 4h from Mon 09:00: 09-12 (3h) + 13-14 (1h) -> 14:00.
    assert response(case).due_at == datetime(2026, 11, 30, 14, 0, tzinfo=CPH)
    services.agent_reply(case, bob, "Looking at it", at=datetime(2026, 11, 30, 13, 59, tzinfo=CPH))
    assert response(case).status == "met"
    late = open_dk("standard", "critical", datetime(2026, 11, 30, 9, 0, tzinfo=CPH))
    services.agent_reply(late, bob, "Sorry", at=datetime(2026, 11, 30, 14, 1, tzinfo=CPH))
    m = response(late)
    assert m.status == "missed"
    assert m.breached


def test_priority_change_recomputes_the_due_time() -> None:
    case = open_dk("standard", "medium", datetime(2026, 11, 30, 9, 0, tzinfo=CPH))
    # 16h from Mon 09:00: Mon 6h, Tue 7h, Wed 08:00-11:00 3h -> Wed 11:00.
    assert response(case).due_at == datetime(2026, 12, 2, 11, 0, tzinfo=CPH)
    services.set_priority(case, "critical", at=datetime(2026, 11, 30, 9, 30, tzinfo=CPH))
    assert response(case).due_at == datetime(2026, 11, 30, 14, 0, tzinfo=CPH)  # 4h from 09:00


def test_norwegian_customer_runs_on_the_norwegian_calendar() -> None:
    d = desk("plm-group")
    alice, contract = customer(d, country="NO", zone="Europe/Oslo", tier="standard")
    # NO 08-16 without lunch; Fri 27 Nov 14:30 + 8h: Fri 1.5h, Mon 6.5h -> Mon 14:30.
    case = services.open_case(
        d,
        requester=alice,
        subject="x",
        priority="high",
        contract=contract,
        intake=INTAKE,
        at=datetime(2026, 11, 27, 14, 30, tzinfo=OSL),
    )
    assert (case.calendar, case.queue.key) == ("NO", "NO")
    assert response(case).due_at == datetime(2026, 11, 30, 14, 30, tzinfo=OSL)


def test_intake_requires_version_and_service_pack_in_their_form() -> None:
    d = desk("plm-group")
    alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
    with pytest.raises(services.CaseError, match="SOLIDWORKS version"):
        services.open_case(
            d,
            requester=alice,
            subject="x",
            contract=contract,
            intake={"phone": "1", "product_version": "25", "service_pack": "SP2.0"},
        )
    assert not d.cases.exists()


def test_case_numbers_follow_the_desk_format() -> None:
    case = open_dk("standard", "high", datetime(2026, 11, 27, 14, 30, tzinfo=CPH))
    assert case.number == "PLM-000001"
