"""Pause and resume conditions: none of the five presets pauses (POLICIES.md 0.4), so a custom policy tests them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from casedesk.sla import Calendar
from casedesk.sla.clock import Context, Event, compute, policy_targets
from casedesk.sla.presets import preset_from_text

OSL = ZoneInfo("Europe/Oslo")
CUSTOM = """
slug = "acme"
name = "Acme"
[calendars.main]
zone = "Europe/Oslo"
hours = { mon-fri = ["08:00-16:00"] }
[policy]
[[policy.priorities]]
key = "normal"
[policy.metrics.resolution]
start = ["opened"]
stop = ["resolved"]
pause = ["waiting_on_customer"]
[policy.targets."*"]
normal = { resolution = "8h" }
"""


def _state(events: list[Event], now: datetime):  # type: ignore[no-untyped-def]
    preset = preset_from_text(CUSTOM, "acme.toml")
    cal = Calendar(preset.calendars["main"])
    ctx = Context(preset.policy, lambda _n: cal, policy_targets(preset.policy), "main")
    [st] = compute(ctx, events, now)
    return st


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=OSL)


def test_waiting_on_customer_pauses_and_resuming_moves_the_due() -> None:
    opened = Event("opened", at(23, 9), {"priority": "normal"})
    # Without a pause: Mon 09:00 + 8h on 08-16 = Tue 09:00.
    assert _state([opened], at(23, 10)).due_at == at(24, 9)
    waiting = Event("status", at(23, 11), {"status": "waiting_on_customer"})
    st = _state([opened, waiting], at(23, 15))
    assert st.status == "paused"
    assert st.remaining_seconds == 6 * 3600  # 2 of 8 business hours used before the pause
    back = Event("status", at(24, 10), {"status": "open"})
    # Resumed Tue 10:00 with 6h left: Tue 10-16 -> Tue 16:00.
    st = _state([opened, waiting, back], at(24, 10))
    assert st.status == "running"
    assert st.due_at == at(24, 16)


def test_the_same_events_give_the_same_state_in_any_order_of_arrival() -> None:
    events = [
        Event("opened", at(23, 9), {"priority": "normal"}),
        Event("status", at(23, 11), {"status": "waiting_on_customer"}),
        Event("status", at(24, 10), {"status": "open"}),
        Event("resolved", at(24, 12), {"resolution": "fixed"}),
    ]
    first = _state(events, at(25, 9))
    assert _state(list(reversed(events)), at(25, 9)) == first
    assert first.status == "met"
    assert first.stopped_at == at(24, 12)


def test_resolved_late_is_missed_with_the_breach_at_the_due() -> None:
    events = [Event("opened", at(23, 9), {"priority": "normal"}), Event("resolved", at(24, 9) + timedelta(minutes=1))]
    st = _state(events, at(25, 9))
    assert st.status == "missed"
    assert st.breached
    assert st.breached_at == at(24, 9)  # Mon 09:00 + 8h on 08-16
