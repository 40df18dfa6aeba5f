"""The API's tables in the ops store: API keys (hashed), security events and the audit log
(hub/audit.py).

The ops store is durable and no rebuild touches it (docs/design.md "Stores"); SQLite runs in
WAL mode so the audit writer never blocks the readers of the key table. `profile_reads`
is a view of the hash-chained audit log's profile reads, not a table of its own.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hub import audit

log = logging.getLogger(__name__)

metadata = sa.MetaData()

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(16), primary_key=True),
    # sha256 of the secret token: the token itself is shown once and never stored
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

# what looks like an attack on the API (a burst of lookups that found nobody): one row each,
# also logged; never a looked-up value, only the key, its role and counts
security_events = sa.Table(
    "security_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),  # UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON object, non-personal
)

# a view (created by ops_engine), so it lives in a MetaData that create_all never sees
profile_reads = sa.Table(
    "profile_reads",
    sa.MetaData(),
    sa.Column("read_id", sa.Integer, primary_key=True),
    sa.Column("key_id", sa.String(16)),
    sa.Column("role", sa.String(32)),
    # the unified customer id only: no name, phone or other personal data in the log
    sa.Column("customer_id", sa.String(64)),
    sa.Column("read_at", sa.String(32)),  # UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
)
_PROFILE_READS = ("profile_reads as select seq as read_id, key_id, role, customer_id, at as read_at "
                  "from audit_log where action = 'profile_read'")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _durable_pragmas(dbapi_connection, record) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=FULL")  # WAL fsynced at each commit: survives power loss
    cursor.close()


def audit_writer_engine(url: str) -> Engine:
    """The engine the API's audit writer appends on: as ops_engine, but on SQLite every
    commit is fsynced (synchronous=FULL), so an answered read's audit row survives a power
    loss too, not only a crash of the process (PostgreSQL commits durably by default)."""
    engine = ops_engine(url)
    if engine.dialect.name == "sqlite":
        sa.event.remove(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "connect", _durable_pragmas)
        engine.dispose()  # connections opened while creating the tables had NORMAL
    return engine


def ops_engine(url: str) -> Engine:
    """An engine on the ops store with the API's tables created if missing."""
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    audit.create(engine)
    with engine.begin() as con:
        create = "create view if not exists" if engine.dialect.name == "sqlite" else "create or replace view"
        con.exec_driver_sql(f"{create} {_PROFILE_READS}")
    return engine


def raise_security_event(engine: Engine, kind: str, key_id: str, role: str, **detail: object) -> None:
    """Log a security event and keep it in `security_events` (a failed insert is logged too:
    the log line is written first, so the event is never lost from both)."""
    text = json.dumps(detail, sort_keys=True)
    log.warning("security event %s: key %s (role %s) %s", kind, key_id, role, text)
    try:
        with engine.begin() as con:
            con.execute(security_events.insert().values(
                at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), kind=kind, key_id=key_id, role=role,
                detail=text))
    except sa.exc.SQLAlchemyError as error:
        log.error("security event %s for key %s not stored: %s", kind, key_id, type(error).__name__)
