"""Bytes and header values to clean text that any database column accepts, whatever the sender declared."""

from __future__ import annotations

import email.header
from collections.abc import Iterator
from email.message import Message

# A declared Latin-1 or ASCII text is read as Windows-1252, its superset, as browsers do (WHATWG).
_WIDER = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}


def decode_bytes(data: bytes, charset: str | None) -> str:
    """The declared charset when it decodes the bytes, else UTF-8, else Windows-1252; never raises."""
    tried: list[str] = []
    if charset:
        name = charset.strip().strip('"').lower()
        try:
            import codecs

            name = codecs.lookup(name).name
        except (LookupError, ValueError):
            name = ""  # unknown or misspelt charset: fall back below
        if name:
            tried.append(_WIDER.get(name, name))
    tried += ["utf-8", "cp1252"]
    for codec in tried:
        try:
            return clean(data.decode(codec))
        except (UnicodeDecodeError, LookupError, ValueError):
            continue
    return clean(data.decode("utf-8", "replace"))


def clean(text: str) -> str:
    """No lone surrogates (8-bit bytes the parser kept escaped) and no NUL (PostgreSQL refuses it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "replace")
        text = decode_bytes(raw, "utf-8")
    return text.replace("\x00", "")


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words of a raw header value, leniently (compat32's decoder)."""
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:  # any malformed encoded word: keep the value as written
        return value


def header(msg: Message, name: str) -> str:
    """The first value of a header as text ('' when absent), even when the modern parser chokes on it."""
    raw = next(raw_values(msg, name), None)
    if raw is not None and _has_raw_bytes(raw):
        return clean(" ".join(_decode_words(raw).split()))  # 8-bit bytes in a header: our charset guess, not U+FFFD
    try:
        value = msg.get(name)
        if value is not None:
            return clean(" ".join(str(value).split()))
    except Exception:  # the header's structured parse failed: read it raw
        pass
    for raw in raw_values(msg, name):
        return clean(" ".join(_decode_words(raw).split()))
    return ""


def _has_raw_bytes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def plain_header(msg: Message, name: str) -> str:
    """A header's first value decoded word by word, without the structured parse (tokens, addresses: faster)."""
    raw = next(raw_values(msg, name), None)
    return "" if raw is None else clean(" ".join(_decode_words(raw).split()))


def raw_values(msg: Message, name: str) -> Iterator[str]:
    """Every value of a header exactly as received (no structured parsing)."""
    lowered = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == lowered:
            yield str(value)
