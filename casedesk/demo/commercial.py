"""The demo's commercial side: rate cards, an hour block drawn on cases, a PPI with its deduction on offer,
prepaid credit drawn at the SBP rate, PAY charges, an SLA contract's own rate, and scope classifications.

Every price here is the demo's own (the policies state none, POLICIES 0.13): a desk sets its rates in the
admin. Writes go through `casedesk.cases.services` and `casedesk.contracts.ledger`, like an agent's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from casedesk.accounts.models import Contract
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.contracts import ledger
from casedesk.contracts.models import RateCard
from casedesk.desks.models import Desk

# (service_type, name, unit, price): the demo's own prices, per desk and level.
SOLIDXPERTS_RATES = [
    ("training", "Technical Services: training", "hour", "165.00"),
    ("configuration", "Technical Services: configuration", "hour", "165.00"),
    ("performance", "Technical Services: performance review", "hour", "180.00"),
    ("migration", "Technical Services: data migration", "hour", "180.00"),
    ("ppi", "Pay per incident", "flat", "195.00"),
]
DYTRON_SERVICES = [
    ("training", "Training"), ("macros", "Macros and custom applications (post-processors)"),
    ("implementation", "PLM implementation"), ("technician", "Technician on site or remote"),
    ("installation", "Repeated installations and administration"), ("analysis", "Process analysis"),
    ("methodology", "Methodology"),
]  # fmt: skip
DYTRON_PAY, DYTRON_SBP = Decimal("2400.00"), Decimal("1950.00")  # CZK an hour: SBP is the better rate


def load_commercial(desk: Desk, agent: User, manager: User, now: datetime) -> None:
    if desk.preset == "solidxperts":
        _solidxperts(desk, agent, manager, now)
    elif desk.preset == "dytron":
        _dytron(desk, agent, manager, now)
    elif desk.preset == "plm-group":
        _classify(desk, agent, "Rules, flows and workflows", "workflow", now)


def _cases(contract: Contract) -> list[Case]:
    return list(Case.objects.filter(contract=contract).order_by("opened_at"))


def _after(case: Case, now: datetime, minutes: int = 20) -> datetime:
    """An instant for a write on the case: soon after its last change, never in the future."""
    return min(now, case.updated_at + timedelta(minutes=minutes))


def _classify(desk: Desk, agent: User, item: str, words: str, now: datetime) -> None:
    """An open case about `words` classified out of scope: the paid route instead of the SLA, targets removed."""
    case = (
        Case.objects.filter(desk=desk, status__in=Case.OPEN_STATUSES, subject__icontains=words)
        .order_by("-opened_at")
        .first()
    )
    if case is not None:
        services.classify_scope(case, item, actor=agent, at=_after(case, now))


def _solidxperts(desk: Desk, agent: User, manager: User, now: datetime) -> None:
    for service_type, name, unit, price in SOLIDXPERTS_RATES:
        RateCard.objects.create(
            desk=desk, service_type=service_type, name=name, unit=unit, price=Decimal(price), currency="CAD"
        )
    contracts = list(Contract.objects.filter(desk=desk, rental=False, ends_on__gte=now.date()).order_by("pk"))
    if len(contracts) < 2:
        return
    # An hour block bought 20 days ago, valid a year, drawn on the customer's cases after it was bought.
    holder, ppi_customer = contracts[0], contracts[1]
    bought = now - timedelta(days=20)
    ledger.purchase_hours(
        holder, "10", price="1500.00", expires_on=(now + timedelta(days=345)).date(), actor=manager, at=bought,
        note="Block of 10 hours",
    )  # fmt: skip
    for case, hours, kind in zip(_cases(holder)[:2], ("1.5", "0.75"), ("training", "configuration"), strict=False):
        at = min(now, max(_after(case, now), bought + timedelta(hours=2)))
        services.log_time(case, hours, kind, actor=agent, at=at, note="Remote session")
    # Pay per incident on the customer's latest case opened at least 4 days ago (charged at most 25 days ago),
    # and a block bought 3 days ago: the deduction is on offer (within 30 days of the incident, POLICIES
    # 0.14), waiting for the agent's or the customer's yes.
    older = [c for c in _cases(ppi_customer) if c.opened_at <= now - timedelta(days=4)]
    if older:
        case = older[-1]
        at = max(case.opened_at + timedelta(minutes=10), now - timedelta(days=25))
        services.charge_incident(case, actor=agent, at=at)
        ledger.purchase_hours(
            ppi_customer, "5", price="800.00", actor=manager, at=now - timedelta(days=3), note="Block of 5 hours"
        )
    how_to = Case.objects.filter(desk=desk, contract=holder, status__in=Case.OPEN_STATUSES).first()
    if how_to is not None:
        services.classify_scope(how_to, "How-to questions", actor=agent, at=_after(how_to, now))


def _dytron(desk: Desk, agent: User, manager: User, now: datetime) -> None:
    for service_type, name in DYTRON_SERVICES:
        for tier, price in (("PAY", DYTRON_PAY), ("SBP", DYTRON_SBP)):
            RateCard.objects.create(
                desk=desk, tier=tier, service_type=service_type, name=f"{name} ({tier})", price=price, currency="CZK"
            )
    sla = Contract.objects.filter(desk=desk, tier="SLA").order_by("pk").first()
    if sla is not None:  # an individual SLA contract fixes its own rate (POLICIES section 3)
        RateCard.objects.create(
            desk=desk, contract=sla, service_type="technician", name="Technician (contract rate)",
            price=Decimal("1700.00"), currency=sla.currency,
        )  # fmt: skip
    sbp = Contract.objects.filter(desk=desk, tier="SBP").order_by("pk").first()
    if sbp is not None:
        bought = now - timedelta(days=40)
        ledger.purchase_credit(sbp, "60000.00", sbp.currency, actor=manager, at=bought)
        for case in _cases(sbp)[:2]:
            at = min(now, max(_after(case, now), bought + timedelta(hours=2)))
            services.log_time(case, "2", "training", actor=agent, at=at, note="Training session")
    pay = Contract.objects.filter(desk=desk, tier="PAY").order_by("pk").first()
    if pay is not None:
        for case in _cases(pay)[:1]:
            services.log_time(case, "1.5", "technician", actor=agent, at=_after(case, now), note="Remote technician")
