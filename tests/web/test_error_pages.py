"""Error pages in casedesk's frame: the same page for a case that is not yours as for one that does not exist."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.test_portal_world import world

pytestmark = pytest.mark.django_db


def test_not_found_in_the_portal_and_the_console_and_forbidden_for_a_requester_in_the_console() -> None:
    w = world("plm-group")
    requester = Client()
    requester.force_login(w.users["requester"])
    portal = requester.get("/portal/cases/PLM-424242/")
    page = portal.content.decode()
    assert portal.status_code == 404 and "<h1>Not found</h1>" in page and 'href="/portal/">Back to my cases' in page
    assert "portal.css" in page and "csrfmiddlewaretoken" not in page
    agent = Client()
    agent.force_login(w.users["agent"])
    console = agent.get("/console/cases/PLM-424242/").content.decode()
    assert "<h1>Not found</h1>" in console and 'href="/console/">Back to the queue' in console
    refused = requester.get("/console/")
    text = refused.content.decode()
    assert refused.status_code == 403 and "The console is for the desks' agents and managers." in text
    assert "Register a call" not in text  # no console navigation for a requester
    assert "<h1>Not found</h1>" in Client().get("/no/such/page/").content.decode()
