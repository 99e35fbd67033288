"""`Idempotency-Key` on every POST of the JSON API: a retry with the same key returns the first answer and
changes nothing (the scheme of the IETF draft "The Idempotency-Key HTTP Header Field", as Stripe runs it).

- Same caller, same key, same method, path and body: the stored answer, with `Idempotent-Replayed: true`.
- Same key with another request: 422, the key is bound to its first request.
- The first request still running: 409, retry later.
- A 5xx is not kept: the retry runs again. Keys are kept for KEEP_DAYS days.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from casedesk.api.models import IdempotentRequest, digest

HEADER = "Idempotency-Key"
KEEP_DAYS = 1
PREFIX = "/api/"


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def _caller(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "token:" + digest(auth[7:].strip())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ""


def _canonical(request: HttpRequest) -> bytes:
    """The body as the fingerprint sees it: a multipart body without its boundary, which a client draws anew
    for each try of the same upload."""
    body = request.body
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/") and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].split(";", 1)[0].strip().strip('"')
        if boundary:
            body = body.replace(boundary.encode("latin-1", "replace"), b"BOUNDARY")
    return body


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER, "")
        if request.method != "POST" or not key or not request.path.startswith(PREFIX):
            return self.get_response(request)
        caller = _caller(request)
        if not caller:  # nobody to bind the key to: authentication answers
            return self.get_response(request)
        if len(key) > 255:
            return _problem(400, "Bad request", f"{HEADER} is longer than 255 characters")
        fingerprint = hashlib.sha256(b"POST " + request.path.encode() + b"\n" + _canonical(request)).hexdigest()
        IdempotentRequest.objects.filter(created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)).delete()
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(caller=caller, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return self._replay(caller, key, fingerprint)
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            row.delete()
            return response
        row.status = response.status_code
        row.content_type = response.get("Content-Type", "")
        row.body = response.content
        row.save(update_fields=["status", "content_type", "body"])
        return response

    def _replay(self, caller: str, key: str, fingerprint: str) -> HttpResponse:
        first = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if first is None:  # removed after a server error between our insert and this read: let it be retried
            return _problem(409, "Conflict", f"a request with this {HEADER} is being retried: send it again")
        if first.fingerprint != fingerprint:
            return _problem(422, "Unprocessable content", f"this {HEADER} was used for another request")
        if first.status == 0:
            return _problem(409, "Conflict", f"the first request with this {HEADER} is still running: retry later")
        response = HttpResponse(bytes(first.body), status=first.status, content_type=first.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
