"""Moving checked rows into the database in bulk, the fast way each database offers.

SQLite: the raw DB-API cursor's ``executemany`` of one ``INSERT ... ON CONFLICT DO UPDATE``.
PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT DO
UPDATE``. Both run inside the caller's ``transaction.atomic()``, on Django's connection, so
they commit or roll back with the batch record and the audit event.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

# Rows handed to the driver at a time: big enough to amortise the call, small enough that
# the Python tuples of one slice stay a few tens of megabytes.
SLICE_ROWS = 50_000
# SQLite's page cache during a bulk write (KiB, negative by SQLite's convention). The default
# 2 MB makes every insert into the natural-key index of a large table a page miss.
SQLITE_IMPORT_CACHE_KIB = 256 * 1024


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(names: Sequence[str]) -> str:
    return ", ".join(_quote(n) for n in names)


def statement(template: str, **fragments: str) -> str:
    """A statement with its identifiers filled in.

    Fragments are quoted table and column names taken from the models, never from a file:
    every value of a row travels as a bound parameter or through COPY.
    """
    return template.format(**fragments)


def table_of(model: type[models.Model]) -> str:
    return _quote(model._meta.db_table)


class Database:
    """The import's view of Django's connection: raw cursors and vendor-specific bulk paths."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in {"sqlite", "postgresql"}:
            raise ImproperlyConfigured(f"imports support SQLite and PostgreSQL, not {self.vendor}")
        self.raw: Any = connection.connection

    @property
    def is_sqlite(self) -> bool:
        return self.vendor == "sqlite"

    def sql(self, text: str) -> str:
        """Write statements with %s; SQLite's raw cursor wants ?."""
        return text.replace("%s", "?") if self.is_sqlite else text

    def fetch(
        self, template: str, params: Sequence[Any] = (), **tables: type[models.Model]
    ) -> list[tuple[Any, ...]]:
        """Rows of a query; ``{name}`` in the template is the quoted table of model ``name``."""
        return self._fetch(
            statement(template, **{name: table_of(model) for name, model in tables.items()}), params
        )

    def _fetch(self, text: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cursor = self.raw.cursor()
        try:
            cursor.execute(self.sql(text), tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def execute_many(
        self, template: str, rows: Iterable[Sequence[Any]], **tables: type[models.Model]
    ) -> None:
        text = statement(template, **{name: table_of(model) for name, model in tables.items()})
        cursor = self.raw.cursor()
        try:
            cursor.executemany(self.sql(text), rows)
        finally:
            cursor.close()

    # --- frames ---------------------------------------------------------------------------

    def storable(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Dates and times as the text each database reads; Django stores UTC times."""
        columns = []
        for name, dtype in frame.schema.items():
            column = pl.col(name)
            if dtype == pl.Date:
                columns.append(column.dt.to_string("%Y-%m-%d"))
            elif isinstance(dtype, pl.Datetime):
                # Django keeps SQLite times as naive UTC text; PostgreSQL gets an explicit offset.
                layout = "%Y-%m-%d %H:%M:%S" if self.is_sqlite else "%Y-%m-%d %H:%M:%S+00:00"
                columns.append(column.dt.convert_time_zone("UTC").dt.to_string(layout))
            else:
                columns.append(column)
        return frame.select(columns)

    def insert(
        self,
        model: type[models.Model],
        frame: pl.DataFrame,
        *,
        key: Sequence[str] = (),
        update: Sequence[str] = (),
    ) -> None:
        """Insert every row; with ``key``, rows whose key exists overwrite ``update`` columns."""
        if frame.height == 0:
            return
        frame = self.storable(frame)
        if self.is_sqlite:
            self._insert_sqlite(model._meta.db_table, frame, key, update)
        else:
            self._insert_postgresql(model._meta.db_table, frame, key, update)

    def _conflict_clause(self, table: str, key: Sequence[str], update: Sequence[str]) -> str:
        if not key:
            return ""
        if not update:
            return f" ON CONFLICT ({_columns(key)}) DO NOTHING"
        assignments = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in update)
        # Shops re-export overlapping periods every day; a stored row whose values are the
        # same is left alone instead of rewritten (no new row version, no index churn).
        differs = "IS NOT" if self.is_sqlite else "IS DISTINCT FROM"
        changed = " OR ".join(f"{_quote(table)}.{_quote(c)} {differs} excluded.{_quote(c)}" for c in update)
        return f" ON CONFLICT ({_columns(key)}) DO UPDATE SET {assignments} WHERE {changed}"

    def _insert_sqlite(
        self, table: str, frame: pl.DataFrame, key: Sequence[str], update: Sequence[str]
    ) -> None:
        marks = ", ".join("?" for _ in frame.columns)
        insert = statement(
            "INSERT INTO {table} ({columns}) VALUES ({marks}){conflict}",
            table=_quote(table),
            columns=_columns(frame.columns),
            marks=marks,
            conflict=self._conflict_clause(table, key, update),
        )
        cursor = self.raw.cursor()
        try:
            (previous_cache,) = cursor.execute("PRAGMA cache_size").fetchone()
            cursor.execute(f"PRAGMA cache_size = {-SQLITE_IMPORT_CACHE_KIB:d}")
            try:
                for part in frame.iter_slices(SLICE_ROWS):
                    cursor.executemany(insert, part.rows())
            finally:
                cursor.execute(f"PRAGMA cache_size = {int(previous_cache):d}")
        finally:
            cursor.close()

    def _insert_postgresql(
        self, table: str, frame: pl.DataFrame, key: Sequence[str], update: Sequence[str]
    ) -> None:
        columns = _columns(frame.columns)
        with self.raw.cursor() as cursor:
            if not key:
                self._copy(cursor, _quote(table), columns, frame)
                return
            names = {
                "staging": _quote(f"steward_import_{table}"),
                "table": _quote(table),
                "columns": columns,
                "conflict": self._conflict_clause(table, key, update),
            }
            # Only takes effect before the session's first temporary table; then it keeps the
            # staged rows in memory instead of spilling them to temporary files.
            cursor.execute("SET LOCAL temp_buffers = '256MB'")
            cursor.execute(statement("DROP TABLE IF EXISTS {staging}", **names))
            cursor.execute(
                statement(
                    "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA",
                    **names,
                )
            )
            self._copy(cursor, names["staging"], columns, frame)
            cursor.execute(
                statement(
                    "INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}{conflict}", **names
                )
            )
            cursor.execute(statement("DROP TABLE {staging}", **names))

    @staticmethod
    def _copy(cursor: Any, target: str, columns: str, frame: pl.DataFrame) -> None:
        # CSV: an unquoted empty field is NULL, a quoted one ("") is the empty string, which
        # is exactly how Polars writes nulls and empty strings.
        copy_in = statement(
            "COPY {target} ({columns}) FROM STDIN (FORMAT csv)", target=target, columns=columns
        )
        with cursor.copy(copy_in) as copy:
            for part in frame.iter_slices(SLICE_ROWS * 4):
                buffer = io.BytesIO()
                part.write_csv(buffer, include_header=False)
                copy.write(buffer.getvalue())

    def frame(
        self, template: str, params: Sequence[Any], schema: dict[str, Any], **tables: type[models.Model]
    ) -> pl.DataFrame:
        """The rows of a query as a frame (dates come back as ISO text from either database)."""
        rows = self.fetch(template, params, **tables)
        frame = pl.DataFrame(rows, schema=list(schema), orient="row") if rows else pl.DataFrame(schema=schema)
        return frame.with_columns(pl.col(name).cast(dtype) for name, dtype in schema.items())

    def keys(
        self,
        schema: dict[str, Any],
        where: str,
        params: Sequence[Any],
        *,
        table: type[models.Model],
    ) -> pl.DataFrame:
        """Stored keys (integer and date columns only) as a frame.

        A million keys fetched as rows cost two million Python objects, seconds of work;
        aggregated by the database into one text they arrive as one string that Polars
        parses in a few milliseconds. Integers and ISO dates hold no comma or line break.
        """
        joined = " || ',' || ".join(f"CAST({_quote(c)} AS TEXT)" for c in schema)
        template = (
            "SELECT group_concat({joined}, char(10)) FROM {table} WHERE {where}"
            if self.is_sqlite
            else "SELECT string_agg({joined}, chr(10)) FROM {table} WHERE {where}"
        )
        query = statement(template, joined=joined, table=table_of(table), where=where)
        ((text,),) = self._fetch(query, params)
        if not text:
            return pl.DataFrame(schema=schema)
        return pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            new_columns=list(schema),
            schema_overrides=schema,
        )
