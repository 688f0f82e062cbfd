"""Read-only access to an older OpenREM database (tables ``remapp_*``, ``auth_*``).

SQLite files are opened with ``mode=ro``; PostgreSQL sessions are set read-only, so a take-over can
never change the old database.
"""

from __future__ import annotations

import datetime as dt
import decimal
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

Row = dict[str, Any]


class SourceError(Exception):
    """The old database cannot be opened or is not an OpenREM database."""


class OldDatabase:
    """Queries over the old database; every row is a dict of column name to a Python value."""

    def __init__(self, url: str, time_zone: str = "UTC") -> None:
        """``time_zone``: the older installation's TIME_ZONE; with its USE_TZ=False (the default of
        OpenREM 1.0) datetimes were written as local times of that zone."""
        self.url = url
        self.time_zone = time_zone
        parsed = urlparse(url)
        self.vendor = "sqlite" if parsed.scheme in {"sqlite", "sqlite3"} else "postgresql"
        try:
            self._conn: Any = self._open(url, parsed, time_zone)
        except Exception as exc:  # driver errors of both kinds
            raise SourceError(f"cannot open {self.safe_url}: {exc}") from exc
        if "remapp_generalstudymoduleattr" not in self.tables():
            raise SourceError(f"{self.safe_url} holds no OpenREM tables (remapp_generalstudymoduleattr)")
        self._context = {r["id"]: r for r in self.select("remapp_contextid")}

    @property
    def safe_url(self) -> str:
        """The URL without its password, for reports and logs."""
        parsed = urlparse(self.url)
        if parsed.password:
            return self.url.replace(f":{parsed.password}@", ":***@")
        return self.url

    @staticmethod
    def _open(url: str, parsed: Any, time_zone: str) -> Any:
        if parsed.scheme in {"sqlite", "sqlite3"}:
            rest = url.split("://", 1)[1]
            path = Path(unquote(rest[1:] if rest.startswith("/") else rest))
            if not path.is_file():
                raise FileNotFoundError(path)
            conn: Any = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            conn.row_factory = sqlite3.Row
            return conn
        if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise ValueError(f"unsupported URL scheme {parsed.scheme!r}")
        import psycopg
        from psycopg.rows import dict_row

        conn = psycopg.connect(
            host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432, user=unquote(parsed.username or ""),
            password=unquote(parsed.password or "") or None, dbname=unquote(parsed.path.lstrip("/")),
            row_factory=dict_row, autocommit=False, options=f"-c default_transaction_read_only=on -c timezone={time_zone}")
        return conn

    def close(self) -> None:
        self._conn.close()

    def tables(self) -> set[str]:
        if self.vendor == "sqlite":
            return {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        with self._conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            return {r["tablename"] for r in cur.fetchall()}

    def select(self, table: str, where: str | None = None, ids: Iterable[int] | None = None) -> list[Row]:
        """All rows of ``table`` (ordered by id), or those whose column ``where`` is in ``ids``."""
        if table not in self.tables():
            return []
        sql = f'SELECT * FROM "{table}"'
        params: list[Any] = []
        if where is not None:
            id_list = list(ids or [])
            if not id_list:
                return []
            mark = "?" if self.vendor == "sqlite" else "%s"
            sql += f' WHERE "{where}" IN ({", ".join(mark for _ in id_list)})'
            params = id_list
        sql += " ORDER BY id"
        if self.vendor == "sqlite":
            return [_clean(dict(r)) for r in self._conn.execute(sql, params)]
        with self._conn.cursor() as cur:
            cur.execute(sql, params)
            return [_clean(r) for r in cur.fetchall()]

    def children(self, table: str, parent_column: str, parent_ids: Iterable[int]) -> dict[int, list[Row]]:
        """Rows of ``table`` grouped by their parent id, each group ordered by id."""
        grouped: dict[int, list[Row]] = defaultdict(list)
        for row in self.select(table, parent_column, parent_ids):
            grouped[row[parent_column]].append(row)
        return grouped

    def code(self, context_id: int | None) -> Row | None:
        """The ``remapp_contextid`` row (code_value, code_meaning) of a coded column."""
        return None if context_id is None else self._context.get(context_id)

    def study_ids(self) -> Iterator[int]:
        for row in self.select("remapp_generalstudymoduleattr"):
            yield int(row["id"])


def _clean(row: Any) -> Row:
    return {k: float(v) if isinstance(v, decimal.Decimal) else v for k, v in dict(row).items()}


def as_datetime(value: Any) -> dt.datetime | None:
    """A naive datetime from the old database (SQLite gives text, PostgreSQL objects)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))


def as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value))
