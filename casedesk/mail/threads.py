"""Which case a message belongs to: its In-Reply-To and References first, then the case number in the
subject, and only for a participant of that case, so a stranger quoting a number gets a case of their own."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import User
from django.db import connection

from casedesk.accounts.models import Contact
from casedesk.cases.models import Case, CaseCC
from casedesk.desks.models import Desk
from casedesk.mail import rows
from casedesk.mail.models import ThreadRef
from casedesk.mail.senders import Sender
from casedesk.sla.policy_schema import Policy


def find_case(desk: Desk, policy: Policy, subject: str, refs: list[str], sender: Sender) -> Case | None:
    q = connection.ops.quote_name
    if refs:
        # The case of the latest Message-ID known among them (on this desk).
        marks = ", ".join(["%s"] * len(refs))
        known = _case_where(
            f"JOIN {q(ThreadRef._meta.db_table)} r ON r.{q('case_id')} = c.{q('id')}"
            f" WHERE r.{q('message_id')} IN ({marks}) AND c.{q('desk_id')} = %s ORDER BY r.{q('id')} DESC",
            [*refs, desk.pk],
        )
        # A reply names a message of the case; still, only its people (or colleagues) may add to it.
        if known is not None and (is_participant(known, sender) or _colleague(known, sender)):
            return known
    for number in numbers_in(policy.case_number, subject):
        case = _case_where(
            f"WHERE c.{q('desk_id')} = %s AND c.{q('number')} = %s ORDER BY c.{q('id')}", [desk.pk, number]
        )
        if case is not None and is_participant(case, sender):
            return case
    return None


def _case_where(where: str, params: list[Any]) -> Case | None:
    """The first case `where` finds, with its requester and assignee, in one plain statement (what
    `select_related("requester", "assignee").first()` reads, without building the ORM query per message)."""
    case, requester, assignee = rows.columns(Case, "c"), rows.columns(Contact, "rq"), rows.columns(User, "ag")
    q = connection.ops.quote_name
    sql = (
        f"SELECT {case.sql}, {requester.sql}, {assignee.sql} FROM {q(Case._meta.db_table)} c"
        f" JOIN {q(Contact._meta.db_table)} rq ON rq.{q('id')} = c.{q('requester_id')}"
        f" LEFT JOIN {q(User._meta.db_table)} ag ON ag.{q('id')} = c.{q('assignee_id')} {where} LIMIT 1"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        return None
    found = case.build(row, 0)
    assert found is not None
    found.requester = requester.build(row, case.width)  # type: ignore[assignment]
    found.assignee = assignee.build(row, case.width + requester.width)
    return found


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
