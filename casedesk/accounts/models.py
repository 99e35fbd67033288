"""The customer side: companies, their sites and contacts, and their support contracts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casedesk.desks.models import Desk


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
    zone = models.CharField(max_length=64, default="UTC", help_text="IANA time zone of the licensed users here")

    def __str__(self) -> str:
        return f"{self.company.name} - {self.name}"


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
    zone = models.CharField(max_length=64, default="UTC")
    is_technical_contact = models.BooleanField(default=False, help_text="the customer's designated contact")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


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
    english_ok = models.BooleanField(default=False, help_text="default of the English-support opt-in")
    products = models.JSONField(default=list, blank=True, help_text='[{"product": "SOLIDWORKS", "version": "2025"}]')
    currency = models.CharField(max_length=3, default="EUR")
    targets = models.JSONField(
        default=dict, blank=True, help_text='contract targets overriding the policy: {"urgent": {"response": "2h"}}'
    )

    class Meta:
        ordering = ["company__name", "-ends_on"]

    def __str__(self) -> str:
        return f"{self.company.name} {self.tier} {self.starts_on}..{self.ends_on}"

    def is_valid_on(self, day: object) -> bool:
        return bool(self.starts_on <= day <= self.ends_on)  # type: ignore[operator]
