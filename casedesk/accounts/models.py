"""The customer side: companies, their sites and contacts, and their support contracts.

Zones and contracts are checked whenever they are saved, through a form or the
ORM alike (POLICIES 0.25, 0.22, 0.27): a bad value is refused with a message
naming the field, never left to fail when a case is opened.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from casedesk.desks.models import Desk
from casedesk.desks.policies import PolicyError, preset_of, version_in_force
from casedesk.sla.policy_schema import Policy, check_target
from casedesk.sla.zones import valid_zone

ZONE_HELP = "IANA time zone (Europe/Oslo); blank = unknown: the calendar's own zone applies"


def validate_zone(value: str) -> None:
    """A field validator: blank is allowed (unknown zone), anything else must be a zone tzdata knows."""
    if value and not valid_zone(value):
        raise ValidationError(
            "%(value)r is not a time zone: use an IANA name like Europe/Oslo, or leave it blank for unknown",
            code="invalid_zone",
            params={"value": value},
        )


def _check_zone(obj: models.Model, field: str = "zone") -> None:
    """The same check when a row is saved through the ORM (validators run only in forms)."""
    value = getattr(obj, field)
    try:
        validate_zone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


class Company(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166 code; picks the calendar where the policy says so")
    nda_signed = models.BooleanField(default=False, help_text="blocks forwarding case data to the vendor")
    account_manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    zone = models.CharField(
        max_length=64, blank=True, default="", validators=[validate_zone], help_text=f"licensed users here: {ZONE_HELP}"
    )

    def __str__(self) -> str:
        return f"{self.company.name} - {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _check_zone(self)
        super().save(*args, **kwargs)


class Contact(models.Model):
    """A requester: a customer's person who opens cases."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=200)
    email = models.EmailField(db_index=True)
    phone = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=10, default="en")
    zone = models.CharField(max_length=64, blank=True, default="", validators=[validate_zone], help_text=ZONE_HELP)
    is_technical_contact = models.BooleanField(default=False, help_text="the customer's designated contact")
    online_licensing = models.BooleanField(
        default=False, help_text="PTC's Online Licensing privilege: may get the report of the company's SCNs"
    )
    sla_statements = models.BooleanField(
        default=False, help_text="sends the company's monthly SLA statement (the contact's own choice)"
    )

    class Meta:
        # E-mail look-ups ignore case (email__iexact, e.g. the e-mail intake's sender): UPPER(email) on PostgreSQL.
        indexes = [models.Index(Upper("email"), name="contact_email_upper")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _check_zone(self)
        super().save(*args, **kwargs)


class Contract(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="contracts")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contracts")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, help_text="licensed site")
    tier = models.CharField(max_length=50, blank=True, help_text="tier or level from the desk's policy")
    starts_on = models.DateField()
    ends_on = models.DateField()
    agreement_on = models.DateField(null=True, blank=True, help_text="agreement date (version window)")
    seats = models.PositiveIntegerField(default=1)
    rental = models.BooleanField(default=False, help_text="short-term rental (e.g. QSC/QLC)")
    service_number = models.CharField(max_length=50, blank=True, db_index=True, help_text="SCN or contract number")
    nda = models.BooleanField(default=False)
    bought_here = models.BooleanField(
        default=True, help_text="the licensed solution was bought through this desk (DYTRON's ALC covers only those)"
    )
    english_ok = models.BooleanField(default=False, help_text="default of the English-support opt-in")
    products = models.JSONField(default=list, blank=True, help_text='[{"product": "SOLIDWORKS", "version": "2025"}]')
    currency = models.CharField(max_length=3, default="EUR")
    overdraft_hours = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, help_text="hours a block may go below zero (0: no overdraft)"
    )
    overdraft_credit = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="credit that may be drawn below zero (0: no overdraft)"
    )
    targets = models.JSONField(
        default=dict, blank=True, help_text='contract targets overriding the policy: {"urgent": {"response": "2h"}}'
    )

    class Meta:
        ordering = ["company__name", "-ends_on"]

    def __str__(self) -> str:
        return f"{self.company.name} {self.tier} {self.starts_on}..{self.ends_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()
        super().save(*args, **kwargs)

    def is_valid_on(self, day: object) -> bool:
        return bool(self.starts_on <= day <= self.ends_on)  # type: ignore[operator]

    def clean(self) -> None:
        """The company, tier and targets against the desk and the policy in force (forms and ORM saves)."""
        errors: dict[str, list[str]] = {}
        if self.company_id and self.desk_id and self.company.desk_id != self.desk_id:
            errors["company"] = [f"{self.company.name} is a customer of another desk: pick one of this desk's"]
        if self.desk_id and (self.tier or self.targets):
            try:
                policy = preset_of(version_in_force(self.desk, timezone.now())).policy
            except PolicyError:
                errors["tier"] = ["this desk has no policy yet: load or publish one before adding tiers or targets"]
            else:
                errors.update(contract_problems(policy, self.tier, self.targets))
        if errors:
            raise ValidationError(errors)


def contract_problems(policy: Policy, tier: str, targets: Any) -> dict[str, list[str]]:
    """What is wrong with a contract's tier and targets under a policy, by field; empty when nothing is."""
    errors: dict[str, list[str]] = {}
    choice = None
    if tier:
        key = policy.tier_key(tier)
        if key is None:
            known = ", ".join(t.key for t in policy.tiers) or "none"
            errors["tier"] = [f"{tier!r} is not one of this desk's tiers (known: {known})"]
        else:
            choice = policy.tier(key)
    target_errors = _target_problems(policy, targets)
    if target_errors:
        errors["targets"] = target_errors
    elif choice is not None and getattr(choice, "targets_from_contract", False) and not targets:
        errors["targets"] = [
            f"an SLA contract states its own reaction times: a {choice.key} contract needs targets, "
            'for example {"urgent": {"response": "4h"}}'
        ]
    return errors


def _target_problems(policy: Policy, targets: Any) -> list[str]:
    if not targets:
        return []
    shape = 'targets are {"priority": {"metric": "8h" or "none"}}'
    if not isinstance(targets, dict):
        return [shape]
    priorities = [p.key for p in policy.priorities]
    problems: list[str] = []
    for priority, cells in targets.items():
        if priority not in priorities:
            problems.append(f"unknown priority {priority!r} (this desk's: {', '.join(priorities) or 'none'})")
            continue
        if not isinstance(cells, dict):
            problems.append(f"{priority}: {shape}")
            continue
        for metric, text in cells.items():
            if metric not in policy.metrics:
                known = ", ".join(policy.metrics) or "none"
                problems.append(f"{priority}: unknown metric {metric!r} (this desk's: {known})")
            elif not isinstance(text, str):
                problems.append(f'{priority} {metric}: {text!r} is not a target like "8h", "2bd" or "none"')
            elif text != "none":
                try:
                    check_target(text)
                except ValueError as exc:
                    problems.append(f"{priority} {metric}: {exc}")
    return problems
