"""Commercial support's records: the product-version catalogue, rate cards, and each contract's ledger.

The ledger is append-only: every grace call, hour-block purchase, drawdown, charge and correction is one row,
never changed or deleted. A correction is a new entry (`corrects` names the one it offsets, with the opposite
sign), so the history of a balance can always be read back (POLICIES: a record once written is never erased).
Amounts are Decimal in the entry's own currency (POLICIES 0.13), never floats.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casedesk.accounts.models import Company, Contract
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Desk


class ProductVersion(models.Model):
    """One released version of a product (SOLIDWORKS 2025, 3DEXPERIENCE R2025x, Mastercam 2025, Creo 11.0,
    Windchill 13.0): the catalogue version windows are read from (POLICIES 0.7, Mastercam: current and
    previous). Release dates are facts of the vendor's catalogue, kept by the desk, not policy numbers."""

    product = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    released_on = models.DateField()
    online_service = models.BooleanField(
        default=False, help_text="an online service (3DEXPERIENCE cloud): only its current version is covered"
    )

    class Meta:
        ordering = ["product", "-released_on"]
        constraints = [models.UniqueConstraint(fields=["product", "version"], name="product_version_unique")]

    def __str__(self) -> str:
        return f"{self.product} {self.version} ({self.released_on})"


class RateCard(models.Model):
    """The price of one service type on a desk (DYTRON PAY and SBP, Solidxperts Technical Services and PPI),
    hourly or flat; a row with a contract is that contract's own rate (DYTRON SLA level) and wins over the
    desk's. The policies state no prices: every amount here is the desk's own data."""

    class Unit(models.TextChoices):
        HOUR = "hour"
        FLAT = "flat"

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="rate_cards")
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rate_cards",
        help_text="a contract's own rate (an individual SLA contract); blank for the desk's rate card",
    )
    tier = models.CharField(max_length=50, blank=True, help_text="the level this rate is for (PAY, SBP); blank: any")
    service_type = models.CharField(max_length=50, help_text="a short key: training, on_site, ppi, ...")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.HOUR)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["desk", "service_type", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "contract", "tier", "service_type"],
                name="rate_card_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.price} {self.currency} per {self.unit}"


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        GRACE_CALL = "grace_call"  # Solidxperts: free one-off help outside the standard scope (count)
        PURCHASE = "purchase"  # an hour block (hours > 0) or prepaid credit (amount > 0) bought
        DRAWDOWN = "drawdown"  # time used from a block (hours < 0) or credit (amount < 0)
        CHARGE = "charge"  # paid work billed at the rate card (PAY, SLA level): no balance drawn
        PPI = "ppi"  # a pay-per-incident case's fixed price (Solidxperts)
        PPI_DEDUCTION = "ppi_deduction"  # a PPI's price deducted from a block bought within 30 days (0.14)
        CORRECTION = "correction"  # offsets `corrects` with the opposite sign

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="ledger")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    count = models.SmallIntegerField(default=0, help_text="grace calls used (+1) or given back by a correction (-1)")
    hours = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="hours added (+) to or drawn (-) from a block"
    )
    amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="money: credit added (+) or drawn (-), or the price billed for a charge or PPI",
    )
    currency = models.CharField(max_length=3, blank=True)
    service_type = models.CharField(max_length=50, blank=True)
    rate = models.ForeignKey(RateCard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_on = models.DateField(null=True, blank=True, help_text="a purchased block's last day of use")
    block = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drawdowns",
        help_text="the purchase a drawdown or a PPI deduction is taken from",
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=500, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")

    class Meta:
        indexes = [
            models.Index(fields=["contract", "kind", "at"], name="ledger_contract_kind_at"),
            models.Index(fields=["company", "at"], name="ledger_company_at"),
        ]
        ordering = ["at", "id"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        what = self.hours if self.hours is not None else self.amount if self.amount is not None else self.count
        return f"{self.kind} {what} for {self.company_id} at {self.at:%Y-%m-%d %H:%M}"
