"""`casedesk mail-in` and `casedesk mail-batch` as real processes: exit codes, and SIGKILL mid-batch."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .mails import mail
from .subprocess_db import CASEDESK, SharedDb, migrated_sqlite, shared_db

pytestmark = pytest.mark.django_db(transaction=True)

SETUP = """
from tests.cases.factories import customer, desk
from casedesk.accounts.models import Contact
plm = desk("plm-group")
alice, contract = customer(plm, country="NO", zone="Europe/Oslo", tier="standard")
for n in range({senders}):
    Contact.objects.create(company=alice.company, site=alice.site, name=f"User {{n}}", email=f"user{{n}}@no.test")
"""
COUNTS = """
import json
from casedesk.cases.models import Case, CaseEvent
from casedesk.mail.models import InboundMessage, ThreadRef
print(json.dumps({
    "messages": InboundMessage.objects.count(),
    "pending": InboundMessage.objects.filter(outcome="pending").count(),
    "outcomes": sorted(set(InboundMessage.objects.values_list("outcome", flat=True))),
    "cases": Case.objects.count(),
    "events": CaseEvent.objects.filter(kind__in=["opened", "customer_reply"]).count(),  # one per message
    "refs": ThreadRef.objects.count(),
}))
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    return migrated_sqlite(tmp_path_factory.mktemp("migrated"))


@pytest.fixture
def db(tmp_path: Path, template: Path | None) -> SharedDb:
    return shared_db(tmp_path, template)


def test_mail_in_stores_and_exits_0(db: SharedDb) -> None:
    db.python(SETUP.format(senders=0))
    done = db.run("mail-in", "--to", "support@plmgroup.no", stdin=mail(frm="alice@no.test"))
    assert done.returncode == 0, done.stderr.decode()
    assert b": case" in done.stdout
    again = db.run("mail-in", "--to", "support@plmgroup.no", stdin=mail(frm="alice@no.test", message_id="<x@t>"))
    repeat = db.run("mail-in", "--to", "support@plmgroup.no", stdin=mail(frm="alice@no.test", message_id="<x@t>"))
    assert (again.returncode, repeat.returncode) == (0, 0)
    assert b"delivered before" in repeat.stdout
    counts = json.loads(db.python(COUNTS))
    assert (counts["messages"], counts["cases"]) == (2, 2)


def test_mail_in_exits_0_for_a_quarantined_message(db: SharedDb) -> None:
    done = db.run("mail-in", "--to", "nobody@nowhere.test", stdin=mail())
    assert done.returncode == 0, done.stderr.decode()
    assert b"quarantined" in done.stdout


def test_mail_in_exits_75_when_it_cannot_store(tmp_path: Path) -> None:
    """An empty database file (no tables) and a path that cannot exist: temporary failures for the MTA."""
    (tmp_path / "empty.sqlite3").touch()
    for url in (f"sqlite:///{tmp_path / 'empty.sqlite3'}", "sqlite:////nonexistent/dir/casedesk.sqlite3"):
        db = SharedDb(url, None)
        done = db.run("mail-in", "--to", "support@plmgroup.no", stdin=mail())
        assert done.returncode == 75, (url, done.stderr.decode())
        assert b"not stored, try again later" in done.stderr


def _batch(directory: Path, replies_per_case: int, cases: int, senders: int) -> int:
    """New cases and their replies (In-Reply-To), each sender writing at most a few messages."""
    n = 0
    for c in range(cases):
        sender = f"user{c % senders}@no.test"
        files = [mail(frm=sender, subject=f"Problem {c}", message_id=f"<case{c}@t>")]
        files += [
            mail(frm=sender, subject=f"Re: Problem {c}", message_id=f"<case{c}-r{r}@t>", in_reply_to=f"<case{c}@t>")
            for r in range(replies_per_case)
        ]
        for raw in files:
            (directory / f"{n:05d}.eml").write_bytes(raw)
            n += 1
    return n


def test_batch_killed_mid_way_loses_nothing_and_duplicates_nothing(db: SharedDb, tmp_path: Path) -> None:
    cases, replies, senders = 100, 2, 60  # 300 messages, at most 5 per sender (under the loop guard)
    db.python(SETUP.format(senders=senders))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    total = _batch(inbox, replies, cases, senders)
    proc = subprocess.Popen(
        [*CASEDESK, "mail-batch", str(inbox), "--to", "support@plmgroup.no"],
        env=db.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while db.count("mail_inboundmessage") < total // 4 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    stored_at_kill = db.count("mail_inboundmessage")
    assert 0 < stored_at_kill < total, "the kill must land mid-batch"

    rerun = db.run("mail-batch", str(inbox), "--to", "support@plmgroup.no", timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()
    counts = json.loads(db.python(COUNTS))
    assert counts["messages"] == total
    assert counts["pending"] == 0
    assert counts["outcomes"] == ["case", "comment"]
    assert counts["cases"] == cases
    assert counts["events"] == cases * (1 + replies)  # opened + each reply, once
    assert counts["refs"] == total
