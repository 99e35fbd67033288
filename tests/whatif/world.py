"""A small hand-built PLM Group data set for the what-if replay, with the outcome of each case worked out by hand.

PLM Group, November 2025 (home zone Europe/Oslo). Norway's calendar: Mon-Fri 08:00-16:00 Europe/Oslo, Norwegian
public holidays (none on a November 2025 weekday). Standard tier: critical response 4 business hours
(POLICIES.md section 1). Every case is a Norwegian customer's, answered by bob:

  A  Mon 3 Nov 09:00, critical, answered 12:00 = 3h:            4h met  | draft 2h: due 11:00, missed (flip)
  B  Mon 3 Nov 09:00, critical, answered 10:30 = 1h30:          met     | draft 2h: met
  C  Tue 4 Nov 15:00, critical, answered Wed 09:30 = 1h + 1h30: 4h due Wed 11:00, met | draft 2h: due Wed 09:00,
     missed (flip)
  D  Tue 4 Nov 09:00, critical, answered 14:00 = 5h:            due 13:00, missed | draft 2h: missed
  M  Wed 5 Nov 09:00, medium (16h), answered 10:00:             met     | draft (medium unchanged): met
  X  Fri 31 Oct 09:00 (October: outside the period), critical, answered 15:00: never counted

Under the published policy: critical met 3 (A, B, C), missed 1 (D); medium met 1.
Under the draft with critical 2h: critical met 1 (B), missed 3 (A, C, D); flips A and C, met -> missed.
Under a draft with Norway's hours 10:00-16:00 (target 4h): A from 10:00 due 14:00, met; B met; C 1h Tue then
Wed from 10:00: due 13:00, answered 09:30, met; D from 10:00 due 14:00, answered 14:00 (not after the due): met.
One flip: D, missed -> met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.desks.policies import version_in_force
from tests.cases.factories import customer, desk, staff

OSLO = ZoneInfo("Europe/Oslo")
INTAKE = {"phone": "+47 22 00 00 00", "product_version": "2025", "service_pack": "SP1.0", "english_ok": "yes"}
STANDARD_CRITICAL = 'critical = { response = "4h" }'  # the first one in the file: the standard tier's
NO_HOURS = '[calendars.NO]\nzone = "Europe/Oslo"\nholidays = ["NO"]\nhours = { mon-fri = ["08:00-16:00"] }'


def oslo(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=OSLO)


@dataclass
class World:
    desk: Desk
    source: str  # the PLM policy version's TOML
    carol: User  # support manager
    bob: User  # agent
    cases: dict[str, Case]

    def draft_2h(self) -> str:
        assert self.source.count(STANDARD_CRITICAL) == 1
        return self.source.replace(STANDARD_CRITICAL, 'critical = { response = "2h" }')

    def draft_late_hours(self) -> str:
        assert NO_HOURS in self.source
        return self.source.replace(NO_HOURS, NO_HOURS.replace("08:00-16:00", "10:00-16:00"))


def plm_world() -> World:
    d = desk("plm-group")
    carol, bob = staff("carol"), staff("bob")
    Membership.objects.create(desk=d, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    alice, contract = customer(d, country="NO", zone="Europe/Oslo", tier="standard")
    cases: dict[str, Case] = {}

    def case(name: str, opened: datetime, answered: datetime, priority: str = "critical") -> None:
        c = services.open_case(
            d, requester=alice, contract=contract, subject=f"case {name}", priority=priority, intake=INTAKE, at=opened
        )
        cases[name] = services.agent_reply(c, bob, "Looking into it.", at=answered)

    case("X", oslo(10, 31, 9), oslo(10, 31, 15))
    case("A", oslo(11, 3, 9), oslo(11, 3, 12))
    case("B", oslo(11, 3, 9), oslo(11, 3, 10, 30))
    case("D", oslo(11, 4, 9), oslo(11, 4, 14))
    case("C", oslo(11, 4, 15), oslo(11, 5, 9, 30))
    case("M", oslo(11, 5, 9), oslo(11, 5, 10), priority="medium")
    source = version_in_force(d, oslo(11, 1, 0)).source
    return World(d, source, carol, bob, cases)


def without_latvia(source: str) -> str:
    """The policy without Latvia's calendar, its queue and its calendar_map entry."""
    start = source.index("[calendars.LV]")
    end = source.index("[policy]")
    out = source[:start] + source[end:]
    out = out.replace(', LV = "LV" }', " }")
    queue = '[[policy.queues]]\nkey = "LV"\nname = "Latvia"\ncalendar = "LV"\nemail = "support@plmgroup.lv"\n'
    assert queue in out
    return out.replace(queue, "")
