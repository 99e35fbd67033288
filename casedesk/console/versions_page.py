"""/console/versions/: the product-version catalogue the version windows at intake read (POLICIES 0.7, section 2).

Every member sees the catalogue, each product's current version marked; a support manager of any desk (or a
superuser) adds a version, corrects one, or removes one: the catalogue is shared by the desks, and its release
dates are the desks' own data, not policy numbers. A write by anyone else is refused (403). A bad form (a
version already there, a date that is not one) says why and saves nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from casedesk.console.gate import agent, member_required
from casedesk.contracts.models import ProductVersion
from casedesk.desks.models import Membership

log = logging.getLogger(__name__)


class VersionForm(forms.Form):
    product = forms.CharField(label=gettext_lazy("Product"), max_length=100)
    version = forms.CharField(label=gettext_lazy("Version"), max_length=50)
    released_on = forms.DateField(
        label=gettext_lazy("Released on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    online_service = forms.BooleanField(label=gettext_lazy("Online service (current version only)"), required=False)

    def __init__(self, *args: Any, instance: ProductVersion | None = None, **kwargs: Any) -> None:
        self.instance = instance or ProductVersion()
        if instance is not None:
            kwargs.setdefault(
                "initial", {f: getattr(instance, f) for f in ["product", "version", "released_on", "online_service"]}
            )
        super().__init__(*args, **kwargs)

    def clean_product(self) -> str:
        product = str(self.cleaned_data["product"]).strip()
        # One spelling per product: "solidworks" joins the catalogue's "SOLIDWORKS".
        known = ProductVersion.objects.filter(product__iexact=product).values_list("product", flat=True).first()
        return known or product

    def clean_version(self) -> str:
        return str(self.cleaned_data["version"]).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        product, version = data.get("product"), data.get("version")
        if product and version:
            same = ProductVersion.objects.filter(product__iexact=product, version__iexact=version)
            if self.instance.pk is not None:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                raise forms.ValidationError(
                    gettext("%(product)s %(version)s is already in the catalogue")
                    % {"product": product, "version": version}
                )
        return data

    def save(self) -> ProductVersion:
        for name, value in self.cleaned_data.items():
            setattr(self.instance, name, value)
        self.instance.save()
        return self.instance


@dataclass(frozen=True)
class Row:
    version: ProductVersion
    current: bool


def can_edit(user: User) -> bool:
    """A support manager of any desk, or a superuser: the catalogue is shared by every desk."""
    role = Membership.Role.SUPPORT_MANAGER
    return user.is_superuser or Membership.objects.filter(user=user, role=role).exists()


def _rows() -> list[Row]:
    today = timezone.localdate()
    rows, seen = [], set()
    for v in ProductVersion.objects.order_by("product", "-released_on", "-version"):
        current = v.product not in seen and v.released_on <= today
        if current:
            seen.add(v.product)
        rows.append(Row(v, current))
    return rows


def _render(request: HttpRequest, editable: bool, form: VersionForm | None, status: int = 200) -> HttpResponse:
    context = {"rows": _rows(), "can_edit": editable, "form": form, "editing": form and form.instance.pk}
    return render(request, "console/versions.html", context, status=status)


def _row(pk: str | None) -> ProductVersion:
    row = ProductVersion.objects.filter(pk=int(pk)).first() if pk and pk.isdigit() else None
    if row is None:
        raise Http404("No such version in the catalogue.")
    return row


@member_required
def versions(request: HttpRequest) -> HttpResponseBase:
    user = agent(request)
    editable = can_edit(user)
    if request.method != "POST":
        form = None
        if editable:
            editing = request.GET.get("edit")
            form = VersionForm(instance=_row(editing)) if editing else VersionForm()
        return _render(request, editable, form)
    if not editable:
        raise PermissionDenied(gettext("Only a support manager changes the version catalogue."))
    action = request.POST.get("action", "")
    if action == "remove":
        row = _row(request.POST.get("pk"))
        row.delete()
        log.info("catalogue version %s %s removed by %s", row.product, row.version, user.get_username())
        messages.success(
            request, gettext("%(product)s %(version)s removed.") % {"product": row.product, "version": row.version}
        )
        return redirect("console:versions")
    if action not in {"add", "save"}:
        raise Http404("No such action.")
    instance = _row(request.POST.get("pk")) if action == "save" else None
    form = VersionForm(request.POST, instance=instance)
    if not form.is_valid() or not _save(form):
        messages.error(request, gettext("Please correct the form below."))
        return _render(request, editable, form, status=400)
    row = form.instance
    log.info("catalogue version %s %s %s by %s", row.product, row.version, action, user.get_username())
    done = gettext("%(product)s %(version)s (released %(date)s) saved.")
    messages.success(request, done % {"product": row.product, "version": row.version, "date": row.released_on})
    return redirect("console:versions")


def _save(form: VersionForm) -> bool:
    """Save the row; False (an error on the form) when the same version was added at the same moment."""
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        form.add_error(
            None,
            gettext("%(product)s %(version)s is already in the catalogue")
            % {"product": form.cleaned_data["product"], "version": form.cleaned_data["version"]},
        )
        return False
    return True
