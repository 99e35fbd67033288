"""Escalation asked for by e-mail (Mastercam, POLICIES 0.11 and 0.23): a reply quoting the case number whose
subject asks to escalate goes one ordinary level up; the subject "Escalation Request" starts the critical
route only, which services.escalate allows for a P1 case or one a manager marked critical."""

from __future__ import annotations

import re

from casedesk.cases.models import Case
from casedesk.sla.policy_schema import Policy

_PREFIXES = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|vs|tr|wg|vb)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_ASKS = re.compile(r"\bescalat", re.IGNORECASE)


def requested_level(policy: Policy, case: Case, subject: str) -> int | None:
    """The escalation level a subject asks for on this case, or None when it asks for none."""
    levels = policy.section("escalation") or []
    if not levels:
        return None
    plain = _plain(subject, case.number)
    for lv in levels:
        if lv.get("critical_only") and lv.get("subject") and plain == lv["subject"].casefold():
            return int(lv["level"])
    if not _ASKS.search(plain):
        return None
    ordinary = sorted(int(lv["level"]) for lv in levels if not lv.get("critical_only"))
    return next((k for k in ordinary if k > case.escalation_level), ordinary[-1] if ordinary else None)


def _plain(subject: str, number: str) -> str:
    """The subject without reply prefixes, the case number and the punctuation around it."""
    text = re.sub(re.escape(number), " ", subject, flags=re.IGNORECASE)
    text = re.sub(r"[^\w\s]", " ", _PREFIXES.sub("", text))  # brackets, dashes, colons around the number
    text = _PREFIXES.sub("", " ".join(text.split()))
    return " ".join(text.split()).casefold()
