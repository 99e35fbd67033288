"""The `casedesk sla` calculator, run as a user runs it: the console script in a subprocess."""

import subprocess
import sys
from pathlib import Path

import pytest

CASEDESK = str(Path(sys.executable).with_name("casedesk"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CASEDESK, "sla", *args], capture_output=True, text=True, timeout=60)


def test_due_danish_friday_afternoon_lands_on_tuesday() -> None:
    # DK: Fri 14:30-15:00 (0.5h), Mon 08-12, 13-16 (7h), Tue 08:00-08:30 (0.5h) = 8h.
    r = run("due", "--preset", "plm-group", "--calendar", "DK", "--start", "2026-11-27T14:30", "--target", "8h")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "2026-12-01T08:30:00+01:00"


def test_tz_overrides_the_zone_and_keeps_windows() -> None:
    # Same windows read in Chicago: Fri 14:30-15:00, Mon 7h, Tue 08:00-08:30, Chicago time.
    r = run(
        "due",
        "--preset",
        "plm-group",
        "--calendar",
        "DK",
        "--start",
        "2026-11-27T14:30",
        "--target",
        "8h",
        "--tz",
        "America/Chicago",
    )
    assert r.stdout.strip() == "2026-12-01T08:30:00-06:00"


def test_start_with_offset_is_converted() -> None:
    # 13:30Z = 14:30 Copenhagen (winter, +01:00).
    r = run("due", "--preset", "plm-group", "--calendar", "DK", "--start", "2026-11-27T13:30Z", "--target", "90m")
    # Fri 14:30-15:00 (30m), Mon 08:00-09:00 (60m).
    assert r.stdout.strip() == "2026-11-30T09:00:00+01:00"


def test_business_days_and_weeks() -> None:
    r = run("due", "--preset", "plm-group", "--calendar", "EE", "--start", "2026-11-27T16:00", "--target", "1bd")
    assert r.stdout.strip() == "2026-11-30T16:00:00+02:00"  # DESIGN.md: Fri 16:00 + 1 bd = Mon 16:00
    # 2w = 10 business days: Tue 24 Nov 10:00 -> Tue 8 Dec 10:00 (no Estonian holiday between).
    r = run("due", "--preset", "plm-group", "--calendar", "EE", "--start", "2026-11-24T10:00", "--target", "2w")
    assert r.stdout.strip() == "2026-12-08T10:00:00+02:00"


def test_between_prints_whole_business_seconds() -> None:
    r = run(
        "between",
        "--preset",
        "plm-group",
        "--calendar",
        "DK",
        "--start",
        "2026-11-27T14:30",
        "--end",
        "2026-12-01T08:30",
    )
    assert r.stdout.strip() == str(8 * 3600)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--preset", "nope", "--calendar", "DK", "--start", "2026-11-27T14:30", "--target", "8h"], "nope"),
        (["--preset", "plm-group", "--calendar", "XX", "--start", "2026-11-27T14:30", "--target", "8h"], "XX"),
        (["--preset", "plm-group", "--calendar", "DK", "--start", "27.11.2026 14:30", "--target", "8h"], "27.11.2026"),
        (["--preset", "plm-group", "--calendar", "DK", "--start", "2026-11-27T14:30", "--target", "-8h"], "negative"),
        (
            ["--preset", "plm-group", "--calendar", "DK", "--start", "2026-11-27T14:30", "--target", "8 hours"],
            "8 hours",
        ),
        (
            [
                "--preset",
                "plm-group",
                "--calendar",
                "DK",
                "--start",
                "2026-11-27T14:30",
                "--target",
                "8h",
                "--tz",
                "Mars/Olympus",
            ],
            "Mars/Olympus",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_status_2(args: list[str], named: str) -> None:
    r = run("due", *args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert named in lines[0]
    assert "Traceback" not in r.stderr
