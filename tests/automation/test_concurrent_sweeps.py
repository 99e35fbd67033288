"""Sweeps on PostgreSQL by real `casedesk worker --once` processes, each on its own connection: two at once
share the due cases (SKIP LOCKED) and never record a breach or queue a staff e-mail twice; one SIGKILLed
mid-sweep loses nothing, and the next sweep finishes its work, once.

Every case here is the same (a PTC S0 case opened two days ago and assigned to bob): its two missed daily
reviews are two breaches, each told to bob and carol, so every case must end with exactly 2 breaches and 4
staff e-mails. To make the sweeps overlap (and the kill land between two batches) whatever the sweep's speed,
the worker processes sweep in small batches and each breach takes 10 ms more to insert (a trigger): a harness
delay in the database, not a mock.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.automation.test_scale_support import (  # noqa: F401  (fixtures)
    BREACHES_PER_CASE,
    ROOT,
    STAFF_MAIL_PER_CASE,
    Installation,
    duplicates,
    installation,
    needs_postgres,
    per_case,
    pg_template,
    set_up_desk,
    wait_for,
)

pytestmark = needs_postgres

# `casedesk worker --once` in a process of its own, in batches of BATCH cases, once the file GO exists.
WORKER_ONCE = """
import os, time
import django
django.setup()
from django.core.management import call_command
from casedesk.automation import sweep

sweep.sweep.__kwdefaults__ = {{**sweep.sweep.__kwdefaults__, "batch": {batch}}}
while not os.path.exists({go!r}):
    time.sleep(0.002)
call_command("worker", "--once")
"""

# The harness's delay: each breach recorded takes 10 ms more, inside the sweep's transaction (whichever way the
# sweep writes its rows).
SLOW_BREACHES = """
CREATE FUNCTION scale_test_pause() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.01); RETURN NEW; END $$
LANGUAGE plpgsql;
CREATE TRIGGER scale_test_pause BEFORE INSERT ON cases_caseevent FOR EACH ROW WHEN (NEW.kind = 'breached')
EXECUTE FUNCTION scale_test_pause();
"""


def slow_down(inst: Installation) -> None:
    import psycopg

    with psycopg.connect(inst.url, autocommit=True) as db:
        db.execute(SLOW_BREACHES)


def start_worker(inst: Installation, go: Path, batch: int) -> subprocess.Popen[str]:
    code = WORKER_ONCE.format(batch=batch, go=str(go))
    return subprocess.Popen(
        [sys.executable, "-c", code], env=inst.env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip


def cases_breached(inst: Installation) -> int:
    return inst.count("SELECT count(DISTINCT case_id) FROM cases_caseevent WHERE kind = 'breached'")


def test_two_sweeps_at_once_share_the_due_cases_and_do_nothing_twice(installation: Installation) -> None:  # noqa: F811
    n = 24
    set_up_desk(installation, n)
    slow_down(installation)
    go = installation.var / "go"
    workers = [start_worker(installation, go, batch=3) for _ in range(2)]
    go.touch()  # both start sweeping at the same instant
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    swept = [int(re.search(r"swept (\d+) cases", out).group(1)) for out, _ in outputs]  # type: ignore[union-attr]
    assert sum(swept) == n and min(swept) > 0, swept  # each took a share, none a case the other took
    assert duplicates(installation) == {"breaches": [], "warnings": [], "mail": []}
    assert per_case(installation, BREACHES_PER_CASE) == {2}
    assert per_case(installation, STAFF_MAIL_PER_CASE) == {4}
    assert installation.count("SELECT count(*) FROM automation_heartbeat") == 2


def test_a_worker_killed_mid_sweep_loses_nothing_and_the_next_sweep_does_the_rest_once(
    installation: Installation,  # noqa: F811
) -> None:
    n, batch = 30, 5
    set_up_desk(installation, n)
    slow_down(installation)
    go = installation.var / "go"
    worker = start_worker(installation, go, batch=batch)
    go.touch()
    wait_for(lambda: cases_breached(installation) > 0, 60, "the first batch's commit", step=0.005)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    done = cases_breached(installation)
    # Killed between two commits: whole batches are done, the rest of the due cases untouched.
    assert 0 < done < n and done % batch == 0, done
    assert installation.count("SELECT count(*) FROM automation_heartbeat") == 0  # it never finished
    assert per_case(installation, BREACHES_PER_CASE) == {0, 2}
    assert per_case(installation, STAFF_MAIL_PER_CASE) == {0, 4}

    out = installation.casedesk("worker", "--once")  # the next sweep: the real command, default batches
    assert f"swept {n - done} cases" in out
    assert duplicates(installation) == {"breaches": [], "warnings": [], "mail": []}
    assert per_case(installation, BREACHES_PER_CASE) == {2}
    assert per_case(installation, STAFF_MAIL_PER_CASE) == {4}
    states = installation.sql("SELECT state, count(*) FROM notify_outgoingmail GROUP BY state")
    assert states == [("sent", 4 * n)]  # all sent by the second run's send_due (a dummy e-mail backend)
    assert "swept 0 cases" in installation.casedesk("worker", "--once")
