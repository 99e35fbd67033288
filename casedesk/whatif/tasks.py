"""The django-tasks task that runs a what-if replay (queue "whatif", long jobs; `casedesk worker` serves it)."""

from __future__ import annotations

from django_tasks import task

from casedesk.whatif import runs


@task(queue_name="whatif")
def replay_run(pk: int) -> str:
    """Replay the run's period under its draft; a run already taken or ended is left alone."""
    return runs.execute(pk)
