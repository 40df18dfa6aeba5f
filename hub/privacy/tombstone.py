"""The erasure tombstone: what the ops store keeps of an erased person.

An erased person's identifiers (unified and CRM customer ids, phone numbers, e-mails, the
id-card hash) are kept only as HMAC-SHA256 digests under a key derived from the hub's
secret, each with the random pseudonym that replaced it (customer ids) or nothing (contact
details are removed, not replaced). Ingestion drops or pseudonymises a row whose identifier
digests to a tombstoned one, so a re-sent file or a rebuild cannot bring the person back;
`hub privacy verify` digests every value of every store and file and looks for them.
The identifiers themselves are never written anywhere: not here, not in the receipt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hub.settings import Settings

metadata = sa.MetaData()

erasures = sa.Table(
    "erasures",
    metadata,
    sa.Column("erasure_id", sa.String(40), primary_key=True),
    sa.Column("customer_digest", sa.String(64), nullable=False, index=True),
    sa.Column("requested_at", sa.String(32), nullable=False),
    sa.Column("requested_by", sa.String(64), nullable=False),  # API key id, or "cli"
    sa.Column("reason", sa.Text, nullable=False),
    # pending: the API erased the serving and ops stores; the warehouse and files follow with
    # `hub privacy erase --pending`. done: every layer.
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("receipt", sa.Text, nullable=True),  # JSON: stores checked, rows changed; no identifier
)

tombstones = sa.Table(
    "erasure_tombstones",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # customer_id | crm_customer_id | phone | email | id_card
    sa.Column("pseudonym", sa.String(40), nullable=True),  # what replaced a customer id; None: removed
    sa.Column("erasure_id", sa.String(40), nullable=False, index=True),
)

KINDS = ("customer_id", "crm_customer_id", "phone", "email", "id_card")
# what a pseudonymised customer id starts with (unified ids: EU, CRM record ids: EC)
PSEUDONYM_PREFIX = {"customer_id": "EU", "crm_customer_id": "EC"}


def tombstone_key(settings: Settings) -> bytes:
    """The tombstone's HMAC key: derived from the hub's secret, apart from every other use."""
    return hashlib.sha256(b"cs-hub erasure tombstone\0" + settings.id_hash_key.get_secret_value().encode()).digest()


def digest(key: bytes, value: str) -> str:
    return hmac.digest(key, value.strip().encode(), "sha256").hex()


def pseudonym(kind: str) -> str:
    """A random stand-in for an erased customer id: nothing derives it from the id."""
    return PSEUDONYM_PREFIX[kind] + secrets.token_hex(8).upper()


@dataclass
class Identifiers:
    """An erased person's identifiers, in memory only while an erasure runs."""

    customer_ids: set[str] = field(default_factory=set)  # unified id and its aliases
    crm_customer_ids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # E.164
    emails: set[str] = field(default_factory=set)  # normalised
    id_cards: set[str] = field(default_factory=set)  # id_card_hash values
    # the sales leads the person left: record ids (kept, like call ids: not tombstoned nor
    # scanned for), whose rows and status notes erasure empties and access exports
    lead_ids: set[str] = field(default_factory=set)

    def by_kind(self) -> dict[str, set[str]]:
        return {"customer_id": self.customer_ids, "crm_customer_id": self.crm_customer_ids,
                "phone": self.phones, "email": self.emails, "id_card": self.id_cards}

    def all(self) -> set[str]:
        return set().union(*self.by_kind().values())


class Tombstone:
    """The ops store's tombstone: add an erasure's identifiers, map values to pseudonyms."""

    def __init__(self, engine: Engine, settings: Settings):
        self.engine, self.key = engine, tombstone_key(settings)
        metadata.create_all(engine)

    def digest(self, value: str) -> str:
        return digest(self.key, value)

    def add(self, erasure_id: str, ids: Identifiers) -> dict[str, str]:
        """Tombstone every identifier; returns value -> pseudonym for the customer ids (an id
        tombstoned before keeps the pseudonym it got then)."""
        known = self.entries()
        rows, pseudonyms = [], {}
        for kind, values in ids.by_kind().items():
            for value in sorted(values):
                d = self.digest(value)
                if d in known:
                    if known[d][1]:
                        pseudonyms[value] = known[d][1]
                    continue
                stand_in = pseudonym(kind) if kind in PSEUDONYM_PREFIX else None
                if stand_in:
                    pseudonyms[value] = stand_in
                rows.append({"digest": d, "kind": kind, "pseudonym": stand_in, "erasure_id": erasure_id})
                known[d] = (kind, stand_in)
        if rows:
            with self.engine.begin() as con:
                con.execute(tombstones.insert(), rows)
        return pseudonyms

    def entries(self, erasure_id: str | None = None) -> dict[str, tuple[str, str | None]]:
        """digest -> (kind, pseudonym) of every tombstoned identifier (of one erasure)."""
        query = sa.select(tombstones.c.digest, tombstones.c.kind, tombstones.c.pseudonym)
        if erasure_id is not None:
            query = query.where(tombstones.c.erasure_id == erasure_id)
        with self.engine.connect() as con:
            return {d: (kind, p) for d, kind, p in con.execute(query)}

    def match(self, values: set[str]) -> dict[str, tuple[str, str | None]]:
        """Of these values, the tombstoned ones: value -> (kind, pseudonym)."""
        known = self.entries()
        if not known:
            return {}
        found = {}
        for value in values:
            hit = known.get(self.digest(value))
            if hit:
                found[value] = hit
        return found

    # ---------------------------------------------------------------- erasure records
    def record(self, erasure_id: str, customer_id: str, requested_by: str, reason: str, status: str) -> None:
        with self.engine.begin() as con:
            con.execute(erasures.insert().values(
                erasure_id=erasure_id, customer_digest=self.digest(customer_id), requested_by=requested_by,
                requested_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"), reason=reason, status=status))

    def finish(self, erasure_id: str, receipt: dict[str, Any]) -> None:
        with self.engine.begin() as con:
            con.execute(erasures.update().where(erasures.c.erasure_id == erasure_id).values(
                status="done", receipt=json.dumps(receipt, ensure_ascii=False, sort_keys=True)))

    def erasures_of(self, customer_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as con:
            rows = con.execute(sa.select(erasures).where(erasures.c.customer_digest == self.digest(customer_id))
                               .order_by(erasures.c.requested_at)).mappings().all()
        return [dict(r) for r in rows]

    def pending(self) -> list[dict[str, Any]]:
        with self.engine.connect() as con:
            return [dict(r) for r in con.execute(sa.select(erasures).where(erasures.c.status == "pending")
                                                 .order_by(erasures.c.requested_at)).mappings()]


def new_erasure_id() -> str:
    return f"ER{datetime.now(UTC):%Y%m%d%H%M%S}{secrets.token_hex(3)}"
