"""The routing table, the demo's example addresses and the admin pages for addresses and messages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from casedesk.mail.addresses import add_examples, table
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundAddress
from tests.cases.factories import desk

from .mails import mail

pytestmark = pytest.mark.django_db


def test_plm_addresses_come_from_its_queues_and_other_desks_get_example_addresses_only_when_asked() -> None:
    plm, mastercam = desk("plm-group"), desk("mastercam")
    rows = table()
    assert ("support@plmgroup.no", "PLM Group", "IS") in rows and ("support@plmgroup.no", "PLM Group", "NO") in rows
    assert not any(name == mastercam.name for _, name, _ in rows)
    added = add_examples()
    assert [a.address for a in added] == ["support@mastercam.example.com"]
    assert add_examples() == []  # idempotent
    assert not InboundAddress.objects.filter(desk=plm).exists()  # PLM keeps its own
    result = accept(mail(frm="someone@shop.test"), "support@mastercam.example.com", source="pipe")
    assert result.outcome == "case" and result.case.startswith("MC-")


def test_the_command_lists_the_table(capsys) -> None:  # type: ignore[no-untyped-def]
    desk("plm-group")
    call_command("mail-addresses")
    assert "support@plmgroup.dk" in capsys.readouterr().out


def test_admin_pages_for_addresses_and_messages(admin_client: Client) -> None:
    d = desk("dytron")
    InboundAddress.objects.create(address="support@dytron.example.com", desk=d)
    accept(mail(), "support@dytron.example.com", source="pipe")
    for url in ("/admin/mail/inboundaddress/", "/admin/mail/inboundmessage/"):
        assert admin_client.get(url).status_code == 200
    message = accept(mail(subject="Second"), "nowhere@x.test", source="pipe").message
    page = admin_client.get(f"/admin/mail/inboundmessage/{message}/change/")
    assert page.status_code == 200 and b"no desk receives mail at nowhere@x.test" in page.content
