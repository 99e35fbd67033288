"""Unknown senders and senders without a contract open flagged cases (never a silent drop); files and limits."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk.cases.models import Case
from casedesk.desks.models import Desk
from casedesk.mail.intake import Result, accept
from casedesk.mail.models import InboundAddress, InboundMessage
from casedesk.mail.writing import NO_CONTRACT_NEEDS, UNVERIFIED_NEEDS
from tests.cases.factories import customer, desk

from .mails import mail

pytestmark = pytest.mark.django_db


def deliver(raw: bytes, to: str = "support@plmgroup.no") -> Result:
    return accept(raw, to, source="pipe")


def test_an_unknown_sender_opens_a_flagged_case_saying_what_is_needed(plm: Desk) -> None:
    result = deliver(mail(frm="Ola Nordmann <ola@unknown.test>"))
    case = Case.objects.get(number=result.case)
    assert case.info_missing and case.no_contract_sla and case.contract is None
    assert case.company.name == "Unverified e-mail senders (NO)"
    assert (case.requester.name, case.requester.email) == ("Ola Nordmann", "ola@unknown.test")
    asked = case.events.get(kind="info_requested")
    assert asked.data["items"] == UNVERIFIED_NEEDS
    # Writing again is still unverified, on the same contact, and not taken for a customer.
    again = Case.objects.get(number=deliver(mail(frm="ola@unknown.test", subject="Another")).case)
    assert again.requester == case.requester and again.events.filter(kind="info_requested").exists()


def test_a_known_sender_without_a_valid_contract_is_asked_for_one(plm: Desk) -> None:
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    contract.ends_on = date(2025, 6, 30)
    contract.save()
    case = Case.objects.get(number=deliver(mail(frm=alice.email), "support@plmgroup.se").case)
    assert case.requester == alice and case.contract is None and case.no_contract_sla
    assert case.events.get(kind="info_requested").data["items"] == NO_CONTRACT_NEEDS


def test_a_known_sender_gets_the_intake_fields_the_message_and_the_desk_know(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    contact, _ = alice
    contact.phone = "+47 22 00 00 00"
    contact.save()
    body = "Crash on save.\n\nSOLIDWORKS version: 2025\nService pack: SP5.1\n"
    case = Case.objects.get(number=deliver(mail(frm=contact.email, body=body)).case)
    assert case.intake["product_version"] == "2025" and case.intake["service_pack"] == "SP5.1"
    assert case.intake["phone"] == "+47 22 00 00 00"
    assert case.info_missing  # the English-support answer is still missing: flagged, not refused (0.24)
    assert case.events.get(kind="opened").data["missing"] == [
        "I accept English support from the global team when my country queue is backlogged is required"
    ]


def test_files_are_attached_and_those_refused_are_named_in_the_case(plm: Desk, alice, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASEDESK_MAX_UPLOAD_BYTES = 1000
    files = [
        ("crash.log", "text/plain", b"trace " * 10),
        ("huge.step", "application/octet-stream", b"x" * 2000),
        ("setup.exe", "application/octet-stream", b"MZ"),
        ("empty.txt", "text/plain", b""),
    ]
    result = deliver(mail(frm="alice@no.test", files=files))
    case = Case.objects.get(number=result.case)
    assert [a.name for a in case.attachments.all()] == ["crash.log"]
    assert "huge.step: 2,000 bytes is over the limit of 1,000 bytes: not attached" in case.description
    assert "setup.exe: files of type .exe are not accepted" in case.description
    assert "empty.txt: an empty file, not attached" in case.description
    row = InboundMessage.objects.get(pk=result.message)
    assert len(row.notices) == 3 and b"huge.step" in bytes(row.raw)  # the original keeps every file


def test_ptc_logs_a_case_only_with_a_severity() -> None:
    """PTC assigns a severity when a case is logged (POLICIES 0.19): without one the mail waits for an agent."""
    ptc = desk("ptc")
    InboundAddress.objects.create(address="support@ptc.example.com", desk=ptc)
    eve, _ = customer(ptc, country="FR", zone="Europe/Paris", scn="SCN-1")
    quarantined = deliver(mail(frm=eve.email), "support@ptc.example.com")
    assert quarantined.outcome == "quarantined" and "names none (S0, S1, S2, S3)" in quarantined.reason
    logged = deliver(mail(frm=eve.email, body="Creo crashes.\nSeverity: S2\n"), "support@ptc.example.com")
    case = Case.objects.get(number=logged.case)
    assert (case.priority, case.intake["scn"]) == ("S2", "SCN-1")
