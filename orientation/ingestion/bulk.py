"""Writing many rows fast: plain INSERT and UPDATE through executemany.

Django's bulk_create and bulk_update build a model instance and compile every value
of every row; for a national feed (hundreds of thousands of rows) that is most of
the import time. Here rows are dictionaries of column values (foreign keys by their
``<name>_id``), primary keys are reserved up front, and only the values that need
it (JSON, dates, decimals) go through the field's conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

CHUNK = 2000
_PREPARED_FIELDS = (models.JSONField, models.DateTimeField, models.DateField, models.DecimalField, models.UUIDField)


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def reserve_ids(model: type[models.Model], count: int, connection: BaseDatabaseWrapper) -> list[int]:
    """Primary keys for ``count`` new rows, taken from the table's own sequence.

    SQLite: the write transaction holds the database lock, so the next keys after
    the highest ever used are ours. PostgreSQL: nextval() is safe under concurrency.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT COALESCE(MAX({_quote(connection, column)}), 0) FROM {_quote(connection, table)}")
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"reserve_ids: database {connection.vendor!r} not supported")


def _converter(
    field: models.Field[Any, Any], connection: BaseDatabaseWrapper, now: Any
) -> Callable[[dict[str, Any]], Any]:
    name = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamped = field.get_db_prep_save(now, connection)
        return lambda row: field.get_db_prep_save(row[name], connection) if name in row else stamped
    # get_default() is what Django itself stores when a value is missing ("" for a
    # text column that is not nullable, a fresh [] for JSON lists…).
    if isinstance(field, _PREPARED_FIELDS):
        prepare = field.get_db_prep_save

        def prepared(row: dict[str, Any]) -> Any:
            return prepare(row[name] if name in row else field.get_default(), connection)

        return prepared
    if field.has_default() and callable(field.default):
        return lambda row: row[name] if name in row else field.get_default()
    default = field.get_default()
    return lambda row: row.get(name, default)


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]], *, using: str = "default") -> list[int]:
    """Insert rows (column values by attname) and return their new primary keys, in order."""
    if not rows:
        return []
    connection = connections[using]
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [field for field in meta.concrete_fields if field is not pk]
    now = timezone.now()
    converters = [_converter(field, connection, now) for field in fields]
    ids = reserve_ids(model, len(rows), connection)
    columns = ", ".join(_quote(connection, column) for column in [pk.column, *(field.column for field in fields)])
    placeholders = ", ".join(["%s"] * (len(fields) + 1))
    sql = f"INSERT INTO {_quote(connection, meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(
                sql,
                [
                    [identifier, *(convert(row) for convert in converters)]
                    for identifier, row in zip(ids[start : start + CHUNK], rows[start : start + CHUNK], strict=True)
                ],
            )
    return ids


def update_rows(
    model: type[models.Model], rows: Sequence[tuple[int, dict[str, Any]]], *, using: str = "default"
) -> None:
    """Update rows given as (primary key, column values by attname); every row gives the same columns."""
    if not rows:
        return
    connection = connections[using]
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    names = sorted(rows[0][1])
    fields = [by_attname[name] for name in names]
    now = timezone.now()
    auto = [field for field in meta.concrete_fields if getattr(field, "auto_now", False) and field.attname not in names]
    converters = [_converter(field, connection, now) for field in fields + auto]
    assignments = ", ".join(f"{_quote(connection, field.column)} = %s" for field in fields + auto)
    pk = meta.pk
    assert pk is not None
    sql = f"UPDATE {_quote(connection, meta.db_table)} SET {assignments} WHERE {_quote(connection, pk.column)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(
                sql,
                [
                    [*(convert(values) for convert in converters), identifier]
                    for identifier, values in rows[start : start + CHUNK]
                ],
            )
