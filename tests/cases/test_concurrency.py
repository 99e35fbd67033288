"""Two writers on stale copies of one case: each service locks and re-reads the row (real threads)."""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from casedesk.cases import services, sla_state
from casedesk.cases.models import Case, CaseEvent

from .factories import customer, desk, staff

CPH = ZoneInfo("Europe/Copenhagen")
# SQLite's in-memory test database (shared cache) locks whole tables without waiting, so the
# threads would fail on the test harness, not on casedesk: these run in make test's PostgreSQL pass.
pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="threads need a server database: runs in the PostgreSQL pass"
)
INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


def _open() -> Case:
    d = desk("plm-group")
    alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
    return services.open_case(
        d,
        requester=alice,
        subject="Crash",
        priority="high",
        contract=contract,
        intake=INTAKE,
        at=datetime(2026, 11, 30, 9, tzinfo=CPH),
    )


def _together(*jobs: Callable[[], None]) -> list[BaseException]:
    """Run the jobs in threads released at the same instant; the errors they raised."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait()
            job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_resolve_and_set_waiting_on_stale_copies_never_leave_an_open_case_with_a_resolution() -> None:
    for _ in range(5):
        case = _open()
        a, b = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)  # both read while open
        at = datetime(2026, 11, 30, 10, tzinfo=CPH)
        errors = _together(
            lambda a=a, at=at: services.resolve(a, "solved", at=at),  # type: ignore[misc]
            lambda b=b, at=at: services.set_waiting(b, True, at=at),  # type: ignore[misc]
        )
        case.refresh_from_db()
        assert (case.status, case.resolution) == ("resolved", "solved")
        # Either waiting came first (then resolved), or resolve came first and waiting was refused.
        assert all(isinstance(e, services.CaseError) and "resolved" in str(e) for e in errors)
        assert CaseEvent.objects.filter(case=case, kind="resolved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_all_reach_the_clock_state() -> None:
    case = _open()
    bob, eve = staff("bob"), staff("eve")
    t0 = datetime(2026, 11, 30, 10, tzinfo=CPH)

    def replies(agent, offset: int) -> None:  # type: ignore[no-untyped-def]
        stale = Case.objects.get(pk=case.pk)
        for i in range(8):
            services.add_note(stale, agent, f"note {i}", at=t0 + timedelta(minutes=2 * i + offset))
        services.agent_reply(stale, agent, "Answer", at=t0 + timedelta(minutes=20 + offset))

    assert _together(lambda: replies(bob, 0), lambda: replies(eve, 1)) == []
    case.refresh_from_db()
    assert case.events.exclude(kind__in=["opened", "entitlement"]).count() == 18
    stored = sla_state.as_of(case, t0 + timedelta(hours=1))
    case.clock_key = ""  # forces a replay of every stored event
    assert sla_state.as_of(case, t0 + timedelta(hours=1)) == stored
    # High, answered at 10:20: met (due Tue 09:00 on Denmark's hours).
    assert case.metrics.get(metric="response").status == "met"
