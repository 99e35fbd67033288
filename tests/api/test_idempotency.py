"""`Idempotency-Key` on API POSTs: a retry with the same key returns the first answer and changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.contracts.models import LedgerEntry
from tests.api.test_contract_api import bearer, sx  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_retried_drawdown_is_drawn_once(sx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _d, _alice, contract, case = sx
    carol = User.objects.get(username="carol")
    headers = bearer(carol)
    url = f"/api/v1/contracts/{contract.pk}/ledger"

    def send(body: dict, key: str):  # type: ignore[no-untyped-def]
        return Client().post(
            url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
        )

    assert send({"kind": "purchase", "hours": "10"}, "buy-1").status_code == 201
    draw = {"kind": "drawdown", "hours": "3", "service_type": "training", "case": case.number}
    first, again = send(draw, "draw-1"), send(draw, "draw-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Decimal(again.json()["hours_left"]) == Decimal("7")
    assert LedgerEntry.objects.filter(kind="drawdown").count() == 1
    # The same key for another request is refused; a new key draws again.
    other = send({**draw, "hours": "1"}, "draw-1")
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert Decimal(send(draw, "draw-2").json()["hours_left"]) == Decimal("4")


def test_a_refusal_is_replayed_too_and_keys_are_per_caller(sx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _d, _alice, contract, case = sx
    bob = User.objects.get(username="bob")
    url = f"/api/v1/contracts/{contract.pk}/ledger"
    body = json.dumps({"kind": "drawdown", "hours": "3", "service_type": "astrology", "case": case.number})
    headers = bearer(bob)
    first = Client().post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k", **headers)
    again = Client().post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k", **headers)
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    carol = User.objects.get(username="carol")
    theirs = Client().post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k", **bearer(carol))
    assert theirs.status_code == 409 and theirs.get("Idempotent-Replayed") is None
    assert not LedgerEntry.objects.exclude(kind="grace_call").exists()


def test_an_idempotent_upload_over_django_s_default_body_cap_is_stored_once(sx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casedesk.cases.models import Attachment

    _d, _alice, _contract, case = sx
    headers = bearer(User.objects.get(username="bob"))
    blob = b"x" * (3 * 1024 * 1024)  # over Django's default 2.5 MB in-memory cap, under the 10 MB upload limit

    def upload(boundary: str):  # type: ignore[no-untyped-def]
        # Each try draws its own multipart boundary, as real clients do: the retry is still the same request.
        from django.test.client import encode_multipart

        files = {"files": SimpleUploadedFile("trace.log", blob, "text/plain"), "note": "the trace"}
        return Client().post(
            f"/api/v1/cases/{case.number}/attachments", encode_multipart(boundary, files),
            content_type=f"multipart/form-data; boundary={boundary}", HTTP_IDEMPOTENCY_KEY="up-1", **headers,
        )  # fmt: skip

    first, again = upload("first-try-4f2a"), upload("second-try-9c1b")
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Attachment.objects.filter(case=case).count() == 1
