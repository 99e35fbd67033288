"""The API's per-caller rate limit: past CASEDESK_API_RATE requests in a minute, 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.api.models import AccessToken

pytestmark = pytest.mark.django_db


def test_past_the_limit_a_caller_gets_429_and_another_caller_does_not(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASEDESK_API_RATE = 3
    bob = {"HTTP_AUTHORIZATION": "Bearer " + AccessToken.issue(User.objects.create_user("bob"))}
    eve = {"HTTP_AUTHORIZATION": "Bearer " + AccessToken.issue(User.objects.create_user("eve"))}
    answers = [Client().get("/api/v1/cases", **bob) for _ in range(7)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    # 7 calls span at most two minutes (one boundary): one of them holds 4 or more, so at least one is 429.
    limited = [a for a in answers if a.status_code == 429]
    assert limited and all(a.status_code in {200, 429} for a in answers)
    assert limited[0]["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited[0]["Retry-After"]) <= 60
    assert Client().get("/api/v1/cases", **eve).status_code == 200
