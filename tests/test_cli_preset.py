"""`casedesk preset` and `casedesk sla due --priority`, run as the console script."""

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from casedesk.demo.catalogue import CATALOGUE

CASEDESK = str(Path(sys.executable).with_name("casedesk"))


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([CASEDESK, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **env})


def test_preset_list_prints_the_five_presets() -> None:
    r = run("preset", "list")
    slugs = [line.split("\t")[0] for line in r.stdout.splitlines()]
    assert slugs == ["dytron", "mastercam", "plm-group", "ptc", "solidxperts"]


def test_preset_load_is_idempotent(tmp_path: Path) -> None:
    env = {"CASEDESK_VAR": str(tmp_path)}
    assert run("migrate", "-v0", **env).returncode == 0
    first = run("preset", "load", "ptc", "--demo", **env)
    assert "created desk ptc" in first.stdout
    # The catalogue's cases, two more about to breach (PTC: S0 reviews due minutes after loading) and the
    # compliance report's cases of last month and this one (how many depends on today's date): every one counted.
    said = int(re.search(r"demo: (\d+) cases", first.stdout)[1])  # type: ignore[index]
    with sqlite3.connect(tmp_path / "casedesk.sqlite3") as db:
        assert said == db.execute("SELECT COUNT(*) FROM cases_case").fetchone()[0]
    assert said >= CATALOGUE["ptc"].cases + 2
    assert "demo e-mail address support@ptc.example.com -> desk ptc" in first.stdout  # PTC states no address
    again = run("preset", "load", "ptc", "--demo", **env)
    assert "updated desk ptc" in again.stdout
    assert "demo already loaded" in again.stdout and "example.com" not in again.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--preset", "plm-group", "--calendar", "DK", "--tier", "standard", "--priority", "high"],
            "2026-12-01T08:30:00+01:00",
        ),
        # Mastercam P1 resolution 8h, online calendar in New York: Fri 14:30-17:00 (2.5h) + Mon 08:00-13:30.
        (
            ["--preset", "mastercam", "--calendar", "online", "--priority", "P1", "--metric", "resolution"],
            "2026-11-30T13:30:00-05:00",
        ),
    ],
)
def test_sla_due_resolves_targets_from_the_preset(args: list[str], expected: str) -> None:
    metric = [] if "--metric" in args else ["--metric", "response"]
    r = run("sla", "due", *args, *metric, "--start", "2026-11-27T14:30")
    assert r.stdout.strip() == expected, r.stderr


def test_a_combination_without_target_says_so() -> None:
    r = run(
        "sla",
        "due",
        "--preset",
        "plm-group",
        "--calendar",
        "DK",
        "--tier",
        "standard",
        "--priority",
        "question",
        "--metric",
        "response",
        "--start",
        "2026-11-27T14:30",
    )
    assert r.returncode == 2
    assert "no response target" in r.stderr


def test_preset_check_reports_errors_with_line_numbers(tmp_path: Path) -> None:
    bad = tmp_path / "acme.toml"
    bad.write_text(
        'slug = "acme"\nname = "Acme"\n\n[calendars.main]\nzone = "Europe/Oslo"\n'
        'hours = { mon-fri = ["08:00-16:00"] }\n\n[policy]\n[[policy.priorities]]\nkey = "normal"\n'
        '[policy.metrics.response]\nstop = ["answered"]\n'
    )
    r = run("preset", "check", str(bad))
    assert r.returncode == 2
    assert f"{bad}:12:" in r.stderr
    assert "answered" in r.stderr
    good = run("preset", "check", str(Path("casedesk/presets/ptc.toml")))
    assert good.returncode == 0
    assert "ok" in good.stdout


def test_preset_check_names_the_line_of_a_broken_queue_and_passes_every_shipped_preset(tmp_path: Path) -> None:
    bad = tmp_path / "acme.toml"
    bad.write_text(
        'slug = "acme"\nname = "Acme"\n\n[calendars.main]\nzone = "Europe/Oslo"\n'
        'hours = { mon-fri = ["08:00-16:00"] }\n\n[policy]\nfallback_queue = "NO"\n\n'
        '[[policy.queues]]\nkey = "NO"\ncalendar = "main"\n\n'
        '[[policy.queues]]\nkey = "SE"\ncalendar = "main"\nemail = "support(at)acme.se"\n'
    )
    r = run("preset", "check", str(bad))
    assert r.returncode == 2
    assert f"{bad}:18: queue SE: 'support(at)acme.se' is not an e-mail address" in r.stderr
    for path in sorted(Path("casedesk/presets").glob("*.toml")):
        ok = run("preset", "check", str(path))
        assert ok.returncode == 0, ok.stderr
        assert f"{path}: ok: {path.stem} " in ok.stdout
