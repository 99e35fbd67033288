"""The skeleton's pages and API answer at their reserved URLs."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_landing_lists_the_presets(client: Client) -> None:
    page = client.get("/").content.decode()
    for slug in ("plm-group", "mastercam", "ptc"):
        assert slug in page
    for link in ("/console/", "/portal/", "/admin/cases/case/", "/admin/", "/api/v1/"):
        assert f'href="{link}' in page
    # Each calendar with its zone and the note a reader needs (Mastercam UK is read in UTC all year).
    assert "UK</b> (UTC)" in page and "09-17 UTC all year" in page


@pytest.mark.django_db
def test_admin_asks_for_login(client: Client) -> None:
    r = client.get("/admin/")
    assert r.status_code == 302
    assert "/admin/login/" in r["Location"]


@pytest.mark.django_db
def test_api_computes_a_due_time(client: Client) -> None:
    r = client.get(
        "/api/v1/sla/due", {"preset": "plm-group", "calendar": "DK", "start": "2026-11-27T14:30", "target": "8h"}
    )
    assert r.status_code == 200
    assert r.json()["due"] == "2026-12-01T08:30:00+01:00"
    assert r.json()["business_seconds"] == 8 * 3600


@pytest.mark.django_db
def test_api_rejects_bad_input_with_a_message(client: Client) -> None:
    r = client.get(
        "/api/v1/sla/due", {"preset": "plm-group", "calendar": "ZZ", "start": "2026-11-27T14:30", "target": "8h"}
    )
    assert r.status_code == 400
    assert "ZZ" in r.json()["detail"]
