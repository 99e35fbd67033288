"""The CLI and the API answer a due-time question through one calculation."""

import pytest
from django.core.management import call_command
from django.test import Client


def _cli(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("sla", "due", *args, stdout=out)
    return out.getvalue().strip()


def test_cli_and_api_look_up_the_same_preset_target() -> None:
    # PLM DK Standard High = 8 business hours: Fri 27 Nov 14:30-15:00, Mon 7h, Tue 08:00-08:30.
    args = {
        "preset": "plm-group",
        "calendar": "DK",
        "start": "2026-11-27T14:30",
        "tier": "standard",
        "priority": "high",
        "metric": "response",
    }
    cli = _cli(*[f"--{k}={v}" for k, v in args.items()])
    api = Client().get("/api/v1/sla/due", args).json()
    assert cli == api["due"] == "2026-12-01T08:30:00+01:00"
    assert api["target"] == "8h"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tz": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"priority": "urgent"}, "unknown priority 'urgent'"),
        ({}, "give a target"),
    ],
)
def test_api_mistakes_are_400_with_the_clis_message(query: dict[str, str], message: str) -> None:
    base = {"preset": "plm-group", "calendar": "DK", "start": "2026-11-27T14:30", "tier": "standard"}
    if "priority" not in query and query != {}:
        base["target"] = "8h"
    r = Client().get("/api/v1/sla/due", {**base, **query})
    assert r.status_code == 400
    assert message in r.json()["detail"]
