"""/console/hooks/: a desk's webhook subscriptions and the log of their deliveries (casedesk.hooks).

Every member sees the subscriptions of their desks (address, events, state) and the latest deliveries with the
receiver's status and an excerpt of its answer; a support manager of the desk (or a superuser) also sees each
secret and adds, pauses, resumes, removes and pings them. Another desk's subscription is a 404. Removing a
subscription that has deliveries deactivates it instead, so their log stays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.validators import URLValidator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from casedesk.console.gate import agent, desks_of, is_manager, member_required
from casedesk.desks.models import Desk
from casedesk.hooks import subscriptions
from casedesk.hooks.models import EVENTS, Delivery, Subscription

log = logging.getLogger(__name__)
SHOWN = 20  # latest deliveries per desk


class SubscriptionForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("URL"), max_length=2000)
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"), choices=[(e, e) for e in EVENTS], widget=forms.CheckboxSelectMultiple
    )

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"]).strip()
        try:
            subscriptions.check_url(url)
            URLValidator(schemes=["http", "https"])(url)
        except (subscriptions.HookError, forms.ValidationError):
            raise forms.ValidationError(gettext("give an http:// or https:// address")) from None
        return url


@dataclass(frozen=True)
class DeskHooks:
    desk: Desk
    subscriptions: list[Subscription]
    deliveries: list[Delivery]
    can_edit: bool
    form: SubscriptionForm | None


def _can_edit(user: User, desk: Desk) -> bool:
    return user.is_superuser or is_manager(user, desk.pk)


def _desk(user: User, slug: str) -> Desk:
    desk = desks_of(user).filter(slug=slug).first()
    if desk is None:
        raise Http404("No such desk.")
    return desk


def _page(user: User, bound: dict[int, SubscriptionForm] | None = None) -> list[DeskHooks]:
    desks = list(desks_of(user))
    subs: dict[int, list[Subscription]] = {}
    for s in Subscription.objects.filter(desk__in=desks, active=True).order_by("pk"):
        subs.setdefault(s.desk_id, []).append(s)
    shown = []
    for d in desks:
        latest = Delivery.objects.filter(subscription__desk=d).select_related("case", "subscription")
        editable = _can_edit(user, d)
        form = (bound or {}).get(d.pk) or (SubscriptionForm(prefix=d.slug) if editable else None)
        shown.append(DeskHooks(d, subs.get(d.pk, []), list(latest.order_by("-pk")[:SHOWN]), editable, form))
    return shown


@member_required
def hooks(request: HttpRequest) -> HttpResponse:
    return render(request, "console/hooks.html", {"desks": _page(agent(request)), "events": EVENTS})


def _refused(request: HttpRequest, desk: Desk) -> HttpResponseBase:
    messages.error(request, gettext("Only a support manager of %(desk)s changes its webhooks.") % {"desk": desk})
    return redirect("console:hooks")


@require_POST
@member_required
def add(request: HttpRequest, slug: str) -> HttpResponseBase:
    user = agent(request)
    desk = _desk(user, slug)
    if not _can_edit(user, desk):
        return _refused(request, desk)
    form = SubscriptionForm(request.POST, prefix=desk.slug)
    if not form.is_valid():
        messages.error(request, gettext("Please correct the form below."))
        context = {"desks": _page(user, {desk.pk: form}), "events": EVENTS}
        return render(request, "console/hooks.html", context, status=400)
    sub = subscriptions.add(desk, form.cleaned_data["url"], form.cleaned_data["events"], by=user)
    log.info("webhook %s added to %s by %s", sub.url, desk.slug, user.get_username())
    messages.success(
        request,
        gettext("%(desk)s now posts %(events)s to %(url)s. Copy its secret below to check the signatures.")
        % {"desk": desk, "events": ", ".join(sub.events), "url": sub.url},
    )
    return redirect(reverse("console:hooks") + f"?secret={sub.pk}#hook-{sub.pk}")


ACTIONS = ("pause", "resume", "remove", "ping")


@require_POST
@member_required
def act(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponseBase:
    user = agent(request)
    desk = _desk(user, slug)
    sub = Subscription.objects.filter(pk=pk, desk=desk, active=True).first()
    if sub is None or action not in ACTIONS:
        raise Http404("No such webhook on this desk.")
    if not _can_edit(user, desk):
        return _refused(request, desk)
    words: dict[str, Any] = {"url": sub.url}
    try:
        if action == "pause":
            subscriptions.pause(sub, by=user)
            text = gettext("Nothing is posted to %(url)s until it is resumed.")
        elif action == "resume":
            words["n"] = subscriptions.resume(sub)
            text = gettext("%(url)s is live again; %(n)s waiting deliveries go now.")
        elif action == "remove":
            deleted = subscriptions.remove(sub)
            text = (
                gettext("%(url)s is removed.")
                if deleted
                else gettext("%(url)s is removed; its deliveries stay in the log below.")
            )
        else:
            subscriptions.ping(sub, by=user)
            text = gettext("A test ping to %(url)s is queued; its answer appears in the log below.")
    except subscriptions.HookError as exc:
        messages.error(request, str(exc))
        return redirect("console:hooks")
    log.info("webhook %s on %s: %s by %s", sub.url, desk.slug, action, user.get_username())
    messages.success(request, text % words)
    return redirect("console:hooks")
