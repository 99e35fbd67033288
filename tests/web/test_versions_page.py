"""/console/versions/: the product-version catalogue, read by every member, kept by the support managers.

mia is PLM Group's support manager, bob a Mastercam agent; the catalogue is shared by the desks, so a manager
of any desk keeps it. A bad form says why and saves nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.contracts.models import ProductVersion
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import desk, staff

pytestmark = pytest.mark.django_db
PAGE = "/console/versions/"


def _member(d: Desk, name: str, role: str = Membership.Role.AGENT) -> User:
    user = staff(name)
    Membership.objects.create(desk=d, user=user, role=role)
    return user


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mia() -> User:
    return _member(desk("plm-group"), "mia", Membership.Role.SUPPORT_MANAGER)


@pytest.fixture
def bob() -> User:
    return _member(desk("mastercam"), "bob")


@pytest.fixture(autouse=True)
def catalogue() -> None:
    ProductVersion.objects.all().delete()
    ProductVersion.objects.create(product="SOLIDWORKS", version="2025", released_on=date(2024, 9, 28))
    ProductVersion.objects.create(product="SOLIDWORKS", version="2026", released_on=date(2025, 9, 28))


def test_a_manager_adds_a_version_and_the_page_shows_it(mia: User) -> None:
    form = {"action": "add", "product": "solidworks", "version": " 2027 ", "released_on": "2026-09-28"}
    response = _as(mia).post(PAGE, form, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "SOLIDWORKS 2027 (released 2026-09-28) saved." in page
    row = ProductVersion.objects.get(version="2027")
    assert (row.product, row.released_on, row.online_service) == ("SOLIDWORKS", date(2026, 9, 28), False)


def test_a_duplicate_version_is_refused_with_a_message_and_nothing_saved(mia: User) -> None:
    form = {"action": "add", "product": "SOLIDWORKS", "version": "2026", "released_on": "2025-10-01"}
    response = _as(mia).post(PAGE, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("SOLIDWORKS 2026 is already in the catalogue") == 1 and "already exists" not in page
    assert ProductVersion.objects.get(version="2026").released_on == date(2025, 9, 28)
    assert ProductVersion.objects.count() == 2


def test_a_bad_date_is_refused_and_nothing_saved(mia: User) -> None:
    form = {"action": "add", "product": "Mastercam", "version": "2027", "released_on": "2026-13-45"}
    response = _as(mia).post(PAGE, form)
    assert response.status_code == 400
    assert "Released on: Enter a valid date." in response.content.decode()
    assert not ProductVersion.objects.filter(product="Mastercam").exists()


def test_a_manager_corrects_a_release_date_and_removes_a_version(mia: User) -> None:
    row = ProductVersion.objects.get(version="2026")
    assert 'value="2025-09-28"' in _as(mia).get(f"{PAGE}?edit={row.pk}").content.decode()
    form = {
        "action": "save",
        "pk": str(row.pk),
        "product": "SOLIDWORKS",
        "version": "2026",
        "released_on": "2025-10-07",
    }
    assert _as(mia).post(PAGE, form).status_code == 302
    row.refresh_from_db()
    assert row.released_on == date(2025, 10, 7)
    renamed = {**form, "version": "2025"}  # would duplicate 2025: refused
    refused = _as(mia).post(PAGE, renamed)
    assert refused.status_code == 400 and "SOLIDWORKS 2025 is already in the catalogue" in refused.content.decode()
    assert ProductVersion.objects.filter(version="2026").exists()
    assert _as(mia).post(PAGE, {"action": "remove", "pk": str(row.pk)}).status_code == 302
    assert not ProductVersion.objects.filter(pk=row.pk).exists()
    assert _as(mia).post(PAGE, {"action": "remove", "pk": str(row.pk)}).status_code == 404


def test_an_agent_sees_the_catalogue_read_only_and_cannot_change_it(bob: User) -> None:
    page = _as(bob).get(PAGE).content.decode()
    assert "SOLIDWORKS" in page and "2026" in page and "2025-09-28" in page
    assert "add version" not in page and 'value="remove"' not in page
    assert "Only a support manager changes the catalogue." in page
    add = {"action": "add", "product": "Mastercam", "version": "2027", "released_on": "2026-06-01"}
    assert _as(bob).post(PAGE, add).status_code == 403
    row = ProductVersion.objects.get(version="2026")
    assert _as(bob).post(PAGE, {"action": "remove", "pk": str(row.pk)}).status_code == 403
    assert ProductVersion.objects.count() == 2


def test_the_current_version_is_marked_and_the_navigation_links_the_page(bob: User) -> None:
    page = _as(bob).get("/console/").content.decode()
    assert f'href="{PAGE}"' in page
    versions = _as(bob).get(PAGE).content.decode()
    assert '<tr class="current"><td>SOLIDWORKS</td><td>2026 <strong>current</strong>' in versions


def test_requesters_and_visitors_are_kept_out() -> None:
    assert Client().get(PAGE).status_code == 302  # to the sign-in page
    outsider = User.objects.create_user("eve", "eve@customer.test")
    assert _as(outsider).get(PAGE).status_code == 403


def test_the_admin_lists_the_catalogue() -> None:
    root = User.objects.create_superuser("root", "root@desk.test", "x")
    page = _as(root).get("/admin/contracts/productversion/").content.decode()
    assert "SOLIDWORKS" in page and "2026" in page
