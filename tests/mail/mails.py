"""Raw RFC 5322 messages for the intake tests, built with the stdlib as a mail program would send them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

_seq = itertools.count(1)


def mail(
    frm: str = "Alice <alice@no.test>",
    to: str = "support@plmgroup.no",
    subject: str = "SOLIDWORKS crashes on save",
    body: str = "It crashes when I save an assembly.",
    *,
    message_id: str | None = None,
    in_reply_to: str = "",
    cc: str = "",
    headers: dict[str, str] | None = None,
    files: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id or f"<m{next(_seq)}@mail.test>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for name, ctype, data in files:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()
