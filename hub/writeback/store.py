"""The write-back event log in the ops store: append-only, one row per mutation.

A row is the event *and* its idempotency record: the caller's key (unique per role), the
hash of the request and the first response travel with the event, so a key can never exist
without its event nor an event twice. `seq` grows monotonically: ingestion reads the log
in seq order and a published build records the highest seq it contains.

Durable: on SQLite the log runs in WAL mode with synchronous=FULL (the commit is fsynced
before the caller is answered) and writers take the lock up front (BEGIN IMMEDIATE), so a
transaction that read the keys it is about to insert cannot be overtaken by another
process. PostgreSQL commits durably by default; there writers take a transaction-scoped
advisory lock first, for two reasons: a sequence hands out values at insert time, so two
open transactions could commit seq 8 before seq 7 and a reader advancing a watermark past
8 would skip 7 for good; and two requests with the same key would both miss it and one
would fail on the unique constraint instead of replaying the other's answer.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()

events = sa.Table(
    "writeback_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(32), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    # the unified customer id the event concerns (no other personal data outside payload)
    sa.Column("customer_id", sa.String(64), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # JSON, snake_case fields
    # idempotency: the caller's key is unique per role (every contact-engine key shares it)
    sa.Column("scope", sa.String(32), nullable=False),
    sa.Column("idempotency_key", sa.String(128), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("response", sa.Text, nullable=False),  # JSON, the first answer, replayed on retries
    sa.Column("recorded_at", sa.String(24), nullable=False),  # ISO 8601 UTC, millisecond
    sa.UniqueConstraint("scope", "idempotency_key", name="uq_writeback_key"),
    sa.Index("ix_writeback_customer", "customer_id", "seq"),
    sqlite_autoincrement=True,
)


def _pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event issues BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_immediate(con: sa.Connection) -> None:
    con.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(con: sa.Connection) -> None:
    con.exec_driver_sql("BEGIN")


def log_engine(url: str, writer: bool = False) -> Engine:
    """An engine on the ops store's event log (created if missing); writer=True locks up front."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _pragmas)
        sa.event.listen(engine, "begin", _begin_immediate if writer else _begin_deferred)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


@dataclass
class Append:
    """One write-back to append: the event row, keyed by (scope, idempotency_key), and its
    response (the row's `response` column, parsed) to answer with once written."""

    row: dict[str, Any]
    response: dict[str, Any] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.row["scope"], self.row["idempotency_key"]


@dataclass(frozen=True)
class Outcome:
    status: str  # "written", "replayed" (same key, same request) or "conflict" (same key, other request)
    response: dict[str, Any] | None


@contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """On SQLite, one writing process at a time through a lock file beside the database
    (the write-back log and the API's audit writer take the same one).

    SQLite's own busy handler polls a held lock with sleeps of up to 100 ms; a process
    waiting on flock is woken the moment the other commits, so API workers hand the log
    over without idling (a crashed holder's lock is released by the kernel)."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        yield
        return
    with open(f"{engine.url.database}.writer-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# any constant shared by every writer of the log; names the lock in pg_locks
_PG_LOG_LOCK = 0x6F707365715F6C67  # "opseq_lg"


def append(engine: Engine, items: Sequence[Append]) -> list[Outcome]:
    """Append many write-backs in one transaction (one fsync); a key seen before is answered
    with its first response and writes nothing. Writers are serialised, so commit order is
    seq order and a key is looked up only after every earlier writer has committed."""
    with writer_turn(engine), engine.begin() as con:
        if con.dialect.name == "postgresql":
            con.exec_driver_sql("select pg_advisory_xact_lock(%s)", (_PG_LOG_LOCK,))
        prior = _existing(con, {item.key for item in items})
        outcomes, rows = [], []
        for item in items:
            seen = prior.get(item.key)
            if seen is None:
                prior[item.key] = (item.row["request_hash"], item.row["response"])
                rows.append(item.row)
                answer = item.response if item.response is not None else json.loads(item.row["response"])
                outcomes.append(Outcome("written", answer))
            elif seen[0] == item.row["request_hash"]:
                outcomes.append(Outcome("replayed", json.loads(seen[1])))
            else:
                outcomes.append(Outcome("conflict", None))
        if rows:
            # the driver's executemany straight: the Core insert costs more than the rows
            con.exec_driver_sql(_INSERT[con.dialect.paramstyle], [tuple(r[c] for c in _COLUMNS) for r in rows])
    return outcomes


_COLUMNS = ("event_id", "kind", "customer_id", "payload", "scope", "idempotency_key", "request_hash", "response",
            "recorded_at")
# the driver's parameter marker by DBAPI paramstyle (sqlite3: qmark; psycopg: pyformat)
_MARK = {"qmark": "?", "numeric": "?", "format": "%s", "pyformat": "%s"}
_INSERT = {
    style: f"insert into writeback_events ({', '.join(_COLUMNS)}) values ({', '.join([mark] * len(_COLUMNS))})"
    for style, mark in _MARK.items()
}
_IN_CHUNK = 500  # keys per lookup, well under every driver's parameter limit


def _existing(con: sa.Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(request_hash, response) of the keys already in the log. Driver SQL: building and
    caching a Core select with an expanding IN costs more than the indexed lookup."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    by_scope: dict[str, list[str]] = {}
    for scope, key in keys:
        by_scope.setdefault(scope, []).append(key)
    mark = _MARK[con.dialect.paramstyle]
    for scope, names in by_scope.items():
        for start in range(0, len(names), _IN_CHUNK):
            chunk = names[start : start + _IN_CHUNK]
            sql = (f"select idempotency_key, request_hash, response from writeback_events "
                   f"where scope = {mark} and idempotency_key in ({', '.join([mark] * len(chunk))})")
            for key, digest, response in con.exec_driver_sql(sql, (scope, *chunk)):
                found[(scope, key)] = (digest, response)
    return found


def decode(row: sa.Row | dict) -> dict[str, Any]:
    """An event as a dict with its payload parsed."""
    mapping = dict(row._mapping) if isinstance(row, sa.Row) else dict(row)
    mapping["payload"] = json.loads(mapping["payload"])
    return mapping


_READ = [events.c.seq, events.c.event_id, events.c.kind, events.c.customer_id, events.c.payload, events.c.recorded_at]


def events_after(engine: Engine, seq: int, limit: int = 50_000) -> list[dict[str, Any]]:
    """Events with seq > `seq`, in seq order, at most limit."""
    query = sa.select(*_READ).where(events.c.seq > seq).order_by(events.c.seq).limit(limit)
    with engine.connect() as con:
        return [decode(row) for row in con.execute(query)]


def iter_after(engine: Engine, seq: int, batch: int = 50_000) -> Iterator[list[dict[str, Any]]]:
    """Every event after seq, in batches of seq order."""
    while rows := events_after(engine, seq, batch):
        yield rows
        seq = rows[-1]["seq"]


# Built once: every screen-pop runs it, and building the expression cost more than running it.
_CUSTOMER_EVENTS = (
    sa.select(*_READ)
    .where(events.c.customer_id.in_(sa.bindparam("customer_ids", expanding=True)),
           events.c.seq > sa.bindparam("after_seq"))
    .order_by(events.c.seq)
)


def customer_events(con: sa.Connection, customer_ids: Sequence[str], after_seq: int) -> list[dict[str, Any]]:
    """The events of these customers with seq > after_seq, in seq order (read-your-writes)."""
    rows = con.execute(_CUSTOMER_EVENTS, {"customer_ids": list(customer_ids), "after_seq": after_seq})
    return [decode(row) for row in rows]


def kind_events(con: sa.Connection, kind: str, after_seq: int) -> list[dict[str, Any]]:
    """Every event of one kind with seq > after_seq, in seq order (e.g. consents since a publish)."""
    query = sa.select(*_READ).where(events.c.kind == kind, events.c.seq > after_seq).order_by(events.c.seq)
    return [decode(row) for row in con.execute(query)]


def work_order_events(con: sa.Connection, work_order_id: str, after_seq: int) -> list[dict[str, Any]]:
    """Live events that opened or advanced one work order (its stage as last written)."""
    query = (
        sa.select(*_READ)
        .where(events.c.seq > after_seq, events.c.kind.in_(("work_order_opened", "work_order_advanced")),
               sa.func.json_extract(events.c.payload, "$.work_order_id") == work_order_id
               if con.dialect.name == "sqlite"
               else sa.cast(events.c.payload, sa.JSON)["work_order_id"].as_string() == work_order_id)
        .order_by(events.c.seq)
    )
    return [decode(row) for row in con.execute(query)]


def max_seq(engine: Engine) -> int:
    with engine.connect() as con:
        return con.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.seq), 0))).scalar_one()
