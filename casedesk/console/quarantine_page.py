"""/console/mail/quarantine/: the mail intake held back, for the agents of its desk; release it or discard it.

Who sees a message: the members of its desk (a superuser sees every desk's). A message no desk receives (its
address routes nowhere) is seen by superusers, and by the members of a desk that receives mail at the same
domain: old-support@plmgroup.no is PLM Group's retired or mistyped address, so PLM Group's agents judge it,
while mail to a domain no desk uses stays with the superusers. Anything else is a 404, exactly like an id that
does not exist, for the page, the raw download and both buttons.

The writes are casedesk.mail.quarantine's release and discard; these views only check and redirect.
"""

from __future__ import annotations

import email.header
import email.parser
import email.policy
import itertools
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from casedesk.cases.access import staff_desk_ids
from casedesk.console.gate import agent, member_required
from casedesk.core.localtime import local
from casedesk.desks.models import Desk, Queue
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.mail.decoding import clean
from casedesk.mail.models import InboundAddress, InboundMessage
from casedesk.mail.quarantine import QuarantineError, discard, release
from casedesk.sla.policy_schema import Policy

PER_PAGE = 25
MAX_HEADERS = 200  # a message with thousands of headers shows the first ones; the raw download has them all
MAX_HEADER_CHARS = 2000
Outcome = InboundMessage.Outcome


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def _desk_domains(desk_ids: set[int] | None) -> dict[str, set[int]]:
    """domain -> the desks receiving mail at an address of it (every desk's when desk_ids is None)."""
    addresses = InboundAddress.objects.values_list("address", "desk_id")
    queues = Queue.objects.exclude(email="").values_list("email", "desk_id")
    if desk_ids is not None:
        addresses, queues = addresses.filter(desk_id__in=desk_ids), queues.filter(desk_id__in=desk_ids)
    found: dict[str, set[int]] = {}
    for address, desk_id in [*addresses, *queues]:
        if domain := _domain(address):
            found.setdefault(domain, set()).add(desk_id)
    return found


def visible(user: User) -> QuerySet[InboundMessage]:
    """The inbound messages this member may see (any outcome); the raw bytes are left unread."""
    qs = InboundMessage.objects.defer("raw").select_related("desk", "handled_by", "case")
    ids = staff_desk_ids(user)
    if ids is None:
        return qs
    seen = Q(desk_id__in=ids)
    for domain in _desk_domains(ids):
        seen |= Q(desk__isnull=True, recipient__endswith=f"@{domain}")
    return qs.filter(seen)


def message_for(user: User, pk: int) -> InboundMessage:
    msg = visible(user).filter(pk=pk).first()
    if msg is None:
        raise Http404("No such message.")
    return msg


def release_desks(user: User, msg: InboundMessage) -> list[Desk]:
    """The desks the member may release the message onto: its own, or for a desk-less one the member's desks
    receiving mail at its domain (any desk for a superuser)."""
    if msg.desk is not None:
        return [msg.desk]
    ids = staff_desk_ids(user)
    if ids is None:
        return list(Desk.objects.order_by("name"))
    return list(Desk.objects.filter(pk__in=_desk_domains(ids).get(_domain(msg.recipient), set())).order_by("name"))


def _policy(desk: Desk) -> Policy:
    return preset_of(version_in_force(desk, timezone.now())).policy


