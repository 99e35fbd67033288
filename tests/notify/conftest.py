"""A real SMTP server (aiosmtpd on a free loopback port) as the e-mail backend's server, capturing messages.

`answers` scripts the server: each entry answers one DATA command in turn ("451 4.3.0 try later"); when
they run out, messages are accepted and kept in `messages`.
"""

from __future__ import annotations

import email
import socket
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Capture:
    messages: list[Received] = field(default_factory=list)
    answers: deque[str] = field(default_factory=deque)
    refuse_all: str = ""  # a DATA answer given every time (a server refusing for good, or for ever)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_all:
            return self.refuse_all
        if self.answers:
            return self.answers.popleft()
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.messages if address in r.rcpt_tos]


@pytest.fixture
def smtp(settings: Any) -> Iterator[Capture]:
    capture = Capture()
    controller = Controller(capture, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield capture
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    """Attachments land in the test's own directory, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """`make test` compiles the catalogues first; pytest alone compiles a missing or stale .mo the same way."""
    import shutil
    import subprocess
    from pathlib import Path

    from django.conf import settings
    from django.utils.translation import trans_real

    msgfmt = shutil.which("msgfmt")
    stale = [
        po
        for po in (Path(settings.BASE_DIR) / "locale").glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale and msgfmt:
        for po in stale:
            subprocess.run([msgfmt, "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = trans_real.Local()
