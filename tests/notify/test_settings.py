"""Outgoing mail configured by environment variables named as Django's settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PRINT = (
    "import json; from django.conf import settings as s; import django; django.setup(); print(json.dumps("
    "[s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS,"
    " str(s.EMAIL_FILE_PATH), s.DEFAULT_FROM_EMAIL]))"
)
SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILES = "django.core.mail.backends.filebased.EmailBackend"


def settings_with(tmp_path: Path, **env: str) -> list:  # type: ignore[type-arg]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_") and "FROM_EMAIL" not in k}
    clean.update(env, DJANGO_SETTINGS_MODULE="casedesk.settings", CASEDESK_VAR=str(tmp_path / "var"))
    done = subprocess.run([sys.executable, "-c", PRINT], env=clean, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, [FILES, "localhost", 25, "", "", False, "{var}/mail", "casedesk <support@localhost>"]),
        (
            {"EMAIL_HOST": "mx.test", "EMAIL_PORT": "587", "EMAIL_HOST_USER": "desk", "EMAIL_HOST_PASSWORD": "pw",
             "EMAIL_USE_TLS": "1", "CASEDESK_FROM_EMAIL": "Desk <desk@x.test>"},
            [SMTP, "mx.test", 587, "desk", "pw", True, "{var}/mail", "Desk <desk@x.test>"],
        ),
        (
            {"EMAIL_HOST": "mx.test", "EMAIL_BACKEND": FILES, "EMAIL_FILE_PATH": "/srv/out",
             "DEFAULT_FROM_EMAIL": "a@b.test", "CASEDESK_FROM_EMAIL": "old@b.test"},
            [FILES, "mx.test", 25, "", "", False, "/srv/out", "a@b.test"],
        ),
    ],
)  # fmt: skip
def test_the_email_settings_come_from_the_environment(tmp_path: Path, env: dict, expected: list) -> None:  # type: ignore[type-arg]
    var = str((tmp_path / "var").resolve())
    assert settings_with(tmp_path, **env) == [e.replace("{var}", var) if isinstance(e, str) else e for e in expected]
