"""Folding quoted replies and signatures away for display; the full text is always kept beside it."""

from __future__ import annotations

import re

# Lines that start the quoted original in the common mail programs (English, Nordic, German, French, Finnish).
_ATTRIBUTION = re.compile(
    r"^(?:"
    r"(?:On|Le|Am|Den|På|Dne)\b.{0,200}(?:wrote|écrit|schrieb|skrev|skrifaði|napsal)\s*:"
    r"|.{0,200}\bkirjoitti\s*:"
    r"|-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Opprinnelig melding|Ursprungligt meddelande"
    r"|Oprindelig meddelelse|Message d'origine|Alkuperäinen viesti)\s*-{2,}"
    r"|_{20,}"
    r")\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^(?:From|Från|Fra|De|Von|Lähettäjä)\s*:", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^(?:Sent|Date|Skickat|Sendt|Envoyé|Gesendet|Lähetetty|To|Till|Til|À|An)\s*:", re.I)


def fold(text: str) -> str:
    """The new part of a message: without the quoted original and the signature (or all of it if nothing is new)."""
    lines = text.splitlines()
    cut = _cut_at(lines)
    new = "\n".join(lines[:cut]).strip()
    return new if new else text.strip()


def _cut_at(lines: list[str]) -> int:
    unquoted = [i for i, x in enumerate(lines) if x.strip() and not x.lstrip().startswith(">")]
    last_unquoted = unquoted[-1] if unquoted else -1
    for i, line in enumerate(lines):
        s = line.strip()
        if line.rstrip("\r") == "-- " or s == "--":
            return i  # the signature delimiter (RFC 3676), or its trimmed form
        joined = s if s.endswith(":") or i + 1 >= len(lines) else f"{s} {lines[i + 1].strip()}"
        if _ATTRIBUTION.match(s) or (s[:3].lower() in {"on ", "le ", "am "} and _ATTRIBUTION.match(joined)):
            return i
        if _OUTLOOK_FROM.match(s) and any(_OUTLOOK_NEXT.match(x.strip()) for x in lines[i + 1 : i + 4]):
            return i
        if s.startswith(">") and i > last_unquoted:
            return i  # a trailing block of quoted lines
    return len(lines)
