"""Text search over cases: the case number, the subject and every message (indexed on both databases).

``search(qs, text)`` keeps the cases of ``qs`` whose number is the text in any letter case, or whose
subject, or one of whose messages (any event with a text: replies, notes, customer messages, copies merged
in), contains every word of the text, each word also as the start of a longer one ("licen serv" finds
"License server"), in any letter case and with or without accents ("jonkoping" finds "Jönköping").

Words are the runs of letters and digits of the text (punctuation separates words, as in the indexes), so
any input is harmless: quotes, search operators, emoji and empty text are only words or nothing. At most
MAX_WORDS words of at most MAX_WORD_CHARS characters count.

The indexes (migration cases/0008_text_search) are kept by the database itself (SQLite FTS5 triggers,
PostgreSQL GIN expression indexes), so every writer keeps them current. The PostgreSQL expression below
must stay identical to the one indexed there.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connections
from django.db.models import Expression, F, Func, Q, QuerySet
from django.db.models.fields import BooleanField
from django.db.models.functions import Upper
from django.db.models.lookups import Exact

from casedesk.cases.models import Case, CaseEvent

MAX_WORDS = 16
MAX_WORD_CHARS = 64
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
    """An FTS5 query: every word as a quoted prefix (a word has no quote, so nothing is an operator)."""
    return " ".join(f'"{w}"*' for w in ws)


def tsquery(ws: list[str]) -> str:
    """A to_tsquery text: every word as a quoted prefix, joined by AND (words have no quote or backslash)."""
    return " & ".join(f"'{w}':*" for w in ws)


class _TsMatch(Func):
    """to_tsvector(<indexed expression>) @@ to_tsquery(<words>) on PostgreSQL."""

    output_field = BooleanField()

    def __init__(self, column: str, query: str) -> None:
        super().__init__(F(column))
        self.query = query

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"to_tsvector('{PG_CONFIG}'::regconfig, translate({column}, '{PG_PUNCT}', '{PG_SPACES}'))"
            f" @@ to_tsquery('{PG_CONFIG}'::regconfig, %s)"
        )
        return sql, [*params, self.query]


class _Fts5Rowids(Expression):
    """The rowids of an FTS5 table matching a query: ``(SELECT rowid FROM t WHERE t MATCH %s)``."""

    def __init__(self, table: str, query: str) -> None:
        super().__init__()
        self.table, self.query = table, query

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str, ...]]:
        return f"(SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s)", (self.query,)


def _number_matches(text: str) -> Q | None:
    number = _valid(text).strip()
    if not number or len(number) > NUMBER_MAX:
        return None
    return Q(Exact(Upper("number"), number.upper()))  # index case_number_upper


def _text_matches(ws: list[str], vendor: str) -> Q | None:
    if not ws:
        return None
    events_with_text = CaseEvent.objects.exclude(body="")
    if vendor == "postgresql":
        in_messages = events_with_text.filter(_TsMatch("body", tsquery(ws))).values("case_id")
        return Q(_TsMatch("subject", tsquery(ws))) | Q(pk__in=in_messages)
    if vendor == "sqlite":
        q = fts5_query(ws)
        in_messages = events_with_text.filter(pk__in=_Fts5Rowids("cases_caseevent_fts", q)).values("case_id")
        return Q(pk__in=_Fts5Rowids("cases_case_fts", q)) | Q(pk__in=in_messages)
    # Any other database: the same words as unindexed substrings.
    subject, body = Q(), Q()
    for w in ws:
        subject &= Q(subject__icontains=w)
        body &= Q(body__icontains=w)
    return subject | Q(pk__in=events_with_text.filter(body).values("case_id"))


def search(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases of `qs` with number `text` (any case), or whose subject or a message has all its words.

    Blank text narrows nothing; text without a letter or digit can only be a number."""
    if not _valid(text).strip():
        return qs  # nothing searched for: no narrowing
    vendor = connections[qs.db].vendor
    found = [q for q in (_number_matches(text), _text_matches(words(text), vendor)) if q is not None]
    if not found:
        return qs.none()
    cond = found[0]
    for q in found[1:]:
        cond |= q
    return qs.filter(cond)
