"""The malformed-mail corpus (tests/mail/corpus.py): every message ends as a case, a comment or a quarantine
entry with a reason (or, for automatic mail, ignored with the reason); never an exception, never pending."""

from __future__ import annotations

from collections import Counter

import pytest

from casedesk.cases.models import Case
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundMessage
from tests.cases.factories import customer, desk

from .corpus import LIMIT, SUPPORT, messages

pytestmark = pytest.mark.django_db
WITH_REASON = {"quarantined", "ignored_automatic", "duplicate"}
ENDS = {"case", "comment", "bounce"} | WITH_REASON


def test_every_corpus_message_ends_as_a_case_a_comment_or_a_quarantine_entry_with_a_reason(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASEDESK_MAIL_SENDER_LIMIT = 100_000  # the corpus comes from eight senders: not a loop
    settings.CASEDESK_MAX_UPLOAD_BYTES = LIMIT
    plm = desk("plm-group")
    anna, _ = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    anna.email = "anna.lindqvist@customer-ab.se"
    anna.save()
    corpus = messages()
    assert len(corpus) >= 200
    problems: list[str] = []
    outcomes: Counter[str] = Counter()
    for name, raw in corpus:
        try:
            result = accept(raw, SUPPORT, source="pipe")
        except Exception as exc:  # the point of the test: report every one, not the first
            problems.append(f"{name}: raised {type(exc).__name__}: {exc}")
            continue
        outcomes[result.outcome] += 1
        if result.outcome not in ENDS:
            problems.append(f"{name}: ended {result.outcome}")
        elif result.outcome in WITH_REASON and not result.reason:
            problems.append(f"{name}: {result.outcome} without a reason")
        elif result.reason.startswith("could not be processed"):
            problems.append(f"{name}: {result.reason}")  # the safety net caught what parsing should handle
    assert not problems, "\n".join(problems)
    assert InboundMessage.objects.filter(outcome="pending").count() == 0
    assert outcomes["case"] >= len(corpus) // 2, outcomes  # most of the corpus is a customer's readable message
    assert Case.objects.filter(requester=anna).exists()
