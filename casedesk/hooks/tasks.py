"""The django-tasks task that posts one webhook delivery (queue "default"; `casedesk worker` serves it)."""

from __future__ import annotations

from django_tasks import task

from casedesk.hooks import sending


@task()
def deliver(pk: int) -> str:
    """One attempt at the delivery: one already delivered, claimed by another worker, or not yet due is left."""
    return sending.deliver_one(pk)
