"""Delivery status reports (RFC 3464 multipart/report): which of our messages failed, to whom and why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

from casedesk.mail.decoding import clean, header

_ID = re.compile(rb"^message-id:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


@dataclass
class DeliveryReport:
    original_id: str = ""  # the Message-ID of the message that could not be delivered
    recipients: list[str] = field(default_factory=list)
    status: str = ""  # e.g. 5.1.1
    action: str = ""  # failed | delayed | ...
    diagnostic: str = ""


def delivery_report(msg: Message) -> DeliveryReport | None:
    """The report of a multipart/report; report-type=delivery-status message, else None."""
    try:
        if msg.get_content_type() != "multipart/report":
            return None
        if (msg.get_param("report-type") or "").lower() != "delivery-status":  # type: ignore[union-attr]
            return None
        parts = msg.get_payload()
    except Exception:  # a header too broken to tell: not a report we can read
        return None
    report = DeliveryReport()
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, Message):
            continue
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            _status(part, report)
        elif ctype in {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"}:
            report.original_id = report.original_id or _original_id(part)
    return report


def _status(part: Message, report: DeliveryReport) -> None:
    blocks = part.get_payload()
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, Message):
            continue
        recipient = header(block, "final-recipient") or header(block, "original-recipient")
        if recipient:
            report.recipients.append(recipient.split(";")[-1].strip()[:320])
            report.status = report.status or header(block, "status")[:20]
            report.action = report.action or header(block, "action")[:20]
            report.diagnostic = report.diagnostic or header(block, "diagnostic-code")[:500]


def _original_id(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        found = re.search(r"<[^<>\s]+>", header(payload[0], "message-id"))
        return found.group(0) if found else ""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return ""
    match = _ID.search(data) if isinstance(data, bytes) else None
    return clean(match.group(1).decode("ascii", "replace")) if match else ""
