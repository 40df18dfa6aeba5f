"""API keys: created with a role, stored as a sha256 hash, listed, revoked, checked.

A key reads `<key_id>.<secret>`; the key id is public (it names the key in the audit log
and in `hub keys list`), the secret is random and only its hash is kept.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.ops import api_keys
from hub import audit
from hub.settings import get_settings
from api.roles import ROLES


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key id and its role (never the secret)."""

    key_id: str
    role: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(engine: Engine, action: str, key_id: str, role: str | None, chain: bytes | None) -> None:
    audit.append(engine, chain or audit.chain_key(get_settings()), [audit.Entry(action, key_id, role)])


def create_key(engine: Engine, role: str, name: str, chain: bytes | None = None) -> str:
    """Store a new key for role and return it: the only time the full key is known. The
    creation is audited (key id and role; `chain` is the audit chain's key, default the
    settings')."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    key_id = secrets.token_hex(6)
    token = f"{key_id}.{secrets.token_urlsafe(32)}"
    with engine.begin() as con:
        con.execute(
            api_keys.insert().values(
                key_id=key_id, key_hash=_hash(token), name=name, role=role, created_at=datetime.now(UTC)
            )
        )
    _audit(engine, "key_created", key_id, role, chain)
    return token


def list_keys(engine: Engine) -> list[sa.Row]:
    with engine.connect() as con:
        return list(con.execute(sa.select(api_keys).order_by(api_keys.c.created_at)))


def revoke_key(engine: Engine, key_id: str, chain: bytes | None = None) -> bool:
    """Revoke a key by its id (audited); False when no live key has that id."""
    with engine.begin() as con:
        result = con.execute(
            api_keys.update()
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    if result.rowcount == 1:
        _audit(engine, "key_revoked", key_id, None, chain)
    return result.rowcount == 1


class KeyChecker:
    """Checks presented keys against the ops store, remembering answers for a few seconds.

    The cache keeps the key table off the per-request path; a revocation takes effect for
    every API process within ttl_seconds.
    """

    def __init__(self, engine: Engine, ttl_seconds: float = 5.0) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    def check(self, token: str | None) -> Principal | None:
        if not token or len(token) > 200:
            return None
        digest = _hash(token)
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        principal = self._lookup(digest)
        if len(self._cache) > 10_000:  # bounded: random wrong keys must not grow memory
            self._cache.clear()
        self._cache[digest] = (now + self._ttl, principal)
        return principal

    def _lookup(self, digest: str) -> Principal | None:
        query = sa.select(api_keys.c.key_id, api_keys.c.role).where(
            api_keys.c.key_hash == digest, api_keys.c.revoked_at.is_(None)
        )
        with self._engine.connect() as con:
            row = con.execute(query).first()
        return None if row is None else Principal(key_id=row.key_id, role=row.role)
