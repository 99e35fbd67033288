"""/console/mail/addresses/: each desk's addresses for its members; its support managers add and remove theirs.

PLM Group's six addresses come from its policy (POLICIES 0.5). mia is PLM Group's support manager, bob a PLM
Group agent, dave Mastercam's support manager (another desk). Mail is delivered through the real intake.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership, Queue
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundAddress
from tests.cases.factories import desk, staff
from tests.mail.mails import mail

pytestmark = pytest.mark.django_db
PAGE = "/console/mail/addresses/"


def _member(d: Desk, name: str, role: str = Membership.Role.AGENT) -> User:
    user = staff(name)
    Membership.objects.create(desk=d, user=user, role=role)
    return user


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plm() -> Desk:
    return desk("plm-group")


@pytest.fixture
def mastercam() -> Desk:
    d = desk("mastercam")
    InboundAddress.objects.create(address="support@mastercam.example.com", desk=d)
    return d


def test_members_see_their_desks_addresses_and_only_managers_may_change_them(plm: Desk, mastercam: Desk) -> None:
    bob = _member(plm, "bob")
    page = _as(bob).get(PAGE).content.decode()
    for address in ["support@plmgroup.no", "support@plmgroup.dk", "support@plmgroup.se", "support@plmgroup.fi"]:
        assert address in page
    assert "support@mastercam.example.com" not in page  # another desk's
    assert "add address" not in page
    response = _as(bob).post(f"{PAGE}plm-group/add/", {"plm-group-address": "help@plmgroup.is"}, follow=True)
    assert "Only a support manager of PLM Group changes its addresses." in response.content.decode()
    assert not InboundAddress.objects.filter(address="help@plmgroup.is").exists()


def test_a_manager_adds_an_address_for_a_queue_and_mail_to_it_lands_there(plm: Desk, mastercam: Desk) -> None:
    mia = _member(plm, "mia", Membership.Role.SUPPORT_MANAGER)
    iceland = Queue.objects.get(desk=plm, key="IS")
    form = {"plm-group-address": " Help@PLMgroup.IS ", "plm-group-queue": str(iceland.pk), "plm-group-note": "IS"}
    assert _as(mia).post(f"{PAGE}plm-group/add/", form).status_code == 302
    assert "help@plmgroup.is" in _as(mia).get(PAGE).content.decode()

    result = accept(mail(frm="stranger@unknown.test", to="help@plmgroup.is"), "help@plmgroup.is", source="pipe")
    case = Case.objects.get(number=result.case)
    assert (case.desk, case.queue, case.calendar) == (plm, iceland, "IS")

    row = InboundAddress.objects.get(address="help@plmgroup.is")
    dave = _member(mastercam, "dave", Membership.Role.SUPPORT_MANAGER)
    assert _as(dave).post(f"{PAGE}plm-group/{row.pk}/remove/").status_code == 404  # not his desk
    assert _as(mia).post(f"{PAGE}plm-group/{row.pk}/remove/").status_code == 302
    later = accept(mail(frm="stranger@unknown.test", to="help@plmgroup.is"), "help@plmgroup.is", source="pipe")
    assert later.outcome == "quarantined" and "no desk receives mail at help@plmgroup.is" in later.reason


def test_another_desks_address_cannot_be_taken_and_the_form_says_why(plm: Desk, mastercam: Desk) -> None:
    mia = _member(plm, "mia", Membership.Role.SUPPORT_MANAGER)
    for taken in ["support@mastercam.example.com", "SUPPORT@mastercam.example.com"]:
        response = _as(mia).post(f"{PAGE}plm-group/add/", {"plm-group-address": taken})
        assert response.status_code == 400
        assert "another desk receives mail at support@mastercam.example.com" in response.content.decode()
    response = _as(mia).post(f"{PAGE}plm-group/add/", {"plm-group-address": "not an address"})
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()
    assert InboundAddress.objects.filter(desk=plm).count() == 0