class ReleaseForm(forms.Form):
    prefix = "release"
    desk = forms.ModelChoiceField(
        queryset=Desk.objects.none(), required=False, label=gettext_lazy("Desk"), empty_label=None
    )
    priority = forms.ChoiceField(required=False, label=gettext_lazy("Priority"))

    def __init__(self, desks: list[Desk], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desks = desks
        self.policies = {d.pk: _policy(d) for d in desks}
        cast(forms.ModelChoiceField, self.fields["desk"]).queryset = Desk.objects.filter(
            pk__in=[d.pk for d in desks]
        ).order_by("name")
        self.fields["desk"].required = len(desks) > 1
        self.priority_required = any(p.priority_required for p in self.policies.values())
        choices: list[tuple[str, Any]] = [("", "—")]
        for d in desks:
            keys = [(p.key, p.name) for p in self.policies[d.pk].priorities]
            if keys and len(desks) > 1:
                choices.append((d.name, keys))  # one group per desk: the priority must be the chosen desk's
            else:
                choices += keys
        cast(forms.ChoiceField, self.fields["priority"]).choices = choices
        self.show_priority = any(p.priorities for p in self.policies.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        desk = data.get("desk") or (self.desks[0] if len(self.desks) == 1 else None)
        if desk is None:
            if not self.has_error("desk"):
                self.add_error("desk", gettext("choose the desk the message belongs to"))
            return data
        policy = self.policies[desk.pk]
        priority = data.get("priority", "")
        keys = {p.key for p in policy.priorities}
        if priority and priority not in keys:
            self.add_error("priority", gettext("not a priority of %(desk)s") % {"desk": desk.name})
        elif policy.priority_required and not priority:
            self.add_error(
                "priority", gettext("%(desk)s logs every case with a priority: choose one") % {"desk": desk.name}
            )
        data["desk"] = desk
        return data


class DiscardForm(forms.Form):
    prefix = "discard"
    note = forms.CharField(required=False, max_length=500, label=gettext_lazy("Note"))


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


@member_required
def quarantine(request: HttpRequest) -> HttpResponse:
    held = visible(agent(request)).filter(outcome=Outcome.QUARANTINED).defer("text", "html", "notices")
    page = Paginator(held.order_by("-received_at", "-pk"), PER_PAGE).get_page(_page_number(request))
    rows = [(m, local(m.received_at)) for m in page.object_list]
    return render(request, "console/quarantine.html", {"page": page, "rows": rows})


def _headers(pk: int) -> list[tuple[str, str]]:
    """The message's header fields as received, encoded words decoded; the body is not parsed here."""
    raw = bytes(InboundMessage.objects.filter(pk=pk).values_list("raw", flat=True)[0])
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=len(raw))
    parsed = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw[: end + 4])
    out = []
    for name, value in itertools.islice(parsed.raw_items(), MAX_HEADERS):
        try:
            text = str(email.header.make_header(email.header.decode_header(str(value))))
        except Exception:  # a malformed encoded word: the value as written
            text = str(value)
        out.append((clean(name), clean(" ".join(text.split()))[:MAX_HEADER_CHARS]))
    return out


def _render(
    request: HttpRequest, user: User, msg: InboundMessage, bound: dict[str, forms.Form], status: int = 200
) -> HttpResponse:
    desks = release_desks(user, msg)
    context = {
        "msg": msg,
        "received": local(msg.received_at, seconds=True),
        "handled": local(msg.handled_at),
        "headers": _headers(msg.pk),
        "held": msg.outcome == Outcome.QUARANTINED,
        "release": bound.get("release") or ReleaseForm(desks),
        "discard": bound.get("discard") or DiscardForm(),
        "can_release": bool(desks),
    }
    return render(request, "console/quarantine_message.html", context, status=status)


@member_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    user = agent(request)
    return _render(request, user, message_for(user, pk), {})


@member_required
def raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as received, as a file: never shown inline."""
    msg = message_for(agent(request), pk)
    data = bytes(InboundMessage.objects.filter(pk=msg.pk).values_list("raw", flat=True)[0])
    response = HttpResponse(data, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{msg.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@member_required
def release_message(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = agent(request)
    msg = message_for(user, pk)
    form = ReleaseForm(release_desks(user, msg), request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please correct the form below."))
        return _render(request, user, msg, {"release": form}, status=400)
    desk, priority = form.cleaned_data["desk"], form.cleaned_data.get("priority", "")
    try:
        done = release(msg.pk, actor=user, desk=desk if msg.desk is None else None, priority=priority)
    except QuarantineError as exc:
        messages.error(request, str(exc))
        return _render(request, user, message_for(user, pk), {"release": form}, status=400)
    if done.case is not None and done.outcome in (Outcome.CASE, Outcome.COMMENT):
        if done.outcome == Outcome.CASE:
            text = gettext("Released: case %(number)s opened.")
        else:
            text = gettext("Released: added to case %(number)s.")
        messages.success(request, text % {"number": done.case.number})
        return redirect("console:case", number=done.case.number)
    if done.outcome == Outcome.QUARANTINED:
        messages.error(request, gettext("Released, but held again: %(reason)s") % {"reason": done.reason})
    else:
        messages.info(request, gettext("Released: %(outcome)s.") % {"outcome": done.get_outcome_display()})
    return redirect("console:quarantine_message", pk=msg.pk)


@require_POST
@member_required
def discard_message(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = agent(request)
    msg = message_for(user, pk)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please correct the form below."))
        return _render(request, user, msg, {"discard": form}, status=400)
    try:
        discard(msg.pk, actor=user, note=" ".join(form.cleaned_data["note"].split()))
    except QuarantineError as exc:
        messages.error(request, str(exc))
        return _render(request, user, message_for(user, pk), {"discard": form}, status=400)
    messages.success(request, gettext("Message from %(sender)s discarded.") % {"sender": msg.sender or "?"})
    return redirect("console:quarantine")
