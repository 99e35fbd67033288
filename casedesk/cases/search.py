"""Text search over cases: the case number, the subject and every message (indexed on both databases).

``search(qs, text)`` keeps the cases of ``qs`` whose number is the text in any letter case, or whose
subject, or one of whose messages (any event with a text: replies, notes, customer messages, copies merged
in), contains every word of the text, each word also as the start of a longer one ("licen serv" finds
"License server"), in any letter case and with or without accents ("jonkoping" finds "Jönköping").
All the words must be in the same text: the subject, or one message.

Words are the runs of letters and digits of the text (punctuation separates words, as in the indexes), so
any input is harmless: quotes, search operators, emoji and empty text are only words or nothing. At most
MAX_WORDS words of at most MAX_WORD_CHARS characters count. Blank text narrows nothing.

The indexes (migration cases/0008_text_search) are kept by the database itself (SQLite FTS5 triggers,
PostgreSQL GIN expression indexes), so every writer keeps them current. The PostgreSQL expression below
must stay identical to the one indexed there.

How it reads: search() itself runs one query asking the indexes for up to FEW matching texts. If there
are no more, the queryset is those case ids (fetched by primary key; the queue's order is a sort of at most
FEW rows), read when search() was called. If there are more (a word in thousands of cases), the queue's
own index is read in order and each case checked, stopping at the page's end: on SQLite against the set
of matching ids, built once from the FTS tables (``+id IN``); on PostgreSQL on the case's row and its
messages (a GIN index cannot be read in another index's order, and hashing a million matches takes
seconds). Either way one query more than an unfiltered queue, whatever the data. The cost that remains
grows with the number of matches: that first query (the FTS doclists or GIN posting lists of the words)
and, on SQLite, the set; see bench/README.md. Known weak spot: a word in thousands of texts none of which
are among the queue's cases makes the per-case check run over the whole queue (PostgreSQL: seconds at a
million cases, since each case's messages are parsed again).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connections, transaction
from django.db.models import F, Func, Q, QuerySet
from django.db.models.fields import BooleanField

from casedesk.cases.models import Case, CaseEvent

MAX_WORDS = 16
MAX_WORD_CHARS = 64
FEW = 2000  # matching texts up to which the cases are fetched by id
NUMBER_MAX = Case._meta.get_field("number").max_length or 30

_WORD = re.compile(r"[^\W_]+")
# As in the migration: ASCII punctuation becomes spaces before PostgreSQL's parser sees the text.
PG_PUNCT = r"-./@:_\+~&?=#,;"
PG_SPACES = " " * len(PG_PUNCT)
PG_CONFIG = "public.casedesk_search"


def words(text: str) -> list[str]:
    """The words searched for: letters and digits, NFC, each once, in order; capped in number and length."""
    clean = unicodedata.normalize("NFC", _valid(text))
    out: list[str] = []
    for w in _WORD.findall(clean):
        w = w[:MAX_WORD_CHARS]
        if w.casefold() not in {x.casefold() for x in out}:
            out.append(w)
        if len(out) == MAX_WORDS:
            break
    return out


def _valid(text: str) -> str:
    """Text a database accepts: no lone surrogates, no NUL."""
    return text.encode("utf-8", "ignore").decode("utf-8").replace("\x00", " ")


def fts5_query(ws: list[str]) -> str:
    """An FTS5 query: every word as a quoted prefix (a word has no quote, so nothing is an operator).

    No words: '""', an empty phrase, which matches nothing."""
    return " ".join(f'"{w}"*' for w in ws) or '""'


def tsquery(ws: list[str]) -> str:
    """A to_tsquery text: every word as a quoted prefix, joined by AND (words have no quote or backslash)."""
    return " & ".join(f"'{w}':*" for w in ws)


def _pg_vector(column: str) -> str:
    return f"to_tsvector('{PG_CONFIG}'::regconfig, translate({column}, '{PG_PUNCT}', '{PG_SPACES}'))"


def _matching_sql(vendor: str, number: str, ws: list[str]) -> tuple[str, list[str]] | None:
    """SELECT of the ids of matching cases (a case once per matching text), read from the indexes."""
    if vendor == "sqlite":
        # An event's rowid in cases_caseevent_fts carries its case id in the high 32 bits: no lookup per message.
        q = fts5_query(ws)
        sql = (
            "SELECT c.id AS id FROM cases_case c WHERE UPPER(c.number) = %s"
            " UNION ALL SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s"
            " UNION ALL SELECT rowid >> 32 FROM cases_caseevent_fts WHERE cases_caseevent_fts MATCH %s"
        )
        return sql, [number, q, q]
    if vendor == "postgresql":
        sql = "SELECT c.id AS id FROM cases_case c WHERE UPPER(c.number) = %s"
        if not ws:
            return sql, [number]
        match = f"@@ to_tsquery('{PG_CONFIG}'::regconfig, %s)"
        sql += (
            f" UNION ALL SELECT c.id FROM cases_case c WHERE {_pg_vector('c.subject')} {match}"
            f" UNION ALL SELECT e.case_id FROM cases_caseevent e WHERE e.body <> '' AND {_pg_vector('e.body')} {match}"
        )
        return sql, [number, tsquery(ws), tsquery(ws)]
    return None


class _InMatches(Func):
    """``id IN (<matching case ids>)``; on SQLite ``+id``, so that SQLite reads the queue's index in order and
    looks each case up in the set rather than fetching every matching case by id and sorting them all."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, sql: str, params: list[str], plus: bool) -> None:
        super().__init__(F("pk"))
        self.sql, self.params, self.plus = sql, params, plus

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        pk, params = compiler.compile(self.source_expressions[0])
        return f"{'+' if self.plus else ''}{pk} IN ({self.sql})", [*params, *self.params]


