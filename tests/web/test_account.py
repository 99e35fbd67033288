"""A person's own zone: chosen once, every page shows times in it."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.core.models import Profile

pytestmark = pytest.mark.django_db


def test_an_agent_sets_the_zone_every_page_shows_times_in(client: Client) -> None:
    bob = User.objects.create_superuser("bob", "bob@x.test", "pw")
    client.force_login(bob)
    r = client.post("/account/", {"zone": "Mars/Olympus"})
    assert "unknown time zone &#x27;Mars/Olympus&#x27;" in r.content.decode()
    assert not Profile.objects.filter(user=bob).exclude(zone="").exists()
    client.post("/account/", {"zone": "Asia/Tokyo"})
    assert Profile.objects.get(user=bob).zone == "Asia/Tokyo"
    # The admin header names the zone the page is shown in, whatever the browser's cookie says.
    client.cookies["casedesk_tz"] = "Europe/Oslo"
    assert "times in Asia/Tokyo" in client.get("/admin/cases/case/").content.decode()
