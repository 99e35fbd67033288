"""The authorisation matrix of the console (tests/web/test_console.py), repeated over every API operation.

Operations come from the live schema (`api.get_openapi_schema()`), so a router added later is in the matrix
without a change here; its path parameters get the desk's real values (tests/api/api_world.py) and its body
the one below, or else one built from the schema's required fields. Callers: the desk's agent (bob) and
support manager (carol), the case's requester (alice), an agent of another desk (dave), alice's colleague
at the same company (erik, a portal user), anonymous, and a read-only token (bob's and alice's) on every
write. Each call runs in a savepoint rolled back after it: every caller meets the same world.

No leaks:
- the other desk's agent and the colleague get 404 for anything of the desk's, with the very answer a
  missing case, company, contract... gets (never 200, never a 403 telling it exists);
- anonymous gets 401 on every authenticated operation;
- a read-only token gets 403 on every write, before anything is changed;
- none of them ever sees the case's subject or number, nor (but the colleague, whose own it is) the
  company's name, and nothing they send changes a row.
The desk's agent and manager read every object (200): the 404s above are not for want of data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.api.routes import api
from casedesk.cases.models import Attachment, Case, CaseCC, CaseEvent
from tests.api.api_world import PLM_INTAKE, ApiWorld, build

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1/"
SCHEMA = api.get_openapi_schema(path_prefix=PREFIX)
OPERATIONS = [(m.upper(), path) for path, ops in SCHEMA["paths"].items() for m in ops]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ALLOWED = ("agent", "manager", "requester")
REFUSED = ("other desk's agent", "colleague", "anonymous")
READ_ONLY = ("agent's read-only token", "requester's read-only token")

# Bodies that the desk's own staff could send successfully: a refusal is then about the caller, not the body.
BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/cases": {"subject": "Leak?", "contact_email": "alice@dk.test", "intake": PLM_INTAKE},
    "POST /api/v1/cases/{number}/forward-to-vendor": {"note": "leak?"},
    "POST /api/v1/cases/{number}/reply": {"body": "leak?"},
    "POST /api/v1/cases/{number}/note": {"body": "leak?"},
    "POST /api/v1/cases/{number}/assign": {"assignee": "bob"},
    "POST /api/v1/cases/{number}/priority": {"priority": "critical"},
    "POST /api/v1/cases/{number}/classify": {"classification": "bug"},
    "POST /api/v1/cases/{number}/scope": {"item": ""},
    "POST /api/v1/cases/{number}/status": {"status": "waiting_on_customer"},
    "POST /api/v1/cases/{number}/resolve": {"resolution": "solved"},
    "POST /api/v1/cases/{number}/cc": {"email": "erik@dk.test"},
    "POST /api/v1/cases/{number}/cc/remove": {"email": "erik@dk.test"},
    "POST /api/v1/cases/{number}/escalate": {"reason": "leak?"},
    "POST /api/v1/cases/{number}/review": {"note": "leak?"},
    "POST /api/v1/cases/{number}/round-the-clock": {"needed": False},
    "POST /api/v1/cases/{number}/time": {"hours": "1", "service_type": "remote"},
    "POST /api/v1/contracts/{contract_id}/ledger": {"kind": "purchase", "hours": "10"},
    "POST /api/v1/companies": {"desk": "plm-group", "name": "Leak AB", "country": "SE"},
    "PATCH /api/v1/companies/{company_id}": {"name": "Leaked ApS"},
    "POST /api/v1/companies/{company_id}/sites": {"name": "Leak", "country": "DK", "zone": ""},
    "PATCH /api/v1/companies/{company_id}/sites/{site_id}": {"name": "Leak"},
    "POST /api/v1/companies/{company_id}/contacts": {"name": "Leak", "email": "leak@dk.test"},
    "PATCH /api/v1/companies/{company_id}/contacts/{contact_id}": {"name": "Leak"},
    "POST /api/v1/companies/{company_id}/contracts": {"starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    "PATCH /api/v1/companies/{company_id}/contracts/{contract_id}": {"seats": 2},
}
# What the company's contacts may read of it, as the portal shows them: not a leak.
COLLEAGUE_MAY = {("GET", "/api/v1/contracts/{contract_id}/balance")}
MISSING = {"number": "PLM-999999"}  # any other parameter: id 999999


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def _minimal(schema: dict[str, Any]) -> Any:
    """The smallest value of a JSON schema: its required fields only, the first choice, the least length."""
    schema = _resolve(schema)
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return _minimal(schema[union][0])
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _minimal(props.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return [_minimal(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if schema.get("format") == "date":
            return "2026-01-01"
        if schema.get("format") == "date-time":
            return "2026-01-01T00:00:00Z"
        return "x" * max(1, schema.get("minLength", 1))
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return None


def _operation(method: str, path: str) -> dict[str, Any]:
    op: dict[str, Any] = SCHEMA["paths"][path][method.lower()]
    return op


def _request(client: Client, method: str, path: str, url: str, headers: Any) -> Any:
    op = _operation(method, path)
    content = op.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        data: Any = {"files": [SimpleUploadedFile("leak.log", b"leak?\n", content_type="text/plain")]}
        return client.generic(method, url, **_multipart(data), **headers)
    if content:
        body = BODIES.get(f"{method} {path}")
        if body is None:
            body = _minimal(content["application/json"]["schema"])
        return client.generic(method, url, json.dumps(body), "application/json", **headers)
    return client.generic(method, url, **headers)


def _multipart(data: dict[str, Any]) -> dict[str, Any]:
    from django.test.client import BOUNDARY, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def _url(path: str, values: dict[str, Any]) -> str:
    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        assert name in values, f"no value for the path parameter {{{name}}}: add one to ApiWorld.path_values()"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value, path)


def _state() -> tuple[Any, ...]:
    """Everything a call may change, as counts and the cases' and companies' own fields."""
    counts = tuple(m.objects.count() for m in (Case, CaseEvent, CaseCC, Attachment, Company, Site, Contact, Contract))
    cases = tuple(Case.objects.order_by("pk").values_list("status", "priority", "assignee_id", "updated_at"))
    companies = tuple(Company.objects.order_by("pk").values_list("name", "country", "nda_signed"))
    return counts, cases, companies


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> ApiWorld:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build()


class Caller:
    def __init__(self, world: ApiWorld, who: str) -> None:
        self.who = who
        if who == "anonymous":
            self.headers: dict[str, str] = {}
        elif who.endswith("read-only token"):
            self.headers = {"HTTP_AUTHORIZATION": world.bearer(who.split("'")[0], "read")}
        else:
            self.headers = {"HTTP_AUTHORIZATION": world.bearer(who)}

    def call(self, method: str, path: str, values: dict[str, Any]) -> Any:
        with transaction.atomic():
            response = _request(Client(), method, path, _url(path, values), self.headers)
            transaction.set_rollback(True)
        if response.streaming:  # a file download: its bytes (read to the end, the test client closes it)
            response.body = b"".join(response.streaming_content)
        else:
            response.body = response.content
        return response


@pytest.fixture
def callers(world: ApiWorld) -> dict[str, Caller]:
    return {who: Caller(world, who) for who in ALLOWED + REFUSED + READ_ONLY}


def _calls(method: str) -> Iterator[str]:
    yield from ALLOWED + REFUSED
    if method in WRITES:
        yield from READ_ONLY


def test_the_matrix_covers_every_operation() -> None:
    size = sum(len(list(_calls(method))) for method, _ in OPERATIONS)
    print(f"\nAPI authorisation matrix: {len(OPERATIONS)} operations, {size} operation x caller cells")
    assert len(OPERATIONS) >= 44 and size >= len(OPERATIONS) * len(ALLOWED + REFUSED)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=lambda x: x)
def test_no_leak(world: ApiWorld, callers: dict[str, Caller], method: str, path: str) -> None:
    op = _operation(method, path)
    secured = bool(op.get("security"))
    params = set(re.findall(r"\{(\w+)\}", path))
    values = world.path_values()
    missing = {name: MISSING.get(name, 999999) for name in params}
    subject, number, company = world.case.subject, world.case.number, world.company_name
    before = _state()
    for who in _calls(method):
        caller = callers[who]
        r = caller.call(method, path, values)
        where = f"{who}: {method} {path} -> {r.status_code} {r.body[:300]!r}"
        assert r.status_code < 500, where
        assert _state() == before, where  # rolled back, whoever it was
        if who in ALLOWED:
            if who != "requester" and method == "GET" and params:
                assert r.status_code == 200, where  # the desk's staff see it: the 404s below are not for want of data
            continue
        body = r.body.decode(errors="replace")
        assert subject not in body and number not in body, where
        if who != "colleague":
            assert company not in body, where
        if who == "anonymous":
            assert r.status_code == 401 if secured else r.status_code != 401, where  # public: health, presets
        elif who in READ_ONLY:
            assert r.status_code == 403, where
        elif params and not (who == "colleague" and (method, path) in COLLEAGUE_MAY):
            gone = caller.call(method, path, missing)
            assert (r.status_code, r.body) == (404, gone.body), where
