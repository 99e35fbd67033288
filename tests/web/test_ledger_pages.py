"""The console's "Time and billing" box and contract ledger page, and the portal's balance and PPI confirmation
(issue 15: works from the console, and the portal where a customer sees it). Desk members only: agents log time,
the desk's managers record purchases and corrections; another desk's contract is a 404 like a missing one.

Solidxperts: alice (portal user) at a Quebec customer, contract in CAD; bob the agent, carol the manager; dave an
agent of Mastercam (another desk).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.contracts import ledger
from casedesk.contracts.models import LedgerEntry, RateCard
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff
from tests.web.test_portal_world import portal_user

D = Decimal
pytestmark = pytest.mark.django_db


class World:
    def __init__(self) -> None:
        self.desk: Desk = desk("solidxperts")
        self.bob, self.carol, self.dave = staff("bob"), staff("carol"), staff("dave")
        Membership.objects.create(desk=self.desk, user=self.bob, role=Membership.Role.AGENT)
        Membership.objects.create(desk=self.desk, user=self.carol, role=Membership.Role.SUPPORT_MANAGER)
        Membership.objects.create(desk=desk("mastercam"), user=self.dave, role=Membership.Role.AGENT)
        RateCard.objects.create(
            desk=self.desk, service_type="configuration", name="Configuration", price=D("150"), currency="CAD"
        )
        RateCard.objects.create(
            desk=self.desk, service_type="ppi", name="Pay per incident", unit="flat", price=D("250"), currency="CAD"
        )
        self.alice, contract = customer(self.desk, country="CA", zone="America/Toronto", tier="subscription")
        Contract.objects.filter(pk=contract.pk).update(currency="CAD", ends_on=date.today() + timedelta(days=400))
        contract.refresh_from_db()
        self.contract: Contract = contract
        self.now = timezone.now()
        self.case: Case = services.open_case(
            self.desk, requester=self.alice, contract=contract, subject="Toolbox", at=self.now - timedelta(hours=2)
        )

    def client(self, user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c


@pytest.fixture
def w() -> World:
    return World()


def test_the_case_box_logs_time_from_a_block_and_links_the_ledger(w: World) -> None:
    ledger.purchase_hours(w.contract, "10", at=w.now - timedelta(days=1))
    bob = w.client(w.bob)
    page = bob.get(f"/console/cases/{w.case.number}/").content.decode()
    assert "Time and billing" in page and "10.00 h left on the hour blocks" in page
    assert f"/console/contracts/{w.contract.pk}/ledger/" in page and "Configuration (150.00 CAD/hour)" in page
    data = {"log_time-hours": "2.5", "log_time-service_type": "configuration", "log_time-note": "set up"}
    assert bob.post(f"/console/cases/{w.case.number}/log_time/", data).status_code == 302
    assert ledger.hours_left(w.contract, date.today()) == D("7.50")
    refused = bob.post(f"/console/cases/{w.case.number}/log_time/", {**data, "log_time-hours": "8"})
    assert refused.status_code == 400 and "not enough hours: 7.50 h left, 8.00 h asked" in refused.content.decode()
    bad = bob.post(f"/console/cases/{w.case.number}/log_time/", {**data, "log_time-hours": "-1"})
    assert bad.status_code == 400 and "hours must be more than zero" in bad.content.decode()
    assert LedgerEntry.objects.filter(kind="drawdown").count() == 1


def test_ppi_charge_and_deduction_from_the_case_page(w: World) -> None:
    bob = w.client(w.bob)
    page = bob.get(f"/console/cases/{w.case.number}/").content.decode()
    assert "Charge as pay per incident" in page
    assert bob.post(f"/console/cases/{w.case.number}/ppi_charge/").status_code == 302
    again = bob.post(f"/console/cases/{w.case.number}/ppi_charge/")
    assert again.status_code == 400 and "already charged as pay per incident" in again.content.decode()
    block = ledger.purchase_hours(w.contract, "10", price="1400")
    charged = LedgerEntry.objects.get(kind="ppi")
    page = bob.get(f"/console/cases/{w.case.number}/").content.decode()
    assert "Confirm the deduction" in page and "the PPI's 250.00 CAD may be deducted" in page
    data = {"ppi_deduct-ppi": str(charged.pk), "ppi_deduct-block": str(block.pk)}
    assert bob.post(f"/console/cases/{w.case.number}/ppi_deduct/", data).status_code == 302
    deduction = LedgerEntry.objects.get(kind="ppi_deduction")
    assert (deduction.amount, deduction.actor, deduction.block) == (D("-250.00"), w.bob, block)
    twice = bob.post(f"/console/cases/{w.case.number}/ppi_deduct/", data)
    assert twice.status_code == 400 and "already deducted" in twice.content.decode()


def test_the_ledger_page_is_for_the_desks_members_and_purchases_for_its_managers(w: World) -> None:
    url = f"/console/contracts/{w.contract.pk}/ledger/"
    purchase = {"purchase-what": "hours", "purchase-hours": "10", "purchase-price": "1400", "purchase-note": "PO 7"}
    assert w.client(w.dave).get(url).status_code == 404  # another desk: like a missing contract
    assert w.client(w.dave).post(url + "purchase/", purchase).status_code == 404
    assert w.client(w.bob).get("/console/contracts/999999/ledger/").status_code == 404
    assert Client().get(url).status_code == 302  # sign in first
    assert w.client(portal_user(w.alice)).get(url).status_code == 403  # a requester: not the console
    assert w.client(w.bob).post(url + "purchase/", purchase).status_code == 403  # an agent: no purchases
    assert not LedgerEntry.objects.exists()
    carol = w.client(w.carol)
    assert carol.post(url + "purchase/", purchase).status_code == 302
    credit = {"purchase-what": "credit", "purchase-amount": "500", "purchase-note": ""}
    assert carol.post(url + "purchase/", credit).status_code == 302
    expired = {**purchase, "purchase-expires_on": "2020-01-01"}
    refused = carol.post(url + "purchase/", expired)
    assert refused.status_code == 400 and "would already be expired" in refused.content.decode()
    services.log_time(w.case, "4", "configuration", actor=w.bob)
    page = carol.get(url).content.decode()
    assert "6.00 h left on the hour blocks" in page and "500.00 CAD of prepaid credit left" in page
    assert page.count('<tr id="entry-') == 3 and "Record a purchase" in page
    assert "Record a purchase" not in w.client(w.bob).get(url).content.decode()


def test_a_manager_corrects_an_entry_and_the_running_balance_follows(w: World) -> None:
    ledger.purchase_hours(w.contract, "10", at=w.now - timedelta(days=1))
    services.log_time(w.case, "6", "configuration", actor=w.bob, at=w.now - timedelta(hours=1))
    drawn = LedgerEntry.objects.get(kind="drawdown")
    url = f"/console/contracts/{w.contract.pk}/ledger/{drawn.pk}/correct/"
    assert w.client(w.bob).post(url, {"correction-quantity": "2", "correction-note": "4 h"}).status_code == 403
    carol = w.client(w.carol)
    assert carol.post(url, {"correction-quantity": "2", "correction-note": "4 h, not 6"}).status_code == 302
    too_much = carol.post(url, {"correction-quantity": "9", "correction-note": "oops"})
    assert too_much.status_code == 400 and "at most 4.00 can be corrected" in too_much.content.decode()
    page = carol.get(f"/console/contracts/{w.contract.pk}/ledger/").content.decode()
    fix = LedgerEntry.objects.get(kind="correction")
    assert (fix.hours, fix.corrects, fix.actor) == (D("2.00"), drawn, w.carol)
    # running hours left after each entry: 10, 4, 6
    cells = [page.split(f'id="entry-{e.pk}"')[1].split("</tr>")[0] for e in LedgerEntry.objects.order_by("id")]
    assert ["<td>10.00</td>" in cells[0], "<td>4.00</td>" in cells[1], "<td>6.00</td>" in cells[2]] == [True] * 3
    assert "8.00 h left" not in page and "6.00 h left on the hour blocks" in page


def test_the_portal_shows_hours_left_and_the_customer_confirms_a_ppi_deduction(w: World) -> None:
    alice = w.client(portal_user(w.alice))
    assert "Prepaid hours" not in alice.get("/portal/").content.decode()  # no block: nothing to show
    services.charge_incident(w.case, actor=w.bob)
    block = ledger.purchase_hours(w.contract, "10", price="1400")
    page = alice.get("/portal/").content.decode()
    assert "Prepaid hours: 10.00 h left." in page
    assert f"Case {w.case.number} was charged as pay per incident (250.00 CAD)" in page
    assert "Confirm the deduction" in page
    charged = LedgerEntry.objects.get(kind="ppi")
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(w.alice.user)
    assert csrf.post(f"/portal/ppi/{charged.pk}/deduct/", {"block": block.pk}).status_code == 403  # CSRF
    done = alice.post(f"/portal/ppi/{charged.pk}/deduct/", {"block": block.pk}, follow=True)
    assert "deducted from your block of hours" in done.content.decode()
    deduction = LedgerEntry.objects.get(kind="ppi_deduction")
    assert (deduction.actor, deduction.amount) == (w.alice.user, D("-250.00"))
    assert "Confirm the deduction" not in alice.get("/portal/").content.decode()
    again = alice.post(f"/portal/ppi/{charged.pk}/deduct/", {"block": block.pk}, follow=True)
    assert "already deducted" in again.content.decode()


def test_another_customers_ppi_is_a_404_in_the_portal(w: World) -> None:
    services.charge_incident(w.case, actor=w.bob)
    block = ledger.purchase_hours(w.contract, "10")
    charged = LedgerEntry.objects.get(kind="ppi")
    other = Contact.objects.create(
        company=customer(w.desk, country="FR", zone="Europe/Paris")[0].company, name="Eve", email="eve@x.test"
    )
    r = w.client(portal_user(other)).post(f"/portal/ppi/{charged.pk}/deduct/", {"block": block.pk})
    assert r.status_code == 404 and not LedgerEntry.objects.filter(kind="ppi_deduction").exists()


def test_dytron_sbp_credit_shows_on_the_case_and_in_the_portal() -> None:
    dy = desk("dytron")
    bob = staff("bob")
    Membership.objects.create(desk=dy, user=bob, role=Membership.Role.AGENT)
    RateCard.objects.create(
        desk=dy, tier="SBP", service_type="training", name="Training", price=D("1200"), currency="CZK"
    )
    alice, contract = customer(dy, country="CZ", zone="Europe/Prague", tier="SBP")
    Contract.objects.filter(pk=contract.pk).update(currency="CZK", ends_on=date.today() + timedelta(days=400))
    contract.refresh_from_db()
    ledger.purchase_credit(contract, "10000", "CZK", at=timezone.now() - timedelta(days=1))
    case = services.open_case(
        dy, requester=alice, contract=contract, subject="Macro", at=timezone.now() - timedelta(hours=1)
    )
    c = Client()
    c.force_login(bob)
    data = {"log_time-hours": "2", "log_time-service_type": "training", "log_time-note": ""}
    assert c.post(f"/console/cases/{case.number}/log_time/", data).status_code == 302
    page = c.get(f"/console/cases/{case.number}/").content.decode()
    assert "7600.00 CZK of prepaid credit left" in page and "drawn from the prepaid credit" in page
    assert "Charge as pay per incident" not in page  # DYTRON has no PPI
    portal = Client()
    portal.force_login(portal_user(alice))
    assert "Prepaid credit: 7600.00 CZK left." in portal.get("/portal/").content.decode()


def test_the_admin_lists_rate_cards_and_shows_ledger_entries_read_only(w: World) -> None:
    block = ledger.purchase_hours(w.contract, "10")
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", "root@desk.test", "x"))
    assert "Configuration" in admin.get("/admin/contracts/ratecard/").content.decode()
    assert admin.get("/admin/contracts/ledgerentry/").status_code == 200
    page = admin.get(f"/admin/contracts/ledgerentry/{block.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # viewed, never edited
    assert admin.get(f"/admin/contracts/ledgerentry/{block.pk}/delete/").status_code == 403
    assert admin.get("/admin/contracts/ledgerentry/add/").status_code == 403


def test_the_ledger_page_costs_the_same_queries_for_3_and_30_entries(w: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ledger.purchase_hours(w.contract, "100", at=w.now - timedelta(days=1))
    carol, url = w.client(w.carol), f"/console/contracts/{w.contract.pk}/ledger/"

    def count() -> int:
        carol.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert carol.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        services.log_time(w.case, "1", "configuration", actor=w.bob)
    few = count()
    for _ in range(27):
        services.log_time(w.case, "1", "configuration", actor=w.bob)
    assert count() == few
