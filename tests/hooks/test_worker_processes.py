"""The way out as an installation runs it: `casedesk worker` processes (the task queue in the database, or in
Redis with two workers, one SIGKILLed half-way) post every delivery of cases opened and breached in other
processes to a real receiver, each signed; every delivery row ends delivered and its id reached the receiver.
Needs the PostgreSQL (and Redis) the scale-out tests use; skipped where they are not reachable."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter

from django.utils import timezone

from casedesk.hooks import signing
from tests.automation.test_scale_support import (  # noqa: F401  (fixtures)
    Installation,
    installation,
    needs_postgres,
    needs_redis,
    open_more,
    pg_template,
    redis_url,
    set_up_desk,
    wait_for,
)

from .conftest import Receiver

pytestmark = [needs_postgres]  # the test database is unused: the processes have their own

SUBSCRIBE = """
from casedesk.desks.models import Desk
from casedesk.hooks import subscriptions
sub = subscriptions.add(Desk.objects.get(slug="ptc"), {url!r}, ["case.opened", "sla.breached"], by=None)
print(sub.secret)
"""


def _run(inst: Installation, receiver: Receiver, workers: int, kill_one: bool) -> None:
    # A row the killed worker was posting comes due again when its lease (6 x the timeout) ends.
    inst.extra_env = {"CASEDESK_SWEEP_INTERVAL": "0.5", "CASEDESK_HOOKS_TIMEOUT": "2"}
    set_up_desk(inst, 0)
    secret = inst.python(SUBSCRIBE.format(url=receiver.url)).strip()
    procs = [inst.start("worker", log=f"worker{i}.log") for i in range(workers)]
    open_more(inst, 4)  # S0 cases opened two days ago: the sweeps breach them

    def rows() -> list[tuple[int, str, str]]:
        return [(pk, event, state) for pk, event, state in inst.sql("SELECT id, event, state FROM hooks_delivery")]

    def expected() -> int:
        cases = inst.count("SELECT count(*) FROM cases_case")
        return cases + inst.count("SELECT count(*) FROM cases_caseevent WHERE kind = 'breached'")

    def all_delivered() -> bool:
        now = rows()
        return len(now) == expected() and all(state == "delivered" for _, _, state in now)

    if kill_one:
        wait_for(lambda: len(receiver.requests) > 0, 40, "the first delivery")
        os.killpg(procs[-1].pid, signal.SIGKILL)
        procs[-1].wait(10)
        open_more(inst, 2)
    wait_for(all_delivered, 150, "every delivery delivered")  # a lost one: its lease, then a minute
    final = rows()
    events = Counter(event for _, event, _ in final)
    assert events["case.opened"] == (6 if kill_one else 4) and events["sla.breached"] >= events["case.opened"]
    received = Counter(int(r.headers["Casedesk-Delivery"]) for r in receiver.requests)
    assert set(received) == {pk for pk, _, _ in final}  # each row reached the receiver (at least once)
    for r in receiver.requests:
        signing.verify(secret, r.headers["Casedesk-Signature"], r.body, timezone.now())
        assert json.loads(r.body)["event"] == r.headers["Casedesk-Event"]


def test_a_worker_posts_every_delivery_from_the_database_queue(
    installation: Installation,  # noqa: F811
    receiver: Receiver,
) -> None:
    _run(installation, receiver, workers=1, kill_one=False)
    assert installation.count("SELECT count(*) FROM django_tasks_database_dbtaskresult") > 0


@needs_redis
def test_two_workers_on_redis_post_every_delivery_though_one_dies(
    installation: Installation,  # noqa: F811
    redis_url: str,  # noqa: F811
    receiver: Receiver,
) -> None:
    installation.redis_url = redis_url
    _run(installation, receiver, workers=2, kill_one=True)
    assert installation.count("SELECT count(*) FROM django_tasks_database_dbtaskresult") == 0
