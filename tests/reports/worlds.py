"""Small hand-built data sets for the compliance report, each case with the figures it must give.

PLM Group, November 2026 (home zone Europe/Oslo). Sweden: Mon-Fri 08-12 and 13-16 Europe/Stockholm; Finland:
Mon-Fri 08-15 Europe/Helsinki; no public holiday on a November weekday in either (POLICIES.md section 1).
Premium response targets: critical 2h, high 4h, medium 8h, low 2 business days; standard: critical 4h, high 8h.

Mastercam, November 2026 (home zone America/New_York): online calendar Mon-Fri 08-17 New York, US holidays
(Veterans Day, Wednesday 11 November, is closed); P1: response 2h, resolution 8h; the status update every 4h is
the desk's internal goal (POLICIES 0.21); a bug classification removes pending targets only (0.2, 0.17).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from casedesk.cases import commercial, services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff

STOCKHOLM, HELSINKI, NEW_YORK = ZoneInfo("Europe/Stockholm"), ZoneInfo("Europe/Helsinki"), ZoneInfo("America/New_York")
H = 3600
PLM_INTAKE = {"phone": "+46 8 123 45 67", "product_version": "2025", "service_pack": "SP1.0", "english_ok": "yes"}
MC_INTAKE = {"site": "Plant", "product_version": "2026"}


def at(zone: ZoneInfo, day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=zone)


@dataclass
class Plm:
    desk: Desk
    carol: User  # the desk's support manager
    bob: User
    dave: User
    cases: dict[str, Case]


def plm_november() -> Plm:
    d = desk("plm-group")
    se, se_contract = customer(d, country="SE", zone="Europe/Stockholm", tier="premium")
    fi, fi_contract = customer(d, country="FI", zone="Europe/Helsinki", tier="standard")
    carol, bob, dave = staff("carol"), staff("bob"), staff("dave")
    Membership.objects.create(desk=d, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    Membership.objects.create(desk=d, user=dave, role=Membership.Role.AGENT)
    cases: dict[str, Case] = {}

    def case(name: str, who: str, opened: datetime, priority: str, agent: User | None = None) -> Case:
        requester, contract = (se, se_contract) if who == "SE" else (fi, fi_contract)
        c = services.open_case(d, requester=requester, subject=f"case {name}", priority=priority, contract=contract,
                               intake=PLM_INTAKE, at=opened)  # fmt: skip
        if agent is not None:
            services.assign(c, agent, actor=carol, at=opened.replace(second=30))
        cases[name] = c
        return c

    def reply(name: str, when: datetime, agent: User) -> None:
        services.agent_reply(cases[name], agent, "Looking into it.", at=when)

    # A: Mon 2 Nov 09:00, critical 2h; answered 13:00 = 3h of business time (09-12, lunch 12-13): missed.
    case("A", "SE", at(STOCKHOLM, 2, 9), "critical", bob)
    reply("A", at(STOCKHOLM, 2, 13), bob)
    # B: Mon 9 Nov 11:30, critical 2h; answered 13:20 = 30m + 20m = 3000 s: met.
    case("B", "SE", at(STOCKHOLM, 9, 11, 30), "critical", bob)
    reply("B", at(STOCKHOLM, 9, 13, 20), bob)
    # C: Tue 10 Nov 15:00, high 4h; answered Wed 10:00 = 1h + 2h = 10800 s: met.
    case("C", "SE", at(STOCKHOLM, 10, 15), "high", dave)
    reply("C", at(STOCKHOLM, 11, 10), dave)
    # D: Thu 12 Nov 09:00, critical; out of scope (Installation) at 09:30 by bob, before its due: removed.
    case("D", "SE", at(STOCKHOLM, 12, 9), "critical")
    commercial.classify_scope(cases["D"], "Installation", actor=bob, at=at(STOCKHOLM, 12, 9, 30))
    # E: Mon 30 Nov 15:00, low 2 business days: due Wed 2 Dec, still running when last written: pending.
    case("E", "SE", at(STOCKHOLM, 30, 15), "low")
    # I: Sun 1 Nov 00:30 Oslo (Sat 31 Oct 23:30 UTC): in November; medium 8h, the clock starts Mon 08:00;
    # answered Mon 10:00 = 7200 s: met.
    case("I", "SE", at(ZoneInfo("Europe/Oslo"), 1, 0, 30), "medium")
    reply("I", at(STOCKHOLM, 2, 10), bob)
    # F: Finland, standard, Mon 16 Nov 14:00, high 8h; answered Tue 14:30 = 1h + 6.5h = 27000 s: met.
    case("F", "FI", at(HELSINKI, 16, 14), "high")
    reply("F", at(HELSINKI, 17, 14, 30), bob)
    # G: Finland, Wed 18 Nov 10:00, critical 4h; answered Thu 09:00 = 5h + 1h = 21600 s: missed.
    case("G", "FI", at(HELSINKI, 18, 10), "critical", dave)
    reply("G", at(HELSINKI, 19, 9), dave)
    # Outside November in Oslo: Fri 30 Oct, and Tue 1 Dec 00:30 Oslo (30 Nov 23:30 UTC).
    case("before", "SE", at(STOCKHOLM, 30, 9, month=10), "critical")
    reply("before", at(STOCKHOLM, 30, 9, 10, month=10), bob)
    case("after", "SE", at(ZoneInfo("Europe/Oslo"), 1, 0, 30, month=12), "critical")
    return Plm(d, carol, bob, dave, cases)


@dataclass
class Mastercam:
    desk: Desk
    carol: User
    bob: User
    cases: dict[str, Case]


def mastercam_november() -> Mastercam:
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    carol, bob = staff("carol"), staff("bob")
    Membership.objects.create(desk=d, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)

    def p1(subject: str, opened: datetime) -> Case:
        return services.open_case(d, requester=alice, subject=subject, priority="P1", contract=contract,
                                  intake=MC_INTAKE, at=opened)  # fmt: skip

    # M1: Mon 2 Nov 09:00, assigned, never answered; classified a bug at 12:00 by bob. The response was due at
    # 11:00: missed, and stays missed; the resolution (due 17:00) was pending: removed, bug, bob, 12:00.
    m1 = p1("crash on post", at(NEW_YORK, 2, 9))
    services.assign(m1, bob, actor=carol, at=at(NEW_YORK, 2, 9, 5))
    services.classify(m1, "bug", actor=bob, at=at(NEW_YORK, 2, 12))
    # M2: Tue 10 Nov 16:00, assigned 16:10, answered Thu 12 Nov 08:30 (Wed 11 is Veterans Day, closed):
    # response 1h + 30m = 5400 s, met; resolved Thu 10:00: 1h + 2h = 10800 s, met. The update goal ran
    # from the answer (08:30) to the resolution (10:00): 5400 s, met.
    m2 = p1("toolpath gouges", at(NEW_YORK, 10, 16))
    services.assign(m2, bob, actor=carol, at=at(NEW_YORK, 10, 16, 10))
    services.agent_reply(m2, bob, "On it.", at=at(NEW_YORK, 12, 8, 30))
    services.resolve(m2, "fixed", actor=bob, at=at(NEW_YORK, 12, 10))
    return Mastercam(d, carol, bob, {"M1": m1, "M2": m2})
