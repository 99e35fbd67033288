"""Who is calling: a personal access token (`Authorization: Bearer cd_...`) or a browser session (with CSRF).

A read-scoped token may only read; every POST needs a write-scoped token or a session. An unknown, revoked or
expired token answers 401 like no token at all: the caller learns nothing about which it was.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from casedesk.api.models import AccessToken, digest


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = AccessToken.objects.select_related("user").filter(digest=digest(token)).first()
        now = timezone.now()
        if row is None or not row.usable(now) or not row.user.is_active:
            return None
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            AccessToken.objects.filter(pk=row.pk).update(last_used_at=now)  # at most once a minute: no write per call
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


AUTH: list[Any] = [TokenAuth(), SessionAuth()]


def caller(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def writer(request: HttpRequest) -> User:
    """The caller, for a request that changes something: a read-only token is refused (403)."""
    token = getattr(request, "api_token", None)
    if token is not None and token.scope != AccessToken.Scope.WRITE:
        raise HttpError(403, "this token is read-only: create one with --scope write")
    return caller(request)
