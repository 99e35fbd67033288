"""Hand-derived calendar cases for the shipped presets.

Sources: POLICIES.md sections 0 (0.1 Mastercam calendars, 0.9 PLM holidays,
0.12 business days), 1 (PLM Group hours per country and targets) and 2
(Mastercam support hours and targets); DESIGN.md "SLA semantics" (the due time
is the earliest instant at which the target's business time has elapsed; N
business days = same local time on the Nth following workday, its closing
time if it closes earlier, then earliest instant).

Every expected value was worked out by hand from those texts, with the 2026
calendar, public-holiday law of each country and the DST rules (Europe: last
Sunday of March / October = 2026-03-29 / 2026-10-25; US: second Sunday of
March / first Sunday of November = 2026-03-08 / 2026-11-01). The pinned
`holidays` package (0.109) was consulted only to confirm which days it lists
in its default category (POLICIES.md 0.9 makes that list the rule); no
expected value was copied from the engine.

2026 weekdays used below: Thu 1 Jan, Tue 6 Jan, Sat 17 Jan, Tue 24 Feb,
Fri 27 Mar, Thu 2 Apr (Maundy Thursday), Fri 3 Apr (Good Friday), Sun 5 Apr
(Easter), Mon 6 Apr (Easter Monday), Thu 23 Apr, Fri 19 Jun, Mon 22 Jun,
Sat 27 Jun, Mon 3 Aug, Mon 31 Aug, Mon 12 Oct, Fri 23 Oct, Sun 25 Oct,
Sun 1 Nov, Thu 26 Nov, Fri 27 Nov, Thu 24 Dec, Fri 25 Dec, Thu 31 Dec.

Offsets: Oslo/Copenhagen/Stockholm/Paris +01:00 winter, +02:00 summer;
Helsinki/Tallinn/Riga +02:00 winter, +03:00 summer; Reykjavik +00:00 all
year (no DST); New York -05:00 / -04:00; Los Angeles -08:00 / -07:00.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from casedesk.sla import load_calendar

H = 3600


@cache
def _cal(key: str, tz: str | None = None):  # type: ignore[no-untyped-def]
    preset, name = key.split(":")
    return load_calendar(preset, name, tz=tz)


def _t(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


# --------------------------------------------------------------------------
# Zones: PLM reads each country's own zone (section 1); Mastercam UK is UTC
# all year, US and online follow the licensed user (0.1, default New York).
# --------------------------------------------------------------------------

ZONES = [
    pytest.param("plm-group:NO", None, "Europe/Oslo", id="NO-oslo"),
    pytest.param("plm-group:IS", None, "Atlantic/Reykjavik", id="IS-reykjavik"),
    pytest.param("plm-group:DK", None, "Europe/Copenhagen", id="DK-copenhagen"),
    pytest.param("plm-group:SE", None, "Europe/Stockholm", id="SE-stockholm"),
    pytest.param("plm-group:FI", None, "Europe/Helsinki", id="FI-helsinki"),
    pytest.param("plm-group:EE", None, "Europe/Tallinn", id="EE-tallinn"),
    pytest.param("plm-group:LV", None, "Europe/Riga", id="LV-riga"),
    pytest.param("mastercam:UK", None, "UTC", id="MC-UK-is-UTC-not-London"),
    pytest.param("mastercam:US", None, "America/New_York", id="MC-US-default-new-york"),
    pytest.param("mastercam:US", "America/Los_Angeles", "America/Los_Angeles", id="MC-US-licensed-user-LA"),
    pytest.param("mastercam:online", "Europe/Stockholm", "Europe/Stockholm", id="MC-online-swedish-user"),
    pytest.param("ptc:24x7", "Europe/Paris", "Europe/Paris", id="PTC-24x7-paris"),
]


@pytest.mark.parametrize(("key", "tz", "zone"), ZONES)
def test_calendar_zone(key: str, tz: str | None, zone: str) -> None:
    assert _cal(key, tz).zone == ZoneInfo(zone)


# --------------------------------------------------------------------------
# is_open: holidays, weekday hours, window edges (windows are [open, close)).
# Holiday checks are at 10:00 local, inside the normal hours.
# --------------------------------------------------------------------------

IS_OPEN = [
    # --- Norway 08-16. Skjærtorsdag, langfredag, 2. påskedag are statutory holidays.
    pytest.param("plm-group:NO", None, "2026-04-02T10:00+02:00", False, id="NO-maundy-thursday-closed"),
    pytest.param("plm-group:NO", None, "2026-04-03T10:00+02:00", False, id="NO-good-friday-closed"),
    pytest.param("plm-group:NO", None, "2026-04-06T10:00+02:00", False, id="NO-easter-monday-closed"),
    # Julaften is not a Norwegian public holiday; package does not list it -> open (0.9).
    pytest.param("plm-group:NO", None, "2026-12-24T10:00+01:00", True, id="NO-christmas-eve-open"),
    pytest.param("plm-group:NO", None, "2026-12-25T10:00+01:00", False, id="NO-christmas-day-closed"),
    # Nyttårsaften: not a holiday, not listed -> open.
    pytest.param("plm-group:NO", None, "2026-12-31T10:00+01:00", True, id="NO-new-years-eve-open"),
    pytest.param("plm-group:NO", None, "2026-01-12T16:00+01:00", False, id="NO-16h00-is-closed"),
    # --- Iceland 08-16, UTC+0. Skírdagur (Maundy Thu), föstudagurinn langi, annar í páskum.
    pytest.param("plm-group:IS", None, "2026-04-02T10:00+00:00", False, id="IS-maundy-thursday-closed"),
    pytest.param("plm-group:IS", None, "2026-04-03T10:00+00:00", False, id="IS-good-friday-closed"),
    pytest.param("plm-group:IS", None, "2026-04-06T10:00+00:00", False, id="IS-easter-monday-closed"),
    # Sumardagurinn fyrsti = first Thursday after 18 April; 19 Apr 2026 is a Sunday -> Thu 23 Apr.
    pytest.param("plm-group:IS", None, "2026-04-23T10:00+00:00", False, id="IS-first-day-of-summer-closed"),
    pytest.param("plm-group:IS", None, "2026-04-22T10:00+00:00", True, id="IS-day-before-first-day-of-summer-open"),
    # Frídagur verslunarmanna = first Monday of August; 1 Aug 2026 is a Saturday -> Mon 3 Aug.
    pytest.param("plm-group:IS", None, "2026-08-03T10:00+00:00", False, id="IS-commerce-day-closed"),
    # Þjóðhátíðardagurinn 17 June (a Wednesday in 2026).
    pytest.param("plm-group:IS", None, "2026-06-17T10:00+00:00", False, id="IS-national-day-closed"),
    # Aðfangadagur is a half day (from 13:00) in Iceland; the package's default category does
    # not list it, so 0.9 keeps it open all day, afternoon included.
    pytest.param("plm-group:IS", None, "2026-12-24T14:00+00:00", True, id="IS-christmas-eve-afternoon-open"),
    pytest.param("plm-group:IS", None, "2026-12-25T10:00+00:00", False, id="IS-christmas-day-closed"),
    # --- Denmark Mon-Thu 08-12, 13-16; Fri 08-12, 13-15. Skærtorsdag, langfredag, 2. påskedag.
    pytest.param("plm-group:DK", None, "2026-04-02T10:00+02:00", False, id="DK-maundy-thursday-closed"),
    pytest.param("plm-group:DK", None, "2026-04-03T10:00+02:00", False, id="DK-good-friday-closed"),
    pytest.param("plm-group:DK", None, "2026-04-06T10:00+02:00", False, id="DK-easter-monday-closed"),
    # Store bededag (4th Friday after Easter = 5 Apr + 26 d = Fri 1 May 2026) was abolished
    # from 2024, and 1 May is not a Danish public holiday -> open.
    pytest.param("plm-group:DK", None, "2026-05-01T10:00+02:00", True, id="DK-former-great-prayer-day-open"),
    pytest.param("plm-group:DK", None, "2026-11-30T12:30+01:00", False, id="DK-lunch-closed"),
    pytest.param("plm-group:DK", None, "2026-11-26T15:30+01:00", True, id="DK-thursday-15h30-open"),
    pytest.param("plm-group:DK", None, "2026-11-27T15:30+01:00", False, id="DK-friday-15h30-closed"),
    # Juleaftensdag is not a Danish public holiday; not listed -> open (0.9).
    pytest.param("plm-group:DK", None, "2026-12-24T10:00+01:00", True, id="DK-christmas-eve-open"),
    pytest.param("plm-group:DK", None, "2026-12-25T10:00+01:00", False, id="DK-christmas-day-closed"),
    # --- Sweden 08-12, 13-16. Skärtorsdagen is NOT a Swedish holiday; långfredagen, annandag påsk are.
    pytest.param("plm-group:SE", None, "2026-04-02T10:00+02:00", True, id="SE-maundy-thursday-open"),
    pytest.param("plm-group:SE", None, "2026-04-03T10:00+02:00", False, id="SE-good-friday-closed"),
    pytest.param("plm-group:SE", None, "2026-04-06T10:00+02:00", False, id="SE-easter-monday-closed"),
    # Trettondedag jul, 6 January (a Tuesday).
    pytest.param("plm-group:SE", None, "2026-01-06T10:00+01:00", False, id="SE-epiphany-closed"),
    # Midsommarafton (Friday 19 June): de-facto day, not listed -> open (0.9 names it).
    pytest.param("plm-group:SE", None, "2026-06-19T10:00+02:00", True, id="SE-midsummer-eve-open"),
    # Julafton / nyårsafton: de-facto days, not listed for SE -> open (0.9).
    pytest.param("plm-group:SE", None, "2026-12-24T10:00+01:00", True, id="SE-christmas-eve-open"),
    pytest.param("plm-group:SE", None, "2026-12-31T10:00+01:00", True, id="SE-new-years-eve-open"),
    pytest.param("plm-group:SE", None, "2026-12-25T10:00+01:00", False, id="SE-christmas-day-closed"),
    pytest.param("plm-group:SE", None, "2026-01-13T12:00+01:00", False, id="SE-12h00-lunch-closed"),
    pytest.param("plm-group:SE", None, "2026-01-13T13:00+01:00", True, id="SE-13h00-reopened"),
    # --- Finland 08-15. Kiirastorstai is a workday; pitkäperjantai, 2. pääsiäispäivä are holidays.
    pytest.param("plm-group:FI", None, "2026-04-02T10:00+03:00", True, id="FI-maundy-thursday-open"),
    pytest.param("plm-group:FI", None, "2026-04-03T10:00+03:00", False, id="FI-good-friday-closed"),
    pytest.param("plm-group:FI", None, "2026-04-06T10:00+03:00", False, id="FI-easter-monday-closed"),
    # Juhannusaatto (Fri 19 June) and jouluaatto (24 Dec) ARE in the package's default FI list
    # (confirmed), so 0.9 and the preset comment close them; uudenvuodenaatto (31 Dec) is not.
    pytest.param("plm-group:FI", None, "2026-06-19T10:00+03:00", False, id="FI-midsummer-eve-closed"),
    pytest.param("plm-group:FI", None, "2026-12-24T10:00+02:00", False, id="FI-christmas-eve-closed"),
    pytest.param("plm-group:FI", None, "2026-12-31T10:00+02:00", True, id="FI-new-years-eve-open"),
    pytest.param("plm-group:FI", None, "2026-01-12T15:00+02:00", False, id="FI-15h00-is-closed"),
    # --- Estonia 08-12, 13-16. Suur reede is a holiday; neither Maundy Thursday nor
    # Easter Monday is a public holiday in Estonia.
    pytest.param("plm-group:EE", None, "2026-04-02T10:00+03:00", True, id="EE-maundy-thursday-open"),
    pytest.param("plm-group:EE", None, "2026-04-03T10:00+03:00", False, id="EE-good-friday-closed"),
    pytest.param("plm-group:EE", None, "2026-04-06T10:00+03:00", True, id="EE-easter-monday-OPEN"),
    # Iseseisvuspäev 24 Feb; võidupüha 23 Jun; jaanipäev 24 Jun.
    pytest.param("plm-group:EE", None, "2026-02-24T10:00+02:00", False, id="EE-independence-day-closed"),
    pytest.param("plm-group:EE", None, "2026-06-23T10:00+03:00", False, id="EE-victory-day-closed"),
    # Jõululaupäev 24 Dec is a statutory holiday (package lists it); 31 Dec is not.
    pytest.param("plm-group:EE", None, "2026-12-24T10:00+02:00", False, id="EE-christmas-eve-closed"),
    pytest.param("plm-group:EE", None, "2026-12-31T10:00+02:00", True, id="EE-new-years-eve-open"),
    # --- Latvia 08-12, 13-16. Lielā piektdiena and Otrās Lieldienas are holidays; Maundy Thursday is not.
    pytest.param("plm-group:LV", None, "2026-04-02T10:00+03:00", True, id="LV-maundy-thursday-open"),
    pytest.param("plm-group:LV", None, "2026-04-03T10:00+03:00", False, id="LV-good-friday-closed"),
    pytest.param("plm-group:LV", None, "2026-04-06T10:00+03:00", False, id="LV-easter-monday-closed"),
    # Cabinet order: Mon 22 Jun 2026 off (bridging Līgo 23 Jun and Jāņi 24 Jun), worked on
    # Sat 27 Jun (declared under `open`, with the first workday's windows 08-12, 13-16).
    pytest.param("plm-group:LV", None, "2026-06-22T10:00+03:00", False, id="LV-substituted-day-off-22jun-closed"),
    pytest.param("plm-group:LV", None, "2026-06-27T10:00+03:00", True, id="LV-working-saturday-27jun-open"),
    pytest.param("plm-group:LV", None, "2026-06-27T12:30+03:00", False, id="LV-working-saturday-lunch-closed"),
    pytest.param("plm-group:LV", None, "2026-06-20T10:00+03:00", False, id="LV-ordinary-saturday-closed"),
    # Same for New Year: Fri 2 Jan 2026 off, worked on Sat 17 Jan.
    pytest.param("plm-group:LV", None, "2026-01-02T10:00+02:00", False, id="LV-day-off-2jan-closed"),
    pytest.param("plm-group:LV", None, "2026-01-17T10:00+02:00", True, id="LV-working-saturday-17jan-open"),
    # Ziemassvētku vakars (24 Dec) and Vecgada vakars (31 Dec) are statutory in Latvia (listed).
    pytest.param("plm-group:LV", None, "2026-12-24T10:00+02:00", False, id="LV-christmas-eve-closed"),
    pytest.param("plm-group:LV", None, "2026-12-31T10:00+02:00", False, id="LV-new-years-eve-closed"),
    # Proclamation Day 18 Nov (Wednesday).
    pytest.param("plm-group:LV", None, "2026-11-18T10:00+02:00", False, id="LV-proclamation-day-closed"),
    # --- Mastercam US: 08-17 New York, federal holidays; the day after Thanksgiving works (0.1).
    # Thanksgiving = 4th Thursday of November = 26 Nov 2026.
    pytest.param("mastercam:US", None, "2026-11-26T10:00-05:00", False, id="US-thanksgiving-closed"),
    pytest.param("mastercam:US", None, "2026-11-27T10:00-05:00", True, id="US-day-after-thanksgiving-open"),
    pytest.param("mastercam:US", None, "2026-06-19T10:00-04:00", False, id="US-juneteenth-closed"),
    # Columbus Day = 2nd Monday of October = 12 Oct 2026.
    pytest.param("mastercam:US", None, "2026-10-12T10:00-04:00", False, id="US-columbus-day-closed"),
    # 4 July 2026 is a Saturday: the federal holiday is observed Friday 3 July.
    pytest.param("mastercam:US", None, "2026-07-03T10:00-04:00", False, id="US-independence-day-observed-closed"),
    pytest.param("mastercam:US", None, "2026-12-24T10:00-05:00", True, id="US-christmas-eve-open"),
    pytest.param("mastercam:US", None, "2026-01-12T16:59-05:00", True, id="US-16h59-open"),
    pytest.param("mastercam:US", None, "2026-01-12T17:00-05:00", False, id="US-17h00-closed"),
    # tz=LA: 08-17 Pacific. 07:30 PDT = 10:30 EDT (open in NY) but closed for a Californian user;
    # 16:30 PDT = 19:30 EDT, open for them.
    pytest.param("mastercam:US", "America/Los_Angeles", "2026-07-13T07:30-07:00", False, id="US-LA-07h30-closed"),
    pytest.param("mastercam:US", "America/Los_Angeles", "2026-07-13T16:30-07:00", True, id="US-LA-16h30-open"),
    # --- Mastercam UK: 09-17 UTC, i.e. 10-18 London time under BST (July).
    pytest.param("mastercam:UK", None, "2026-07-15T09:30+01:00", False, id="UK-july-09h30-london-closed"),
    pytest.param("mastercam:UK", None, "2026-07-15T17:30+01:00", True, id="UK-july-17h30-london-open"),
    pytest.param("mastercam:UK", None, "2026-07-15T18:00+01:00", False, id="UK-july-18h00-london-closed"),
    pytest.param("mastercam:UK", None, "2026-01-14T09:00+00:00", True, id="UK-january-09h00-open"),
    # England: Good Friday, Easter Monday, late summer bank holiday (last Monday of August = 31 Aug).
    pytest.param("mastercam:UK", None, "2026-04-06T12:00+00:00", False, id="UK-easter-monday-closed"),
    pytest.param("mastercam:UK", None, "2026-08-31T12:00+00:00", False, id="UK-august-bank-holiday-closed"),
    # Boxing Day 26 Dec is a Saturday: substitute bank holiday Monday 28 Dec.
    pytest.param("mastercam:UK", None, "2026-12-28T12:00+00:00", False, id="UK-boxing-day-substitute-closed"),
    # --- Mastercam online: 08-17 in the user's zone, US federal holidays only (0.1).
    pytest.param("mastercam:online", "Europe/Stockholm", "2026-06-19T10:00+02:00", False, id="online-SE-juneteenth"),
    # Swedish Epiphany is not a US holiday -> open for the online calendar.
    pytest.param("mastercam:online", "Europe/Stockholm", "2026-01-06T10:00+01:00", True, id="online-SE-epiphany"),
    # Good Friday is not a US federal holiday -> open.
    pytest.param("mastercam:online", "Europe/Stockholm", "2026-04-03T10:00+02:00", True, id="online-SE-good-friday"),
    pytest.param("mastercam:online", "Europe/Stockholm", "2026-11-26T10:00+01:00", False, id="online-SE-thanksgiving"),
    pytest.param("mastercam:online", "Europe/Stockholm", "2026-01-13T16:30+01:00", True, id="online-SE-16h30-open"),
    pytest.param("mastercam:online", None, "2026-01-13T07:59-05:00", False, id="online-default-NY-07h59"),
    # --- PTC 24x7: always open, even in the repeated hour and on Christmas.
    pytest.param("ptc:24x7", "Europe/Paris", "2026-10-25T02:30+01:00", True, id="PTC-24x7-repeated-hour"),
    pytest.param("ptc:24x7", "Europe/Paris", "2026-12-25T03:00+01:00", True, id="PTC-24x7-christmas-night"),
]


@pytest.mark.parametrize(("key", "tz", "at", "expected"), IS_OPEN)
def test_is_open(key: str, tz: str | None, at: str, expected: bool) -> None:
    assert _cal(key, tz).is_open(_t(at)) is expected


# --------------------------------------------------------------------------
# add: business-time targets. Expected = earliest instant (DESIGN.md).
# PLM targets (section 1): Standard 4h/8h/16h, Premium 2h/4h/8h.
# Mastercam (section 2): P1 2h/8h, P2 8h/24h, P3 24h/48h, P4 48h/2 weeks.
# --------------------------------------------------------------------------

ADD = [
    # ---------------- Norway 08-16 ----------------
    # Sat 10:00 is outside hours -> count from Mon 12 Jan 08:00; +4h -> 12:00.
    pytest.param("plm-group:NO", None, "2026-01-10T10:00+01:00", 4 * H, "2026-01-12T12:00:00+01:00", id="NO-weekend"),
    # Mon 12:00 + 4h = 16:00 exactly: due is 16:00, not Tue 08:00.
    pytest.param("plm-group:NO", None, "2026-01-12T12:00+01:00", 4 * H, "2026-01-12T16:00:00+01:00", id="NO-at-close"),
    # Standard High 8h, Wed 1 Apr 10:00: Wed 10-16 = 6h (2h left); Thu 2, Fri 3 (Easter),
    # Sat, Sun, Mon 6 closed; Tue 7 08:00 + 2h = 10:00.
    pytest.param("plm-group:NO", None, "2026-04-01T10:00+02:00", 8 * H, "2026-04-07T10:00:00+02:00", id="NO-easter"),
    # 8h, Fri 27 Mar 14:00 CET: Fri 14-16 = 2h (6h left); DST on Sun 29; Mon 08:00 CEST + 6h.
    pytest.param(
        "plm-group:NO", None, "2026-03-27T14:00+01:00", 8 * H, "2026-03-30T14:00:00+02:00", id="NO-dst-spring"
    ),
    # 8h, Fri 23 Oct 14:00 CEST: 2h Fri, clocks back Sun 25; Mon 08:00 CET + 6h = 14:00 CET.
    pytest.param(
        "plm-group:NO", None, "2026-10-23T14:00+02:00", 8 * H, "2026-10-26T14:00:00+01:00", id="NO-dst-autumn"
    ),
    # 8h, Thu 24 Dec 12:00 (open, 0.9): Thu 12-16 = 4h; Fri 25 closed, Sat 26, Sun; Mon 28 08:00 + 4h.
    pytest.param("plm-group:NO", None, "2026-12-24T12:00+01:00", 8 * H, "2026-12-28T12:00:00+01:00", id="NO-christmas"),
    # ---------------- Iceland 08-16, UTC+0 ----------------
    # Standard Medium 16h, Wed 22 Apr 12:00: Wed 4h (12 left); Thu 23 First Day of Summer closed;
    # Fri 24 8h (4 left); Mon 27 08:00 + 4h = 12:00.
    pytest.param("plm-group:IS", None, "2026-04-22T12:00+00:00", 16 * H, "2026-04-27T12:00:00+00:00", id="IS-summer"),
    # Premium High 4h, Fri 31 Jul 14:00: Fri 2h; Mon 3 Aug Commerce Day closed; Tue 4 08:00 + 2h.
    pytest.param("plm-group:IS", None, "2026-07-31T14:00+00:00", 4 * H, "2026-08-04T10:00:00+00:00", id="IS-commerce"),
    # Iceland has no DST: 8h from Fri 27 Mar 14:00 -> Fri 2h + Mon 08:00 + 6h = Mon 14:00 still +00:00.
    pytest.param("plm-group:IS", None, "2026-03-27T14:00+00:00", 8 * H, "2026-03-30T14:00:00+00:00", id="IS-no-dst"),
    # Premium Critical 2h, Wed 1 Apr 15:00: 1h Wed; Thu 2, Fri 3, Mon 6 closed; Tue 7 08:00 + 1h.
    pytest.param("plm-group:IS", None, "2026-04-01T15:00+00:00", 2 * H, "2026-04-07T09:00:00+00:00", id="IS-easter"),
    # Sun 11 Jan + 8h -> Mon 12 08:00-16:00, ending exactly at close: due Mon 16:00.
    pytest.param("plm-group:IS", None, "2026-01-11T09:00+00:00", 8 * H, "2026-01-12T16:00:00+00:00", id="IS-weekend"),
    # ---------------- Denmark Mon-Thu 08-12,13-16; Fri 08-12,13-15 ----------------
    # Standard High 8h, Fri 27 Nov 14:30: Fri 14:30-15:00 = 0.5h (7.5 left); Mon 30: 08-12 4h
    # (3.5 left), 13-16 3h (0.5 left); Tue 1 Dec 08:00 + 0.5h = 08:30.
    pytest.param("plm-group:DK", None, "2026-11-27T14:30+01:00", 8 * H, "2026-12-01T08:30:00+01:00", id="DK-fri-8h"),
    # Premium Critical 2h, Mon 30 Nov 12:20 (lunch): counts from 13:00 -> 15:00.
    pytest.param("plm-group:DK", None, "2026-11-30T12:20+01:00", 2 * H, "2026-11-30T15:00:00+01:00", id="DK-lunch"),
    # Fri 13:00 + 2h = Friday's closing 15:00 exactly: due Fri 15:00, not Mon 08:00.
    pytest.param("plm-group:DK", None, "2026-11-27T13:00+01:00", 2 * H, "2026-11-27T15:00:00+01:00", id="DK-fri-close"),
    # Thu 14:00 + 2h = 16:00 exactly (Thursday closes at 16).
    pytest.param("plm-group:DK", None, "2026-11-26T14:00+01:00", 2 * H, "2026-11-26T16:00:00+01:00", id="DK-thu-close"),
    # Sun + 4h: Mon 08-12 = 4h, so the due is 12:00 (earliest instant), not 13:00 after lunch.
    pytest.param("plm-group:DK", None, "2026-11-29T09:00+01:00", 4 * H, "2026-11-30T12:00:00+01:00", id="DK-weekend"),
    # 8h, Wed 1 Apr 14:00: Wed 2h (6 left); Thu 2, Fri 3, Mon 6 closed; Tue 7: 08-12 4h (2 left),
    # 13:00 + 2h = 15:00.
    pytest.param("plm-group:DK", None, "2026-04-01T14:00+02:00", 8 * H, "2026-04-07T15:00:00+02:00", id="DK-easter"),
    # 8h, Fri 27 Mar 14:00 CET: Fri 14-15 = 1h (7 left); Mon 30 CEST: 08-12 4h (3 left),
    # 13-16 3h -> 16:00 exactly.
    pytest.param(
        "plm-group:DK", None, "2026-03-27T14:00+01:00", 8 * H, "2026-03-30T16:00:00+02:00", id="DK-dst-spring"
    ),
    # 8h, Wed 23 Dec 15:00: Wed 1h (7 left); Thu 24 open (0.9) 08-12, 13-16 = 7h -> Thu 16:00.
    pytest.param("plm-group:DK", None, "2026-12-23T15:00+01:00", 8 * H, "2026-12-24T16:00:00+01:00", id="DK-xmas-eve"),
    # ---------------- Sweden 08-12,13-16 ----------------
    # 4h, Tue 13 Jan 12:30 (lunch): 13-16 3h (1 left); Wed 08:00 + 1h = 09:00.
    pytest.param("plm-group:SE", None, "2026-01-13T12:30+01:00", 4 * H, "2026-01-14T09:00:00+01:00", id="SE-lunch"),
    # 8h, Thu 2 Apr 13:00 (Maundy Thursday open in SE): Thu 3h (5 left); Fri 3, Mon 6 closed;
    # Tue 7: 08-12 4h (1 left), 13:00 + 1h = 14:00.
    pytest.param("plm-group:SE", None, "2026-04-02T13:00+02:00", 8 * H, "2026-04-07T14:00:00+02:00", id="SE-easter"),
    # 8h, Fri 23 Oct 15:00 CEST: 1h (7 left); Mon 26 CET: 08-12 4h, 13-16 3h -> 16:00 CET.
    pytest.param(
        "plm-group:SE", None, "2026-10-23T15:00+02:00", 8 * H, "2026-10-26T16:00:00+01:00", id="SE-dst-autumn"
    ),
    # 4h, Mon 5 Jan 14:00: 2h Mon; Tue 6 Epiphany closed; Wed 7 08:00 + 2h = 10:00.
    pytest.param("plm-group:SE", None, "2026-01-05T14:00+01:00", 4 * H, "2026-01-07T10:00:00+01:00", id="SE-epiphany"),
    # 4h, Thu 18 Jun 15:00: 1h; Fri 19 Midsummer Eve open (0.9): 08:00 + 3h = 11:00.
    pytest.param("plm-group:SE", None, "2026-06-18T15:00+02:00", 4 * H, "2026-06-19T11:00:00+02:00", id="SE-midsummer"),
    # Sat + 4h: Mon 08-12 -> due at the start of lunch, 12:00.
    pytest.param("plm-group:SE", None, "2026-01-10T10:00+01:00", 4 * H, "2026-01-12T12:00:00+01:00", id="SE-weekend"),
    # ---------------- Finland 08-15 ----------------
    # Mon 11:00 + 4h = 15:00 exactly (Finnish closing time).
    pytest.param("plm-group:FI", None, "2026-01-12T11:00+02:00", 4 * H, "2026-01-12T15:00:00+02:00", id="FI-at-close"),
    # 8h from Sat: Mon 08-15 = 7h (1 left); Tue 08:00 + 1h = 09:00.
    pytest.param("plm-group:FI", None, "2026-01-10T10:00+02:00", 8 * H, "2026-01-13T09:00:00+02:00", id="FI-weekend"),
    # 8h, Thu 2 Apr 12:00 (open in FI): 3h (5 left); Fri 3, Mon 6 closed; Tue 7 08:00 + 5h = 13:00.
    pytest.param("plm-group:FI", None, "2026-04-02T12:00+03:00", 8 * H, "2026-04-07T13:00:00+03:00", id="FI-easter"),
    # 4h, Wed 23 Dec 13:00: 2h; Thu 24 (listed), Fri 25 closed; Mon 28 08:00 + 2h = 10:00.
    pytest.param("plm-group:FI", None, "2026-12-23T13:00+02:00", 4 * H, "2026-12-28T10:00:00+02:00", id="FI-christmas"),
    # 8h, Fri 27 Mar 13:00 EET: 2h (6 left); Mon 30 08:00 EEST + 6h = 14:00.
    pytest.param(
        "plm-group:FI", None, "2026-03-27T13:00+02:00", 8 * H, "2026-03-30T14:00:00+03:00", id="FI-dst-spring"
    ),
    # 2h, Thu 18 Jun 14:00: 1h; Fri 19 Midsummer Eve closed (listed); Mon 22 08:00 + 1h.
    pytest.param("plm-group:FI", None, "2026-06-18T14:00+03:00", 2 * H, "2026-06-22T09:00:00+03:00", id="FI-midsummer"),
    # ---------------- Estonia 08-12,13-16 ----------------
    # 8h, Thu 2 Apr 14:00: 2h (6 left); Fri 3 closed; Mon 6 OPEN in Estonia: 08-12 4h (2 left),
    # 13:00 + 2h = 15:00 on Easter Monday.
    pytest.param("plm-group:EE", None, "2026-04-02T14:00+03:00", 8 * H, "2026-04-06T15:00:00+03:00", id="EE-easter"),
    # 4h, Mon 23 Feb 12:15 (lunch): 13-16 3h (1 left); Tue 24 Independence Day closed;
    # Wed 25 08:00 + 1h = 09:00.
    pytest.param(
        "plm-group:EE", None, "2026-02-23T12:15+02:00", 4 * H, "2026-02-25T09:00:00+02:00", id="EE-lunch-indep"
    ),
    # 4h, Wed 23 Dec 14:00: 2h; Thu 24, Fri 25 closed; Mon 28 08:00 + 2h = 10:00.
    pytest.param("plm-group:EE", None, "2026-12-23T14:00+02:00", 4 * H, "2026-12-28T10:00:00+02:00", id="EE-christmas"),
    # 8h, Fri 23 Oct 14:00 EEST: 2h (6 left); Mon 26 EET: 08-12 4h (2 left), 13:00 + 2h = 15:00.
    pytest.param(
        "plm-group:EE", None, "2026-10-23T14:00+03:00", 8 * H, "2026-10-26T15:00:00+02:00", id="EE-dst-autumn"
    ),
    # Sun + 7h: Mon 08-12 + 13-16 = 7h, ending exactly at 16:00.
    pytest.param("plm-group:EE", None, "2026-03-08T10:00+02:00", 7 * H, "2026-03-09T16:00:00+02:00", id="EE-weekend"),
    # ---------------- Latvia 08-12,13-16 ----------------
    # 18h, Fri 19 Jun 14:00: Fri 2h (16 left); Mon 22 (substituted day off), Tue 23, Wed 24
    # closed; Thu 25 7h (9 left); Fri 26 7h (2 left); Sat 27 working Saturday 08:00 + 2h.
    pytest.param("plm-group:LV", None, "2026-06-19T14:00+03:00", 18 * H, "2026-06-27T10:00:00+03:00", id="LV-ligo-sat"),
    # 4h, Tue 17 Nov 12:40 (lunch): 13-16 3h (1 left); Wed 18 Proclamation Day; Thu 19 08:00 + 1h.
    pytest.param(
        "plm-group:LV", None, "2026-11-17T12:40+02:00", 4 * H, "2026-11-19T09:00:00+02:00", id="LV-lunch-18nov"
    ),
    # 4h, Wed 30 Dec 14:00: 2h; Thu 31 (listed), Fri 1 Jan 2027 closed; Mon 4 Jan 08:00 + 2h.
    pytest.param("plm-group:LV", None, "2026-12-30T14:00+02:00", 4 * H, "2027-01-04T10:00:00+02:00", id="LV-new-year"),
    # 8h, Fri 27 Mar 15:00 EET: 1h (7 left); Mon 30 EEST: 08-12, 13-16 = 7h -> 16:00.
    pytest.param(
        "plm-group:LV", None, "2026-03-27T15:00+02:00", 8 * H, "2026-03-30T16:00:00+03:00", id="LV-dst-spring"
    ),
    # 8h, Thu 2 Apr 14:00 (open): 2h; Fri 3, Mon 6 closed; Tue 7: 4h, then 13:00 + 2h = 15:00.
    pytest.param("plm-group:LV", None, "2026-04-02T14:00+03:00", 8 * H, "2026-04-07T15:00:00+03:00", id="LV-easter"),
    # Sat 17 Jan (working Saturday) 07:00 + 2h: opens 08:00 -> 10:00 the same Saturday.
    pytest.param("plm-group:LV", None, "2026-01-17T07:00+02:00", 2 * H, "2026-01-17T10:00:00+02:00", id="LV-work-sat"),
    # Ordinary Saturday 24 Jan + 4h -> Mon 26 08-12 -> 12:00.
    pytest.param("plm-group:LV", None, "2026-01-24T10:00+02:00", 4 * H, "2026-01-26T12:00:00+02:00", id="LV-weekend"),
    # ---------------- Mastercam US 08-17 New York ----------------
    # P1 response 2h, Wed 25 Nov 15:00 -> 17:00 exactly (closing time).
    pytest.param(
        "mastercam:US", None, "2026-11-25T15:00-05:00", 2 * H, "2026-11-25T17:00:00-05:00", id="US-P1-resp-close"
    ),
    # P1 resolution 8h, Wed 25 Nov 13:00: 4h (4 left); Thanksgiving closed; Fri 27 08:00 + 4h.
    pytest.param(
        "mastercam:US", None, "2026-11-25T13:00-05:00", 8 * H, "2026-11-27T12:00:00-05:00", id="US-P1-thanksg"
    ),
    # P2 response 8h, Thu 18 Jun 15:00: 2h (6 left); Fri 19 Juneteenth; Mon 22 08:00 + 6h = 14:00.
    pytest.param(
        "mastercam:US", None, "2026-06-18T15:00-04:00", 8 * H, "2026-06-22T14:00:00-04:00", id="US-P2-juneteenth"
    ),
    # P3 response 24h, Fri 9 Oct 09:00: Fri 8h (16 left); Mon 12 Columbus Day closed;
    # Tue 13 9h (7 left); Wed 14 08:00 + 7h = 15:00.
    pytest.param(
        "mastercam:US", None, "2026-10-09T09:00-04:00", 24 * H, "2026-10-14T15:00:00-04:00", id="US-P3-columbus"
    ),
    # P4 response 48h, Mon 23 Nov 08:00: Mon 9, Tue 9, Wed 9 (27); Thu closed; Fri 9 (36);
    # Mon 30 9 (45); Tue 1 Dec 08:00 + 3h = 11:00.
    pytest.param(
        "mastercam:US", None, "2026-11-23T08:00-05:00", 48 * H, "2026-12-01T11:00:00-05:00", id="US-P4-resp-48h"
    ),
    # P1 resolution 8h, Fri 6 Mar 13:00 EST: 4h (4 left); US DST Sun 8 Mar; Mon 9 08:00 EDT + 4h.
    pytest.param(
        "mastercam:US", None, "2026-03-06T13:00-05:00", 8 * H, "2026-03-09T12:00:00-04:00", id="US-dst-spring"
    ),
    # 8h, Fri 30 Oct 13:00 EDT: 4h; clocks back Sun 1 Nov; Mon 2 08:00 EST + 4h = 12:00 EST.
    pytest.param(
        "mastercam:US", None, "2026-10-30T13:00-04:00", 8 * H, "2026-11-02T12:00:00-05:00", id="US-dst-autumn"
    ),
    # P1 response 2h from Saturday -> Mon 12 Jan 08:00 + 2h.
    pytest.param("mastercam:US", None, "2026-01-10T12:00-05:00", 2 * H, "2026-01-12T10:00:00-05:00", id="US-weekend"),
    # tz=LA, P1 response 2h, Mon 13 Jul 16:00 PDT: 1h to 17:00 PDT; Tue 08:00 PDT + 1h = 09:00 PDT.
    pytest.param(
        "mastercam:US", "America/Los_Angeles", "2026-07-13T16:00-07:00", 2 * H, "2026-07-14T09:00:00-07:00", id="US-LA"
    ),
    # ---------------- Mastercam UK 09-17 UTC ----------------
    # P1 response 2h, Wed 15 Jul 16:00 BST = 15:00 UTC -> 17:00 UTC (18:00 London).
    pytest.param("mastercam:UK", None, "2026-07-15T16:00+01:00", 2 * H, "2026-07-15T17:00:00+00:00", id="UK-july-bst"),
    # 09:30 BST = 08:30 UTC is before opening; +1h from 09:00 UTC = 10:00 UTC (11:00 London).
    pytest.param(
        "mastercam:UK", None, "2026-07-15T09:30+01:00", 1 * H, "2026-07-15T10:00:00+00:00", id="UK-july-early"
    ),
    # P1 resolution 8h, Thu 2 Apr 13:00 UTC: 4h; Fri 3 Good Friday, Mon 6 Easter Monday closed;
    # Tue 7 09:00 + 4h = 13:00 UTC.
    pytest.param("mastercam:UK", None, "2026-04-02T13:00+00:00", 8 * H, "2026-04-07T13:00:00+00:00", id="UK-easter"),
    # P2 response 8h, Fri 28 Aug 13:00 UTC: 4h; Mon 31 Aug bank holiday; Tue 1 Sep 09:00 + 4h.
    pytest.param(
        "mastercam:UK", None, "2026-08-28T13:00+00:00", 8 * H, "2026-09-01T13:00:00+00:00", id="UK-aug-bank-hol"
    ),
    # BST starts Sun 29 Mar but the UK calendar is in UTC: Fri 13:00Z + 8h = Mon 13:00Z (14:00 BST).
    pytest.param(
        "mastercam:UK", None, "2026-03-27T13:00+00:00", 8 * H, "2026-03-30T13:00:00+00:00", id="UK-dst-ignored"
    ),
    # ---------------- Mastercam online, user's zone, US holidays ----------------
    # Swedish user, P1 response 2h, Thu 18 Jun 16:00: 1h to 17:00; Fri 19 Juneteenth closed;
    # Mon 22 08:00 + 1h = 09:00 Stockholm.
    pytest.param(
        "mastercam:online",
        "Europe/Stockholm",
        "2026-06-18T16:00+02:00",
        2 * H,
        "2026-06-22T09:00:00+02:00",
        id="on-SE-jt",
    ),
    # Swedish user, 2h, Thu 2 Apr 16:00: 1h; Good Friday is not a US holiday: Fri 3 Apr 08:00 + 1h.
    pytest.param(
        "mastercam:online",
        "Europe/Stockholm",
        "2026-04-02T16:00+02:00",
        2 * H,
        "2026-04-03T09:00:00+02:00",
        id="on-SE-gf",
    ),
    # German user, P1 resolution 8h, Fri 23 Oct 13:00 CEST: 4h; Europe DST on 25 Oct (the US one
    # is irrelevant); Mon 26 08:00 CET + 4h = 12:00 CET.
    pytest.param(
        "mastercam:online",
        "Europe/Berlin",
        "2026-10-23T13:00+02:00",
        8 * H,
        "2026-10-26T12:00:00+01:00",
        id="on-DE-dst",
    ),
    # Default zone New York, 2h, Wed 25 Nov 16:00: 1h; Thanksgiving; Fri 27 08:00 + 1h.
    pytest.param(
        "mastercam:online", None, "2026-11-25T16:00-05:00", 2 * H, "2026-11-27T09:00:00-05:00", id="on-NY-thx"
    ),
    # ---------------- PTC 24x7 in Paris ----------------
    # 24 real hours from Sat 24 Oct 12:00 CEST (10:00Z) = Sun 25 Oct 10:00Z = 11:00 CET
    # (the wall clock shows 23 hours later because 03:00 CEST became 02:00 CET).
    pytest.param(
        "ptc:24x7", "Europe/Paris", "2026-10-24T12:00+02:00", 24 * H, "2026-10-25T11:00:00+01:00", id="PTC-oct"
    ),
    # Spring: Sat 28 Mar 12:00 CET (11:00Z) + 24h = Sun 11:00Z = 13:00 CEST.
    pytest.param(
        "ptc:24x7", "Europe/Paris", "2026-03-28T12:00+01:00", 24 * H, "2026-03-29T13:00:00+02:00", id="PTC-mar"
    ),
    # S0 update 4h from Sun 25 Oct 01:30 CEST (23:30Z Sat) = 03:30Z = 04:30 CET.
    pytest.param(
        "ptc:24x7", "Europe/Paris", "2026-10-25T01:30+02:00", 4 * H, "2026-10-25T04:30:00+01:00", id="PTC-S0-4h"
    ),
]


@pytest.mark.parametrize(("key", "tz", "start", "seconds", "expected"), ADD)
def test_add(key: str, tz: str | None, start: str, seconds: int, expected: str) -> None:
    cal = _cal(key, tz)
    due = cal.add(_t(start), seconds)
    assert due.isoformat() == expected
    assert due.tzinfo == cal.zone
    assert cal.between(_t(start), due) == seconds


# --------------------------------------------------------------------------
# add_business_days: PLM Low = 4 bd (Standard) / 2 bd (Premium); Mastercam
# P4 resolution "2 weeks" = 10 bd (DESIGN.md, POLICIES.md 0.12).
# --------------------------------------------------------------------------

BUSINESS_DAYS = [
    # DK Thu 26 Nov 15:30 + 1 bd -> Fri 15:30, but Friday closes at 15:00 -> Fri 15:00. Business time
    # Thu 15:30 -> Fri 15:00 = 0.5 + 4 + 2 = 6.5h; earliest instant with 6.5h elapsed = Fri 15:00.
    pytest.param("plm-group:DK", None, "2026-11-26T15:30+01:00", 1, "2026-11-27T15:00:00+01:00", id="DK-thu-1bd"),
    # DK Fri 27 Nov 14:30 + 1 bd -> Mon 30 14:30 (Monday open then): 0.5 + 4 + 1.5 = 6h -> Mon 14:30.
    pytest.param("plm-group:DK", None, "2026-11-27T14:30+01:00", 1, "2026-11-30T14:30:00+01:00", id="DK-fri-1bd"),
    # DK Standard Low 4 bd, Wed 23 Dec 10:00: Thu 24 (1, open), Fri 25 closed, Mon 28 (2),
    # Tue 29 (3), Wed 30 (4) -> Wed 30 Dec 10:00.
    pytest.param("plm-group:DK", None, "2026-12-23T10:00+01:00", 4, "2026-12-30T10:00:00+01:00", id="DK-xmas-4bd"),
    # NO Standard Low 4 bd, Tue 31 Mar 10:00: Wed 1 Apr (1); Thu 2, Fri 3, Mon 6 closed;
    # Tue 7 (2), Wed 8 (3), Thu 9 (4) -> Thu 9 Apr 10:00.
    pytest.param("plm-group:NO", None, "2026-03-31T10:00+02:00", 4, "2026-04-09T10:00:00+02:00", id="NO-easter-4bd"),
    # NO Premium Low 2 bd, Thu 24 Dec 10:00 (open): Fri 25 closed, Mon 28 (1), Tue 29 (2).
    pytest.param("plm-group:NO", None, "2026-12-24T10:00+01:00", 2, "2026-12-29T10:00:00+01:00", id="NO-xmas-2bd"),
    # IS 4 bd, Wed 29 Jul 10:00: Thu 30 (1), Fri 31 (2), Mon 3 Aug Commerce Day skipped,
    # Tue 4 (3), Wed 5 (4).
    pytest.param("plm-group:IS", None, "2026-07-29T10:00+00:00", 4, "2026-08-05T10:00:00+00:00", id="IS-commerce-4bd"),
    # IS 2 bd, Tue 21 Apr 14:00: Wed 22 (1), Thu 23 First Day of Summer skipped, Fri 24 (2).
    pytest.param("plm-group:IS", None, "2026-04-21T14:00+00:00", 2, "2026-04-24T14:00:00+00:00", id="IS-summer-2bd"),
    # SE 2 bd, Tue 13 Jan 12:30 (lunch) -> start moves to 13:00; Thu 15 13:00; business time
    # Tue 13:00 -> Thu 13:00 = 3 + 7 + 4 = 14h; earliest instant: Tue 3, Wed 7, Thu 08-12 4 -> Thu 12:00.
    pytest.param("plm-group:SE", None, "2026-01-13T12:30+01:00", 2, "2026-01-15T12:00:00+01:00", id="SE-lunch-2bd"),
    # SE 1 bd, Mon 5 Jan 10:00: Tue 6 Epiphany skipped -> Wed 7 10:00.
    pytest.param("plm-group:SE", None, "2026-01-05T10:00+01:00", 1, "2026-01-07T10:00:00+01:00", id="SE-epiphany-1bd"),
    # FI 4 bd, Mon 15 Jun 10:00: Tue 16 (1), Wed 17 (2), Thu 18 (3), Fri 19 Midsummer Eve
    # skipped, Mon 22 (4).
    pytest.param("plm-group:FI", None, "2026-06-15T10:00+03:00", 4, "2026-06-22T10:00:00+03:00", id="FI-midsummer-4bd"),
    # FI 2 bd from Sat: start -> Mon 12 08:00; Wed 14 08:00; business time 7 + 7 = 14h;
    # earliest instant: Tue 13 15:00 (closing).
    pytest.param("plm-group:FI", None, "2026-01-10T12:00+02:00", 2, "2026-01-13T15:00:00+02:00", id="FI-weekend-2bd"),
    # The four Estonian examples in DESIGN.md, on March 2026 dates (Mon 9 .. Fri 13, Mon 16).
    # Tue 10:00 + 1 bd = Wed 10:00.
    pytest.param("plm-group:EE", None, "2026-03-10T10:00+02:00", 1, "2026-03-11T10:00:00+02:00", id="EE-design-tue"),
    # Fri 16:00 (closed) -> Mon 08:00 + 1 bd -> Tue 08:00 = 7h after Mon 08:00 -> Mon 16:00.
    pytest.param("plm-group:EE", None, "2026-03-13T16:00+02:00", 1, "2026-03-16T16:00:00+02:00", id="EE-design-fri16"),
    # Tue 12:30 (lunch) -> 13:00 -> Wed 13:00 = 3 + 4 = 7h -> Wed 12:00.
    pytest.param("plm-group:EE", None, "2026-03-10T12:30+02:00", 1, "2026-03-11T12:00:00+02:00", id="EE-design-lunch"),
    # Mon 08:00 + 1 bd = Tue 08:00 = 7h -> Mon 16:00.
    pytest.param("plm-group:EE", None, "2026-03-09T08:00+02:00", 1, "2026-03-09T16:00:00+02:00", id="EE-design-mon08"),
    # EE Premium Low 2 bd, Mon 22 Jun 10:00: Tue 23 Victory Day, Wed 24 Midsummer skipped;
    # Thu 25 (1), Fri 26 (2).
    pytest.param("plm-group:EE", None, "2026-06-22T10:00+03:00", 2, "2026-06-26T10:00:00+03:00", id="EE-jaanipaev-2bd"),
    # LV 4 bd, Fri 19 Jun 10:00: Mon 22, Tue 23, Wed 24 closed; Thu 25 (1), Fri 26 (2),
    # Sat 27 working Saturday (3), Mon 29 (4).
    pytest.param("plm-group:LV", None, "2026-06-19T10:00+03:00", 4, "2026-06-29T10:00:00+03:00", id="LV-ligo-4bd"),
    # LV 2 bd, Thu 25 Jun 10:00: Fri 26 (1), Sat 27 (2, working Saturday) -> Sat 10:00.
    pytest.param("plm-group:LV", None, "2026-06-25T10:00+03:00", 2, "2026-06-27T10:00:00+03:00", id="LV-sat-2bd"),
    # Mastercam P4 resolution 2 weeks = 10 bd, Mon 16 Nov 10:00: Tue 17 (1), Wed 18 (2), Thu 19 (3),
    # Fri 20 (4), Mon 23 (5), Tue 24 (6), Wed 25 (7), Thu 26 Thanksgiving skipped, Fri 27 (8),
    # Mon 30 (9), Tue 1 Dec (10).
    pytest.param("mastercam:US", None, "2026-11-16T10:00-05:00", 10, "2026-12-01T10:00:00-05:00", id="US-P4-thanksg"),
    # 10 bd, Mon 26 Oct 10:00 EDT: Tue 27 .. Fri 30 (4), Mon 2 Nov .. Fri 6 (9), Mon 9 (10);
    # same wall time 10:00, now EST (US DST ended 1 Nov).
    pytest.param("mastercam:US", None, "2026-10-26T10:00-04:00", 10, "2026-11-09T10:00:00-05:00", id="US-P4-dst"),
    # UK 10 bd, Mon 30 Mar 10:00 UTC: Tue 31 (1), Wed 1 (2), Thu 2 (3), Fri 3 + Mon 6 skipped,
    # Tue 7 (4), Wed 8 (5), Thu 9 (6), Fri 10 (7), Mon 13 (8), Tue 14 (9), Wed 15 (10).
    pytest.param("mastercam:UK", None, "2026-03-30T10:00+00:00", 10, "2026-04-15T10:00:00+00:00", id="UK-P4-easter"),
    # online, Swedish user, 10 bd from Mon 21 Dec 10:00: Tue 22 (1), Wed 23 (2), Thu 24 (3, not a
    # US holiday), Fri 25 US Christmas skipped, Mon 28 (4), Tue 29 (5), Wed 30 (6), Thu 31 (7),
    # Fri 1 Jan 2027 skipped, Mon 4 (8), Tue 5 (9), Wed 6 Jan (10: Swedish Epiphany, not a US holiday).
    pytest.param(
        "mastercam:online", "Europe/Stockholm", "2026-12-21T10:00+01:00", 10, "2027-01-06T10:00:00+01:00", id="on-SE-P4"
    ),
]


@pytest.mark.parametrize(("key", "tz", "start", "days", "expected"), BUSINESS_DAYS)
def test_add_business_days(key: str, tz: str | None, start: str, days: int, expected: str) -> None:
    cal = _cal(key, tz)
    due = cal.add_business_days(_t(start), days)
    assert due.isoformat() == expected


# --------------------------------------------------------------------------
# between: business seconds over whole days and weeks.
# --------------------------------------------------------------------------

BETWEEN = [
    # DK Friday: 08-12 + 13-15 = 6h.
    pytest.param("plm-group:DK", None, "2026-11-27T00:00+01:00", "2026-11-28T00:00+01:00", 6 * H, id="DK-friday-6h"),
    # DK Thursday: 08-12 + 13-16 = 7h.
    pytest.param("plm-group:DK", None, "2026-11-26T00:00+01:00", "2026-11-27T00:00+01:00", 7 * H, id="DK-thursday-7h"),
    # DK Mon 11:00 -> 14:00: 11-12 + 13-14 = 2h (lunch excluded).
    pytest.param("plm-group:DK", None, "2026-11-30T11:00+01:00", "2026-11-30T14:00+01:00", 2 * H, id="DK-over-lunch"),
    # NO Fri 14:00 CET -> Mon 14:00 CEST: 2 + 6 = 8h (71 elapsed hours).
    pytest.param("plm-group:NO", None, "2026-03-27T14:00+01:00", "2026-03-30T14:00+02:00", 8 * H, id="NO-over-dst"),
    # IS week Mon 20 -> Mon 27 Apr: 5 days x 8h minus Thu 23 = 32h.
    pytest.param("plm-group:IS", None, "2026-04-20T00:00+00:00", "2026-04-27T00:00+00:00", 32 * H, id="IS-summer-week"),
    # SE Mon 30 Mar -> Tue 7 Apr: Mon-Thu 4 x 7h (Maundy Thu open), Fri 3 and Mon 6 closed = 28h.
    pytest.param("plm-group:SE", None, "2026-03-30T00:00+02:00", "2026-04-07T00:00+02:00", 28 * H, id="SE-easter"),
    # EE same range: Mon-Thu 28h + Easter Monday 7h = 35h.
    pytest.param("plm-group:EE", None, "2026-03-30T00:00+03:00", "2026-04-07T00:00+03:00", 35 * H, id="EE-easter"),
    # LV Mon 22 -> Mon 29 Jun: Thu 25, Fri 26, Sat 27 x 7h = 21h.
    pytest.param("plm-group:LV", None, "2026-06-22T00:00+03:00", "2026-06-29T00:00+03:00", 21 * H, id="LV-ligo-week"),
    # US Thanksgiving week Mon 23 -> Mon 30 Nov: 4 days x 9h = 36h.
    pytest.param(
        "mastercam:US", None, "2026-11-23T00:00-05:00", "2026-11-30T00:00-05:00", 36 * H, id="US-thanksgiving"
    ),
    # UK, a London summer day 00:00 BST -> 00:00 BST (23:00Z -> 23:00Z) holds 09-17Z = 8h.
    pytest.param("mastercam:UK", None, "2026-07-15T00:00+01:00", "2026-07-16T00:00+01:00", 8 * H, id="UK-london-day"),
    # 24x7 Paris: Sat 24 Oct 00:00 CEST -> Mon 26 00:00 CET = 24 + 25 = 49h.
    pytest.param("ptc:24x7", "Europe/Paris", "2026-10-24T00:00+02:00", "2026-10-26T00:00+01:00", 49 * H, id="PTC-oct"),
    # 24x7 Paris: Sun 29 Mar is a 23-hour day.
    pytest.param("ptc:24x7", "Europe/Paris", "2026-03-29T00:00+01:00", "2026-03-30T00:00+02:00", 23 * H, id="PTC-mar"),
]


@pytest.mark.parametrize(("key", "tz", "a", "b", "seconds"), BETWEEN)
def test_between(key: str, tz: str | None, a: str, b: str, seconds: int) -> None:
    cal = _cal(key, tz)
    assert cal.between(_t(a), _t(b)) == seconds
    assert cal.between(_t(b), _t(a)) == -seconds


# --------------------------------------------------------------------------
# next_open
# --------------------------------------------------------------------------

NEXT_OPEN = [
    # DK Friday closes at 15:00 -> Mon 08:00.
    pytest.param("plm-group:DK", None, "2026-11-27T15:00+01:00", "2026-11-30T08:00:00+01:00", id="DK-fri-15h"),
    # DK Friday lunch -> 13:00.
    pytest.param("plm-group:DK", None, "2026-11-27T12:30+01:00", "2026-11-27T13:00:00+01:00", id="DK-lunch"),
    # LV Fri 19 Jun 16:00: Sat 20, Sun 21, Mon 22, Tue 23, Wed 24 closed -> Thu 25 08:00.
    pytest.param("plm-group:LV", None, "2026-06-19T16:00+03:00", "2026-06-25T08:00:00+03:00", id="LV-ligo"),
    # LV Fri 26 Jun 16:00 -> working Saturday 27 Jun 08:00.
    pytest.param("plm-group:LV", None, "2026-06-26T16:00+03:00", "2026-06-27T08:00:00+03:00", id="LV-work-sat"),
    # NO Wed 1 Apr 16:00 -> Easter closes Thu 2 .. Mon 6 -> Tue 7 08:00.
    pytest.param("plm-group:NO", None, "2026-04-01T16:00+02:00", "2026-04-07T08:00:00+02:00", id="NO-easter"),
    # EE Good Friday -> Easter Monday 08:00 (a workday in Estonia).
    pytest.param("plm-group:EE", None, "2026-04-03T10:00+03:00", "2026-04-06T08:00:00+03:00", id="EE-easter-monday"),
    # IS Wed 22 Apr 16:00 -> Thu 23 closed -> Fri 24 08:00.
    pytest.param("plm-group:IS", None, "2026-04-22T16:00+00:00", "2026-04-24T08:00:00+00:00", id="IS-summer"),
    # SE open instant returns itself.
    pytest.param("plm-group:SE", None, "2026-01-13T10:15+01:00", "2026-01-13T10:15:00+01:00", id="SE-open-itself"),
    # UK Sat 28 Mar -> Mon 30 Mar 09:00 UTC (10:00 BST).
    pytest.param("mastercam:UK", None, "2026-03-28T12:00+00:00", "2026-03-30T09:00:00+00:00", id="UK-weekend"),
    # US LA user, Wed 25 Nov 17:00 PST -> Thanksgiving -> Fri 27 08:00 PST.
    pytest.param(
        "mastercam:US", "America/Los_Angeles", "2026-11-25T17:00-08:00", "2026-11-27T08:00:00-08:00", id="US-LA-thanksg"
    ),
]


@pytest.mark.parametrize(("key", "tz", "at", "expected"), NEXT_OPEN)
def test_next_open(key: str, tz: str | None, at: str, expected: str) -> None:
    assert _cal(key, tz).next_open(_t(at)).isoformat() == expected
