"""Business days over arrays (the replay's calendar pass) give what `Calendar.add_business_days` gives one by one.

The single-value rule is itself checked against DESIGN.md in test_properties.py; here it is the oracle, on
the shipped calendars (public holidays, lunch breaks, short Fridays) in every zone a case may follow, and on
calendars open through the night and at weekends, where DST changes put a start or a due in an hour the clock
skips or repeats.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.sla.calendar import Calendar, CalendarSpec, add_business_days_many
from casedesk.sla.presets import list_presets, load_preset

ZONES = ["Europe/Oslo", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Tokyo", "UTC"]
ZONES += ["Europe/London", "America/Los_Angeles", "Atlantic/Reykjavik", "Europe/Riga"]

SHIPPED = [(slug, name) for slug in list_presets() for name in load_preset(slug).calendars]
EVERY_DAY = ((0, 86400),)
ODD = {
    "always": CalendarSpec("always", "UTC", (EVERY_DAY,) * 7, always_open=True),
    "nights": CalendarSpec("nights", "UTC", (((0, 4 * 3600), (22 * 3600, 86400)),) * 7),
    "early": CalendarSpec("early", "UTC", (((1 * 3600, 3 * 3600 + 1800),),) * 6 + ((),)),
    "weekdays": CalendarSpec("weekdays", "UTC", (((8 * 3600, 16 * 3600),),) * 5 + ((), ())),
}

# DST changes (EU last Sundays of March/October, US second Sunday of March / first of November, Santiago,
# Lord Howe), Easter and Christmas.
AROUND = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2026, 4, 5, 3, tzinfo=UTC),
    datetime(2026, 9, 6, 4, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
    datetime(2026, 12, 23, 14, tzinfo=UTC),
    datetime(2027, 6, 1, 12, tzinfo=UTC),
]


def calendar(data: st.DataObject) -> Calendar:
    draw = data.draw
    zone = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        slug, name = draw(st.sampled_from(SHIPPED))
        spec = load_preset(slug).calendars[name]
        return Calendar(spec, zone if draw(st.booleans()) else None)
    return Calendar(ODD[draw(st.sampled_from(sorted(ODD)))], zone)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_business_days_over_arrays_equal_one_by_one(data: st.DataObject) -> None:
    cal = calendar(data)
    base = data.draw(st.sampled_from(AROUND))
    # Starts up to two days from a DST change or holiday, and a few whole weeks away, in whole seconds.
    minutes = st.integers(-2880, 2880)
    starts = [
        base + timedelta(minutes=data.draw(minutes), seconds=data.draw(st.sampled_from([0, 0, 1, 59])))
        for _ in range(data.draw(st.integers(1, 12)))
    ]
    starts = [s - timedelta(weeks=data.draw(st.sampled_from([0, 0, 1, 26, -20]))) for s in starts]
    days = [data.draw(st.sampled_from([0, 1, 1, 2, 3, 4, 5, 10, 30])) for _ in starts]
    epoch = np.array([int(s.timestamp()) for s in starts], dtype=np.int64)
    got = add_business_days_many(cal, epoch, np.array(days, dtype=np.int64)).tolist()
    want = [int(cal.add_business_days(s, d).timestamp()) for s, d in zip(starts, days, strict=True)]
    assert got == want


def test_a_start_in_the_repeated_hour_keeps_its_occurrence_on_a_later_repeated_hour() -> None:
    # Open around the clock in Oslo. 25 October 2026, 02:30 happens twice (03:00 CEST -> 02:00 CET); the
    # second time is 01:30 UTC. 52 weeks later, 24 October 2027 is not a fall-back day (that is 31 October),
    # so the same wall time 02:30 exists once there: 00:30 UTC (CEST). 371 days after, 31 October 2027 02:30
    # is repeated again, and the start's second occurrence gives the second one: 01:30 UTC.
    cal = Calendar(ODD["always"], "Europe/Oslo")
    start = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert start.astimezone(ZoneInfo("Europe/Oslo")).fold == 1
    epoch = np.array([int(start.timestamp())] * 2, dtype=np.int64)
    got = add_business_days_many(cal, epoch, np.array([364, 371], dtype=np.int64)).tolist()
    assert got == [
        int(datetime(2027, 10, 24, 0, 30, tzinfo=UTC).timestamp()),
        int(datetime(2027, 10, 31, 1, 30, tzinfo=UTC).timestamp()),
    ]


def test_the_sweden_easter_example_by_hand() -> None:
    # PLM Sweden, 4 business days from Wednesday 1 April 2026 10:30: Thursday 2, then Good Friday, the
    # weekend and Easter Monday are closed: Tuesday 7, Wednesday 8, Thursday 9 April at 10:30 (CEST).
    # From Thursday 2 April 17:00 (after hours: from Tuesday 7 April 08:00), 1 business day: Wednesday 08:00
    # is a full business day later, and the earliest instant with that much business time is Tuesday's
    # closing time, 16:00 (DESIGN.md: the due is the earliest instant at which the time has elapsed).
    cal = Calendar(load_preset("plm-group").calendars["SE"])
    se = ZoneInfo("Europe/Stockholm")
    starts = [datetime(2026, 4, 1, 10, 30, tzinfo=se), datetime(2026, 4, 2, 17, 0, tzinfo=se)]
    got = add_business_days_many(cal, np.array([int(s.timestamp()) for s in starts]), np.array([4, 1]))
    assert got.tolist() == [
        int(datetime(2026, 4, 9, 10, 30, tzinfo=se).timestamp()),
        int(datetime(2026, 4, 7, 16, 0, tzinfo=se).timestamp()),
    ]


def test_a_due_on_a_skipped_wall_time_is_the_instant_the_clock_jumps() -> None:
    # Open around the clock in Oslo. Saturday 28 March 2026 02:30 CET (01:30 UTC) + 1 business day: Sunday
    # 29 March 02:30 does not exist (02:00 CET -> 03:00 CEST at 01:00 UTC): the due is that jump, 01:00 UTC.
    cal = Calendar(ODD["always"], "Europe/Oslo")
    start = datetime(2026, 3, 28, 1, 30, tzinfo=UTC)
    want = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert cal.add_business_days(start, 1) == want
    got = add_business_days_many(cal, np.array([int(start.timestamp())]), 1).tolist()
    assert got == [int(want.timestamp())]
