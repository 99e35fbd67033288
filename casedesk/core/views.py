from zoneinfo import available_timezones

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from casedesk.core.models import Profile
from casedesk.sla import list_presets, load_preset


def landing(request: HttpRequest) -> HttpResponse:
    presets = [load_preset(slug) for slug in list_presets()]
    return render(request, "core/landing.html", {"presets": presets})


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["zone", "language"]
        labels = {"zone": _("Show times in"), "language": _("Language")}


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """A signed-in person's own settings: the zone every page shows times in, and the console's language."""
    assert request.user.is_authenticated  # login_required
    profile, _created = Profile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("account")
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return render(request, "core/account.html", {"form": form, "zones": zones})
