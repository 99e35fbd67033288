"""Policy versions: notice periods, and open cases keep the version they were opened under."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from casedesk.cases import services
from casedesk.desks.loading import load_desk
from casedesk.desks.models import Desk
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


NEW_YORK = ZoneInfo("America/New_York")


def test_mastercam_notice_counts_30_calendar_days_in_the_home_zone() -> None:
    # POLICIES 0.15: announced on 23 November at any hour, in force on 23 December at 00:00 in the
    # desk's home zone (Mastercam: New York). 23:30 in New York is already 24 November in UTC.
    d = desk("mastercam")
    announced = datetime(2026, 11, 23, 23, 30, tzinfo=NEW_YORK)
    with pytest.raises(PolicyError, match="30 days"):
        publish_version(d, _new_version_source("1h"), announced_at=announced, effective_on=date(2026, 12, 22))
    assert d.policy_versions.count() == 1
    v = publish_version(d, _new_version_source("1h"), announced_at=announced, effective_on=date(2026, 12, 23))
    assert v.version == "2027.1"
    assert v.effective_at == datetime(2026, 12, 23, 0, 0, tzinfo=NEW_YORK)


def test_a_new_shipped_version_at_start_up_is_announced_and_scheduled() -> None:
    # An older version is in place; loading the shipped preset (as `casedesk up` does) must not stop:
    # the shipped version is announced now and in force from 00:00 New York, 30 days after today there.
    d = Desk.objects.create(slug="mastercam", name="Mastercam CONNECT", preset="mastercam")
    old = load_preset("mastercam").path.read_text().replace('version = "2025.1"', 'version = "2024.1"')
    publish_version(d, old, announced_at=datetime(2024, 1, 1, tzinfo=UTC), effective_on=date(2024, 1, 1))
    before = timezone.now()
    load_desk("mastercam")
    shipped = d.policy_versions.get(version="2025.1")
    day = before.astimezone(NEW_YORK).date() + timedelta(days=30)
    assert shipped.effective_at == datetime(day.year, day.month, day.day, tzinfo=NEW_YORK)
    assert shipped.announced_at >= before


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
        effective_on=date(2027, 2, 1),
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
