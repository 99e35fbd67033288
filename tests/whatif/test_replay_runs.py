"""A draft replayed over November 2025's PLM cases (tests/whatif/world.py gives each case's outcome by hand)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.desks.models import PolicyVersion
from casedesk.reports.periods import month
from casedesk.whatif import load, runs
from casedesk.whatif.models import WhatIfFlip, WhatIfRun
from tests.cases.factories import customer

from .world import INTAKE, World, oslo, plm_world, without_latvia

pytestmark = pytest.mark.django_db

NOV = month(2025, 11, "Europe/Oslo")


@pytest.fixture
def world() -> World:
    return plm_world()


def run_inline(w: World, source: str, chunk: int = 5000) -> WhatIfRun:
    run = runs.create(w.desk, w.carol, name="draft", source=source, period=NOV, queue=False)
    assert runs.execute(run.pk, chunk=chunk) == "done"
    run.refresh_from_db()
    return run


def row(run: WhatIfRun, metric: str, priority: str) -> dict[str, Any]:
    (found,) = [r for r in run.summary["rows"] if r["metric"] == metric and r["priority"] == priority]
    return found


def flips(run: WhatIfRun) -> set[tuple[str, str, str, str]]:
    return {(f.case.number, f.metric, f.recorded, f.draft) for f in WhatIfFlip.objects.filter(run=run)}


def test_histories_are_the_periods_cases_with_their_clock_events_only(world: World) -> None:
    got = {h.key: h for h in load.histories(world.desk, NOV)}
    names = {c.pk: n for n, c in world.cases.items()}
    assert sorted(names[k] for k in got) == ["A", "B", "C", "D", "M"]  # X opened in October
    a = got[world.cases["A"].pk]
    assert (a.calendar, a.zone, a.tier, dict(a.overrides)) == ("NO", "Europe/Oslo", "standard", {})
    # Only what the clocks read: the entitlement check (and notes, customers' replies) changes no clock.
    assert CaseEvent.objects.filter(case=world.cases["A"], kind="entitlement").exists()
    assert [(e.kind, e.at) for e in a.events] == [("opened", oslo(11, 3, 9)), ("agent_reply", oslo(11, 3, 12))]
    assert a.events[0].data["priority"] == "critical" and a.events[0].at.utcoffset() is not None
    # A breach is recorded as an event on D; the replay never reads it.
    assert CaseEvent.objects.filter(case=world.cases["D"], kind="breached").exists()
    assert [e.kind for e in got[world.cases["D"].pk].events] == ["opened", "agent_reply"]


def test_histories_come_in_chunks_with_a_fixed_number_of_queries_each(world: World) -> None:
    with CaptureQueriesContext(connection) as q:
        chunks = list(load.chunks(world.desk, NOV, size=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert len({h.key for c in chunks for h in c}) == 5
    assert len(q.captured_queries) == 3 + 3  # one for each chunk's cases, one for its events
    assert not any('"body"' in x["sql"] or " body" in x["sql"] for x in q.captured_queries)


def test_cases_opened_at_the_same_instant_are_each_read_once_across_chunks(world: World) -> None:
    # A and B opened at the same second: with one case per chunk the boundary falls between them.
    keys = [h.key for c in load.chunks(world.desk, NOV, size=1) for h in c]
    names = {c.pk: n for n, c in world.cases.items()}
    assert [names[k] for k in keys] == ["A", "B", "D", "C", "M"]


def test_recorded_gives_what_happened(world: World) -> None:
    got = {(o.key, o.metric): o for o in load.recorded(world.desk, NOV)}
    now = oslo(12, 1, 0)
    cls = {n: runs.outcome_class(got[(c.pk, "response")], now) for n, c in world.cases.items() if n != "X"}
    assert cls == {"A": "met", "B": "met", "C": "met", "D": "missed", "M": "met"}
    assert got[(world.cases["C"].pk, "response")].due_at == oslo(11, 5, 11)


def test_a_tighter_response_target_flips_the_cases_answered_after_two_hours(world: World) -> None:
    run = run_inline(world, world.draft_2h(), chunk=2)
    assert (run.status, run.done, run.total) == ("done", 5, 5)
    assert flips(run) == {
        (world.cases["A"].number, "response", "met", "missed"),
        (world.cases["C"].number, "response", "met", "missed"),
    }
    c_flip = WhatIfFlip.objects.get(run=run, case=world.cases["C"])
    assert (c_flip.recorded_due, c_flip.draft_due, c_flip.priority) == (oslo(11, 5, 11), oslo(11, 5, 9), "critical")
    critical = row(run, "response", "critical")
    assert critical["recorded"] == {"met": 3, "missed": 1, "pending": 0, "removed": 0, "rate": 0.75}
    assert critical["draft"] == {"met": 1, "missed": 3, "pending": 0, "removed": 0, "rate": 0.25}
    assert critical["diff"]["missed"] == 2 and critical["diff"]["rate"] == pytest.approx(-0.5)
    medium = row(run, "response", "medium")
    assert medium["recorded"]["met"] == medium["draft"]["met"] == 1
    everything = row(run, "response", "")
    assert (everything["recorded"]["met"], everything["draft"]["met"]) == (4, 2)
    assert run.summary["cases"] == 5 and run.summary["flips"] == 2
    assert [r["priority"] for r in run.summary["rows"]] == ["", "critical", "medium"]  # the policy's order


def test_a_draft_with_later_opening_hours_moves_the_dues(world: World) -> None:
    run = run_inline(world, world.draft_late_hours())
    assert flips(run) == {(world.cases["D"].number, "response", "missed", "met")}
    d_flip = WhatIfFlip.objects.get(run=run)
    assert (d_flip.recorded_due, d_flip.draft_due) == (oslo(11, 4, 13), oslo(11, 4, 14))
    assert row(run, "response", "critical")["draft"]["met"] == 4


def test_the_published_policy_as_draft_flips_nothing(world: World) -> None:
    run = run_inline(world, world.source)
    assert flips(run) == set()
    r = row(run, "response", "critical")
    assert r["recorded"] == r["draft"]


def _snapshot() -> list[list[Any]]:
    return [
        list(Case.objects.order_by("pk").values()),
        list(CaseEvent.objects.order_by("pk").values()),
        list(SlaMetric.objects.order_by("pk").values()),
        list(PolicyVersion.objects.order_by("pk").values()),
    ]


def test_a_run_never_touches_a_case_an_event_a_metric_or_a_policy(world: World) -> None:
    before = _snapshot()
    run_inline(world, world.draft_2h())
    run_inline(world, world.draft_late_hours())
    assert _snapshot() == before


def test_a_draft_that_fails_in_the_worker_keeps_the_error_and_no_flips(world: World) -> None:
    lv = world.source.replace('hours = { mon-fri = ["08:00-16:00"] }', "hours = { mon-fri = [] }", 1)
    run = runs.create(world.desk, world.carol, name="broken", source=lv + "\n[oops", period=NOV, queue=False)
    assert runs.execute(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and run.error and run.finished_at is not None
    assert not WhatIfFlip.objects.filter(run=run).exists()
    assert runs.execute(run.pk) == "failed"  # an ended run is never run again


def test_a_run_whose_draft_lacks_a_calendar_fails_naming_it(world: World) -> None:
    lv, contract = customer(world.desk, country="LV", zone="Europe/Riga", tier="standard")
    services.open_case(world.desk, requester=lv, contract=contract, subject="Riga", priority="high",
                       intake=INTAKE, at=oslo(11, 3, 10))  # fmt: skip
    run = runs.create(world.desk, world.carol, name="no LV", source=without_latvia(world.source), period=NOV,
                      queue=False)  # fmt: skip
    assert runs.execute(run.pk) == "failed"
    run.refresh_from_db()
    assert "LV (1)" in run.error and not WhatIfFlip.objects.filter(run=run).exists()
