"""/console/reports/: the desks a viewer manages, each with its overview, compliance report and what-if runs."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.desks.models import Membership
from tests.cases.factories import desk, staff

pytestmark = pytest.mark.django_db


def desks_listed(page: str) -> list[str]:
    body = page.split('id="report-desks"', 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]).strip() for row in body.split("<tr>")[2:]]


def test_a_support_manager_sees_the_desks_they_manage_and_nothing_else(client: Client) -> None:
    plm, mastercam, ptc = desk("plm-group"), desk("mastercam"), desk("ptc")
    carol = staff("carol")
    Membership.objects.create(desk=plm, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    Membership.objects.create(desk=mastercam, user=carol, role=Membership.Role.AGENT)  # agent there: not listed
    client.force_login(carol)
    page = client.get("/console/reports/").content.decode()
    assert desks_listed(page) == [plm.name]
    for url in ("/console/overview/plm-group/", "/console/reports/plm-group/", "/console/whatif/plm-group/"):
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200
    assert "/console/reports/mastercam/" not in page and ptc.slug not in page
    # The navigation names the desk's reports; the overview links the report and the what-if runs.
    assert 'href="/console/reports/plm-group/"' in client.get("/console/").content.decode()
    overview = client.get("/console/overview/plm-group/").content.decode()
    assert 'href="/console/reports/plm-group/"' in overview and 'href="/console/whatif/plm-group/"' in overview


def test_a_superuser_sees_every_desk_and_a_reports_link_in_the_navigation(client: Client) -> None:
    names = sorted(desk(slug).name for slug in ("plm-group", "mastercam", "dytron"))
    client.force_login(User.objects.create_superuser("root", "root@x.test", "pw"))
    assert desks_listed(client.get("/console/reports/").content.decode()) == names
    assert 'href="/console/reports/"' in client.get("/console/").content.decode()


def test_an_agent_or_a_requester_gets_the_404_of_a_missing_page(client: Client) -> None:
    plm = desk("plm-group")
    bob = staff("bob")
    Membership.objects.create(desk=plm, user=bob, role=Membership.Role.AGENT)
    client.force_login(bob)
    assert client.get("/console/reports/").status_code == 404
    assert 'href="/console/reports/"' not in client.get("/console/").content.decode()
    client.logout()
    assert client.get("/console/reports/").status_code == 302  # to the sign-in page
