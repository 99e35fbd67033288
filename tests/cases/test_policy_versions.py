"""Policy versions: notice periods, and open cases keep the version they were opened under."""

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.cases import services
from casedesk.desks.policies import PolicyError, publish_version
from casedesk.sla import load_preset

from .factories import customer, desk

pytestmark = pytest.mark.django_db


def _new_version_source(p1_response: str) -> str:
    text = load_preset("mastercam").path.read_text()
    text = text.replace('version = "2025.1"', 'version = "2027.1"')
    return text.replace(
        'P1 = { response = "2h", resolution = "8h" }', f'P1 = {{ response = "{p1_response}", resolution = "8h" }}'
    )


def test_mastercam_version_cannot_take_effect_before_30_days_notice() -> None:
    d = desk("mastercam")
    announced = datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(PolicyError, match="30 days"):
        publish_version(
            d, _new_version_source("1h"), announced_at=announced, effective_at=announced + timedelta(days=29)
        )
    assert d.policy_versions.count() == 1
    v = publish_version(
        d, _new_version_source("1h"), announced_at=announced, effective_at=announced + timedelta(days=30)
    )
    assert v.version == "2027.1"


def test_open_cases_keep_their_version_new_cases_get_the_new_one() -> None:
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    intake = {"site": "Plant", "product_version": "2026"}
    old = services.open_case(
        d,
        requester=alice,
        subject="a",
        priority="P1",
        contract=contract,
        intake=intake,
        at=datetime(2027, 1, 4, 14, 0, tzinfo=UTC),
    )  # Mon 09:00 New York
    publish_version(
        d,
        _new_version_source("1h"),
        announced_at=datetime(2027, 1, 1, tzinfo=UTC),
        effective_at=datetime(2027, 2, 1, tzinfo=UTC),
    )
    new = services.open_case(
        d,
        requester=alice,
        subject="b",
        priority="P1",
        contract=contract,
        intake=intake,
        at=datetime(2027, 2, 1, 14, 0, tzinfo=UTC),
    )  # Mon 09:00 New York
    services.set_priority(old, "P2", at=datetime(2027, 2, 2, 14, 0, tzinfo=UTC))
    services.set_priority(old, "P1", at=datetime(2027, 2, 2, 14, 1, tzinfo=UTC))
    assert old.policy_version.version == "2025.1"
    assert new.policy_version.version == "2027.1"
    # Old version: P1 response 2h from 09:00 -> 11:00 New York (16:00 UTC); new version: 1h -> 10:00 (15:00 UTC).
    assert old.metrics.get(metric="response").due_at == datetime(2027, 1, 4, 16, 0, tzinfo=UTC)
    assert new.metrics.get(metric="response").due_at == datetime(2027, 2, 1, 15, 0, tzinfo=UTC)


def test_dytron_sla_contract_reaction_times_override_the_policy() -> None:
    d = desk("dytron")
    alice, contract = customer(
        d, country="CZ", zone="Europe/Prague", tier="SLA", targets={"urgent": {"response": "1h"}}
    )
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 10:00 Prague
    case = services.open_case(d, requester=alice, subject="x", priority="urgent", contract=contract, at=at)
    assert case.metrics.get(metric="response").due_at == at + timedelta(hours=1)
    alc_alice, alc = customer(d, country="SK", zone="Europe/Prague", tier="ALC")
    case = services.open_case(d, requester=alc_alice, subject="y", priority="urgent", contract=alc, at=at)
    assert case.metrics.get(metric="response").status == "no_target"  # ALC guarantees no reaction time
