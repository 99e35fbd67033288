"""casedesk.mail.rows: instances from plain statements are the ORM's, field for field (dates, JSON, booleans)."""

from __future__ import annotations

import pytest
from django.db import connection

from casedesk.accounts.models import Contract
from casedesk.desks.models import Desk
from casedesk.mail import rows
from casedesk.mail.models import InboundMessage

pytestmark = pytest.mark.django_db


def _fields(obj: object, model: type) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}  # type: ignore[attr-defined]


def test_a_row_read_plainly_builds_the_instance_the_orm_reads(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    _contact, contract = alice
    Contract.objects.filter(pk=contract.pk).update(targets={"P1": {"response": "2h"}}, english_ok=True)
    cols = rows.columns(Contract, "k")
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols.sql} FROM {Contract._meta.db_table} k WHERE k.id = %s", [contract.pk])
        built = cols.build(cur.fetchone(), 0)
    assert built is not None and not built._state.adding
    assert _fields(built, Contract) == _fields(Contract.objects.get(pk=contract.pk), Contract)


def test_a_plain_insert_and_update_store_what_the_orm_reads_back(plm: Desk) -> None:
    msg = InboundMessage(
        received_at=plm.created_at, source="file", recipient="support@plmgroup.no", message_id="<r@t>",
        sha256="a" * 64, fingerprint="b" * 64, size=3, raw=b"\x00\xffx",
    )  # fmt: skip
    rows.insert(msg)
    assert msg.pk is not None
    msg.outcome, msg.notices, msg.desk, msg.automatic = "ignored_automatic", ["a notice"], plm, True
    rows.update(msg, ["outcome", "notices", "desk", "automatic"])
    stored = InboundMessage.objects.get(pk=msg.pk)
    assert bytes(stored.raw) == b"\x00\xffx"
    assert (stored.outcome, stored.notices, stored.desk_id, stored.automatic) == (
        "ignored_automatic", ["a notice"], plm.pk, True,
    )  # fmt: skip
