"""JSON API, /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

The docs page is Swagger UI from django-ninja's own static files ("ninja" is in
INSTALLED_APPS), so it works without internet: no CDN.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError

from casedesk.api import problems
from casedesk.api.attachment_routes import router as attachment_router
from casedesk.api.case_actions import router as case_action_router
from casedesk.api.case_routes import router as case_router
from casedesk.api.contract_routes import router as contract_router
from casedesk.api.directory_routes import router as directory_router
from casedesk.automation import health as checks
from casedesk.sla import PresetError, list_presets, load_preset
from casedesk.sla.due_query import due_time

api = NinjaAPI(title="casedesk", version="1", urls_namespace="api-v1")
problems.install(api)
api.add_router("/cases", case_router)
api.add_router("/cases", case_action_router)
api.add_router("/contracts", contract_router)
api.add_router("/companies", directory_router)
api.add_router("/cases", attachment_router)


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


class CheckOut(Schema):
    ok: bool
    detail: str


class HealthOut(Schema):
    status: str  # "ok", or "down" (HTTP 503) when any check failed
    database: CheckOut
    task_queue: CheckOut
    sweeps: CheckOut
    last_sweep_finished_at: datetime | None


@api.get("/health", response={200: HealthOut, 503: HealthOut})
def health(request: HttpRequest) -> Status:
    """For a load balancer: the database reachable, the task queue reachable (the database or Redis), and a
    worker's SLA sweep finished within 3 sweep intervals; 503 when any of them is not."""
    db, queue = checks.database(), checks.task_queue()
    sweeps, last = checks.sweeps()
    down = not (db.ok and queue.ok and sweeps.ok)
    out = HealthOut(
        status="down" if down else "ok",
        database=CheckOut(ok=db.ok, detail=db.detail),
        task_queue=CheckOut(ok=queue.ok, detail=queue.detail),
        sweeps=CheckOut(ok=sweeps.ok, detail=sweeps.detail),
        last_sweep_finished_at=last,
    )
    return Status(503 if down else 200, out)


@api.get("/presets", response={200: list[PresetOut], **problems.errors(429)})
def presets(request: HttpRequest) -> list[PresetOut]:
    out = []
    for slug in list_presets():
        p = load_preset(slug)
        out.append(PresetOut(slug=p.slug, name=p.name, calendars=list(p.calendars)))
    return out


@api.get("/sla/due", response={200: DueOut, **problems.errors(400, 429)})
def sla_due(
    request: HttpRequest,
    preset: str,
    calendar: str,
    start: str,
    target: str | None = None,
    tier: str | None = None,
    priority: str | None = None,
    metric: str = "",
    tz: str | None = None,
) -> DueOut:
    """Due time of a target (8h, 4bd) or of the preset's own target for tier, priority and metric,
    as `casedesk sla due` computes it."""
    try:
        answer = due_time(preset, calendar, start, target=target, tier=tier, priority=priority, metric=metric, tz=tz)
    except (PresetError, ValueError) as exc:
        raise HttpError(400, str(exc)) from None
    cal = answer.calendar
    return DueOut(
        preset=preset,
        calendar=calendar,
        start=answer.start.astimezone(cal.zone).isoformat(),
        target=str(answer.target),
        due=answer.due.isoformat(),
        business_seconds=cal.between(answer.start, answer.due),
    )
