"""/console/mail/addresses/: where each desk receives e-mail, and its managers' own addresses.

Every member sees the addresses of their desks. A queue's address comes from the desk's policy (PLM Group's
country queues) and changes only with a policy version; a support manager of the desk (or a superuser) adds
addresses of their own, each to the desk or to one of its queues, and removes them. An added address that
equals a queue's address routes in its place: that is how a manager points a policy address elsewhere.
Another desk's address is never taken over: routing must stay unambiguous.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from casedesk.console.gate import agent, desks_of, is_manager, member_required
from casedesk.desks.models import Desk, Queue
from casedesk.mail.models import InboundAddress

log = logging.getLogger(__name__)


class AddressForm(forms.Form):
    address = forms.EmailField(label=gettext_lazy("Address"), max_length=254)
    queue = forms.ChoiceField(label=gettext_lazy("Queue"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, desk: Desk, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desk = desk
        self.queues = {str(q.pk): q for q in Queue.objects.filter(desk=desk).order_by("name")}
        field = self.fields["queue"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext("the desk's own routing"))] + [(k, q.name) for k, q in self.queues.items()]

    def clean_address(self) -> str:
        address = str(self.cleaned_data["address"]).strip().lower()
        taken = InboundAddress.objects.filter(address=address).select_related("desk").first()
        if taken is not None:
            if taken.desk_id == self.desk.pk:
                raise forms.ValidationError(gettext("%(address)s is already on this desk") % {"address": address})
            raise forms.ValidationError(gettext("another desk receives mail at %(address)s") % {"address": address})
        if Queue.objects.filter(email__iexact=address).exclude(desk=self.desk).exists():
            raise forms.ValidationError(gettext("another desk receives mail at %(address)s") % {"address": address})
        return address

    def chosen_queue(self) -> Queue | None:
        return self.queues.get(self.cleaned_data.get("queue") or "")


@dataclass(frozen=True)
class DeskAddresses:
    desk: Desk
    from_policy: list[Queue]
    added: list[InboundAddress]
    can_edit: bool
    form: AddressForm | None


def _can_edit(user: User, desk: Desk) -> bool:
    return user.is_superuser or is_manager(user, desk.pk)


def _desk(user: User, slug: str) -> Desk:
    desk = desks_of(user).filter(slug=slug).first()
    if desk is None:
        raise Http404("No such desk.")
    return desk


def _page(user: User, bound: dict[int, AddressForm] | None = None) -> list[DeskAddresses]:
    desks = list(desks_of(user))
    queues: dict[int, list[Queue]] = {}
    for q in Queue.objects.filter(desk__in=desks).exclude(email="").order_by("email", "name"):
        queues.setdefault(q.desk_id, []).append(q)
    added: dict[int, list[InboundAddress]] = {}
    for a in InboundAddress.objects.filter(desk__in=desks).select_related("queue").order_by("address"):
        added.setdefault(a.desk_id, []).append(a)
    shown = []
    for d in desks:
        editable = _can_edit(user, d)
        form = (bound or {}).get(d.pk) or (AddressForm(d, prefix=d.slug) if editable else None)
        shown.append(DeskAddresses(d, queues.get(d.pk, []), added.get(d.pk, []), editable, form))
    return shown


@member_required
def addresses(request: HttpRequest) -> HttpResponse:
    return render(request, "console/addresses.html", {"desks": _page(agent(request))})


@require_POST
@member_required
def add(request: HttpRequest, slug: str) -> HttpResponseBase:
    user = agent(request)
    desk = _desk(user, slug)
    if not _can_edit(user, desk):
        messages.error(request, gettext("Only a support manager of %(desk)s changes its addresses.") % {"desk": desk})
        return redirect("console:addresses")
    form = AddressForm(desk, request.POST, prefix=desk.slug)
    if not form.is_valid():
        messages.error(request, gettext("Please correct the form below."))
        return render(request, "console/addresses.html", {"desks": _page(user, {desk.pk: form})}, status=400)
    row = InboundAddress.objects.create(
        address=form.cleaned_data["address"], desk=desk, queue=form.chosen_queue(), note=form.cleaned_data["note"]
    )
    log.info("inbound address %s added to %s by %s", row.address, desk.slug, user.get_username())
    messages.success(request, gettext("%(desk)s now receives mail at %(address)s.") % {"desk": desk, "address": row})
    return redirect("console:addresses")


@require_POST
@member_required
def remove(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    user = agent(request)
    desk = _desk(user, slug)
    row = InboundAddress.objects.filter(pk=pk, desk=desk).first()
    if row is None:
        raise Http404("No such address on this desk.")
    if not _can_edit(user, desk):
        messages.error(request, gettext("Only a support manager of %(desk)s changes its addresses.") % {"desk": desk})
        return redirect("console:addresses")
    row.delete()
    log.info("inbound address %s removed from %s by %s", row.address, desk.slug, user.get_username())
    messages.success(
        request,
        gettext("%(desk)s no longer receives mail at %(address)s; mail to it is quarantined.")
        % {"desk": desk, "address": row.address},
    )
    return redirect("console:addresses")
