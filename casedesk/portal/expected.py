"""What a requester may expect next on a case: the nearest pending response or update, in their zone.

Read from the case's clocks as of now (casedesk.cases.sla_state.as_of). The
desk's internal management reviews (PTC S0) are the desk's business, not the
requester's, so they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from casedesk.accounts.models import Contact
from casedesk.cases import sla_state
from casedesk.cases.models import Case
from casedesk.desks.policies import calendar_of, preset_of
from casedesk.portal.policy_words import policy_text
from casedesk.sla.zones import valid_zone


@dataclass(frozen=True)
class Expected:
    what: str  # the metric's name as the policy gives it ("Initial response"), in the active language
    due_at: datetime  # in the requester's zone
    overdue: bool

    @property
    def text(self) -> str:
        return f"{self.due_at:%Y-%m-%d %H:%M} {_zone_name(self.due_at)}"


def _zone_name(t: datetime) -> str:
    abbr = t.tzname() or ""
    return abbr if abbr[:1].isalpha() else str(getattr(t.tzinfo, "key", abbr))


def requester_zone(contact: Contact, case: Case) -> ZoneInfo:
    """The requester's own zone; else the zone the case's calendar is read in (POLICIES 0.25)."""
    if contact.zone and valid_zone(contact.zone):
        return ZoneInfo(contact.zone)
    return calendar_of(case.policy_version, case.calendar, case.calendar_zone or None).zone


def next_expected(case: Case, contact: Contact, now: datetime) -> Expected | None:
    """The nearest live due of the case as of now, None when nothing is pending (resolved, no target)."""
    if not case.is_open:
        return None
    policy = preset_of(case.policy_version).policy
    internal = {k for k, m in policy.metrics.items() if m.kind == "review"}
    pending = [s for s in sla_state.as_of(case, now) if s.live and s.due_at and s.metric not in internal]
    if not pending:
        return None
    first = min(pending, key=lambda s: s.due_at or now)
    assert first.due_at is not None
    due_here = first.due_at.astimezone(requester_zone(contact, case))
    return Expected(policy_text(first.name), due_here, first.due_at <= now)
