"""Per-caller rate limit of the JSON API (callers with a token or a session; anonymous calls read only the
public SLA calculator and presets, or get 401): 429 with `Retry-After` past CASEDESK_API_RATE requests a minute.

django-ratelimit counts in a cache and needs memcached or Redis for atomic increments; casedesk's default
install has neither, and a per-process count would multiply the limit by the web processes. So each caller's
minute is one row, counted by INSERT ... ON CONFLICT DO UPDATE ... RETURNING (SQLite >= 3.35, PostgreSQL),
as case numbers are. The limit is the desk's own setting, not a policy number.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from casedesk.api.idempotency import PREFIX, _caller
from casedesk.api.models import RateWindow


def _count(caller: str, window: int) -> int:
    table = RateWindow._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (caller, minute, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (caller, minute) DO UPDATE SET count = "
            f"{table}.count + 1 RETURNING count",
            [caller, window],
        )
        (count,) = cur.fetchone()
    if count == 1:  # a new minute: forget this caller's older ones
        RateWindow.objects.filter(caller=caller, minute__lt=window).delete()
    return int(count)


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(getattr(settings, "CASEDESK_API_RATE", 0))
        if not limit or not request.path.startswith(PREFIX) or request.path.endswith("/health"):
            return self.get_response(request)
        caller = _caller(request)
        if not caller:  # anonymous: the public calculator and presets, or a 401 from authentication
            return self.get_response(request)
        now = time.time()
        window = int(now // 60)
        if _count(caller, window) > limit:
            body = {
                "type": "about:blank", "title": "Too many requests", "status": 429,
                "detail": f"more than {limit} requests a minute: retry after the minute ends",
            }  # fmt: skip
            response = HttpResponse(json.dumps(body), status=429, content_type="application/problem+json")
            response["Retry-After"] = str(60 * (window + 1) - int(now))
            return response
        return self.get_response(request)