class _PgRowMatch(Func):
    """Many matches on PostgreSQL: each case the queue reads (in its own index's order) is checked on its row
    and on its messages (event_case_at), so a page ends after a few hundred cases instead of hashing every
    match. The messages' check is a scalar subquery so that PostgreSQL runs it per case and never hashes it."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, number: str, query: str) -> None:
        super().__init__(F("pk"), F("number"), F("subject"))
        self.number, self.query = number, query

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        (pk, p1), (number, p2), (subject, p3) = (compiler.compile(e) for e in self.source_expressions)
        match = f"@@ to_tsquery('{PG_CONFIG}'::regconfig, %s)"
        sql = (
            f"(UPPER({number}) = %s OR {_pg_vector(subject)} {match} OR (SELECT 1 FROM cases_caseevent e"
            f" WHERE e.case_id = {pk} AND e.body <> '' AND {_pg_vector('e.body')} {match} LIMIT 1) IS NOT NULL)"
        )
        return sql, [*p1, *p2, *p3, self.number, self.query, self.query]


def _unindexed(qs: QuerySet[Case], number: str, ws: list[str]) -> QuerySet[Case]:
    """Another database: the same words as substrings, unindexed."""
    subject, body = Q(), Q()
    for w in ws:
        subject &= Q(subject__icontains=w)
        body &= Q(body__icontains=w)
    cond = Q(number__iexact=number) if number else Q(pk__in=[])
    if ws:
        cond |= subject | Q(pk__in=CaseEvent.objects.exclude(body="").filter(body).values("case_id"))
    return qs.filter(cond)


def _first_matches(connection: Any, sql: str, params: list[str]) -> list[tuple[Any, ...]]:
    """Run the matching query. PostgreSQL without parallel workers: it plans them for a message word it
    cannot estimate (a prefix), and starting them costs more (10-30 ms) than the whole answer for a rare word."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    outer = connection.in_atomic_block
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        if outer:  # SET LOCAL lasts as long as the outer transaction: put the setting back after
            cur.execute("SELECT current_setting('max_parallel_workers_per_gather')")
            before = cur.fetchone()[0]
        cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cur.execute(sql, params)
        rows = cur.fetchall()
        if outer:
            cur.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [before])
    return rows


def search(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases of `qs` with number `text` (any case), or whose subject or a message has all its words.

    Blank text narrows nothing; text without a letter or digit can only be a number."""
    clean = _valid(text).strip()
    if not clean:
        return qs  # nothing searched for: no narrowing
    number = clean.upper() if len(clean) <= NUMBER_MAX else ""
    ws = words(clean)
    connection = connections[qs.db]
    matching = _matching_sql(connection.vendor, number, ws)
    if matching is None:
        return _unindexed(qs, number, ws)
    sql, params = matching
    rows = _first_matches(connection, f"SELECT id FROM ({sql}) m LIMIT {FEW + 1}", params)
    if len(rows) <= FEW:  # every match is known: fetch those cases by id
        return qs.filter(pk__in=sorted({r[0] for r in rows}))
    if connection.vendor == "postgresql":
        return qs.filter(_PgRowMatch(number, tsquery(ws)))
    return qs.filter(_InMatches(sql, params, plus=True))
