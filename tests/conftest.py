import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """CASEDESK_TEST_DB_SUFFIX=x gives PostgreSQL test databases their own names (parallel runs)."""
    suffix = os.environ.get("CASEDESK_TEST_DB_SUFFIX")
    if not suffix:
        return
    from django.conf import settings

    for db in settings.DATABASES.values():
        if db["ENGINE"] != "django.db.backends.sqlite3":
            test = db.setdefault("TEST", {})
            test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_{suffix}"


BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": BROWSER_ARGS}
