"""schemathesis against the live OpenAPI schema (`/api/v1/openapi.json`, loaded from the app in-process).

Every operation of the schema, as it is when the test runs (routers added later are covered without a
change here), with bob's write token (the desk's agent) and alice's (a requester), on one desk's data
(tests/api/api_world.py): generated requests that fit the schema and requests that do not, every path
parameter a real case number, company, contract, site, contact or file of the desk. Each answer must not
be a server error, must carry a status the operation declares, and must match the schema declared for it.

Bounded for the suite: 10 examples of each mode per operation, derandomized (the same requests every run),
no deadline. Each test runs in its own rolled-back transaction: the calls change the world, never the next
test's. Django's test Client does the same for its requests: the request signals' `close_old_connections`
is disconnected while the WSGI app answers, or the first answer would close the test's transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from casedesk.api.routes import api
from tests.api.api_world import ApiWorld, build

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"


def problem_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """An error answer is `application/problem+json` (RFC 9457), which the schema documents under
    `application/json` (django-ninja declares one media type): schemathesis then skips it, so it is
    validated here as the JSON it is, against the schema its status declares."""
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return None
    as_json = copy.copy(response)
    as_json.headers = {**response.headers, "content-type": ["application/json"]}
    return case.operation.validate_response(as_json, case=case)


CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, problem_conformance]
EXAMPLES = 10
CALLERS = {"agent": "agent", "requester": "requester"}


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation the API has now."""
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> Any:
    """The schema as the app serves it, read once for the module (building it takes a second or two); the
    rate limit off for this one request made outside any test. The request's start and end signals touch
    the connection (close_old_connections), which an earlier live-server test may have left open: the
    database is unblocked for this one request."""
    with override_settings(CASEDESK_API_RATE=0), django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_connection() -> Iterator[None]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world() -> ApiWorld:
    return build()


@pytest.mark.parametrize("who", list(CALLERS))
@pytest.mark.parametrize(("method", "path"), operations(), ids=lambda x: x)
def test_operation(schema: Any, world: ApiWorld, who: str, method: str, path: str) -> None:
    operation = schema[path][method]
    auth = world.bearer(CALLERS[who])
    fixed = {k: v for k, v in world.path_values().items() if "{" + k + "}" in path}
    modes = st.one_of(*[operation.as_strategy(generation_mode=mode, path_parameters=fixed) for mode in GenerationMode])

    @given(case=modes)
    @settings(
        max_examples=2 * EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": auth}, checks=CHECKS)

    run()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/cases", {"subject": "x", "contact_email": "alice@dk.test\x00"}, "contact_email"),
        ("/api/v1/cases/{number}/reply", {"body": "a\x00b"}, "body"),
        ("/api/v1/cases/{number}/cc", {"email": "\x00"}, "email"),
        ("/api/v1/cases/{number}/time", {"hours": "1", "service_type": "\x00"}, "service_type"),
        ("/api/v1/contracts/{contract_id}/ledger", {"kind": "purchase", "hours": "1", "note": "\x00"}, "note"),
    ],
)
def test_a_nul_character_is_a_400_naming_the_field(world: ApiWorld, path: str, body: dict, field: str) -> None:
    """Found by schemathesis on PostgreSQL (which stores no NUL): these were 500s there, and stored on SQLite."""
    url = path.format(**world.path_values())
    r = Client().post(url, body, content_type="application/json", HTTP_AUTHORIZATION=world.bearer("agent"))
    assert r.status_code == 400, r.content
    assert [e["field"] for e in r.json()["errors"]] == [f"body.{field}"]


def test_a_nul_character_in_a_filter_or_a_case_number(world: ApiWorld) -> None:
    auth = {"HTTP_AUTHORIZATION": world.bearer("agent")}
    assert Client().get("/api/v1/cases?desk=plm%00", **auth).status_code == 400
    missing = Client().get("/api/v1/cases/PLM-999999", **auth)
    nul = Client().get(f"/api/v1/cases/{world.case.number}%00", **auth)
    assert (nul.status_code, nul.content) == (404, missing.content)
