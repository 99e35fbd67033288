"""Per-metric options a preset may set: `retime` (from the start or from the change) and `warn` points.

Custom policy (no shipped preset uses them): Mon-Fri 08-16 Oslo; normal 8h, urgent 2h.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from casedesk.sla import Calendar
from casedesk.sla.clock import Context, Event, MetricState, compute, policy_targets
from casedesk.sla.presets import preset_from_text

OSL = ZoneInfo("Europe/Oslo")
POLICY = """
slug = "acme"
name = "Acme"
[calendars.main]
zone = "Europe/Oslo"
hours = {{ mon-fri = ["08:00-16:00"] }}
[policy]
[[policy.priorities]]
key = "normal"
[[policy.priorities]]
key = "urgent"
[policy.metrics.resolution]
start = ["opened"]
stop = ["resolved"]
retime = "{retime}"
warn = ["75%", "30m"]
[policy.targets."*"]
normal = {{ resolution = "8h" }}
urgent = {{ resolution = "2h" }}
"""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=OSL)


def state(retime: str, events: list[Event], now: datetime) -> MetricState:
    preset = preset_from_text(POLICY.format(retime=retime), "acme.toml")
    cal = Calendar(preset.calendars["main"])
    [st] = compute(Context(preset.policy, lambda _n: cal, policy_targets(preset.policy), "main"), events, now)
    return st


OPENED = Event("opened", at(23, 9), {"priority": "normal"})
RAISED = Event("priority", at(23, 12), {"priority": "urgent"})


def test_a_raise_counts_from_the_start_by_default_and_from_the_change_when_asked() -> None:
    # From the start: Mon 09:00 + 2h = 11:00, already past at the 12:00 raise: overdue.
    from_start = state("from_start", [OPENED, RAISED], at(23, 12))
    assert (from_start.status, from_start.due_at) == ("overdue", at(23, 11))
    # From the change (ServiceNow's retroactive start off): 12:00 + 2h = 14:00.
    from_change = state("from_change", [OPENED, RAISED], at(23, 12))
    assert (from_change.status, from_change.due_at) == ("running", at(23, 14))
    assert not from_change.breaches


def test_the_next_state_change_is_the_next_warning_point_then_the_due() -> None:
    # 8h from Mon 09:00: due Tue 09:00; 75% (6h) at Mon 15:00; 30 min before due (7.5h) Tue 08:30.
    assert state("from_start", [OPENED], at(23, 10)).next_change_at == at(23, 15)
    assert state("from_start", [OPENED], at(23, 15, 30)).next_change_at == at(24, 8, 30)
    assert state("from_start", [OPENED], at(24, 8, 45)).next_change_at == at(24, 9)
    overdue = state("from_start", [OPENED], at(24, 9, 1))
    assert (overdue.status, overdue.next_change_at) == ("overdue", None)
