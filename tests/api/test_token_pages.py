"""Personal access tokens from the person's own settings: created with a scope and expiry, shown once, revoked."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.api.models import AccessToken

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_works_and_stops_working_when_revoked() -> None:
    bob = User.objects.create_user("bob", "bob@desk.test", "pw")
    browser = Client()
    browser.force_login(bob)
    assert 'href="/account/tokens/"' in browser.get("/account/").content.decode()
    page = browser.post("/account/tokens/new/", {"name": "CRM sync", "scope": "read", "days": "30"}).content.decode()
    (token,) = re.findall(r'<code id="token-value">(cd_[^<]+)</code>', page)
    row = AccessToken.objects.get()
    assert (row.name, row.scope) == ("CRM sync", "read") and row.expires_at is not None
    assert token not in browser.get("/account/tokens/").content.decode()  # shown once
    api = Client()
    assert api.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    browser.post(f"/account/tokens/{row.pk}/revoke/")
    assert api.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_bad_input_creates_nothing_and_another_users_token_cannot_be_revoked() -> None:
    bob = User.objects.create_user("bob", "bob@desk.test", "pw")
    eve = User.objects.create_user("eve", "eve@desk.test", "pw")
    browser = Client()
    browser.force_login(bob)
    r = browser.post("/account/tokens/new/", {"scope": "admin", "days": "-1"})
    assert r.status_code == 400 and not AccessToken.objects.exists()
    AccessToken.issue(eve)
    theirs = AccessToken.objects.get(user=eve)
    assert browser.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
