"""Parsing without a database: charsets, encoded words, file names, nested messages, HTML, quotes."""

from __future__ import annotations

from casedesk.cases.attachments import clean_name
from casedesk.mail.decoding import decode_bytes
from casedesk.mail.parsing import html_to_text, parse
from casedesk.mail.quotes import fold


def _text_mail(charset: str, body: bytes) -> bytes:
    head = f"From: a@b.test\nSubject: s\nContent-Type: text/plain; charset={charset}\n\n"
    return head.encode() + body


def test_charsets_declared_right_wrong_or_unknown() -> None:
    assert parse(_text_mail("utf-8", "Blåbær".encode())).text == "Blåbær"
    assert parse(_text_mail("iso-8859-1", "Blåbær".encode("latin-1"))).text == "Blåbær"
    assert parse(_text_mail("iso-8859-15", "€ pris".encode("iso-8859-15"))).text == "€ pris"
    assert parse(_text_mail("windows-1252", "“quoted” €".encode("cp1252"))).text == "“quoted” €"
    assert parse(_text_mail("koi8-r", "Привет".encode("koi8_r"))).text == "Привет"
    # Declared Latin-1, written as Windows-1252 (curly quotes): read as the superset.
    assert parse(_text_mail("iso-8859-1", "“x”".encode("cp1252"))).text == "“x”"
    # Declared UTF-8 but Latin-1 bytes; an unknown charset; a non-text codec name.
    assert parse(_text_mail("utf-8", "Sørby".encode("latin-1"))).text == "Sørby"
    assert parse(_text_mail("x-klingon", "Grüße".encode())).text == "Grüße"
    assert parse(_text_mail("zlib", b"plain")).text == "plain"


def test_nul_and_stray_bytes_never_reach_a_text_column() -> None:
    assert decode_bytes(b"a\x00b", "utf-8") == "ab"
    parsed = parse(b"From: a@b.test\nSubject: R\xe4ksm\xf6rg\xe5s\n\nx")
    assert parsed.subject == "Räksmörgås"


def test_rfc_2047_words_and_rfc_2231_file_names_without_traversal() -> None:
    raw = (
        b"From: =?utf-8?q?J=C3=B8rgen_S=C3=B8rby?= <JORGEN@Example.test>\n"
        b"Subject: =?iso-8859-1?q?Fr=E5ga?= om =?utf-8?b?w6Vy?=\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nhello\n"
        b"--b\nContent-Type: application/pdf\n"
        b"Content-Disposition: attachment; filename*=utf-8''..%2F..%2Fetc%2Fr%C3%A4kning.pdf\n"
        b"Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b--\n"
    )
    parsed = parse(raw)
    assert (parsed.sender_name, parsed.sender) == ("Jørgen Sørby", "jorgen@example.test")
    assert parsed.subject == "Fråga om år"
    (f,) = parsed.files
    assert f.data == b"hello" and clean_name(f.name) == "räkning.pdf"


def test_inline_images_nested_messages_and_sanitised_html() -> None:
    raw = (
        b'From: a@b.test\nSubject: s\nContent-Type: multipart/mixed; boundary="o"\n\n'
        b'--o\nContent-Type: multipart/related; boundary="r"\n\n'
        b"--r\nContent-Type: text/html; charset=utf-8\n\n"
        b'<p onclick="x()">Hi<script>alert(1)</script><br><img src="cid:i1"></p><p>Line &amp; two</p>\n'
        b"--r\nContent-Type: image/png\nContent-ID: <i1>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
        b"--r--\n"
        b"--o\nContent-Type: message/rfc822\n\n"
        b"From: c@d.test\nSubject: Original problem\n\nThe forwarded text.\n"
        b"--o--\n"
    )
    parsed = parse(raw)
    assert "<script>" not in parsed.html and "onclick" not in parsed.html
    assert parsed.text == "Hi\n\nLine & two"
    image, forwarded = parsed.files
    assert image.inline and image.name == "inline-1.png" and image.data.startswith(b"\x89PNG")
    assert forwarded.name == "Original problem.eml" and b"The forwarded text." in forwarded.data


def test_thread_references_and_a_delivery_report() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.test\nSubject: Undelivered\nIn-Reply-To: <a@x>\nReferences: <r1@x>\n <r2@x>\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nCould not deliver.\n"
        b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.test\n\n"
        b"Final-Recipient: rfc822; gone@customer.test\nAction: failed\nStatus: 5.1.1\n"
        b"Diagnostic-Code: smtp; 550 no such user\n\n"
        b"--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <sent-1@casedesk>\nSubject: Case\n\n"
        b"--b--\n"
    )
    parsed = parse(raw)
    assert (parsed.in_reply_to, parsed.references) == (["<a@x>"], ["<r1@x>", "<r2@x>"])
    report = parsed.report
    assert report is not None
    assert (report.original_id, report.status) == ("<sent-1@casedesk>", "5.1.1")
    assert report.recipients == ["gone@customer.test"]
    assert "550 no such user" in report.diagnostic


def test_quoted_replies_and_signatures_fold_away() -> None:
    gmail = "Yes, it works now.\n\nOn Tue, 1 Dec 2026 at 10:00, Bob <bob@desk.test>\nwrote:\n> Try SP5.1\n> Bob"
    assert fold(gmail) == "Yes, it works now."
    outlook = "Thanks\n\nFrom: Bob <bob@desk.test>\nSent: Tuesday\nTo: Alice\nSubject: Re: x\n\nTry SP5.1"
    assert fold(outlook) == "Thanks"
    signature = "See the log.\n-- \nAlice\nACME AS"
    assert fold(signature) == "See the log."
    interleaved = "> question one\nanswer one\n> question two\nanswer two"
    assert fold(interleaved) == interleaved  # quotes between new lines are part of the answer
    assert fold("> only a quote") == "> only a quote"  # nothing new: keep it all


def test_html_to_text_keeps_line_breaks_and_drops_style() -> None:
    assert html_to_text("<style>p{}</style><div>a</div><div>b<br>c</div>") == "a\nb\nc"


def test_a_long_non_ascii_file_name_fits_the_file_system() -> None:
    from casedesk.mail.writing import fit_name

    name = fit_name(clean_name("å" * 300 + ".pdf"))
    assert name.endswith("å.pdf") and len(name.encode()) <= 150
