"""Errors as problem details (RFC 9457): `application/problem+json` with type, title, status and detail.

A refused change answers 409 with the `CaseError` message; bad input answers 400 naming each bad field.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from casedesk.cases.services import CaseError


class FieldProblem(Schema):
    field: str  # e.g. body.zone, cursor
    message: str


class Problem(Schema):
    """A problem details body (RFC 9457), sent as `application/problem+json`: the error answers of every route."""

    type: str  # about:blank
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None  # 400 for bad input: each bad field


def errors(*statuses: int) -> dict[int, type[Problem]]:
    """Declare the problems a route answers: `response={200: CaseOut, **problems.errors(401, 404)}`."""
    return dict.fromkeys(statuses, Problem)


# The usual sets: every authenticated route answers 401 (no valid token) and 429 (past the rate limit); a read
# 400 for a bad parameter and 404 for what the caller may not see; a write also 403 (read-only token), 409
# (refused by the state, or its Idempotency-Key still running) and 422 (an Idempotency-Key reused).
READ = errors(400, 401, 404, 429)
WRITE = errors(400, 401, 403, 404, 409, 422, 429)

# Ninja types a handler as taking the exception or its class: `Any` keeps mypy quiet without a cast per line.
TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 409: "Conflict",
    413: "Content too large", 422: "Unprocessable content", 429: "Too many requests",
}  # fmt: skip


def problem(api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def install(api: NinjaAPI) -> None:
    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(api, request, exc.status_code, str(exc))

    def on_case(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(api, request, 409, str(exc))

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(api, request, 404, str(exc) or "Not found.")

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(api, request, 401, "a valid token (Authorization: Bearer ...) or a signed-in session is needed")

    def on_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body", "message": e.get("msg", "")}
            for e in exc.errors
        ]
        return problem(api, request, 400, "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)

    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(CaseError, on_case)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(ValidationError, on_invalid)
