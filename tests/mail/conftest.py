from __future__ import annotations

import pytest

from casedesk.accounts.models import Contact, Contract
from casedesk.desks.models import Desk
from tests.cases.factories import customer, desk


@pytest.fixture
def plm() -> Desk:
    return desk("plm-group")


@pytest.fixture
def alice(plm: Desk) -> tuple[Contact, Contract]:
    """alice@no.test, a Norwegian PLM customer with a standard contract."""
    return customer(plm, country="NO", zone="Europe/Oslo", tier="standard")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Attachments land in the test's own directory, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
