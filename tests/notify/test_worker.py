"""The whole way out as `make run` runs it: the event commits, its task waits in the database, db_worker sends."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from casedesk.cases import services
from casedesk.notify.models import OutgoingMail
from tests.cases.factories import customer, desk

from .conftest import Capture


@pytest.mark.django_db(transaction=True)  # db_worker closes the connection of a test inside a transaction
def test_the_worker_sends_the_task_enqueued_at_commit_and_a_second_run_sends_nothing(smtp: Capture) -> None:
    from django_tasks_db.models import DBTaskResult

    plm = desk("plm-group")
    alice, contract = customer(plm, country="NO", zone="Europe/Oslo", tier="standard")
    intake = {"phone": "+47 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}
    at = datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("Europe/Oslo"))
    case = services.open_case(plm, requester=alice, contract=contract, subject="Crash", intake=intake,
                              priority="high", at=at)  # fmt: skip
    assert DBTaskResult.objects.filter(task_path="casedesk.notify.tasks.send_outgoing").count() == 1
    worker = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "mail"]
    call_command(*worker)
    (received,) = smtp.messages
    assert received.rcpt_tos == ["alice@no.test"] and received.mail_from == "support@plmgroup.no"
    assert received.message["Subject"] == f"[{case.number}] Crash"
    assert OutgoingMail.objects.get().state == "sent"
    call_command(*worker)
    call_command("notify-send", "--once")
    assert len(smtp.messages) == 1
