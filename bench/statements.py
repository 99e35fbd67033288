"""Benchmark: a customer's statement as CSV at 100,000 ledger entries, vs pandas writing the same rows.

    .venv/bin/python bench/statements.py [--n 100000] [--repeats 3] [--pdf-days 7]

In an SQLite database of its own (a file in a new temporary directory, removed at the end; population.py's
BenchDatabase): the Solidxperts desk, one company with one contract, 100 cases, and N ledger entries over 2026
written with bulk_create (a 100 h block bought every 400 entries, drawdowns at a rate card on a case, every 25th
drawdown corrected, PPIs and their deductions, charges in CAD and EUR, grace calls). Then, for the whole year:

* casedesk: `statements.statement()` (the balances: three aggregate queries) and the streamed CSV,
  `statement_files.csv_response()` consumed to the last byte (the ledger read with `.iterator()`, the running
  balances, the csv writer); and the same through the HTTP stack (`/console/companies/<id>/statement/?format=csv`,
  test Client, a superuser);
* pandas (the peer): the same entries with the case number and rate name read by one plain SQL query
  (`pandas.read_sql_query` on sqlite3) and written by `DataFrame.to_csv`: no balances, no summary rows.

Entries per second (median of --repeats, wall clock), and the peak of Python allocations of one more run of each
(tracemalloc: what streaming saves). Also the PDF of a --pdf-days period (fpdf2), lines per second. Exit 0.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import BenchDatabase

D = Decimal
PEER_SQL = """
SELECT e.id AS entry, e.at, e.kind, c.number AS "case", e.service_type, r.name AS rate, e.count AS grace_calls,
       e.hours, e.amount, e.currency, e.corrects_id AS corrects, e.note
