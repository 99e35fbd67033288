"""Customer statements (issue 15): opening balance, a line per ledger entry with running balances, closing balance,
totals per currency (POLICIES 0.13), the period in the desk's home zone, and the CSV and PDF files.

The ledger of "Þórður & Žďár, Montréal", a Solidxperts customer (home zone America/Toronto), written directly
(casedesk.contracts.ledger's writes have their own tests). Worked by hand for November 2026:

    before the period   #block   purchase   +10.00 h, price 1000.00 CAD   hours 10.00
                        #credit  purchase   500.00 CAD of credit          credit CAD 500.00
    opening                                                               hours 10.00, credit CAD 500.00
    2 Nov  10:00        #d1      drawdown   -1.50 h                       8.50
    5 Nov  10:00        #d2      drawdown   -2.25 h                       6.25
    6 Nov  10:00        #fix     correction +2.25 h of #d2                8.50
    10 Nov 10:00        #ppi     PPI        150.00 CAD                    8.50   billed CAD +150.00
    12 Nov 10:00        #ded     PPI deduction -150.00 CAD (#ppi, #block) 8.50   billed CAD -150.00
    13 Nov 10:00        #use     drawdown   -120.00 CAD of credit         8.50   credit CAD 380.00
    16 Nov 10:00        #eur     charge     75.00 EUR                     8.50   billed EUR +75.00
    18 Nov 10:00        #grace   grace call (count 1)                     8.50
    30 Nov 23:30        #late    drawdown   -0.50 h (04:30 UTC on 1 Dec)  8.00
    closing                                                               hours 8.00, credit CAD 380.00
    billed: CAD 0.00 (150.00 - 150.00), EUR 75.00, never one total; bought in the period: nothing
    after the period    1 Dec 00:15 drawdown -1.00 h: in no line and in no balance of November
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from casedesk.accounts.models import Company, Contract
from casedesk.cases import services
from casedesk.contracts import statement_files, statements
from casedesk.contracts.models import LedgerEntry, RateCard
from tests.cases.factories import customer, desk

pytestmark = pytest.mark.django_db
TORONTO = ZoneInfo("America/Toronto")
NAME = "Þórður & Žďár, Montréal"
Kind = LedgerEntry.Kind
D = Decimal


def at(m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, m, d, hour, minute, tzinfo=TORONTO)


class Ledger:
    """The ledger of the docstring; `ids` names each entry."""

    def __init__(self) -> None:
        d = desk("solidxperts")
        alice, contract = customer(d, country="CA", zone="America/Toronto", tier="subscription")
        Contract.objects.filter(pk=contract.pk).update(currency="CAD")
        contract.refresh_from_db()
        company = alice.company
        company.name = NAME
        company.save()
        self.company, self.contract = company, contract
        self.case = services.open_case(d, requester=alice, contract=contract, subject="Toolbox", at=at(11, 2, 9))
        self.rate = RateCard.objects.create(
            desk=d, service_type="configuration", name="Configuration (hourly)", price=D("120.00"), currency="CAD"
        )
        self.ids: dict[str, int] = {}
        self.add("block", Kind.PURCHASE, at(10, 20), hours="10.00", amount="1000.00", currency="CAD")
        self.add("credit", Kind.PURCHASE, at(10, 21), amount="500.00", currency="CAD")
        self.add("d1", Kind.DRAWDOWN, at(11, 2), hours="-1.50", block="block", case=True, rate=True)
        self.add("d2", Kind.DRAWDOWN, at(11, 5), hours="-2.25", block="block", case=True, rate=True)
        self.add("fix", Kind.CORRECTION, at(11, 6), hours="2.25", block="block", corrects="d2", note="logged twice")
        self.add("ppi", Kind.PPI, at(11, 10), amount="150.00", currency="CAD", case=True)
        self.add("ded", Kind.PPI_DEDUCTION, at(11, 12), amount="-150.00", currency="CAD", corrects="ppi", block="block")
        self.add("use", Kind.DRAWDOWN, at(11, 13), amount="-120.00", currency="CAD", rate=True)
        self.add("eur", Kind.CHARGE, at(11, 16), amount="75.00", currency="EUR", note="on-site day, Lyon")
        self.add("grace", Kind.GRACE_CALL, at(11, 18), count=1, case=True)
        self.add("late", Kind.DRAWDOWN, at(11, 30, 23, 30), hours="-0.50", block="block")
        self.add("after", Kind.DRAWDOWN, at(12, 1, 0, 15), hours="-1.00", block="block")

    def add(self, name: str, kind: str, when: datetime, **fields: object) -> LedgerEntry:
        values: dict[str, object] = {"company": self.company, "contract": self.contract, "kind": kind, "at": when}
        for key in ("hours", "amount"):
            if key in fields:
                values[key] = D(str(fields.pop(key)))
        for key in ("block", "corrects"):
            if key in fields:
                values[f"{key}_id"] = self.ids[str(fields.pop(key))]
        if fields.pop("case", False):
            values["case"] = self.case
        if fields.pop("rate", False):
            values["rate"], values["service_type"] = self.rate, "configuration"
        entry = LedgerEntry.objects.create(**values, **fields)
        self.ids[name] = entry.pk
        return entry


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


def november(ledger: Ledger, **kwargs: object) -> statements.Statement:
    return statements.statement(ledger.company, date(2026, 11, 1), date(2026, 11, 30), **kwargs)  # type: ignore[arg-type]


def test_balances_lines_and_totals_by_hand(ledger: Ledger) -> None:
    st = november(ledger)
    assert st.zone == "America/Toronto"
    assert st.opening == statements.Balances(D("10.00"), {"CAD": D("500.00")})
    assert st.closing == statements.Balances(D("8.00"), {"CAD": D("380.00")})
    assert st.billed == {"CAD": D("0.00"), "EUR": D("75.00")}
    assert st.bought == {}
    assert st.grace_calls == 1
    lines = list(st.lines())
    names = {v: k for k, v in ledger.ids.items()}
    assert [names[line.entry] for line in lines] == ["d1", "d2", "fix", "ppi", "ded", "use", "eur", "grace", "late"]
    assert st.count == len(lines) == 9
    assert [line.hours_balance for line in lines] == [
        D(x) for x in ["8.50", "6.25", "8.50", "8.50", "8.50", "8.50", "8.50", "8.50", "8.00"]
    ]
    by = {names[line.entry]: line for line in lines}
    assert by["use"].credit_balance == D("380.00")
    assert by["use"].currency == "CAD"
    assert by["d1"].credit_balance is None
    assert [by[n].billed for n in ("ppi", "ded", "eur")] == [D("150.00"), D("-150.00"), D("75.00")]
    assert by["fix"].corrects == ledger.ids["d2"]
    assert by["fix"].what == f"correction of #{ledger.ids['d2']}"
    assert by["ded"].what == f"PPI #{ledger.ids['ppi']} deducted from the block #{ledger.ids['block']}"
    assert by["d1"].case == ledger.case.number
    assert by["d1"].rate == "Configuration (hourly)"
    assert by["d1"].service_type == "configuration"
    assert by["late"].at == at(11, 30, 23, 30)
    assert by["late"].at.tzinfo == TORONTO  # shown in the desk's home zone (04:30 UTC on 1 December)
    assert by["late"].day == date(2026, 11, 30)
    assert by["eur"].note == "on-site day, Lyon"
    for line in lines:
        for value in (line.hours, line.amount, line.hours_balance, line.credit_balance, line.billed):
            assert value is None or isinstance(value, Decimal)
    # the last running balance is the closing balance
    assert lines[-1].hours_balance == st.closing.hours


def test_entries_before_the_period_count_in_the_opening_balance_only(ledger: Ledger) -> None:
    october = statements.statement(ledger.company, date(2026, 10, 1), date(2026, 10, 31))
    assert october.opening == statements.Balances(D("0.00"), {"CAD": D("0.00")})  # the currency of the closing
    assert october.closing == statements.Balances(D("10.00"), {"CAD": D("500.00")})
    assert october.bought == {"CAD": D("1500.00")}  # the block's price and the credit, not billed work
    assert october.billed == {}
    assert [line.entry for line in october.lines()] == [ledger.ids["block"], ledger.ids["credit"]]
    december = statements.statement(ledger.company, date(2026, 12, 1), date(2026, 12, 31))
    assert december.opening == november(ledger).closing
    assert [line.hours_balance for line in december.lines()] == [D("7.00")]


def test_a_block_expires_on_a_line_of_its_own(ledger: Ledger) -> None:
    """A second block of 5.00 h bought 3 Nov, last day 20 Nov; 2.00 h drawn 15 Nov; 3.00 h left expire at 00:00
    on 21 Nov (Toronto); a correction of 1.00 h of the drawdown on 25 Nov gives hours back to an expired block:
    it shows, and the balance stays. As casedesk.contracts.ledger.hours_left, which the API shows."""
    from casedesk.contracts import ledger as ledger_rules

    ledger.add("b2", Kind.PURCHASE, at(11, 3), hours="5.00", expires_on=date(2026, 11, 20))
    ledger.add("b2d", Kind.DRAWDOWN, at(11, 15), hours="-2.00", block="b2")
    ledger.add("b2fix", Kind.CORRECTION, at(11, 25), hours="1.00", block="b2", corrects="b2d")
    st = november(ledger)
    lines = list(st.lines())
    names = {v: k for k, v in ledger.ids.items()}
    seen = [names[line.entry] + ("!" if line.kind == "expiry" else "") for line in lines]
    assert seen == ["d1", "b2", "d2", "fix", "ppi", "ded", "use", "b2d", "eur", "grace", "b2!", "b2fix", "late"]
    expected = "8.50 13.50 11.25 13.50 13.50 13.50 13.50 11.50 11.50 11.50 8.50 8.50 8.00"
    assert [f"{line.hours_balance}" for line in lines] == expected.split(" ")
    expiry = lines[10]
    assert (expiry.hours, expiry.at) == (D("-3.00"), datetime(2026, 11, 21, 0, 0, tzinfo=TORONTO))
    assert expiry.what == f"hour block #{ledger.ids['b2']} expired (last day 2026-11-20)"
    assert st.closing.hours == D("8.00")
    december = statements.statement(ledger.company, date(2026, 12, 1), date(2026, 12, 31))
    assert december.opening.hours == D("8.00")
    assert december.closing.hours == D("7.00") == ledger_rules.hours_left(ledger.contract, date(2026, 12, 31))
    # a period that ends before the last day: the block's hours still count
    mid = statements.statement(ledger.company, date(2026, 11, 1), date(2026, 11, 19))
    assert mid.closing.hours == D("11.50")
    assert list(mid.lines())[-1].hours_balance == D("11.50")
    # the last day itself is still in use; a period starting the day after opens without the block
    assert statements.statement(ledger.company, date(2026, 11, 20), date(2026, 11, 20)).opening.hours == D("11.50")
    assert statements.statement(ledger.company, date(2026, 11, 21), date(2026, 11, 21)).opening.hours == D("8.50")


def test_one_contract_and_the_snapshot(ledger: Ledger) -> None:
    other = Contract.objects.create(
        desk=ledger.contract.desk, company=ledger.company, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
        currency="CAD",
    )  # fmt: skip
    LedgerEntry.objects.create(
        company=ledger.company, contract=other, kind=Kind.PURCHASE, hours=D("5.00"), at=at(11, 3)
    )
    assert november(ledger).closing.hours == D("13.00")
    only = november(ledger, contract=ledger.contract)
    assert only.closing.hours == D("8.00")
    assert only.count == 9
    # an entry written after the statement was made is in none of its lines: it was read up to one entry
    LedgerEntry.objects.create(
        company=ledger.company, contract=ledger.contract, kind=Kind.DRAWDOWN, hours=D("-1.00"), at=at(11, 20)
    )
    assert [line.hours_balance for line in only.lines()][-1] == D("8.00")
    stranger = Company.objects.create(desk=ledger.company.desk, name="Another", country="CA")
    with pytest.raises(ValueError, match="not Another's"):
        statements.statement(stranger, date(2026, 11, 1), date(2026, 11, 30), contract=ledger.contract)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, (date(2026, 11, 1), date(2026, 11, 30))),
        ({"from": "2026-02-01", "to": "2026-02-28"}, (date(2026, 2, 1), date(2026, 2, 28))),
        ({"from": " 2026-02-01 ", "to": "2026-02-01"}, (date(2026, 2, 1), date(2026, 2, 1))),
    ],
)
def test_period(values: dict[str, str], expected: tuple[date, date]) -> None:
    assert statements.period(values, date(2026, 12, 1)) == expected


def test_previous_month_over_new_year() -> None:
    assert statements.previous_month(date(2027, 1, 15)) == (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"from": "2026-11-31", "to": "2026-12-01"}, "“2026-11-31” is not a date for “from”"),
        ({"from": "2026-11-01"}, "“” is not a date for “to”"),
        ({"from": "20261101", "to": "2026-11-30"}, "not a date"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "The period ends (2026-11-01) before it starts (2026-11-30)."),
        ({"from": "2020-01-01", "to": "2026-11-01"}, "at most three years"),
    ],
)
def test_bad_periods(values: dict[str, str], message: str) -> None:
    with pytest.raises(statements.PeriodError) as error:
        statements.period(values, date(2026, 12, 1))
    assert message in str(error.value)


def test_csv_rows_are_the_lines(ledger: Ledger) -> None:
    st = november(ledger)
    text = "".join(statement_files.csv_text(statement_files.csv_rows(st)))
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    entries = [r for r in rows if r["entry"]]
    lines = list(st.lines())
    assert [r["entry"] for r in entries] == [str(line.entry) for line in lines]
    assert [r["hours_balance"] for r in entries] == [
        "8.50",
        "6.25",
        "8.50",
        "8.50",
        "8.50",
        "8.50",
        "8.50",
        "8.50",
        "8.00",
    ]
    fix = next(r for r in entries if r["entry"] == str(ledger.ids["fix"]))
    assert fix["corrects"] == str(ledger.ids["d2"])
    assert (fix["hours"], fix["kind"], fix["note"], fix["date"]) == ("2.25", "correction", "logged twice", "2026-11-06")
    d1 = next(r for r in entries if r["entry"] == str(ledger.ids["d1"]))
    assert (d1["case"], d1["rate"], d1["hours"], d1["amount"]) == (
        ledger.case.number,
        "Configuration (hourly)",
        "-1.50",
        "",
    )
    summary = [
        (r["kind"], r["currency"], r["hours_balance"], r["credit_balance"], r["billed"]) for r in rows if not r["entry"]
    ]
    assert summary == [
        ("opening", "", "10.00", "", ""),
        ("opening", "CAD", "", "500.00", ""),
        ("closing", "", "8.00", "", ""),
        ("closing", "CAD", "", "380.00", ""),
        ("billed", "CAD", "", "", "0.00"),
        ("billed", "EUR", "", "", "75.00"),
        ("grace_calls", "", "", "", ""),
    ]


def test_csv_text_is_never_a_formula(ledger: Ledger) -> None:
    ledger.add("evil", Kind.CHARGE, at(11, 20), amount="-5.00", currency="CAD", note='=HYPERLINK("http://x.test")')
    rows = list(
        csv.DictReader(io.StringIO("".join(statement_files.csv_text(statement_files.csv_rows(november(ledger))))))
    )
    evil = next(r for r in rows if r["entry"] == str(ledger.ids["evil"]))
    assert evil["note"] == '\'=HYPERLINK("http://x.test")'
    assert evil["amount"] == "-5.00"  # numbers stay numbers


def test_pdf_names_the_company_in_a_unicode_font(ledger: Ledger) -> None:
    data = statement_files.pdf_bytes(november(ledger))
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(data) > 5_000
    assert re.search(rb"/Type /Pages\s*/Count 1\b", data) or re.search(rb"/Count 1\s*/Kids", data)
    assert b"DejaVu" in data  # the embedded TrueType font (scripts/system-packages.sh installs it)
    assert pdf_title(data) == f"Statement: {NAME}, 2026-11-01 to 2026-11-30"
    # the glyphs of Þ, Ž, ď, é are embedded: each font subset maps them back to their characters
    mapped = {int(uni, 16) for uni in re.findall(rb"<[0-9A-F]{4}> <([0-9A-F]{4})>", data)}
    assert {ord(c) for c in "ÞŽďé"} <= mapped


def test_a_long_statement_has_pages(ledger: Ledger) -> None:
    for day in range(1, 29):
        for hour in range(8, 16):
            ledger.add(f"x{day}-{hour}", Kind.GRACE_CALL, at(9, day, hour), count=0, note="a long note " * 8)
    september = statements.statement(ledger.company, date(2026, 9, 1), date(2026, 9, 30))
    data = statement_files.pdf_bytes(september)
    pages = int(re.search(rb"/Count (\d+)", data).group(1))  # type: ignore[union-attr]
    assert pages > 5


def test_pdf_without_a_unicode_font_drops_only_the_accents_latin1_lacks(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statement_files, "FONT_DIRS", [])
    data = statement_files.pdf_bytes(november(ledger))
    assert data.startswith(b"%PDF-")
    assert b"DejaVu" not in data
    assert statement_files.latin1(NAME) == "Þórður & Zdár, Montréal"
    assert statement_files.latin1("日本") == "??"


def pdf_title(data: bytes) -> str:
    """The document's title (fpdf2 writes it as UTF-16 hex with a byte order mark)."""
    found = re.search(rb"/Title <feff([0-9a-f]+)>", data, re.I)
    assert found is not None
    return bytes.fromhex(found.group(1).decode()).decode("utf-16-be")
