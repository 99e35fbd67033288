"""Incremental clocks: folding one event at a time onto a stored (JSON) state gives what a full replay gives."""

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from casedesk.sla import Calendar, load_calendar, load_preset
from casedesk.sla.clock import Context, Event, compute, evaluate, fold, new_state, policy_targets
from casedesk.sla.clock_json import from_json, to_json

START = datetime(2026, 11, 27, 13, 17, tzinfo=UTC)  # a Friday afternoon, before a weekend
PRESETS = {"plm-group": ("DK", "standard"), "mastercam": ("online", ""), "ptc": ("business", "")}


def _ctx(slug: str) -> Context:
    calendar, tier = PRESETS[slug]
    preset = load_preset(slug)

    def calendar_for(name: str) -> Calendar:  # the licensed user in Chicago, where a calendar follows them
        return load_calendar(slug, name, "America/Chicago" if preset.calendars[name].zone_follows else None)

    return Context(preset.policy, calendar_for, policy_targets(preset.policy), calendar, tier)


def _step(slug: str) -> st.SearchStrategy[tuple[str, dict]]:
    priorities = [p.key for p in load_preset(slug).policy.priorities]
    return st.one_of(
        st.tuples(st.just("priority"), st.fixed_dictionaries({"priority": st.sampled_from(priorities)})),
        st.tuples(st.just("assigned"), st.fixed_dictionaries({"assignee": st.sampled_from([1, None])})),
        st.tuples(st.sampled_from(["agent_reply", "customer_reply", "info_requested", "info_received"]), st.just({})),
        st.tuples(st.just("classified"), st.fixed_dictionaries({"classification": st.sampled_from(["bug", ""])})),
        st.tuples(
            st.just("scope"),
            st.sampled_from(
                [
                    {"item": "Installation", "in_scope": False, "offer": "hourly consultancy"},
                    {"item": "", "in_scope": True},
                ]
            ),
        ),
        st.tuples(
            st.just("status"), st.fixed_dictionaries({"status": st.sampled_from(["waiting_on_customer", "open"])})
        ),
        st.tuples(st.sampled_from(["resolved", "reopened", "review", "escalated", "note"]), st.just({})),
        st.tuples(st.just("round_the_clock"), st.fixed_dictionaries({"needed": st.booleans()})),
        st.tuples(
            st.just("schedule_agreed"),
            st.fixed_dictionaries({"metric": st.just("update"), "target": st.sampled_from(["1bd", "2h"])}),
        ).filter(lambda _: slug == "ptc"),
    )


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[Event], datetime]:
    slug = draw(st.sampled_from(sorted(PRESETS)))
    priorities = [p.key for p in load_preset(slug).policy.priorities]
    first = draw(st.sampled_from(["", *priorities])) if slug != "ptc" else draw(st.sampled_from(priorities))
    _, tier = PRESETS[slug]
    events = [Event("opened", START, {"priority": first, "tier": tier, "info_complete": draw(st.booleans())})]
    t = START
    for kind, data in draw(st.lists(_step(slug), max_size=25)):
        t += timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        events.append(Event(kind, t, dict(data)))
    now = t + timedelta(minutes=draw(st.integers(0, 10 * 24 * 60)))
    return slug, events, now


@settings(max_examples=200, deadline=None)
@given(histories())
def test_folding_each_event_onto_the_stored_state_equals_a_replay(history: tuple[str, list[Event], datetime]) -> None:
    slug, events, now = history
    ctx = _ctx(slug)
    state = new_state(ctx)
    for i, ev in enumerate(events):
        stored = json.loads(json.dumps(to_json(state)))  # what the case row keeps between writes
        state = fold(ctx, from_json(stored), [ev])
        assert evaluate(ctx, state, ev.at) == compute(ctx, events[: i + 1], ev.at)
    assert evaluate(ctx, state, now) == compute(ctx, events, now)


def test_a_breach_once_folded_is_in_every_later_state() -> None:
    # PLM DK standard critical from Fri 27 Nov 14:17 Copenhagen: due Mon 30 Nov 11:17
    # (Fri 14:17-15:00 43 min, Mon 08:00-11:17 3h17m = 4h); lowered to low on Tuesday.
    ctx = _ctx("plm-group")
    events = [
        Event("opened", START, {"priority": "critical", "tier": "standard"}),
        Event("priority", datetime(2026, 12, 1, 9, tzinfo=UTC), {"priority": "low"}),
    ]
    [response] = compute(ctx, events, datetime(2026, 12, 1, 10, tzinfo=UTC))
    assert [b.at for b in response.breaches] == [datetime(2026, 11, 30, 10, 17, tzinfo=UTC)]
    assert response.status == "running"
