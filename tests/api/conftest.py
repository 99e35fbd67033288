import pytest


@pytest.fixture(autouse=True)
def no_rate_limit(settings):  # type: ignore[no-untyped-def]
    """API tests call fast from one token; the rate limit has its own test (test_rate_limit.py sets it)."""
    settings.CASEDESK_API_RATE = 0
