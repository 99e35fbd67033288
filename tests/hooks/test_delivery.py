"""Deliveries posted to a real HTTP receiver: signed, once, only the events subscribed, retried with backoff,
and a subscription that keeps failing paused with its manager told. Time is driven by calling the worker's
pass (`deliver_due`) with an explicit `now`."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casedesk.cases import services
from casedesk.desks.models import Desk, Membership
from casedesk.hooks import emit, signing, subscriptions
from casedesk.hooks.models import Delivery, Subscription
from casedesk.hooks.sending import BACKOFF, MAX_ATTEMPTS, deliver_due, deliver_one
from casedesk.notify.models import OutgoingMail
from casedesk.notify.outbox import silenced
from tests.cases.factories import customer, desk

from .conftest import Receiver
from .helpers import at, body, member, open_case, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def plm() -> Desk:
    return desk("plm-group")


def test_a_case_opened_is_posted_once_with_a_valid_signature(plm: Desk, receiver: Receiver) -> None:
    sub = subscribe(plm, receiver.url, "case.opened")
    case = open_case(plm)
    (row,) = Delivery.objects.all()
    assert (row.event, row.state, row.case_id) == ("case.opened", "pending", case.pk)
    assert deliver_due().delivered == 1
    (req,) = receiver.requests
    assert req.path == "/hooks/casedesk" and req.headers["Content-Type"] == "application/json"
    assert req.headers["Casedesk-Event"] == "case.opened" and req.headers["Casedesk-Delivery"] == str(row.pk)
    signing.verify(sub.secret, req.headers["Casedesk-Signature"], req.body, timezone.now())
    sent = body(req.body)
    assert (sent["id"], sent["event"], sent["desk"]) == (row.pk, "case.opened", "plm-group")
    assert sent["data"]["case"]["number"] == case.number and sent["data"]["case"]["priority"] == "critical"
    assert sent["data"]["case"]["status"] == case.status and sent["data"]["event"]["kind"] == "opened"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status, row.last_response) == ("delivered", 1, 200, "ok")
    assert deliver_due(now=timezone.now() + timedelta(days=2)).delivered == 0  # never twice
    assert deliver_one(row.pk) == "skipped" and len(receiver.requests) == 1


def test_the_delivery_is_enqueued_as_a_task_once_the_change_commits(
    plm: Desk, receiver: Receiver, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    subscribe(plm, receiver.url, "case.opened")
    with django_capture_on_commit_callbacks(execute=True):
        open_case(plm)
    task = DBTaskResult.objects.get(task_path="casedesk.hooks.tasks.deliver")
    assert task.args_kwargs["args"] == [Delivery.objects.get().pk]


def test_a_rolled_back_change_leaves_no_delivery(plm: Desk, receiver: Receiver) -> None:
    subscribe(plm, receiver.url, "case.opened")

    def open_then_fail() -> None:
        with transaction.atomic():
            open_case(plm)
            assert Delivery.objects.count() == 1
            raise RuntimeError("the caller fails after the case was written")

    with pytest.raises(RuntimeError):
        open_then_fail()
    assert not Delivery.objects.exists()


def test_an_event_not_subscribed_is_not_sent_and_an_internal_note_never(plm: Desk, receiver: Receiver) -> None:
    bob = member(plm, "bob")
    subscribe(plm, receiver.url, "case.resolved")
    updates = subscribe(plm, receiver.url.replace("casedesk", "updates"), "case.updated")
    case = open_case(plm)
    services.add_note(case, bob, "internal: the customer's licence looks odd", at=at(30, 9, 10))
    services.agent_reply(case, bob, "We are on it.", at=at(30, 9, 20))
    services.resolve(case, "solution", actor=bob, at=at(30, 10))
    deliver_due()
    got = [(r.path.rpartition("/")[2], r.headers["Casedesk-Event"]) for r in receiver.requests]
    assert got == [("updates", "case.updated"), ("casedesk", "case.resolved")]
    reply = body(receiver.requests[0].body)["data"]["event"]
    assert reply["kind"] == "agent_reply" and reply["body"] == "We are on it." and reply["actor"] == "bob"
    assert "licence looks odd" not in b"".join(r.body for r in receiver.requests).decode()
    assert Delivery.objects.filter(subscription=updates).count() == 1


def test_a_500_is_retried_after_the_backoff_and_then_delivered(plm: Desk, receiver: Receiver) -> None:
    sub = subscribe(plm, receiver.url, "case.opened")
    receiver.answers.extend([500, 500])
    open_case(plm)
    t0 = timezone.now()
    assert deliver_due(now=t0).retrying == 1
    row = Delivery.objects.get()
    assert (row.state, row.attempts, row.last_status) == ("failed", 1, 500)
    assert row.last_response == "receiver says no" and row.next_attempt_at == t0 + BACKOFF[0]
    assert deliver_due(now=t0 + timedelta(seconds=30)).retrying == 0  # not yet
    assert len(receiver.requests) == 1
    t1 = t0 + BACKOFF[0]
    assert deliver_due(now=t1).retrying == 1
    row.refresh_from_db()
    assert row.next_attempt_at == t1 + BACKOFF[1]  # 5 minutes after the second attempt
    assert deliver_due(now=t1 + BACKOFF[1]).delivered == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == ("delivered", 3, 200)
    first, _, last = receiver.requests
    assert first.body == last.body and first.headers["Casedesk-Delivery"] == last.headers["Casedesk-Delivery"]
    signing.verify(sub.secret, last.headers["Casedesk-Signature"], last.body, timezone.now())


def test_the_sixth_failed_attempt_gives_up(plm: Desk, receiver: Receiver) -> None:
    receiver.status = 503
    sub = subscribe(plm, receiver.url, "case.opened")
    open_case(plm)
    now = timezone.now()
    for wait in [timedelta(0), *BACKOFF]:
        now += wait
        deliver_due(now=now)
    row = Delivery.objects.get()
    assert (row.state, row.attempts, row.next_attempt_at) == ("gave_up", MAX_ATTEMPTS, None)
    assert len(receiver.requests) == MAX_ATTEMPTS == 6
    sub.refresh_from_db()
    assert sub.consecutive_failures == 1 and sub.paused_at is None
    deliver_due(now=now + timedelta(days=3))
    assert len(receiver.requests) == 6


def test_ten_deliveries_given_up_pause_the_subscription_and_tell_the_manager(plm: Desk, receiver: Receiver) -> None:
    carol = member(plm, "carol", Membership.Role.SUPPORT_MANAGER)
    member(plm, "bob")
    receiver.status = 500
    sub = subscribe(plm, receiver.url, "case.opened")
    for _ in range(10):
        open_case(plm)
    now = timezone.now()
    for wait in [timedelta(0), *BACKOFF]:
        now += wait
        deliver_due(now=now)
    assert len(receiver.requests) == 60
    sub.refresh_from_db()
    assert sub.consecutive_failures == 10 and sub.paused_at is not None
    assert "10 deliveries in a row failed" in sub.paused_reason
    (mail,) = OutgoingMail.objects.filter(kind="hook_paused")
    assert mail.recipients == [carol.email] and mail.audience == "staff" and mail.case is None
    assert receiver.url in mail.subject and "/console/hooks/" in mail.body
    open_case(plm)  # paused: nothing new is queued for it
    assert Delivery.objects.count() == 10

    receiver.status = 200
    subscriptions.resume(sub)
    open_case(plm)
    assert deliver_due(now=now).delivered == 1
    sub.refresh_from_db()
    assert (sub.paused_at, sub.consecutive_failures) == (None, 0)


def test_a_success_resets_the_count_of_failures(plm: Desk, receiver: Receiver) -> None:
    sub = subscribe(plm, receiver.url, "case.opened")
    Subscription.objects.filter(pk=sub.pk).update(consecutive_failures=9)
    open_case(plm)
    deliver_due()
    sub.refresh_from_db()
    assert sub.consecutive_failures == 0


@pytest.mark.parametrize("path", ["worker", "per_case"])
def test_sla_breached_is_emitted_by_the_worker_sweep(plm: Desk, receiver: Receiver, path: str) -> None:
    sub = subscribe(plm, receiver.url, "sla.breached")
    # Standard, critical: 4 h. Mon 09:00 + 3 h (09-12) + 1 h (13-14) = due Mon 14:00 (tests/automation).
    case = open_case(plm, at(30, 9))
    if path == "worker":
        call_command("worker", "--once", "--at", at(30, 14, 5).isoformat())
    else:
        from casedesk.automation.sweep import sweep

        sweep(at(30, 14, 5), path="per_case")
        deliver_due()
    (req,) = receiver.requests
    assert req.headers["Casedesk-Event"] == "sla.breached"
    signing.verify(sub.secret, req.headers["Casedesk-Signature"], req.body, timezone.now())
    sent = body(req.body)["data"]
    assert sent["case"]["number"] == case.number and sent["case"]["sla_breached"] is True
    assert sent["event"]["kind"] == "breached" and sent["event"]["data"]["metric"] == "response"
    assert sent["event"]["at"] == at(30, 14).isoformat()


def test_a_warning_is_emitted_when_its_point_passes(plm: Desk, receiver: Receiver) -> None:
    subscribe(plm, receiver.url, "sla.warning")
    open_case(plm, at(30, 9))
    call_command("worker", "--once", "--at", at(30, 12, 5).isoformat())  # the 75 % point, 12:00
    (req,) = receiver.requests
    assert req.headers["Casedesk-Event"] == "sla.warning"


def test_escalation_and_resolution_are_events_of_their_own(receiver: Receiver) -> None:
    mastercam = desk("mastercam")
    subscribe(mastercam, receiver.url, "case.escalated", "case.resolved")
    alice, contract = customer(mastercam, country="US", zone="America/New_York")
    nyc = ZoneInfo("America/New_York")
    case = services.open_case(mastercam, requester=alice, contract=contract, subject="Post processor",
                              intake={"site": "Plant", "product_version": "2026"}, priority="P3",
                              at=datetime(2026, 11, 30, 9, tzinfo=nyc))  # fmt: skip
    services.escalate(case, 1, "no answer", at=datetime(2026, 11, 30, 10, tzinfo=nyc))
    services.resolve(case, "fix_timeline_given", at=datetime(2026, 11, 30, 11, tzinfo=nyc))
    services.close(case, at=datetime(2026, 11, 30, 12, tzinfo=nyc))  # case.updated: not subscribed
    deliver_due()
    assert [r.headers["Casedesk-Event"] for r in receiver.requests] == ["case.escalated", "case.resolved"]
    escalated, resolved = (body(r.body)["data"] for r in receiver.requests)
    assert escalated["event"]["data"]["level"] == 1 and escalated["case"]["escalation_level"] == 1
    assert resolved["case"]["resolution"] == "fix_timeline_given" and resolved["case"]["status"] == "resolved"


def test_history_played_silenced_tells_no_receiver(plm: Desk, receiver: Receiver) -> None:
    subscribe(plm, receiver.url, "case.opened")
    with silenced():
        open_case(plm)
    assert not Delivery.objects.exists()


def test_a_desk_without_subscriptions_pays_one_query_and_an_unmapped_change_none(plm: Desk) -> None:
    bob = member(plm, "bob")
    case = open_case(plm)
    note = services.add_note(case, bob, "internal", at=at(30, 9, 5)).events.order_by("-id").first()
    assert note is not None and note.kind == "note"
    with CaptureQueriesContext(connection) as none:
        assert emit.for_event(case, note) == []
    opened = case.events.get(kind="opened")
    with CaptureQueriesContext(connection) as one:
        assert emit.for_event(case, opened) == []
    assert (len(none), len(one)) == (0, 1)


def test_a_ping_is_posted_even_to_a_paused_subscription(plm: Desk, receiver: Receiver) -> None:
    carol = member(plm, "carol", Membership.Role.SUPPORT_MANAGER)
    sub = subscribe(plm, receiver.url, "case.opened")
    subscriptions.pause(sub, by=carol)
    subscriptions.ping(sub, by=carol)
    open_case(plm)
    assert deliver_due().delivered == 1
    (req,) = receiver.requests
    assert req.headers["Casedesk-Event"] == "ping" and body(req.body)["data"]["by"] == "carol"


def test_removing_a_subscription_with_deliveries_keeps_their_log(plm: Desk, receiver: Receiver) -> None:
    sub = subscribe(plm, receiver.url, "case.opened")
    open_case(plm)
    assert subscriptions.remove(sub) is False
    sub.refresh_from_db()
    row = Delivery.objects.get()
    assert not sub.active and row.state == "gave_up" and row.last_error == "the subscription was removed"
    assert deliver_due().delivered == 0 and receiver.requests == []
    unused = subscribe(plm, receiver.url, "case.opened")
    unused_pk = unused.pk
    Delivery.objects.filter(subscription=unused).delete()
    assert subscriptions.remove(unused) is True and not Subscription.objects.filter(pk=unused_pk).exists()


def test_no_answer_at_all_is_a_failed_attempt(plm: Desk, receiver: Receiver) -> None:
    subscribe(plm, "http://127.0.0.1:9/nobody-listens", "case.opened")
    open_case(plm)
    assert deliver_due().retrying == 1
    row = Delivery.objects.get()
    assert row.last_status is None and "Connection refused" in row.last_error


@pytest.mark.django_db(transaction=True)  # db_worker closes the connection of a test inside a transaction
def test_the_worker_posts_the_task_enqueued_at_commit(receiver: Receiver) -> None:
    plm = desk("plm-group")
    subscribe(plm, receiver.url, "case.opened")
    open_case(plm)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "default")
    (req,) = receiver.requests
    assert req.headers["Casedesk-Event"] == "case.opened"
    assert Delivery.objects.get().state == "delivered"


def test_the_sweeps_pass_takes_only_deliveries_whose_task_was_lost(plm: Desk, receiver: Receiver) -> None:
    from casedesk.hooks.sending import LOST_AFTER

    subscribe(plm, receiver.url, "case.opened")
    open_case(plm)
    now = timezone.now()
    assert deliver_due(now=now, lost_after=LOST_AFTER).delivered == 0  # its task is about to post it
    assert deliver_due(now=now + LOST_AFTER + timedelta(seconds=1), lost_after=LOST_AFTER).delivered == 1
    open_case(plm)
    assert deliver_due(now=now, budget=0).delivered == 0  # no time left: nothing starts
