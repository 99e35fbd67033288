"""Which case a message belongs to: its In-Reply-To and References first, then the case number in the
subject, and only for a participant of that case, so a stranger quoting a number gets a case of their own."""

from __future__ import annotations

import re
from functools import lru_cache

from casedesk.cases.models import Case, CaseCC
from casedesk.desks.models import Desk
from casedesk.mail.models import ThreadRef
from casedesk.mail.senders import Sender
from casedesk.sla.policy_schema import Policy


def find_case(desk: Desk, policy: Policy, subject: str, refs: list[str], sender: Sender) -> Case | None:
    if refs:
        known = (
            ThreadRef.objects.filter(message_id__in=refs, case__desk=desk)
            .select_related("case", "case__requester", "case__assignee")
            .order_by("-pk")
            .first()
        )
        # A reply names a message of the case; still, only its people (or colleagues) may add to it.
        if known is not None and (is_participant(known.case, sender) or _colleague(known.case, sender)):
            return known.case
    for number in numbers_in(policy.case_number, subject):
        case = Case.objects.filter(desk=desk, number=number).select_related("requester", "assignee").first()
        if case is not None and is_participant(case, sender):
            return case
    return None


def is_participant(case: Case, sender: Sender) -> bool:
    """The requester, a contact copied on the case, its agent, or any member of its desk."""
    address = sender.address
    if sender.staff is not None:
        return True
    if case.requester.email.lower() == address:
        return True
    if case.assignee is not None and case.assignee.email.lower() == address:
        return True
    return CaseCC.objects.filter(case=case, contact__email__iexact=address).exists()


def _colleague(case: Case, sender: Sender) -> bool:
    return sender.verified and sender.contact is not None and sender.contact.company_id == case.company_id


@lru_cache(maxsize=32)
def _number_pattern(case_number: str) -> re.Pattern[str]:
    """ "PLM-{seq:06d}" -> PLM-000123 anywhere in a subject, not inside a longer word or number."""
    m = re.match(r"^(.*)\{seq:0?(\d+)d?\}(.*)$", case_number)
    prefix, width, suffix = (m.group(1), int(m.group(2)), m.group(3)) if m else ("", 6, "")
    return re.compile(rf"(?<![\w-]){re.escape(prefix)}(\d{{{width},}}){re.escape(suffix)}(?!\w)", re.IGNORECASE)


def numbers_in(case_number: str, subject: str) -> list[str]:
    """Case numbers in the subject, spelt as the desk writes them (a customer may type plm-000123)."""
    m = re.match(r"^(.*)\{seq:0?(\d+)d?\}(.*)$", case_number)
    prefix, suffix = (m.group(1), m.group(3)) if m else ("", "")
    return [f"{prefix}{digits}{suffix}" for digits in _number_pattern(case_number).findall(subject)][:5]
