"""What-if replay: the bulk path equals the fold case by case, and hand-derived outcomes under drafts.

The oracle for `replay` is `replay_one`, which is the clocks' own fold (`clock.compute`, one event at a time);
the bulk path shares none of its per-event code. Histories are drawn the way the services write events, at
times that cross weekends, lunch breaks, public holidays and DST changes, for every shipped preset with each
of its calendars and zones, with and without a contract's own targets, and for a draft that pauses, cancels
and counts business days.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.sla.clock import INPUTS, Event
from casedesk.sla.presets import PRESET_DIR, Preset, list_presets, load_preset, preset_from_text
from casedesk.sla.replay import History, Outcome, missing_calendars, replay, replay_counts, replay_one

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ZONES = ("", "Europe/Oslo", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney", "UTC")

# A draft the shipped presets do not cover: pauses, a cancel, business days, a priority calendar, a goal,
# a metric started by a priority condition.
DRAFT = """
slug = "draft"
name = "Draft"
[calendars.main]
zone = "Europe/Oslo"
holidays = ["NO"]
hours = { mon-thu = ["08:00-12:00", "12:30-16:00"], fri = ["08:00-14:00"] }
[calendars.user]
zone = "Europe/Berlin"
zone_follows = "licensed_user"
hours = { mon-fri = ["09:00-17:00"] }
[calendars.always]
zone = "UTC"
always_open = true
[policy]
default_calendar = "main"
default_priority = "normal"
priority_calendars = { urgent = "always" }
[[policy.priorities]]
key = "urgent"
[[policy.priorities]]
key = "normal"
[[policy.priorities]]
key = "low"
[policy.metrics.response]
start = ["opened"]
stop = ["responded"]
pause = ["waiting_on_customer"]
[policy.metrics.resolution]
start = ["opened", "info_complete"]
stop = ["resolved"]
pause = ["waiting_on_customer"]
cancel = ["bug_classified"]
[policy.metrics.triage]
start = ["priority:urgent"]
stop = ["assigned"]
[policy.targets."*"]
urgent = { response = "1h", resolution = "8h", triage = "30m" }
normal = { response = "4h", resolution = "3bd" }
low = { response = "1bd" }
[policy.goals."*"]
low = { resolution = "5bd" }
"""

# Instants around which cases open: DST changes (EU, US, Australia), Easter and Christmas, Midsummer,
# Norwegian and Swedish holidays, ordinary weeks.
AROUND = [
    datetime(2026, 3, 27, 14, tzinfo=UTC),
    datetime(2026, 3, 6, 20, tzinfo=UTC),
    datetime(2026, 4, 2, 13, tzinfo=UTC),
    datetime(2026, 4, 3, 15, tzinfo=UTC),
    datetime(2026, 5, 13, 12, tzinfo=UTC),
    datetime(2026, 6, 18, 14, tzinfo=UTC),
    datetime(2026, 10, 23, 15, tzinfo=UTC),
    datetime(2026, 10, 30, 21, tzinfo=UTC),
    datetime(2026, 11, 20, 10, tzinfo=UTC),
    datetime(2026, 12, 23, 14, tzinfo=UTC),
    datetime(2025, 12, 31, 9, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
]

PRESETS = {slug: load_preset(slug) for slug in list_presets()} | {"draft": preset_from_text(DRAFT, "draft.toml")}


def priorities(preset: Preset) -> list[str]:
    return [p.key for p in preset.policy.priorities]


@st.composite
def event_data(draw: st.DrawFn, kind: str, preset: Preset) -> dict[str, Any]:
    keys = priorities(preset)
    if kind == "priority":
        return {"priority": draw(st.sampled_from([*keys, ""])) if keys else ""}
    if kind == "tier":
        return {"tier": draw(st.sampled_from([t.key for t in preset.policy.tiers] or [""]))}
    if kind == "assigned":
        return {"assignee": draw(st.sampled_from([7, None, 7]))}
    if kind == "status":
        return {"status": draw(st.sampled_from(["waiting_on_customer", "open", "waiting_on_customer"]))}
    if kind == "classified":
        return {"classification": draw(st.sampled_from(["bug", "defect", ""]))}
    if kind == "scope":
        inside = draw(st.booleans())
        return {"item": "" if inside else "macros", "in_scope": inside, "offer": ""}
    if kind == "round_the_clock":
        return {"needed": draw(st.booleans())}
    if kind == "schedule_agreed":
        return {
            "metric": draw(st.sampled_from(list(preset.policy.metrics))),
            "target": draw(st.sampled_from(TEXTS[:-1])),
        }
    if kind == "escalated":
        return {"level": 1}
    if kind == "resolved":
        return {"resolution": "solved"}
    return {}


# Kinds the services write, the common ones more often.
KINDS = ["agent_reply"] * 4 + ["customer_reply"] * 3 + ["note", "assigned", "assigned", "status", "status"]
KINDS += ["info_requested", "info_received", "priority", "priority", "classified", "resolved", "resolved"]
KINDS += ["reopened", "review", "escalated", "scope", "tier", "round_the_clock", "schedule_agreed"]
TEXTS = ["30m", "1h", "4h", "16h", "1bd", "2bd", "0h", "none"]  # an agreed schedule is never "none"


@st.composite
def histories(draw: st.DrawFn, preset: Preset, key: int) -> History:
    calendar = draw(st.sampled_from(list(preset.calendars)))
    zone = draw(st.sampled_from(ZONES))
    tiers = [t.key for t in preset.policy.tiers]
    tier = draw(st.sampled_from(tiers)) if tiers else ""
    overrides: dict[str, dict[str, str]] = {}
    if draw(st.integers(0, 3)) == 0 and priorities(preset):
        for p in draw(st.lists(st.sampled_from(priorities(preset)), max_size=3, unique=True)):
            overrides[p] = {m: draw(st.sampled_from(TEXTS)) for m in preset.policy.metrics if draw(st.booleans())}
    at = draw(st.sampled_from(AROUND)) + timedelta(minutes=draw(st.integers(-3000, 3000)))
    if draw(st.booleans()):
        at = at.replace(second=draw(st.integers(0, 59)), microsecond=draw(st.sampled_from([0, 0, 1, 999999])))
    keys = priorities(preset)
    opened = {
        "priority": draw(st.sampled_from([*keys, ""])) if keys else "",
        "tier": tier,
        "info_complete": draw(st.sampled_from([True, True, False])),
        "channel": "email",
    }
    events = [Event("opened", at, opened)]
    # A common shape most of the time (reply, maybe resolve), anything the services write otherwise.
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(KINDS))
        gap = draw(st.sampled_from([0, 1, 5, 30, 90, 240, 600, 1440, 2880, 5000]))
        at = at + timedelta(minutes=gap, seconds=draw(st.sampled_from([0, 0, 1, 59])))
        events.append(Event(kind, at, draw(event_data(kind, preset))))
    return History(key, calendar, zone, tier, overrides, events)


@st.composite
def batches(draw: st.DrawFn) -> tuple[Preset, list[History], datetime]:
    preset = PRESETS[draw(st.sampled_from(sorted(PRESETS)))]
    hs = [draw(histories(preset, key)) for key in range(draw(st.integers(1, 6)))]
    last = max(e.at for h in hs for e in h.events)
    # Now: after every event, or in the middle of them (later events are not yet known).
    now = last + timedelta(minutes=draw(st.integers(0, 20000)))
    if draw(st.integers(0, 3)) == 0:
        now = min(e.at for h in hs for e in h.events) + timedelta(minutes=draw(st.integers(0, 6000)))
    return preset, hs, now


def by_the_fold(preset: Preset, hs: list[History], now: datetime) -> list[Outcome]:
    return [o for h in hs for o in replay_one(preset, h, now)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_replay_equals_the_fold_case_by_case(batch: tuple[Preset, list[History], datetime]) -> None:
    preset, hs, now = batch
    assert replay(preset, hs, now) == by_the_fold(preset, hs, now)


@st.composite
def common_batches(draw: st.DrawFn) -> tuple[Preset, list[History], datetime]:
    """Only the shapes the bulk path decides itself (open, assign, replies, waiting, resolve)."""
    preset = PRESETS[draw(st.sampled_from(["plm-group", "dytron", "solidxperts", "draft", "mastercam"]))]
    hs = []
    for key in range(draw(st.integers(1, 8))):
        h = draw(histories(preset, key))
        common = [e for e in h.events if e.kind in COMMON]
        hs.append(History(h.key, h.calendar, h.zone, h.tier, h.overrides, common))
    now = max(e.at for h in hs for e in h.events) + timedelta(minutes=draw(st.integers(0, 20000)))
    return preset, hs, now


COMMON = {"opened", "agent_reply", "customer_reply", "note", "assigned", "status", "resolved", "info_received"}


@st.composite
def changing_batches(draw: st.DrawFn) -> tuple[Preset, list[History], datetime]:
    """Targets that change while clocks run (priority, tier, hours) and cancels, without reopenings."""
    preset = PRESETS[draw(st.sampled_from(sorted(PRESETS)))]
    hs = []
    for key in range(draw(st.integers(1, 8))):
        h = draw(histories(preset, key))
        kept = [e for e in h.events if e.kind in CHANGING]
        hs.append(History(h.key, h.calendar, h.zone, h.tier, h.overrides, kept))
    now = max(e.at for h in hs for e in h.events) + timedelta(minutes=draw(st.integers(0, 20000)))
    if draw(st.integers(0, 3)) == 0:
        now = min(e.at for h in hs for e in h.events) + timedelta(minutes=draw(st.integers(0, 6000)))
    return preset, hs, now


CHANGING = COMMON | {"priority", "tier", "round_the_clock", "classified", "review", "escalated", "info_requested"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changing_batches())
def test_changed_targets_and_cancels_equal_the_fold(batch: tuple[Preset, list[History], datetime]) -> None:
    preset, hs, now = batch
    assert replay(preset, hs, now) == by_the_fold(preset, hs, now)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(common_batches())
def test_common_shapes_take_the_bulk_path_and_equal_the_fold(batch: tuple[Preset, list[History], datetime]) -> None:
    preset, hs, now = batch
    out, fast, _slow = replay_counts(preset, hs, now)
    assert out == by_the_fold(preset, hs, now)
    assert fast > 0


# -- hand-derived ----------------------------------------------------------------------------------------


def se(day: datetime) -> datetime:
    return day.replace(tzinfo=STOCKHOLM)


def plm_case(key: int, priority: str, events: list[tuple[str, datetime]], tier: str = "standard") -> History:
    opened_at = events[0][1]
    evs = [Event("opened", opened_at, {"priority": priority, "tier": tier, "info_complete": True, "channel": "email"})]
    evs += [Event(kind, at, {"assignee": 3} if kind == "assigned" else {}) for kind, at in events[1:]]
    return History(key, "SE", "Europe/Stockholm", tier, {}, evs)


def test_plm_sweden_response_over_the_easter_weekend_by_hand() -> None:
    # Standard, Critical: 4 business hours (POLICIES.md section 1). Sweden: Mon-Fri 08-12, 13-16.
    # Opened Thursday 2 April 2026 at 14:00: 14-16 = 2 h. Good Friday (3 April), the weekend and Easter
    # Monday (6 April) are Swedish public holidays. Tuesday 7 April 08-10 = the other 2 h: due 10:00.
    opened = se(datetime(2026, 4, 2, 14, 0))
    due = se(datetime(2026, 4, 7, 10, 0))
    preset = load_preset("plm-group")
    met = plm_case(1, "critical", [("opened", opened), ("agent_reply", se(datetime(2026, 4, 7, 9, 59)))])
    late = plm_case(2, "critical", [("opened", opened), ("agent_reply", se(datetime(2026, 4, 7, 10, 0, 1)))])
    running = plm_case(3, "critical", [("opened", opened)])
    now = se(datetime(2026, 4, 7, 9, 0))
    out = replay(preset, [met, late, running], se(datetime(2026, 4, 8, 9, 0)))
    assert [(o.key, o.status, o.breached, o.due_at) for o in out] == [
        (1, "met", False, due),
        (2, "missed", True, due),
        (3, "overdue", True, due),
    ]
    assert out[1].stopped_at == se(datetime(2026, 4, 7, 10, 0, 1))
    [still] = replay(preset, [running], now)  # Tuesday 09:00: one business hour left
    assert (still.status, still.due_at, still.breached) == ("running", due, False)
    # At the due itself a reply is still in time: late means after the due.
    [exact] = replay(preset, [plm_case(4, "critical", [("opened", opened), ("agent_reply", due)])], now + timedelta(1))
    assert (exact.status, exact.breached) == ("met", False)


def test_plm_low_counts_business_days_over_easter_by_hand() -> None:
    # Standard, Low: 4 business days, the same local time on the 4th following workday (DESIGN.md).
    # Opened Wednesday 1 April 2026 10:30: Thu 2 (1), Tue 7 (2), Wed 8 (3), Thu 9 April (4) -> 10:30.
    preset = load_preset("plm-group")
    case = plm_case(1, "low", [("opened", se(datetime(2026, 4, 1, 10, 30)))])
    [o] = replay(preset, [case], se(datetime(2026, 4, 9, 10, 0)))
    assert (o.status, o.due_at, o.priority) == ("running", se(datetime(2026, 4, 9, 10, 30)), "low")


def test_a_draft_with_a_shorter_target_flips_a_met_response_to_missed() -> None:
    # Monday 23 November 2026, 09:00 Stockholm, Critical, replied 11:30.
    # In force: 4 h -> 09-12 (3 h) + 13-14 (1 h) = due 14:00: met.
    # Draft: 1 h -> due 10:00: the reply at 11:30 is late, a missed commitment.
    text = (PRESET_DIR / "plm-group.toml").read_text()
    old = 'critical = { response = "4h" }'
    assert text.count(old) == 1
    draft = preset_from_text(text.replace(old, 'critical = { response = "1h" }'), "draft.toml")
    case = plm_case(
        9, "critical", [("opened", se(datetime(2026, 11, 23, 9))), ("agent_reply", se(datetime(2026, 11, 23, 11, 30)))]
    )
    now = se(datetime(2026, 11, 30, 9))
    [before] = replay(load_preset("plm-group"), [case], now)
    [after] = replay(draft, [case], now)
    assert (before.status, before.breached, before.due_at) == ("met", False, se(datetime(2026, 11, 23, 14)))
    assert (after.status, after.breached, after.due_at) == ("missed", True, se(datetime(2026, 11, 23, 10)))
    # The lunch break is not business time: opened 11:30, 1 h -> 11:30-12:00 + 13:00-13:30.
    lunch = plm_case(10, "critical", [("opened", se(datetime(2026, 11, 23, 11, 30)))])
    [o] = replay(draft, [lunch], se(datetime(2026, 11, 23, 12, 30)))
    assert (o.status, o.due_at) == ("running", se(datetime(2026, 11, 23, 13, 30)))


def test_a_contract_s_own_targets_come_first_and_none_means_no_target() -> None:
    # DYTRON tier with contract targets (POLICIES 0.22): urgent 2h from the contract; normal "none".
    preset = load_preset("dytron")
    prague = ZoneInfo("Europe/Prague")
    opened = datetime(2026, 11, 24, 9, 0, tzinfo=prague)  # a Tuesday
    tier = preset.policy.tiers[0].key

    def case(key: int, priority: str, overrides: dict[str, dict[str, str]]) -> History:
        data = {"priority": priority, "tier": tier, "info_complete": True, "channel": "email"}
        return History(key, "CZ", "", tier, overrides, [Event("opened", opened, data)])

    now = opened + timedelta(hours=3)
    out = replay(
        preset,
        [case(1, "urgent", {"urgent": {"response": "2h"}}), case(2, "normal", {"normal": {"response": "none"}})],
        now,
    )
    assert out == by_the_fold(preset, [case(1, "urgent", {"urgent": {"response": "2h"}})], now) + out[1:]
    assert (out[0].status, out[0].due_at, out[0].breached) == ("overdue", opened + timedelta(hours=2), True)
    assert (out[1].status, out[1].due_at) == ("no_target", None)


def test_a_bug_classification_before_the_response_removes_only_that_pending_target() -> None:
    # Mastercam P1: response 2h. Classified as a bug an hour after opening: the response target is removed
    # (cancelled at the classification, never missed); the case was opened Tuesday 10:00 New York.
    ny = ZoneInfo("America/New_York")
    opened = datetime(2026, 11, 24, 10, 0, tzinfo=ny)
    classified = opened + timedelta(hours=1)
    events = [
        Event("opened", opened, {"priority": "P1", "tier": "", "info_complete": True, "channel": "email"}),
        Event("classified", classified, {"classification": "bug"}),
    ]
    h = History(1, "online", "America/New_York", "", {}, events)
    preset = load_preset("mastercam")
    out = replay(preset, [h], opened + timedelta(days=2))
    assert out == replay_one(preset, h, opened + timedelta(days=2))
    response = next(o for o in out if o.metric == "response")
    assert (response.status, response.cancelled_at, response.breached) == ("cancelled", classified, False)


def test_missing_calendars_names_what_the_draft_lacks_with_case_counts() -> None:
    text = (PRESET_DIR / "plm-group.toml").read_text()
    preset = load_preset("plm-group")
    cases = [plm_case(k, "high", [("opened", se(datetime(2026, 11, 23, 9)))]) for k in range(3)]
    cases.append(History(4, "LV", "", "standard", {}, cases[0].events))
    cases.append(History(5, "XX", "", "standard", {}, cases[0].events))
    assert missing_calendars(preset, cases) == {"XX": 1}
    # The draft renames Sweden's calendar: the three Swedish cases have none in it.
    for old, new in (
        ("[calendars.SE]", "[calendars.SV]"),
        ('SE = "SE"', 'SE = "SV"'),
        ('calendar = "SE"', 'calendar = "SV"'),
    ):
        assert text.count(old) == 1
        text = text.replace(old, new)
    draft = preset_from_text(text, "draft.toml")
    assert missing_calendars(draft, cases) == {"SE": 3, "XX": 1}


def test_a_status_update_cadence_by_hand() -> None:
    # PTC S0: the next status update is due 4 elapsed hours (24x7) after the last agent contact, an internal
    # goal (POLICIES 0.21). Opened Tuesday 24 November 2026 10:00 UTC; replies at 11:00 (the cadence starts),
    # 16:00 (5 h: the goal missed at 15:00), 18:00 (2 h: in time); resolved at 21:00 (3 h: in time).
    def at(hour: int) -> datetime:
        return datetime(2026, 11, 24, hour, tzinfo=UTC)

    opened = {"priority": "S0", "tier": "", "info_complete": True, "channel": "phone"}
    events = [Event("opened", at(10), opened)]
    events += [Event("agent_reply", at(h)) for h in (11, 16, 18)]
    events.append(Event("resolved", at(21), {"resolution": "solved"}))
    h = History(1, "business", "Europe/Paris", "", {}, events)
    preset = load_preset("ptc")
    out, fast, _slow = replay_counts(preset, [h], at(23))
    assert out == replay_one(preset, h, at(23))
    update = next(o for o in out if o.metric == "update")
    assert fast >= 1
    # Missed once (a goal: the status says so, the commitments do not), the last period's due 18:00 + 4 h.
    assert (update.status, update.goal, update.breached) == ("missed", True, False)
    assert (update.due_at, update.stopped_at) == (at(22), at(21))


def test_a_replay_split_over_processes_is_the_same_list(monkeypatch: pytest.MonkeyPatch) -> None:
    import casedesk.sla.replay_bulk as replay_module

    monkeypatch.setattr(replay_module, "_PER_PROCESS", 5)  # the split, on a small replay
    preset = load_preset("plm-group")
    opened = se(datetime(2026, 11, 20, 15))  # a Friday afternoon: dues run into the next week
    cases = [
        plm_case(k, ("critical", "high", "medium", "low")[k % 4], [("opened", opened + timedelta(minutes=37 * k))])
        for k in range(23)
    ]
    now = se(datetime(2026, 11, 24, 12))
    assert replay(preset, cases, now, processes=2) == by_the_fold(preset, cases, now)


def test_s0_management_reviews_by_hand() -> None:
    # PTC S0: a management review every 24 elapsed hours from when the case became S0 (POLICIES 0.10), a
    # commitment. Opened S0 Tuesday 24 November 2026 10:00 UTC: marks Wednesday, Thursday, Friday 10:00.
    # Reviewed Tuesday 20:00 (mark 1 met), none before Thursday 10:00 (mark 2 missed), Thursday 15:00
    # (mark 3 met); resolved Friday 12:00.
    def day(d: int, hour: int) -> datetime:
        return datetime(2026, 11, d, hour, tzinfo=UTC)

    opened = {"priority": "S0", "tier": "", "info_complete": True, "channel": "phone"}
    events = [Event("opened", day(24, 10), opened), Event("agent_reply", day(24, 11))]
    events += [Event("review", day(24, 20)), Event("review", day(26, 15))]
    resolved = [*events, Event("resolved", day(27, 12), {"resolution": "solved"})]
    preset = load_preset("ptc")

    def review(evs: list[Event], now: datetime) -> Outcome:
        h = History(1, "business", "", "", {}, evs)
        out, _fast, slow = replay_counts(preset, [h], now)
        assert out == replay_one(preset, h, now)
        assert slow == 0
        return next(o for o in out if o.metric == "review")

    done = review(resolved, day(28, 9))
    assert (done.status, done.breached, done.stopped_at, done.due_at) == ("missed", True, day(27, 12), None)
    # Thursday 12:00, before the third review: mark 2 already missed, the next due is mark 3.
    live = review(events[:3], day(26, 12))
    assert (live.status, live.breached, live.due_at) == ("running", True, day(27, 10))
    # Thursday 16:00, after it: mark 3 is covered, the next due is mark 4 (Saturday 10:00).
    later = review(events, day(26, 16))
    assert (later.status, later.breached, later.due_at) == ("running", True, day(28, 10))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.data())
def test_events_the_fold_does_not_read_change_no_outcome(
    batch: tuple[Preset, list[History], datetime], data: st.DataObject
) -> None:
    """What-if loading leaves out every event kind outside clock.INPUTS (customers' replies, notes, entitlement
    checks, CCs): the fold over the whole history, with more of them added anywhere, gives what it gives without
    them."""
    preset, hs, now = batch
    noise = ["customer_reply", "note", "entitlement", "cc_added", "attachment"]
    for h in hs:
        first, last = h.events[0].at, h.events[-1].at + timedelta(days=3)
        extra = [
            Event(data.draw(st.sampled_from(noise)), first + (last - first) * data.draw(st.floats(0, 1)), {})
            for _ in range(data.draw(st.integers(0, 6)))
        ]
        noisy = replace(h, events=sorted([*h.events, *extra], key=lambda e: e.at))
        quiet = replace(h, events=[e for e in noisy.events if e.kind in INPUTS])
        assert replay_one(preset, noisy, now) == replay_one(preset, quiet, now)
