"""Storing a delivery: the raw bytes are committed in their own transaction before anything parses them.

Only the header block is scanned here (Message-ID, trace headers), with plain byte patterns that
cannot fail on broken input. A delivery is identified by Message-ID + fingerprint + recipient, so the
same message delivered twice (pipe and IMAP, or an MTA's retry) is one row.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from casedesk.mail import rows
from casedesk.mail.models import InboundMessage

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
# Headers that each hop adds or changes: the same message reaches us through the pipe and IMAP with
# different ones, so they stay out of the fingerprint.
_TRACE = (b"received:", b"return-path:", b"delivered-to:", b"x-original-to:", b"envelope-to:", b"x-envelope-to:")
HEADERS_KEPT_WHEN_TOO_LARGE = 64 * 1024


def max_mail_bytes() -> int:
    """The largest message kept whole: by default five attachments' worth (base64 adds a third)."""
    upload = int(getattr(settings, "CASEDESK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
    return int(getattr(settings, "CASEDESK_MAX_MAIL_BYTES", 5 * upload))


def header_block(raw: bytes) -> bytes:
    end = _HEADER_END.search(raw)
    return raw[: end.start()] if end else raw


def message_id_of(raw: bytes) -> str:
    """The Message-ID as written (angle brackets kept), or '' when there is none."""
    found = _MESSAGE_ID.search(header_block(raw))
    if not found:
        return ""
    value = re.sub(rb"\s+", b"", found.group(1)).decode("ascii", "replace")
    inner = re.search(r"<[^<>]*>", value)
    return normalise_id(inner.group(0) if inner else value)


def normalise_id(value: str) -> str:
    """Message-IDs compare without surrounding space, in brackets, NUL-free, capped to the column."""
    value = value.strip().replace("\x00", "")
    if value and not value.startswith("<"):
        value = f"<{value}>"
    return value[:250]


def fingerprint(raw: bytes) -> str:
    """sha256 of the message with LF line ends and without the trace headers."""
    text = raw.replace(b"\r\n", b"\n")
    end = text.find(b"\n\n")
    head, body = (text[:end], text[end:]) if end >= 0 else (text, b"")
    kept: list[bytes] = []
    skipping = False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        skipping = line.lower().startswith(_TRACE)
        if not skipping:
            kept.append(line)
    return hashlib.sha256(b"\n".join(kept) + body).hexdigest()


def store(raw: bytes, recipient: str, *, source: str, at: datetime | None = None) -> tuple[InboundMessage, bool]:
    """Commit the delivery; (row, created). A delivery stored before returns the existing row."""
    if source not in InboundMessage.Source.values:
        raise ValueError(f"unknown source {source!r}")
    recipient = recipient.strip().lower()[:320]
    message_id = message_id_of(raw)
    fp = fingerprint(raw)
    size = len(raw)
    limit = max_mail_bytes()
    truncated = size > limit
    row = InboundMessage(
        received_at=at or timezone.now(),
        source=source,
        recipient=recipient,
        message_id=message_id,
        sha256=hashlib.sha256(raw).hexdigest(),
        fingerprint=fp,
        size=size,
        # Over the limit only the headers are kept, so the sender can still be told and the case found.
        raw=header_block(raw)[:HEADERS_KEPT_WHEN_TOO_LARGE] if truncated else raw,
        truncated=truncated,
    )
    # Insert first: the unique constraint on (Message-ID, fingerprint, recipient) decides, in one statement, whether
    # this delivery is new; a delivery stored before (a retry, another process) is then read back.
    try:
        with transaction.atomic():
            rows.insert(row)  # one plain INSERT ... RETURNING id: the ORM would spend longer building it
    except IntegrityError:
        same = InboundMessage.objects.filter(message_id=message_id, fingerprint=fp, recipient=recipient)
        existing = same.defer("raw", "text", "html").first()
        if existing is None:  # refused for another reason than an earlier delivery
            raise
        return existing, False
    return row, True
