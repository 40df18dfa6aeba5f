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

from api.deadline import Deadline

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

    def __init__(self, con: sa.Connection, backend: str, deadline: Deadline | None = None) -> None:
        self._cursor = con.connection.driver_connection.cursor()
        self._pyformat = backend != "sqlite"
        self._deadline = deadline

    def rows(self, sql: str, params: dict) -> list[dict]:
        if self._deadline is not None:
            self._deadline.check()  # no new statement once the request is out of time
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
    def connect(self, deadline: Deadline | None = None) -> Iterator[Reader]:
        """A reader on the served build; with a deadline, statements running past it are
        aborted (SQLite: a progress handler every 1,000 VM steps; PostgreSQL:
        statement_timeout for what remains) and none starts after it."""
        with self.engine().connect() as con:
            if deadline is None:
                yield Reader(con, self.backend)
                return
            raw = con.connection.driver_connection
            if self.backend == "sqlite":
                raw.set_progress_handler(deadline.interrupt, 1_000)
                try:
                    yield Reader(con, self.backend, deadline)
                finally:
                    raw.set_progress_handler(None, 0)
                return
            # inside the connection's transaction: the rollback when it returns to the pool undoes it
            with raw.cursor() as cursor:
                cursor.execute(f"set statement_timeout = {max(1, int(deadline.remaining() * 1000))}")
            yield Reader(con, self.backend, deadline)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
