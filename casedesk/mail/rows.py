"""Model instances from one plain statement, for the intake's per-message reads.

Building a one-row query through the ORM costs 0.5-1 ms of CPU here; running it takes under 0.1 ms. For the few
reads every message makes, the statement is written once (columns from the models' own metadata) and each row
becomes instances exactly as the ORM would make them: the same columns, the database's and the fields'
converters (SQLite's dates and booleans, JSON), `Model.from_db`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Columns(Generic[M]):
    """A model's concrete columns under a table alias: the select list, and a row slice back to an instance."""

    model: type[M]
    alias: str
    attnames: tuple[str, ...]
    converters: tuple[tuple[tuple[Converter, Any], ...], ...]  # per column: (converter, its column expression)
    sql: str  # "alias"."column", ... in attnames' order
    pk_index: int

    @property
    def width(self) -> int:
        return len(self.attnames)

    def build(self, row: Sequence[Any], start: int) -> M | None:
        """The instance of row[start:start + width]; None when its primary key is NULL (an outer join's miss)."""
        values = list(row[start : start + len(self.attnames)])
        if values[self.pk_index] is None:
            return None
        for i, convs in enumerate(self.converters):
            for conv, expression in convs:
                values[i] = conv(values[i], expression, connection)
        return self.model.from_db(connection.alias, list(self.attnames), values)


_cache: dict[tuple[str, type[models.Model], str], Columns[Any]] = {}


def columns(model: type[M], alias: str) -> Columns[M]:
    """`model`'s columns as the ORM selects them (all concrete fields, in their order), under `alias`."""
    key = (connection.vendor, model, alias)
    found = _cache.get(key)
    if found is None:
        q = connection.ops.quote_name
        fields = list(model._meta.concrete_fields)
        convs = []
        for f in fields:
            col = f.get_col(alias)
            found_convs = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            convs.append(tuple((conv, col) for conv in found_convs))
        sql = ", ".join(f"{q(alias)}.{q(str(f.column))}" for f in fields)
        pk_index = next(i for i, f in enumerate(fields) if f.primary_key)
        found = Columns(model, alias, tuple(f.attname for f in fields), tuple(convs), sql, pk_index)
        _cache[key] = found
    return found


def insert(obj: models.Model) -> None:
    """INSERT the instance's concrete fields (an automatic primary key left to the database and read back by
    RETURNING), as `save(force_insert=True)` would, minus the query building; no model here has signals."""
    model = type(obj)
    meta = model._meta
    auto = meta.pk if isinstance(meta.pk, AutoFieldMixin) else None
    fields = [f for f in meta.concrete_fields if f is not auto]
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(str(f.column)) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cur:
        if auto is None:
            cur.execute(sql, values)
        else:
            cur.execute(f"{sql} RETURNING {q(str(auto.column))}", values)
            row = cur.fetchone()
            assert row is not None
            setattr(obj, auto.attname, row[0])
    obj._state.adding, obj._state.db = False, connection.alias


def update(obj: models.Model, names: Sequence[str]) -> None:
    """UPDATE the named fields of a stored instance, as `save(update_fields=names)` would, minus the query building."""
    meta = type(obj)._meta
    fields = [f for f in meta.concrete_fields if f.name in names]
    assert len(fields) == len(set(names)), names
    q = connection.ops.quote_name
    assignments = ", ".join(f"{q(str(f.column))} = %s" for f in fields)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    where = f"{q(str(meta.pk.column))} = %s"
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {q(meta.db_table)} SET {assignments} WHERE {where}", [*values, obj.pk])
