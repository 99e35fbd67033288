"""`casedesk worker --once --at T` (cron mode) queues the monthly SLA statements due by T and sends them in the
same run, like the running worker's sweep loop does."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from casedesk.notify.models import OutgoingMail
from tests.reports.test_customer_statement import november
from tests.reports.test_monthly_statements import opted_in


@pytest.mark.django_db
def test_worker_once_sends_last_months_statements_from_six_on_the_first(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bea = opted_in(november())["bea"].email
    out = StringIO()
    # 05:59 New York on 1 December (10:59 UTC): November's statements are not due yet.
    call_command("worker", "--once", "--at", "2026-12-01T10:59:00Z", stdout=out)
    assert "monthly SLA statements: 0 queued" in out.getvalue()
    assert not OutgoingMail.objects.filter(kind="sla_statement").exists()
    call_command("worker", "--once", "--at", "2026-12-01T11:00:00Z", stdout=out)  # 06:00 New York
    assert "monthly SLA statements: 3 queued" in out.getvalue()
    sent = {m.to[0] for m in mail.outbox if "novembre 2026" in m.subject or "November 2026" in m.subject}
    sent |= {m.to[0] for m in mail.outbox if "november 2026" in m.subject}
    assert sent == {"alice@us.test", bea, "dan@gb.test"}
