"""The tamper-evident audit log in the ops store: one hash chain for every audited act.

Profile reads, list and export rows, key changes, erasures and steward actions are rows of
one table, `audit_log`. Each row carries `prev_hash` (the hash of the row before it) and
`row_hash`, an HMAC-SHA256 over its own fields and `prev_hash` under a key derived from
the hub's secret (HUB_ID_HASH_KEY): whoever can edit the file but does not hold the key can
neither change, delete nor reorder a row without `verify` noticing, and cannot forge a new
chain. `audit_head` holds the last seq and hash; it is also the writers' lock (every append
first updates it), so on SQLite and PostgreSQL alike appends are serialised and the chain
has no forks. Deleting the newest rows together with the head is only detectable against
a copy of the head kept elsewhere: `hub audit verify` prints it, for exactly that.

No personal data in the log: customers appear by their unified id, callers by key id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hub.settings import Settings

metadata = sa.MetaData()

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(32), nullable=False),  # UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("key_id", sa.String(64), nullable=True),  # the API key, or "cli" for a command
    sa.Column("role", sa.String(32), nullable=True),
    sa.Column("customer_id", sa.String(64), nullable=True),
    sa.Column("detail", sa.Text, nullable=False),  # JSON object, non-personal
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("row_hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_log_customer", "customer_id", "seq"),
    sa.Index("ix_audit_log_key", "key_id", "seq"),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("row_hash", sa.String(64), nullable=False),
    # retention (prune) removes the oldest rows: the chain then starts after base_seq, whose
    # hash was base_hash; the `retention` row that did it carries both, under the HMAC
    sa.Column("base_seq", sa.Integer, nullable=False, server_default="0"),
    sa.Column("base_hash", sa.String(64), nullable=False, server_default="0" * 64),
)

GENESIS = "0" * 64
ACTIONS = ("profile_read", "list_row", "export_row", "key_created", "key_revoked", "erasure", "access_export",
           "steward_override", "retention", "audit_read")
ACTIONS += ("lookup_miss",)  # the API: a customer lookup or search that found nobody (no key value kept)
_FIELDS = ("seq", "at", "action", "key_id", "role", "customer_id", "detail", "prev_hash")


@dataclass(frozen=True, slots=True)
class Entry:
    """One audited act to append."""

    action: str
    key_id: str | None = None
    role: str | None = None
    customer_id: str | None = None
    detail: dict[str, Any] | None = None
    at: datetime | None = None


def chain_key(settings: Settings) -> bytes:
    """The HMAC key of the chain: derived from the hub's secret, apart from id-card hashing."""
    return hashlib.sha256(b"cs-hub audit chain\0" + settings.id_hash_key.get_secret_value().encode()).digest()


