"""The API docs page works without internet: Swagger UI comes from static files served here, never a CDN."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.test import Client


@pytest.mark.django_db
def test_api_docs_load_only_local_scripts_and_styles(client: Client, live_server) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    page = r.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for url in assets:
        assert not re.match(r"^(https?:)?//", url), f"{url} is loaded from another host"
        with urllib.request.urlopen(live_server.url + url, timeout=10) as served:
            assert served.status == 200
            assert len(served.read()) > 100, url
    assert "cdn" not in page.lower()
