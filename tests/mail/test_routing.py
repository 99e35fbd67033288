"""Address -> desk and queue (POLICIES 0.5): the address routes only senders casedesk does not know."""

from __future__ import annotations

import pytest

from casedesk.cases.models import Case
from casedesk.desks.models import Desk
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundAddress, InboundMessage
from tests.cases.factories import customer, desk

from .mails import mail

pytestmark = pytest.mark.django_db

PLM_ADDRESSES = {
    "support@plmgroup.no": "NO",  # shared with Iceland: unknown senders go to Norway
    "support@plmgroup.dk": "DK",
    "support@plmgroup.se": "SE",
    "support@plmgroup.fi": "FI",
    "support@plmgroup.ee": "EE",
    "support@plmgroup.lv": "LV",
}


def _case(result) -> Case:  # type: ignore[no-untyped-def]
    assert result.outcome == "case", result.reason
    return Case.objects.select_related("queue").get(number=result.case)


@pytest.mark.parametrize(("address", "country"), PLM_ADDRESSES.items())
def test_an_unknown_sender_goes_to_the_queue_and_calendar_of_its_address(plm: Desk, address: str, country: str) -> None:
    case = _case(accept(mail(frm="stranger@unknown.test", to=address), address, source="pipe"))
    assert (case.desk, case.queue.key, case.calendar, case.channel) == (plm, country, country, "email")


def test_a_known_icelandic_customer_writing_to_the_shared_address_runs_on_iceland(plm: Desk) -> None:
    bjork, _ = customer(plm, country="IS", zone="Atlantic/Reykjavik", tier="standard")
    case = _case(accept(mail(frm=bjork.email), "support@plmgroup.no", source="pipe"))
    assert (case.queue.key, case.calendar, case.requester) == ("IS", "IS", bjork)


def test_a_known_customer_runs_on_their_own_country_whatever_the_address(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    _, contract = alice
    case = _case(accept(mail(frm="ALICE@no.test"), "support@plmgroup.dk", source="pipe"))
    assert (case.queue.key, case.calendar, case.contract) == ("NO", "NO", contract)


def test_other_desks_receive_at_addresses_kept_in_the_admin() -> None:
    """No address is stated for the other desks; the demo uses example.com ones like this."""
    mastercam = desk("mastercam")
    InboundAddress.objects.create(address=" Support@Mastercam.example.com", desk=mastercam)
    carl, contract = customer(mastercam, country="US", zone="America/Chicago")
    case = _case(accept(mail(frm=carl.email), "Support@Mastercam.example.com", source="smtp"))
    assert (case.desk, case.calendar, case.contract) == (mastercam, "online", contract)
    assert case.calendar_zone == "America/Chicago"  # the licensed user's zone (POLICIES 0.1)


def test_mail_to_an_address_no_desk_has_is_quarantined_with_the_reason() -> None:
    result = accept(mail(), "sales@plmgroup.no", source="pipe")
    assert result.outcome == "quarantined"
    assert result.reason == "no desk receives mail at sales@plmgroup.no"
    assert InboundMessage.objects.get().desk is None


def test_the_same_message_to_two_addresses_of_one_desk_is_one_case(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    raw = mail(frm="alice@no.test", to="support@plmgroup.no", cc="support@plmgroup.dk")
    first = accept(raw, "support@plmgroup.no", source="pipe")
    second = accept(raw, "support@plmgroup.dk", source="pipe")
    assert (first.outcome, second.outcome, second.case) == ("case", "duplicate", first.case)
    assert Case.objects.count() == 1


def test_an_unknown_sender_writing_to_two_countries_gets_each_address_queue(plm: Desk) -> None:
    """Unverified after the first mail, still unknown: the second address routes them too (POLICIES 0.5)."""
    first = _case(
        accept(mail(frm="stranger@unknown.test", to="support@plmgroup.no"), "support@plmgroup.no", source="pipe")
    )
    second = _case(
        accept(mail(frm="stranger@unknown.test", to="support@plmgroup.se"), "support@plmgroup.se", source="pipe")
    )
    assert (first.queue.key, first.calendar) == ("NO", "NO")
    assert (second.queue.key, second.calendar) == ("SE", "SE")
    assert second.requester.email == "stranger@unknown.test" and second.requester.company.country == "SE"
