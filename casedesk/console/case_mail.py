"""The case page's e-mail: each received message as it came (full text and raw file) and each notification
sent about the case, with its delivery state, the last error and "send again" for a failed one.

Both go through the console's case getter: a message of a case the agent may not see is a 404 like the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.http import require_POST

from casedesk.cases.access import case_for_console
from casedesk.cases.models import Case, CaseEvent
from casedesk.console.gate import agent, member_required
from casedesk.core.localtime import local
from casedesk.mail.models import InboundMessage
from casedesk.notify.models import OutgoingMail
from casedesk.notify.resend import RESENDABLE, ResendError, send_again

SHOWN_OUTGOING = 100  # the newest; a case with more lists the rest in the admin
STATE_WORDS = {
    OutgoingMail.State.QUEUED: pgettext_lazy("e-mail state", "queued"),
    OutgoingMail.State.SENDING: pgettext_lazy("e-mail state", "sending"),
    OutgoingMail.State.SENT: pgettext_lazy("e-mail state", "sent"),
    OutgoingMail.State.FAILED: pgettext_lazy("e-mail state", "failed"),
    OutgoingMail.State.UNCERTAIN: pgettext_lazy("e-mail state", "perhaps delivered"),
}


@dataclass(frozen=True)
class Received:
    id: int
    sender: str
    text: str  # the whole text as received: quotes and signature included


@dataclass(frozen=True)
class Sent:
    id: int
    at: str
    kind: str
    to: str
    state: str
    css: str
    attempts: int
    error: str
    sent_at: str
    resendable: bool
    resend_of: int | None
    requested_by: str


def received_by_event(events: list[CaseEvent]) -> dict[int, Received]:
    """The e-mail each event came from (one query), keyed by event id."""
    rows = InboundMessage.objects.filter(event_id__in=[e.pk for e in events]).only("pk", "event_id", "sender", "text")
    return {m.event_id: Received(m.pk, m.sender, m.text) for m in rows if m.event_id is not None}


def sent_about(case: Case) -> list[Sent]:
    rows = (
        OutgoingMail.objects.filter(case=case)
        .select_related("requested_by")
        .defer("body", "headers")
        .order_by("-id")[:SHOWN_OUTGOING]
    )
    return [
        Sent(
            id=r.pk,
            at=local(r.created_at),
            kind=r.kind.replace("_", " "),
            to=", ".join(r.recipients),
            state=str(STATE_WORDS.get(OutgoingMail.State(r.state), r.state)),
            css=r.state,
            attempts=r.attempts,
            error=r.last_error,
            sent_at=local(r.sent_at) if r.sent_at else "",
            resendable=r.state in RESENDABLE,
            resend_of=r.resend_of_id,
            requested_by=r.requested_by.get_username() if r.requested_by else "",
        )
        for r in reversed(rows)
    ]


@member_required
def received_raw(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """A received message of the case exactly as it came, as a file (never shown inline)."""
    case = case_for_console(agent(request), number)
    data = InboundMessage.objects.filter(pk=pk, case=case).values_list("raw", flat=True).first()
    if data is None:
        raise Http404("No such message on this case.")
    response = HttpResponse(bytes(data), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="{case.number}-message-{pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@member_required
def resend(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    user = agent(request)
    case = case_for_console(user, number)
    if not OutgoingMail.objects.filter(pk=pk, case=case).exists():
        raise Http404("No such message on this case.")
    try:
        copy = send_again(pk, by=user)
    except ResendError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Queued to be sent again to %(to)s.") % {"to": ", ".join(copy.recipients)})
    return redirect(reverse("console:case", args=[case.number]) + "#mail")