def _row_hash(key: bytes, row: dict[str, Any]) -> str:
    message = json.dumps([row[field] for field in _FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _stamp(at: datetime | None) -> str:
    return (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def create(engine: Engine) -> None:
    """Create the audit tables and the head row if missing."""
    metadata.create_all(engine)
    with engine.begin() as con:
        if con.execute(sa.select(audit_head.c.id)).first() is None:
            con.execute(audit_head.insert().values(id=1, seq=0, row_hash=GENESIS, base_seq=0, base_hash=GENESIS))


def append(engine: Engine, key: bytes, entries: Sequence[Entry]) -> int:
    """Append entries to the chain in one transaction; returns the seq of the last one."""
    for entry in entries:
        if entry.action not in ACTIONS:
            raise ValueError(f"audit action {entry.action!r} is not one of {', '.join(ACTIONS)}")
    with engine.begin() as con:
        return _append(con, key, entries)


def _lock_head(con: sa.Connection) -> None:
    # the update takes the write lock before the head is read (SQLite: the database's
    # write lock; PostgreSQL: the head row's lock), so no two writers chain on one head
    con.execute(audit_head.update().where(audit_head.c.id == 1).values(seq=audit_head.c.seq))


def _statements(dialect: str) -> tuple[str, str, str, str]:
    """The append's four statements in the driver's parameter style (qmark on SQLite,
    format on psycopg): sent on the DBAPI cursor, they skip SQLAlchemy's compile and result
    layers, which cost several times what SQLite spends appending a row."""
    p = "?" if dialect == "sqlite" else "%s"
    columns = (*_FIELDS, "row_hash")
    return ("update audit_head set seq = seq where id = 1",
            "select seq, row_hash from audit_head where id = 1",
            f"insert into audit_log ({', '.join(columns)}) values ({', '.join([p] * len(columns))})",
            f"update audit_head set seq = {p}, row_hash = {p} where id = 1")


def _append(con: sa.Connection, key: bytes, entries: Sequence[Entry]) -> int:
    lock, head, insert, move = _statements(con.dialect.name)
    cursor = con.connection.driver_connection.cursor()
    try:
        cursor.execute(lock)
        cursor.execute(head)
        seq, prev = cursor.fetchone()
        rows = []
        for entry in entries:
            seq += 1
            row = {"seq": seq, "at": _stamp(entry.at), "action": entry.action, "key_id": entry.key_id,
                   "role": entry.role, "customer_id": entry.customer_id,
                   "detail": json.dumps(entry.detail or {}, ensure_ascii=False, sort_keys=True,
                                        separators=(",", ":")),
                   "prev_hash": prev}
            row["row_hash"] = prev = _row_hash(key, row)
            rows.append(tuple(row[field] for field in (*_FIELDS, "row_hash")))
        if rows:
            cursor.executemany(insert, rows)
            cursor.execute(move, (seq, prev))
    finally:
        cursor.close()
    return seq


@dataclass(frozen=True)
class Verdict:
    rows: int
    head_seq: int
    head_hash: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(engine: Engine, key: bytes, max_problems: int = 20) -> Verdict:
    """Walk the chain in seq order; name every row that was edited, removed or moved."""
    problems: list[str] = []
    columns = [audit_log.c[name] for name in (*_FIELDS, "row_hash")]
    with engine.connect() as con:
        head_seq, head_hash, base_seq, base_hash = con.execute(
            sa.select(audit_head.c.seq, audit_head.c.row_hash, audit_head.c.base_seq, audit_head.c.base_hash)).one()
        expected_seq, prev, count = base_seq + 1, base_hash, 0
        if base_seq and not _pruned_by_retention(con, base_seq, base_hash):
            problems.append(f"the chain starts after seq {base_seq}, but no retention row removed rows through it")
        for record in con.execute(sa.select(*columns).order_by(audit_log.c.seq)).mappings():
            row = dict(record)
            count += 1
            if row["seq"] != expected_seq:
                problems.append(f"seq {expected_seq}..{row['seq'] - 1}: rows missing before seq {row['seq']}")
            if row["prev_hash"] != prev:
                problems.append(f"seq {row['seq']}: does not follow the row before it (deleted or reordered rows)")
            if _row_hash(key, row) != row["row_hash"]:
                problems.append(f"seq {row['seq']}: contents changed since it was written")
            prev, expected_seq = row["row_hash"], row["seq"] + 1
            if len(problems) >= max_problems:
                break
    if len(problems) < max_problems and (expected_seq - 1 != head_seq or prev != head_hash):
        problems.append(f"the chain ends at seq {expected_seq - 1} but its head says seq {head_seq}: "
                        "the newest rows were removed or the head was edited")
    return Verdict(count, head_seq, head_hash, problems)


def _pruned_by_retention(con: sa.Connection, base_seq: int, base_hash: str) -> bool:
    """Whether the newest retention row names exactly this base (its detail is under the HMAC)."""
    detail = con.execute(sa.select(audit_log.c.detail).where(audit_log.c.action == "retention")
                         .order_by(audit_log.c.seq.desc()).limit(1)).scalar()
    if detail is None:
        return False
    named = json.loads(detail)
    return named.get("through_seq") == base_seq and named.get("through_hash") == base_hash


def prune(engine: Engine, key: bytes, before: datetime) -> int:
    """Remove the rows older than `before` (retention), keeping the rest verifiable: in one
    transaction the head's base moves to the last removed row and a `retention` row, under
    the HMAC like every other, names that base."""
    cutoff = _stamp(before)
    with engine.begin() as con:
        _lock_head(con)
        last = con.execute(sa.select(audit_log.c.seq, audit_log.c.row_hash).where(audit_log.c.at < cutoff)
                           .order_by(audit_log.c.seq.desc()).limit(1)).first()
        if last is None:
            return 0
        removed = con.execute(audit_log.delete().where(audit_log.c.seq <= last.seq)).rowcount
        con.execute(audit_head.update().where(audit_head.c.id == 1).values(base_seq=last.seq, base_hash=last.row_hash))
        _append(con, key, [Entry("retention", "retention", None, None,
                                 {"table": "audit_log", "removed": removed, "before": cutoff,
                                  "through_seq": last.seq, "through_hash": last.row_hash})])
    return removed


def read(engine: Engine, *, key_id: str | None = None, role: str | None = None, customer_id: str | None = None,
         action: str | None = None, since: datetime | None = None, until: datetime | None = None,
         after_seq: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Audit rows matching every filter given, in seq order after `after_seq`."""
    query = sa.select(audit_log).where(audit_log.c.seq > after_seq)
    for column, value in (("key_id", key_id), ("role", role), ("customer_id", customer_id), ("action", action)):
        if value is not None:
            query = query.where(audit_log.c[column] == value)
    if since is not None:
        query = query.where(audit_log.c.at >= _stamp(since))
    if until is not None:
        query = query.where(audit_log.c.at < _stamp(until))
    with engine.connect() as con:
        rows = con.execute(query.order_by(audit_log.c.seq).limit(limit)).mappings().all()
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


def entries_for(action: str, key_id: str, role: str, customer_ids: Iterable[str], **detail: Any) -> list[Entry]:
    """One entry per customer, all stamped with the same instant."""
    now = datetime.now(UTC)
    return [Entry(action, key_id, role, customer_id, detail or None, now) for customer_id in customer_ids]
