"""Times in the viewer's zone, with the zone named.

The admin's base template sets a cookie from the browser's zone
(Intl.DateTimeFormat().resolvedOptions().timeZone); ViewerZoneMiddleware
activates it for the request when tzdata knows it, else UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from casedesk.sla.zones import valid_zone

COOKIE = "casedesk_tz"


def zone_from_cookie(value: str | None) -> ZoneInfo | None:
    """The zone a cookie names; None for a missing, overlong or unknown one (the page shows UTC)."""
    name = unquote(value or "")  # Europe/Copenhagen, or Europe%2FCopenhagen from a client that quotes it
    if not name or len(name) > 64 or not valid_zone(name):
        return None
    return ZoneInfo(name)


def chosen_zone(request: HttpRequest) -> ZoneInfo | None:
    """The zone a signed-in person chose: a staff user's profile, else a requester's contact zone."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from casedesk.accounts.models import Contact
    from casedesk.core.models import Profile

    name = Profile.objects.filter(user=user).values_list("zone", flat=True).first()
    if not name:
        name = Contact.objects.filter(user=user).values_list("zone", flat=True).first()
    return ZoneInfo(name) if name and valid_zone(name) else None


class ViewerZoneMiddleware:
    """Activate the viewer's zone for one request (and never leak it to the next on this thread)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = chosen_zone(request) or zone_from_cookie(request.COOKIES.get(COOKIE))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def zone_label(t: datetime) -> str:
    """CET, EST, UTC where the zone has a name for it; the zone's key otherwise (America/Sao_Paulo, not -03)."""
    abbr = t.tzname() or ""
    if abbr[:1].isalpha():
        return abbr
    return str(getattr(t.tzinfo, "key", "") or abbr)


def local(t: datetime | None, *, seconds: bool = False) -> str:
    """'2026-11-30 14:00 CET' in the active zone; '' for None."""
    if t is None:
        return ""
    lt = timezone.localtime(t)
    return f"{lt.strftime('%Y-%m-%d %H:%M:%S' if seconds else '%Y-%m-%d %H:%M')} {zone_label(lt)}"


def duration(seconds: int | None) -> str:
    """Business time in hours and minutes ('3h 20m', '45m', '-1h 05m' when overdue): business days vary in length."""
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{sign}{hours}h {minutes:02d}m"
    if hours:
        return f"{sign}{hours}h"
    return f"{sign}{minutes}m"