FROM contracts_ledgerentry e
LEFT JOIN cases_case c ON c.id = e.case_id
LEFT JOIN contracts_ratecard r ON r.id = e.rate_id
WHERE e.company_id = ? AND e.at >= ? AND e.at < ?
ORDER BY e.at, e.id
"""


def fill(n: int) -> dict[str, Any]:
    from casedesk.accounts.models import Company, Contact, Contract
    from casedesk.cases import services
    from casedesk.contracts.models import LedgerEntry, RateCard
    from casedesk.desks.loading import load_desk

    Kind = LedgerEntry.Kind
    desk = load_desk("solidxperts")[0]
    company = Company.objects.create(desk=desk, name="Þórður & Žďár, Montréal", country="CA")
    contact = Contact.objects.create(company=company, name="Alice", email="alice@bench.test", zone="America/Toronto")
    contract = Contract.objects.create(
        desk=desk, company=company, starts_on=date(2025, 1, 1), ends_on=date(2027, 12, 31), currency="CAD"
    )
    t0 = datetime(2026, 1, 1, 6, tzinfo=UTC)  # 01:00 in Toronto; the last entry at 23:00 on 31 December
    cases = [
        services.open_case(desk, requester=contact, contract=contract, subject=f"Case {i}", at=t0) for i in range(100)
    ]
    rate = RateCard.objects.create(
        desk=desk, service_type="configuration", name="Configuration (hourly)", price=D("120.00"), currency="CAD"
    )
    step = timedelta(seconds=(365 * 86400 - 2 * 3600) / n)
    rows: list[LedgerEntry] = []
    block_id = last_drawdown = None
    next_id = (LedgerEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for i in range(n):
        at, eid = t0 + step * i, next_id + i
        case = cases[i % len(cases)]
        common: dict[str, Any] = {"id": eid, "company": company, "contract": contract, "at": at}
        if i % 400 == 0:
            e = LedgerEntry(**common, kind=Kind.PURCHASE, hours=D("100.00"), amount=D("9000.00"), currency="CAD")
            block_id = eid
        elif i % 400 == 1:
            e = LedgerEntry(**common, kind=Kind.PPI, amount=D("150.00"), currency="CAD", case=case, service_type="ppi")
        elif i % 400 == 2:
            e = LedgerEntry(
                **common, kind=Kind.PPI_DEDUCTION, amount=D("-150.00"), currency="CAD", corrects_id=eid - 1,
                block_id=block_id, case=case, service_type="ppi",
            )  # fmt: skip
        elif i % 100 == 50:
            e = LedgerEntry(**common, kind=Kind.CHARGE, amount=D("240.00"), currency="EUR", note="on-site, Lyon")
        elif i % 100 == 77:
            e = LedgerEntry(**common, kind=Kind.GRACE_CALL, count=1, case=case)
        elif i % 25 == 0 and last_drawdown is not None:
            e = LedgerEntry(
                **common, kind=Kind.CORRECTION, hours=D("0.25"), corrects_id=last_drawdown, block_id=block_id,
                note="logged twice",
            )  # fmt: skip
        else:
            e = LedgerEntry(
                **common, kind=Kind.DRAWDOWN, hours=D("-0.25"), block_id=block_id, rate=rate,
                service_type="configuration", case=case, note="toolbox set-up" if i % 3 else "",
            )  # fmt: skip
            last_drawdown = eid
        rows.append(e)
        if len(rows) == 5000:
            LedgerEntry.objects.bulk_create(rows)
            rows = []
    LedgerEntry.objects.bulk_create(rows)
    return {"company": company, "entries": LedgerEntry.objects.filter(company=company).count()}


def timed(fn: Callable[[], int], repeats: int) -> tuple[float, int]:
    seconds = []
    out = 0
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - t)
    return statistics.median(seconds), out


def peak_mb(fn: Callable[[], int]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pdf-days", type=int, default=14)
    args = parser.parse_args()
    with BenchDatabase("sqlite", "statements") as db:
        os.environ.update(db.env(), CASEDESK_DEBUG="0", CASEDESK_ALLOWED_HOSTS="testserver,localhost")
        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client

        from casedesk.contracts import statement_files, statements

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        filled = fill(args.n)
        company, entries = filled["company"], filled["entries"]
        print(f"filled {entries:,} ledger entries in {time.perf_counter() - t:.1f} s ({db.name})")
        start, end = date(2026, 1, 1), date(2026, 12, 31)

        def casedesk_csv() -> int:
            st = statements.statement(company, start, end)
            return sum(len(chunk) for chunk in statement_files.csv_response(st).streaming_content)

        root = User.objects.create_superuser("root", "root@bench.test", "x")
        client = Client()
        client.force_login(root)
        url = f"/console/companies/{company.pk}/statement/"

        def http_csv() -> int:
            r = client.get(url, {"from": "2026-01-01", "to": "2026-12-31", "format": "csv"})
            assert r.status_code == 200
            return sum(len(chunk) for chunk in r.streaming_content)  # type: ignore[attr-defined]

        import pandas as pd

        zone = statements.home_zone(company)
        since = statements.midnight(start, zone).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        until = statements.midnight(end + timedelta(days=1), zone).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

        def pandas_csv() -> int:
            with sqlite3.connect(db.name) as conn:
                frame = pd.read_sql_query(PEER_SQL, conn, params=(company.pk, since, until))
            out = io.StringIO()
            frame.to_csv(out, index=False)
            return len(out.getvalue().encode())

        def pandas_read() -> int:
            with sqlite3.connect(db.name) as conn:
                return len(pd.read_sql_query(PEER_SQL, conn, params=(company.pk, since, until)))

        st = statements.statement(company, start, end)
        lines = st.count
        client.get(url, {"from": "2026-01-01", "to": "2026-01-01", "format": "csv"})  # the first request imports
        t_statement, _ = timed(lambda: statements.statement(company, start, end).count, args.repeats)
        t_csv, size = timed(casedesk_csv, args.repeats)
        t_http, _ = timed(http_csv, args.repeats)
        t_pandas, peer_size = timed(pandas_csv, args.repeats)
        t_read, peer_rows = timed(pandas_read, args.repeats)
        assert peer_rows == lines, (peer_rows, lines)
        mem_csv, mem_pandas = peak_mb(casedesk_csv), peak_mb(pandas_csv)
        pdf_end = start + timedelta(days=args.pdf_days - 1)
        pdf_st = statements.statement(company, start, pdf_end)
        t_pdf, pdf_size = timed(lambda: len(statement_files.pdf_bytes(pdf_st)), 1)

        print(f"\nPython {platform.python_version()}, SQLite {sqlite3.sqlite_version}, pandas {pd.__version__}")
        print(f"statement of {lines:,} entries (2026, one company), median of {args.repeats}:\n")
        print("| what | seconds | entries/s | CSV bytes | peak Python MB |\n|---|---|---|---|---|")
        print(f"| casedesk `statement()` (balances, 3 aggregates + count) | {t_statement:.3f} | | | |")
        print(
            f"| casedesk CSV, `csv_response` streamed | {t_csv:.2f} | {lines / t_csv:,.0f} | {size:,} | {mem_csv:.1f} |"
        )
        print(f"| casedesk CSV via the console URL (test Client) | {t_http:.2f} | {lines / t_http:,.0f} | | |")
        print(
            f"| pandas `read_sql_query` + `to_csv` (no balances) | {t_pandas:.2f} | {lines / t_pandas:,.0f} "
            f"| {peer_size:,} | {mem_pandas:.1f} |"
        )
        print(f"| pandas `read_sql_query` alone | {t_read:.2f} | {lines / t_read:,.0f} | | |")
        print(
            f"| casedesk PDF (fpdf2), {pdf_st.count:,} entries ({args.pdf_days} days) | {t_pdf:.2f} "
            f"| {pdf_st.count / t_pdf:,.0f} | {pdf_size:,} (PDF) | |"
        )


if __name__ == "__main__":
    main()
