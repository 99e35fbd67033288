"""Personal access tokens on the person's own settings page (/account/): create (shown once), list, revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from casedesk.api.models import AccessToken


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What it is for"), max_length=100, required=False)
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=[("read", gettext_lazy("read")), ("write", gettext_lazy("read and write"))],
        initial="read",
    )
    days = forms.IntegerField(
        label=gettext_lazy("Expires after (days)"), min_value=1, max_value=3650, required=False,
        help_text=gettext_lazy("blank: never"),
    )  # fmt: skip


def tokens_of(user: User) -> list[AccessToken]:
    return list(AccessToken.objects.filter(user=user))


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(request, "core/tokens.html", {"form": form, "tokens": tokens_of(request.user)}, status=400)
    token = AccessToken.issue(
        request.user, scope=form.cleaned_data["scope"], days=form.cleaned_data["days"], name=form.cleaned_data["name"]
    )
    # Rendered, never redirected: the clear token is in this one response and nowhere else (not the session).
    context = {"form": TokenForm(), "tokens": tokens_of(request.user), "new_token": token}
    return render(request, "core/tokens.html", context)


@login_required
def page(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return render(request, "core/tokens.html", {"form": TokenForm(), "tokens": tokens_of(request.user)})


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    row = get_object_or_404(AccessToken, pk=token_id, user=request.user)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        messages.success(request, gettext("Token %(hint)s... revoked.") % {"hint": row.hint})
    return redirect("tokens")
