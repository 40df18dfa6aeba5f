"""Connections to the serving store, reopened when the publish step swaps it.

The publish step renames a new SQLite file over the served one. Connections already open
keep reading the old file (its inode lives until they close), so in-flight requests finish
on the build they started with; each new request stats the path (a microsecond) and opens
the new file when its inode or mtime changed. On PostgreSQL the swap is a schema rename in
one transaction, which the next query sees by itself.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SERVING_SCHEMA = "serving"
_NAMED = re.compile(r"(?<![:\w]):(\w+)")


class NotPublished(RuntimeError):
    """No serving store has been published yet."""


def _readonly_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA cache_size=-32000")
    cursor.close()


class Reader:
    """Reads on one pooled connection through its DBAPI cursor, rows as plain dicts.

    The pool and the connection's life are SQLAlchemy's; the statements skip its compiler
    and result layers, which cost more than the indexed lookups they would wrap. SQL is
    written once with :name parameters and rendered for the driver's style on first use.
    """

    def __init__(self, con: sa.Connection, backend: str) -> None:
        self._cursor = con.connection.driver_connection.cursor()
        self._pyformat = backend != "sqlite"

    def rows(self, sql: str, params: dict) -> list[dict]:
        cursor = self._cursor
        cursor.execute(_render(sql) if self._pyformat else sql, params)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@lru_cache(maxsize=2048)
def _render(sql: str) -> str:
    """:name -> %(name)s for psycopg (the serving SQL has no :: casts and no literal %)."""
    return _NAMED.sub(r"%(\1)s", sql)


class ServingStore:
    def __init__(self, url: str) -> None:
        self.url = sa.engine.make_url(url)
        self.backend = self.url.get_backend_name()
        self._path = Path(self.url.database) if self.backend == "sqlite" else None
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._stamp: tuple[int, int] | None = None

    def _open(self) -> Engine:
        if self.backend == "sqlite":
            engine = sa.create_engine(
                f"sqlite:///file:{self._path}?mode=ro&uri=true",
                pool_size=4,
                max_overflow=8,
                poolclass=sa.pool.QueuePool,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(engine, "connect", _readonly_pragmas)
            return engine
        return sa.create_engine(
            self.url, pool_size=4, max_overflow=8, pool_pre_ping=True,
            connect_args={"options": f"-csearch_path={SERVING_SCHEMA}"},
        )

    def engine(self) -> Engine:
        """The engine on the currently served build."""
        if self._path is None:
            if self._engine is None:
                with self._lock:
                    self._engine = self._engine or self._open()
            return self._engine
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            raise NotPublished(f"no serving store at {self._path}: run the publish step") from None
        stamp = (stat.st_ino, stat.st_mtime_ns)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    previous, self._engine = self._engine, self._open()
                    self._stamp = stamp
                    if previous is not None:
                        # closes idle connections; checked-out ones close when returned
                        previous.dispose()
        return self._engine

    @contextmanager
    def connect(self) -> Iterator[Reader]:
        with self.engine().connect() as con:
            yield Reader(con, self.backend)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
