"""Forwarding a case to the software vendor (POLICIES 0.8, PLM section "Scope"): a logged action, refused while
the customer has a signed NDA on file or the case was marked confidential before; both facts shown to the
agent. Enhancement requests and PTC SPRs are linked with the vendor's reference.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Membership
from tests.cases.factories import customer, desk, staff

pytestmark = pytest.mark.django_db
STO = ZoneInfo("Europe/Stockholm")
INTAKE = {"phone": "+46 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


@pytest.fixture
def case() -> Case:
    plm = desk("plm-group")
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    Membership.objects.create(desk=plm, user=staff("bob"), role=Membership.Role.AGENT)
    at = datetime(2026, 11, 30, 9, 0, tzinfo=STO)
    return services.open_case(plm, requester=alice, contract=contract, subject="Crash", intake=INTAKE, at=at)


def bob(case: Case) -> Client:
    client = Client()
    client.force_login(case.desk.members.get(user__username="bob").user)
    return client


def test_a_signed_nda_blocks_forwarding_and_the_agent_is_told_why(case: Case) -> None:
    case.company.nda_signed = True
    case.company.save()
    page = bob(case).get(f"/console/cases/{case.number}/").content.decode()
    assert "NDA on file: yes" in page
    refused = bob(case).post(f"/console/cases/{case.number}/forward/", {"forward-note": "logs"})
    assert refused.status_code == 400
    assert "not forwarded to the vendor: Customer SE has a signed NDA on file" in refused.content.decode()
    assert not case.events.filter(kind="forwarded_to_vendor").exists()


def test_a_case_marked_confidential_before_is_never_forwarded(case: Case) -> None:
    assert (
        bob(case).post(f"/console/cases/{case.number}/confidential/", {"confidential-confidential": "1"}).status_code
        == 302
    )
    with pytest.raises(services.CaseError, match="the case is marked confidential"):
        services.forward_to_vendor(case, "logs")
    assert case.events.get(kind="confidential").data == {"confidential": True}


def test_forwarding_is_logged_with_who_and_what_then_a_vendor_reference_is_linked(case: Case) -> None:
    assert bob(case).post(f"/console/cases/{case.number}/forward/", {"forward-note": "RX capture"}).status_code == 302
    forwarded = case.events.get(kind="forwarded_to_vendor")
    assert forwarded.data == {"note": "RX capture"} and forwarded.actor.username == "bob"
    form = {"vendor_reference-kind": "enhancement_request", "vendor_reference-reference": " ER-123 456 "}
    assert bob(case).post(f"/console/cases/{case.number}/vendor_reference/", form).status_code == 302
    assert case.events.get(kind="vendor_reference").data == {
        "reference_kind": "enhancement_request",
        "reference": "ER-123 456",
    }
    page = bob(case).get(f"/console/cases/{case.number}/").content.decode()
    assert "ER-123 456" in page and "RX capture" in page
