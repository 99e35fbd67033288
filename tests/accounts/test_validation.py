"""Zones, contract tiers and contract targets are refused when saved, with a message a user understands."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.desks.loading import load_desk
from casedesk.desks.models import Desk

pytestmark = pytest.mark.django_db


def _desk(slug: str) -> Desk:
    return load_desk(slug)[0]


def _contract(desk: Desk, company: Company, **kw: object) -> Contract:
    return Contract(desk=desk, company=company, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), **kw)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@pytest.fixture
def dytron() -> tuple[Desk, Company]:
    d = _desk("dytron")
    return d, Company.objects.create(desk=d, name="Strojírna", country="CZ")


def test_site_and_contact_zones_default_to_unknown(dytron: tuple[Desk, Company]) -> None:
    _, company = dytron
    site = Site.objects.create(company=company, name="Plant", country="CZ")
    alice = Contact.objects.create(company=company, site=site, name="Alice", email="alice@cz.test")
    assert site.zone == "" and alice.zone == ""  # unknown: the calendar's own zone applies, never UTC


def test_a_bad_zone_is_refused_when_saved_through_the_orm(dytron: tuple[Desk, Company]) -> None:
    _, company = dytron
    with pytest.raises(ValidationError) as exc:
        Site.objects.create(company=company, name="Plant", country="CZ", zone="Europe/Prag")
    assert "'Europe/Prag' is not a time zone" in _errors(exc)["zone"][0]
    with pytest.raises(ValidationError) as exc:
        Contact.objects.create(company=company, name="Alice", email="a@cz.test", zone="CET+1")
    assert "CET+1" in _errors(exc)["zone"][0]
    assert not Site.objects.exists() and not Contact.objects.exists()
    Contact.objects.create(company=company, name="Alice", email="a@cz.test", zone="Europe/Prague")


def test_a_bad_zone_is_a_form_error(dytron: tuple[Desk, Company]) -> None:
    _, company = dytron
    form_class = modelform_factory(Contact, fields=["company", "name", "email", "language", "zone"])
    data = {"company": company.pk, "name": "Alice", "email": "a@cz.test", "language": "cs"}
    form = form_class(data={**data, "zone": "Mars/Olympus"})
    assert not form.is_valid()
    assert "'Mars/Olympus' is not a time zone" in form.errors["zone"][0]
    assert form_class(data={**data, "zone": ""}).is_valid()


def test_an_sla_contract_needs_its_own_targets(dytron: tuple[Desk, Company]) -> None:
    d, company = dytron
    with pytest.raises(ValidationError) as exc:
        _contract(d, company, tier="SLA").save()
    assert "an SLA contract states its own reaction times" in _errors(exc)["targets"][0]
    _contract(d, company, tier="sla", targets={"urgent": {"response": "2h"}, "normal": {"response": "none"}}).save()
    _contract(d, company, tier="ALC").save()  # ALC takes the policy's targets


def test_a_tier_the_policy_does_not_declare_is_refused(dytron: tuple[Desk, Company]) -> None:
    d, company = dytron
    with pytest.raises(ValidationError) as exc:
        _contract(d, company, tier="gold").save()
    assert _errors(exc)["tier"] == ["'gold' is not one of this desk's tiers (known: ALC, PAY, SBP, SLA)"]


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({"blocker": {"response": "2h"}}, "unknown priority 'blocker' (this desk's: urgent, normal)"),
        ({"urgent": {"resolution": "2h"}}, "urgent: unknown metric 'resolution' (this desk's: response)"),
        ({"urgent": {"response": "0h"}}, "urgent response: target '0h' is zero"),
        ({"urgent": {"response": "400bd"}}, "urgent response: target '400bd' is longer than a year"),
        ({"urgent": {"response": "-2h"}}, "urgent response: negative target '-2h'"),
        ({"urgent": {"response": "soon"}}, "urgent response: unparsable target 'soon'"),
        ({"urgent": {"response": 2}}, "urgent response: 2 is not a target"),
        ({"urgent": "2h"}, 'urgent: targets are {"priority": {"metric": "8h" or "none"}}'),
        (["2h"], 'targets are {"priority": {"metric": "8h" or "none"}}'),
    ],
)
def test_bad_targets_are_refused(dytron: tuple[Desk, Company], targets: object, message: str) -> None:
    d, company = dytron
    with pytest.raises(ValidationError) as exc:
        _contract(d, company, tier="SLA", targets=targets).save()
    assert _errors(exc)["targets"][0].startswith(message)
    assert not Contract.objects.exists()


def test_the_company_must_be_a_customer_of_the_contract_desk(dytron: tuple[Desk, Company]) -> None:
    d, _ = dytron
    other = Company.objects.create(desk=_desk("plm-group"), name="Nordic Tools", country="NO")
    with pytest.raises(ValidationError) as exc:
        _contract(d, other, tier="ALC").save()
    assert _errors(exc)["company"] == ["Nordic Tools is a customer of another desk: pick one of this desk's"]


def test_contract_errors_show_in_a_form(dytron: tuple[Desk, Company]) -> None:
    d, company = dytron
    form_class = modelform_factory(Contract, fields=["desk", "company", "tier", "starts_on", "ends_on", "targets"])
    data = {"desk": d.pk, "company": company.pk, "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    form = form_class(data={**data, "tier": "SLA", "targets": "{}"})
    assert not form.is_valid()
    assert "an SLA contract states its own reaction times" in form.errors["targets"][0]
    form = form_class(data={**data, "tier": "SLA", "targets": '{"urgent": {"response": "4h"}}'})
    assert form.is_valid(), form.errors
    form.save()
