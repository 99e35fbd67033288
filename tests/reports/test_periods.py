"""Report periods: whole days in the desk's home zone."""

from datetime import UTC, date, datetime

import pytest

from casedesk.reports.periods import last_whole_month, month, parse_period


def test_a_month_runs_from_midnight_to_midnight_in_the_zone() -> None:
    p = month(2026, 11, "Europe/Oslo")
    assert (p.first, p.last, str(p)) == (date(2026, 11, 1), date(2026, 11, 30), "2026-11")
    assert p.start == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # Oslo is UTC+1 in November
    assert p.end == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def test_a_range_of_days_includes_both_ends_and_crosses_a_clock_change() -> None:
    p = parse_period("2026-10-20..2026-11-03", "Europe/Oslo")
    assert str(p) == "2026-10-20..2026-11-03"
    assert p.start == datetime(2026, 10, 19, 22, 0, tzinfo=UTC)  # summer time on 20 October
    assert p.end == datetime(2026, 11, 3, 23, 0, tzinfo=UTC)
    assert str(parse_period("2026-02-01..2026-02-28", "UTC")) == "2026-02"  # a whole month reads as one


def test_the_last_whole_month_is_read_in_the_zone() -> None:
    # 1 December 03:00 UTC is still 30 November in New York: the last whole month is October there.
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert str(last_whole_month(now, "America/New_York")) == "2026-10"
    assert str(last_whole_month(now, "Europe/Oslo")) == "2026-11"
    assert str(last_whole_month(datetime(2027, 1, 15, tzinfo=UTC), "UTC")) == "2026-12"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-13", "is not a month"),
        ("november", "is not a period"),
        ("2026-11-20..2026-11-03", "ends before it starts"),
        ("2026-02-30..2026-03-02", "does not exist"),
        ("2020-01-01..2026-01-01", "at most 400 days"),
        ("", "is not a period"),
    ],
)
def test_a_bad_period_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_period(text, "UTC")
