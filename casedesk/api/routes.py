"""JSON API, /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError

from casedesk.sla import PresetError, list_presets, load_calendar, load_preset, parse_target
from casedesk.sla.timeparse import parse_time

api = NinjaAPI(title="casedesk", version="1", urls_namespace="api-v1")


class PresetOut(Schema):
    slug: str
    name: str
    calendars: list[str]


class DueOut(Schema):
    preset: str
    calendar: str
    start: str
    target: str
    due: str
    business_seconds: int


@api.get("/health")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


@api.get("/presets", response=list[PresetOut])
def presets(request: HttpRequest) -> list[PresetOut]:
    out = []
    for slug in list_presets():
        p = load_preset(slug)
        out.append(PresetOut(slug=p.slug, name=p.name, calendars=list(p.calendars)))
    return out


@api.get("/sla/due", response=DueOut)
def sla_due(request: HttpRequest, preset: str, calendar: str, start: str, target: str, tz: str | None = None) -> DueOut:
    """Due time of a business-time target, as `casedesk sla due` computes it."""
    try:
        cal = load_calendar(preset, calendar, tz)
        t0 = parse_time(start, cal.zone)
        tgt = parse_target(target)
        due = tgt.due(cal, t0)
    except (PresetError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError subclass
        raise HttpError(400, str(exc)) from None
    except KeyError:
        raise HttpError(400, f"unknown time zone {tz!r}") from None
    return DueOut(
        preset=preset,
        calendar=calendar,
        start=t0.astimezone(cal.zone).isoformat(),
        target=str(tgt),
        due=due.isoformat(),
        business_seconds=cal.between(t0, due),
    )
