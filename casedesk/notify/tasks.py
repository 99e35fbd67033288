"""The django-tasks task that sends one outgoing row (queue "mail"; `make run`'s db_worker serves it)."""

from __future__ import annotations

from django_tasks import task

from casedesk.notify import sending


@task(queue_name="mail")
def send_outgoing(pk: int) -> str:
    """Send the row once: a row already sent, claimed by another worker, or not yet due is left alone."""
    return sending.send_one(pk)
