"""Security of the web pages: CSP on every page, CSRF on every form, login throttling."""

from __future__ import annotations

import os
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import Page, expect

from casedesk.cases import services
from tests.web.test_portal_world import MC_INTAKE, PASSWORD, world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright runs an event loop in this thread


def _directives(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def _assert_strict(header: str) -> None:
    csp = _directives(header)
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp["default-src"])
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources and "*" not in sources
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_portal_and_console_send_a_strict_content_security_policy() -> None:
    w = world("plm-group")
    requester, agent = Client(), Client()
    requester.force_login(w.users["requester"])
    agent.force_login(w.users["agent"])
    pages = [
        (Client(), "/portal/login/"),
        (requester, "/portal/"),
        (requester, "/portal/new/"),
        (requester, f"/portal/cases/{w.case.number}/"),
        (requester, "/portal/statement/"),
        (agent, "/console/"),
        (agent, f"/console/companies/{w.alice.company_id}/statement/"),
        (Client(), "/console/"),
        (Client(), "/"),
    ]
    for client, url in pages:
        r = client.get(url)
        assert "Content-Security-Policy" in r, url
        _assert_strict(r["Content-Security-Policy"])
        if r.status_code == 200:
            assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", r.content.decode()), url
            assert not re.search(r"\son[a-z]+=", r.content.decode()), url  # no inline event handlers


def _all_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            out += _all_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p.callback))
    return out


def test_no_page_view_is_exempt_from_csrf() -> None:
    """Only the JSON API (django-ninja, its own auth) may skip Django's CSRF check."""
    views = [(route, cb) for route, cb in _all_patterns(get_resolver()) if not route.startswith("api/")]
    assert any(route.startswith("portal/") for route, _ in views)
    exempt = [route for route, cb in views if getattr(cb, "csrf_exempt", False)]
    assert exempt == []


@pytest.mark.django_db
def test_every_post_form_carries_a_csrf_token() -> None:
    w = world("mastercam")
    services.resolve(w.case, "fixed")
    services.reopen(w.case)  # open again: comment and escalation forms are shown
    resolved = services.open_case(w.desk, requester=w.alice, subject="Done", intake=MC_INTAKE)
    services.resolve(resolved, "fixed")  # accept and reopen forms
    client = Client(enforce_csrf_checks=True)
    pages = [client.get("/portal/login/"), client.get("/portal/password-reset/")]
    client.force_login(w.users["requester"])
    pages += [client.get("/portal/"), client.get("/portal/new/"), client.get(f"/portal/cases/{w.case.number}/")]
    pages.append(client.get(f"/portal/cases/{resolved.number}/"))
    forms = []
    for r in pages:
        assert r.status_code == 200
        forms += re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", r.content.decode(), re.S | re.I)
    assert len(forms) >= 10  # sign-in, reset, sign-out on each page, new case, comment, escalate, accept, reopen
    for form in forms:
        assert 'name="csrfmiddlewaretoken"' in form, form[:120]
    # And a post without the token is refused.
    r = client.post(f"/portal/cases/{resolved.number}/accept/")
    assert r.status_code == 403


@pytest.mark.django_db
def test_login_is_throttled_after_5_failures_per_username_and_ip() -> None:
    w = world("plm-group")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        r = client.post("/portal/login/", {"username": w.alice.email, "password": "wrong"})
        assert r.status_code == 200 and "correct" in r.content.decode()
    r = client.post("/portal/login/", {"username": w.alice.email, "password": "wrong"})  # the 5th failure locks
    assert r.status_code == 429
    r = client.post("/portal/login/", {"username": w.alice.email, "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed sign-in attempts" in r.content.decode()
    assert "_auth_user_id" not in client.session
    # The same user from another address, and another user from this one, still sign in.
    r = Client(REMOTE_ADDR="198.51.100.7").post("/portal/login/", {"username": w.alice.email, "password": PASSWORD})
    assert r.status_code == 302
    mate = w.users["colleague"].username
    r = Client(REMOTE_ADDR="203.0.113.9").post("/portal/login/", {"username": mate, "password": PASSWORD})
    assert r.status_code == 302


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


@pytest.mark.django_db(transaction=True)
def test_admin_and_api_docs_work_in_chromium_under_the_policy(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The admin and Swagger UI run under the same policy: no violation reported, pages drawn."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    User.objects.create_superuser("carol", "carol@desk.test", "s3cret-pass")
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("s3cret-pass")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Cases").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/cases/case/")
    expect(page.locator("#viewer-zone")).to_be_visible()
    assert violations == []
