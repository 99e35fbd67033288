"""The routing table (every address and where it leads) and the demo's example addresses.

Only PLM Group's policy states addresses (on its queues). For the other desks a manager enters theirs
in the admin; a demo gets support@<desk>.example.com, an example domain, never a guessed real address.
"""

from __future__ import annotations

from casedesk.desks.models import Desk, Queue
from casedesk.mail.models import InboundAddress

EXAMPLE_DOMAIN = "example.com"


def table() -> list[tuple[str, str, str]]:
    """(address, desk, queue key or '') for every address mail is taken at, sorted by address."""
    rows = {
        (a.address, a.desk.name, a.queue.key if a.queue else "")
        for a in InboundAddress.objects.select_related("desk", "queue")
    }
    for q in Queue.objects.exclude(email="").select_related("desk"):
        rows.add((q.email.lower(), q.desk.name, q.key))
    return sorted(rows)


def add_examples() -> list[InboundAddress]:
    """support@<desk slug>.example.com for each desk that receives mail at no address yet."""
    with_queue_address = set(Queue.objects.exclude(email="").values_list("desk_id", flat=True))
    with_address = set(InboundAddress.objects.values_list("desk_id", flat=True))
    created = []
    for desk in Desk.objects.exclude(pk__in=with_queue_address | with_address).order_by("slug"):
        address = f"support@{desk.slug}.{EXAMPLE_DOMAIN}"
        row, made = InboundAddress.objects.get_or_create(
            address=address, defaults={"desk": desk, "note": "example address for the demo"}
        )
        if made:
            created.append(row)
    return created
