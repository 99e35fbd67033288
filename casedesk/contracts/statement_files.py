"""A statement as a file: CSV (streamed, row by row) and PDF (fpdf2), for the console and the portal.

The CSV has a header row, the opening balances, one row per ledger entry (its id in `entry`), the closing
balances and the billed totals per currency; decimals are written exactly as stored ("6.00"), UTF-8 without a
BOM. The PDF has the same lines in a table; it needs a Unicode TrueType font for names like "Þórður", "Žďár" or
"Montréal": DejaVu Sans (Debian's fonts-dejavu-core, which scripts/system-packages.sh installs). Without it the
PDF falls back to a built-in font and writes what Latin-1 lacks without its accents ("Žďár" -> "Zdár").
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from fpdf import FPDF

from casedesk.accounts.models import Company, Contract
from casedesk.contracts import statements
from casedesk.contracts.statements import Balances, Line, Statement

CSV_HEADER = [
    "entry",
    "date",
    "time",
    "kind",
    "what",
    "case",
    "service_type",
    "rate",
    "grace_calls",
    "hours",
    "amount",
    "currency",
    "hours_balance",
    "credit_balance",
    "billed",
    "corrects",
    "note",
]
FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu (fonts-dejavu-core)
    Path("/usr/share/fonts/dejavu"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/local/share/fonts"),
]
CENT = Decimal("0.01")
FORMATS = {"", "csv", "pdf"}
FORMULA_STARTS = frozenset("=+-@\t\r")
PAGE_LINES = 500  # lines shown on a page; the CSV and the PDF have every line


def decimal_text(value: Decimal | None) -> str:
    """A stored amount or hours as written in the ledger: two places, never through a float."""
    return "" if value is None else str(value.quantize(CENT))


def filename(st: Statement, ext: str) -> str:
    scope = f"contract-{st.contract.pk}" if st.contract is not None else f"company-{st.company.pk}"
    return f"statement-{scope}-{st.start:%Y-%m-%d}-{st.end:%Y-%m-%d}.{ext}"


def text_cell(text: str) -> str:
    """Free text (a note, a rate's name) as a spreadsheet shows it, never as a formula: a leading = + - @ gets
    an apostrophe (OWASP's CSV injection advice); numbers are written by decimal_text and left as they are."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def line_row(line: Line) -> list[str]:
    return [
        str(line.entry),
        f"{line.at:%Y-%m-%d}",
        f"{line.at:%H:%M}",
        line.kind,
        line.what,
        text_cell(line.case),
        text_cell(line.service_type),
        text_cell(line.rate),
        str(line.count) if line.count else "",
        decimal_text(line.hours),
        decimal_text(line.amount),
        line.currency,
        decimal_text(line.hours_balance),
        decimal_text(line.credit_balance),
        decimal_text(line.billed),
        str(line.corrects) if line.corrects is not None else "",
        text_cell(line.note),
    ]


def _summary_row(kind: str, what: str, day: str, **values: str) -> list[str]:
    row = dict.fromkeys(CSV_HEADER, "")
    row.update(kind=kind, what=what, date=day, **values)
    return [row[name] for name in CSV_HEADER]


def _balance_rows(kind: str, what: str, day: date, balances: Balances) -> Iterator[list[str]]:
    yield _summary_row(kind, what, f"{day:%Y-%m-%d}", hours_balance=decimal_text(balances.hours))
    for currency, credit in balances.credit_rows():
        yield _summary_row(kind, what, f"{day:%Y-%m-%d}", currency=currency, credit_balance=decimal_text(credit))


def csv_rows(st: Statement) -> Iterator[list[str]]:
    """The header, the opening balances, a row per line, the closing balances, what was billed and bought."""
    end = f"{st.end:%Y-%m-%d}"
    yield CSV_HEADER
    yield from _balance_rows("opening", gettext("opening balance"), st.start, st.opening)
    yield from (line_row(line) for line in st.lines())
    yield from _balance_rows("closing", gettext("closing balance"), st.end, st.closing)
    for currency, total in st.billed_rows():
        yield _summary_row(
            "billed", gettext("billed in the period"), end, currency=currency, billed=decimal_text(total)
        )
    for currency, total in st.bought_rows():
        yield _summary_row(
            "bought", gettext("bought in the period"), end, currency=currency, amount=decimal_text(total)
        )
    if st.grace_calls:
        yield _summary_row(
            "grace_calls", gettext("grace calls used in the period"), end, grace_calls=str(st.grace_calls)
        )


class _Echo:
    """A file-like object whose write returns the text: csv.writer then yields each row as a string."""

    def write(self, value: str) -> str:
        return value


def csv_text(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    return (writer.writerow(row) for row in rows)


def csv_chunks(rows: Iterable[list[str]], size: int = 500) -> Iterator[bytes]:
    """The CSV in UTF-8, `size` rows a chunk (one chunk per row would cost a trip through the server each)."""
    texts = csv_text(rows)
    while chunk := "".join(itertools.islice(texts, size)):
        yield chunk.encode()


def csv_response(st: Statement) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(csv_rows(st)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(st, "csv")}"'
    return response


# PDF


def font_files() -> tuple[Path, Path] | None:
    """DejaVu Sans, regular and bold, where the machine has them."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    """Text a built-in PDF font can show: Latin-1 as it is, other letters without their accents, the rest '?'."""
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


class _Pdf(FPDF):
    def __init__(self, footer_text: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.footer_text = footer_text
        self.text_of: Callable[[str], str] = str

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(size=7)
        page = gettext("page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, self.text_of(f"{self.footer_text} · {page}"), align="R")


WIDTHS = (15, 26, 36, 18, 36, 13, 17, 18, 16, 18, 64)  # mm, 277 in all: A4 landscape less the margins
RIGHT = frozenset({5, 6, 7, 9})  # the numbers' columns
LINE_MM = 4.0


class _Table:
    """Rows of cells with borders: a cell's text wraps at spaces only when it does not fit, and a row that would
    cross the bottom margin starts a new page with the headings again. Text is placed with `FPDF.text` and the
    widths of words are measured once: fpdf2's own `table()` lays out every cell through `multi_cell`, about 80
    rows a second here, too slow for a long statement."""

    def __init__(self, pdf: FPDF, widths: tuple[int, ...], headings: list[str], family: str) -> None:
        self.pdf, self.widths, self.headings, self.family = pdf, widths, headings, family
        self.room = [w - 2 * pdf.c_margin for w in widths]
        self.measured: dict[tuple[str, str], float] = {}

    def width(self, text: str) -> float:
        key = (self.pdf.font_style, text)
        found = self.measured.get(key)
        if found is None:
            if len(self.measured) > 50_000:
                self.measured.clear()
            found = self.measured[key] = self.pdf.get_string_width(text)
        return found

    def _lines(self, i: int, text: str) -> list[str]:
        room = self.room[i]
        if not text or self.width(text) <= room:
            return [text]
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            joined = f"{current} {word}" if current else word
            if not current or self.width(joined) <= room:
                current = joined
            else:
                lines.append(current)
                current = word
            while self.width(current) > room and len(current) > 1:  # a word longer than the column: cut it
                cut = len(current) - 1
                while cut > 1 and self.width(current[:cut]) > room:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
        return lines

    def heading(self) -> None:
        self.pdf.set_font(self.family, "B", 7.5)
        self.row(self.headings, heading=True)
        self.pdf.set_font(self.family, "", 7.5)

    def row(self, cells: list[str], *, heading: bool = False) -> None:
        pdf = self.pdf
        wrapped = [self._lines(i, text) for i, text in enumerate(cells)]
        height = LINE_MM * max(len(lines) for lines in wrapped)
        if not heading and pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            self.heading()
        x, y = pdf.l_margin, pdf.get_y()
        baseline = (LINE_MM + pdf.font_size * 0.7) / 2
        if heading:
            pdf.set_fill_color(235, 235, 235)
        for i, lines in enumerate(wrapped):
            pdf.rect(x, y, self.widths[i], height, style="DF" if heading else "D")
            for n, text in enumerate(lines):
                if text:
                    left = x + pdf.c_margin
                    if i in RIGHT and not heading:
                        left = x + self.widths[i] - pdf.c_margin - self.width(text)
                    pdf.text(left, y + n * LINE_MM + baseline, text)
            x += self.widths[i]
        pdf.set_xy(pdf.l_margin, y + height)


def new_pdf(title: str, author: str) -> tuple[_Pdf, str]:
    """A landscape A4 document titled and authored, with DejaVu Sans when installed (else Helvetica and
    Latin-1 text); returns it and the font family to use. Pages are broken by _Table, not automatically."""
    pdf = _Pdf(title, orientation="L", unit="mm", format="A4")
    fonts = font_files()
    if fonts is not None:
        pdf.add_font("DejaVu", "", fonts[0])
        pdf.add_font("DejaVu", "B", fonts[1])
        family = "DejaVu"
    else:
        family = "Helvetica"
        pdf.text_of = latin1
    pdf.set_title(pdf.text_of(title))
    pdf.set_author(pdf.text_of(author))
    pdf.set_creator("casedesk")
    pdf.set_auto_page_break(False, margin=15)
    return pdf, family


def pdf_bytes(st: Statement) -> bytes:
    company, contract = st.company.name, st.contract
    title = gettext("Statement: %(company)s, %(start)s to %(end)s") % {
        "company": company,
        "start": f"{st.start:%Y-%m-%d}",
        "end": f"{st.end:%Y-%m-%d}",
    }
    pdf, family = new_pdf(title, st.company.desk.name)
    t = pdf.text_of
    pdf.add_page()
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 8, t(gettext("Statement")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    facts = [
        (gettext("Company"), company),
        (
            gettext("Contract"),
            str(contract.service_number or contract.tier or contract.pk) if contract else gettext("all"),
        ),
        (gettext("Period"), f"{st.start:%Y-%m-%d} – {st.end:%Y-%m-%d} ({st.zone})"),
        (gettext("Opening balance"), _balances_text(st.opening.hours, st.opening.credit_rows())),
        (gettext("Closing balance"), _balances_text(st.closing.hours, st.closing.credit_rows())),
        (gettext("Billed in the period"), _money_text(st.billed_rows()) or "—"),
        (gettext("Bought in the period"), _money_text(st.bought_rows()) or "—"),
        (gettext("Ledger read up to entry"), f"#{st.as_of_entry}"),
    ]
    if contract is not None:
        facts.insert(2, (gettext("Currency"), contract.currency))
    if st.grace_calls:
        facts.append((gettext("Grace calls used"), str(st.grace_calls)))
    for label, value in facts:
        pdf.set_font(family, "B", 9)
        pdf.cell(48, 5, t(label))
        pdf.set_font(family, "", 9)
        pdf.cell(0, 5, t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "", 7.5)
    headings = [
        gettext("Entry"),
        gettext("Date"),
        gettext("What"),
        gettext("Case"),
        gettext("Service / rate"),
        gettext("Hours"),
        gettext("Hours left"),
        gettext("Amount"),
        gettext("Currency"),
        gettext("Credit left"),
        gettext("Note"),
    ]
    table = _Table(pdf, WIDTHS, [t(text) for text in headings], family)
    table.heading()
    for line in st.lines():
        service = " / ".join(part for part in (line.service_type, line.rate) if part)
        cells = [
            f"#{line.entry}",
            f"{line.at:%Y-%m-%d %H:%M}",
            line.what + (f" ({line.count})" if line.count else ""),
            line.case,
            service,
            decimal_text(line.hours),
            decimal_text(line.hours_balance),
            decimal_text(line.amount),
            line.currency,
            decimal_text(line.credit_balance),
            line.note,
        ]
        table.row([t(text) for text in cells])
    if not st.count:
        pdf.cell(0, 6, t(gettext("No ledger entries in this period.")), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _money_text(rows: list[tuple[str, Decimal]]) -> str:
    return ", ".join(f"{decimal_text(value)} {currency}" for currency, value in rows)


def _balances_text(hours: Decimal, credit: list[tuple[str, Decimal]]) -> str:
    text = gettext("%(hours)s hours") % {"hours": decimal_text(hours)}
    money = _money_text(credit)
    return f"{text}; {gettext('credit')} {money}" if money else text


def pdf_response(st: Statement) -> HttpResponse:
    response = HttpResponse(pdf_bytes(st), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(st, "pdf")}"'
    return response


# A statement asked for by a page (console or portal)


class BadRequest(ValueError):
    """A request for a statement that cannot be answered (400); the message says why."""


@dataclass(frozen=True)
class Asked:
    """What a statement page was asked for: the period, the contract (or all), the format."""

    start: date
    end: date
    contract: Contract | None
    format: str  # "" (the page), "csv" or "pdf"

    def query(self, **changes: str) -> str:
        values = {"from": f"{self.start:%Y-%m-%d}", "to": f"{self.end:%Y-%m-%d}"}
        if self.contract is not None:
            values["contract"] = str(self.contract.pk)
        values.update(changes)
        return urlencode(values)


def asked(company: Company, params: Mapping[str, str], zone: str) -> Asked:
    """Read ?from=&to=&contract=&format= (BadRequest for anything malformed; Http404 for another company's
    contract, as for one that does not exist)."""
    today = timezone.now().astimezone(ZoneInfo(zone)).date()
    try:
        start, end = statements.period(params, today)
    except statements.PeriodError as error:
        raise BadRequest(str(error)) from None
    fmt = (params.get("format") or "").strip().lower()
    if fmt not in FORMATS:
        raise BadRequest(gettext("“%(format)s” is not a format here: csv or pdf.") % {"format": fmt[:20]})
    raw = (params.get("contract") or "").strip()
    contract = None
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise BadRequest(gettext("“%(value)s” is not a contract number.") % {"value": raw[:20]})
        contract = Contract.objects.filter(company=company, pk=int(raw)).first()
        if contract is None:
            raise Http404("No such contract.")
    return Asked(start, end, contract, fmt)


def answer(st: Statement, fmt: str) -> HttpResponseBase:
    return csv_response(st) if fmt == "csv" else pdf_response(st)


def first_lines(st: Statement, limit: int = PAGE_LINES) -> tuple[list[Line], int]:
    """The lines a page shows, and how many more ledger entries only the files show."""
    lines = list(itertools.islice(st.lines(), limit))
    return lines, st.count - sum(1 for line in lines if line.kind != statements.EXPIRY)


def page(request: Any, company: Company, template: str, *, case_links: bool) -> HttpResponseBase:
    """A company's statement page (console and portal alike), or its CSV or PDF when `format` asks for it;
    a bad period or contract is a 400 on the same page, saying why."""
    from django.shortcuts import render

    zone = statements.home_zone(company)
    contracts = Contract.objects.filter(company=company).order_by("-ends_on", "-id")
    context: dict[str, object] = {"company": company, "contracts": contracts, "zone": zone, "params": request.GET}
    try:
        wanted = asked(company, request.GET, zone)
    except BadRequest as error:
        return render(request, template, {**context, "error": str(error)}, status=400)
    st = statements.statement(company, wanted.start, wanted.end, contract=wanted.contract)
    if wanted.format:
        return answer(st, wanted.format)
    lines, more = first_lines(st)
    context.update(
        statement=st,
        asked=wanted,
        lines=lines,
        more=more,
        csv_query=wanted.query(format="csv"),
        pdf_query=wanted.query(format="pdf"),
        case_links=case_links,
    )
    return render(request, template, context)
