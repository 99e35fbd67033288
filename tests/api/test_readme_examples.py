"""The README's curl session and Python script, run as printed against a live server with a real token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from casedesk.api.models import AccessToken
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Membership
from tests.cases.factories import customer, desk, staff

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
INTAKE = {"phone": "+46 8 123", "product_version": "2025", "service_pack": "SP1", "english_ok": "yes"}


def block(after: str, lang: str) -> str:
    """The first fenced block of `lang` after the sentence `after`."""
    tail = README[README.index(after) :]
    match = re.search(rf"```{lang}\n(.*?)```", tail, re.S)
    assert match is not None
    return match.group(1)


@pytest.fixture
def env(live_server, transactional_db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    plm = desk("plm-group")
    bob = staff("plm-group-bob")
    Membership.objects.create(desk=plm, user=bob, role=Membership.Role.AGENT)
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    for day in (19, 20):
        services.open_case(
            plm, requester=alice, contract=contract, subject=f"Crash {day}", priority="high", intake=INTAKE,
            channel=Case.Channel.EMAIL, at=datetime(2026, 10, day, 9, tzinfo=ZoneInfo("Europe/Stockholm")),
        )  # fmt: skip
    token = AccessToken.issue(bob, scope="write")
    return {**os.environ, "TOKEN": token, "BASE": f"{live_server.url}/api/v1"}


def test_the_curl_session_works_as_printed(env: dict[str, str]) -> None:
    script = block("every call as printed", "sh")
    assert "token create plm-group-bob" in script  # the set-up block names the demo agent the session uses
    session = block(script, "sh")
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", session], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    first = Case.objects.order_by("next_due_at").first()
    assert first is not None and f'"number":"{first.number}"' in run.stdout.replace(" ", "")
    note = CaseEvent.objects.get(case=first, kind="note")
    assert note.body == "Called the customer back."


def test_the_python_script_works_as_printed(env: dict[str, str]) -> None:
    script = block("The same in Python with httpx", "python")
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    # Both cases are weeks past their 8-business-hour response due: overdue, nearest (oldest) first.
    assert [line.split()[0] for line in run.stdout.splitlines()] == list(
        Case.objects.order_by("next_due_at").values_list("number", flat=True)
    )
