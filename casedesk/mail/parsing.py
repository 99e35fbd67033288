"""A raw message to what a case needs: sender, subject, thread references, text, safe HTML and files.

The stdlib parser with policy=default reads well-formed mail; every access that can fail on broken
input falls back to the raw value (decoding.header) or is skipped with a notice, so parse() never raises
on what a sender can put in a message.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import functools
import html as html_lib
import mimetypes
import re
from collections import deque
from dataclasses import dataclass, field
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message
from email.utils import getaddresses, parseaddr

import nh3

from casedesk.mail.bounces import DeliveryReport, delivery_report
from casedesk.mail.decoding import clean, decode_bytes, header, plain_header, raw_values

MAX_PARTS = 1000  # parts read per message; the rest are named in a notice
MAX_HTML_CHARS = 2_000_000
_ID = re.compile(r"<[^<>\s]{1,245}>")
_ADDRESS = re.compile(r"[^\s<>\"'(),;:@]+@[^\s<>\"'(),;:@]+\.[^\s<>\"'(),;:@]+")
NOISE_HEADERS = (
    "auto-submitted",
    "precedence",
    "x-autoreply",
    "x-autorespond",
    "x-autoresponse",
    "x-auto-reply",
    "x-mail-autoreply",
    "x-autoreply-from",
    "return-path",
    "list-id",
)


@dataclass
class File:
    name: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class Parsed:
    subject: str = ""
    sender: str = ""  # lower-case address from From (or Sender)
    sender_name: str = ""
    cc: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""  # the full text (from the HTML when there is no plain part)
    html: str = ""  # sanitised
    files: list[File] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # the noise headers, lower-case names
    report: DeliveryReport | None = None


class _ReusedHeaders(HeaderRegistry):
    """policy.default's header classes, each (name, value) parsed once per process: the stdlib parses a header
    again on every read (a Content-Type a dozen times per message), and the same short values (Content-Type,
    Content-Transfer-Encoding, MIME-Version) come in every message. The header objects are immutable strings;
    long values are parsed as before, never kept."""

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process, kept on purpose
    def _cached(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > 300:
            return super().__call__(name, value)
        return self._cached(name, value)


POLICY = email.policy.default.clone(header_factory=_ReusedHeaders())


def parse(raw: bytes) -> Parsed:
    msg = email.message_from_bytes(raw, policy=POLICY)
    out = Parsed(subject=header(msg, "subject")[:1000])
    out.sender_name, out.sender = _sender(msg)
    out.cc = [a.lower() for _, a in _addresses(msg, "cc") + _addresses(msg, "to")]
    out.in_reply_to = _ids(msg, "in-reply-to")
    out.references = _ids(msg, "references")
    out.headers = {name: value for name in NOISE_HEADERS if (value := plain_header(msg, name))}
    out.report = delivery_report(msg)
    _walk(msg, out)
    return out


def _sender(msg: Message) -> tuple[str, str]:
    for name in ("from", "sender", "reply-to"):
        pairs = _addresses(msg, name)
        if pairs:
            display, address = pairs[0]
            return display[:200], address.lower()[:320]
    return "", ""


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for value in [plain_header(msg, name), next(raw_values(msg, name), "")]:
        try:
            pairs = getaddresses([value])
        except Exception:  # a value even the lenient parser cannot split
            pairs = [parseaddr(value)]
        found = [(clean(n), clean(a)) for n, a in pairs if "@" in a and _ADDRESS.fullmatch(a)]
        if not found:
            found = [("", a) for a in _ADDRESS.findall(value)]
        if found:
            return found[:50]
    return found


def _ids(msg: Message, name: str) -> list[str]:
    return [i for v in raw_values(msg, name) for i in _ID.findall(clean(v))][:100]


def _walk(msg: Message, out: Parsed) -> None:
    texts: list[str] = []
    forwarded_texts: list[str] = []
    queue: deque[Message] = deque([msg])
    seen = 0
    while queue:
        part = queue.popleft()
        seen += 1
        if seen > MAX_PARTS:
            out.notices.append(f"only the first {MAX_PARTS} parts of this message were read")
            break
        ctype = _content_type(part)
        if ctype in {"message/rfc822", "message/global"}:
            _nested(part, out, forwarded_texts)
        elif part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):  # depth first, in the order the sender wrote them
                queue.extendleft(reversed([c for c in children if isinstance(c, Message)]))
        elif ctype in {"message/delivery-status", "text/rfc822-headers", "message/disposition-notification"}:
            continue  # read by bounces.delivery_report
        elif ctype == "text/plain" and not _is_attachment(part):
            texts.append(decode_bytes(_payload(part), _charset(part)))
        elif ctype == "text/html" and not _is_attachment(part):
            if not out.html:
                out.html = nh3.clean(decode_bytes(_payload(part), _charset(part))[:MAX_HTML_CHARS])
        else:
            out.files.append(_file(part, ctype, len(out.files) + 1))
    text = "\n\n".join(t.strip("\n") for t in texts if t.strip())
    out.text = text or html_to_text(out.html) or "\n\n".join(forwarded_texts)


def _nested(part: Message, out: Parsed, texts: list[str]) -> None:
    """A forwarded message: kept whole as an .eml file; its text stands in when the outer has none."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], Message) else None
    if inner is None:
        out.files.append(_file(part, "message/rfc822", len(out.files) + 1))
        return
    try:
        data = inner.as_bytes(policy=email.policy.compat32)
    except Exception:  # a nested message too broken to write back out: keep what can be read
        data = clean(str(inner.get_payload())).encode()
    subject = header(inner, "subject") or "forwarded message"
    out.files.append(File(f"{subject[:80]}.eml", "message/rfc822", data))
    with contextlib.suppress(Exception):  # its text is a convenience; the .eml is already kept
        texts.append(parse(data).text)


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding: the bytes as they came
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment" or bool(part.get_filename())
    except Exception:
        return True


def _file(part: Message, ctype: str, n: int) -> File:
    try:
        name = part.get_filename() or ""
    except Exception:  # a broken RFC 2231 parameter
        name = ""
    name = clean(name)
    inline = ctype.startswith("image/") and (_disposition(part) == "inline" or bool(header(part, "content-id")))
    if not name:
        ext = mimetypes.guess_extension(ctype) or ".bin"
        name = f"{'inline' if inline else 'part'}-{n}{ext}"
    return File(name, ctype, _payload(part), inline)


def _disposition(part: Message) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:
        return ""


_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|tr|li|h[1-6]|table|blockquote|pre)\s*>")


def html_to_text(html: str) -> str:
    """Readable text of an HTML body (already sanitised): line breaks at block ends, no tags, entities decoded."""
    if not html:
        return ""
    text = html_lib.unescape(nh3.clean(_BLOCK_END.sub("\n", html), tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
