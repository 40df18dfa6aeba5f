"""Subscriptions and the delivery log in the ops store (SQLite or PostgreSQL).

`alert_deliveries` holds one row per (subscription, alert): the unique key is what makes
delivery idempotent; a run that finds the row again sends nothing new. Each attempt is a
row of `alert_delivery_attempts` (when, outcome, a short reason that never holds the
subscriber's address)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from hub import vocabulary as v

metadata = sa.MetaData()

subscriptions_table = sa.Table(
    "alert_subscriptions", metadata,
    sa.Column("subscription_id", sa.String(24), primary_key=True),
    sa.Column("subscriber", sa.String(80), nullable=False),  # who: an employee id or a team's name
    sa.Column("topic", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.String(400), nullable=False),  # webhook URL or e-mail address
    # field_alert filters (null: any)
    sa.Column("model_code", sa.String(40)),
    sa.Column("component", sa.String(40)),
    sa.Column("min_severity", sa.String(8)),
    # kpi_breach filters
    sa.Column("kpi_name", sa.String(64)),
    sa.Column("scope_level", sa.String(8)),
    sa.Column("scope_id", sa.String(64)),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.String(24), nullable=False),
)
deliveries_table = sa.Table(
    "alert_deliveries", metadata,
    sa.Column("delivery_id", sa.String(40), primary_key=True),
    sa.Column("subscription_id", sa.String(24), nullable=False),
    sa.Column("alert_key", sa.String(200), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # JSON, what is sent
    # pending -> delivered, or retrying (until the next run) -> ... -> failed
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.String(300)),
    sa.Column("queued_at", sa.String(24), nullable=False),
    sa.Column("next_attempt_at", sa.String(24), nullable=False),
    sa.Column("delivered_at", sa.String(24)),
    sa.UniqueConstraint("subscription_id", "alert_key", name="uq_alert_delivery"),
)
attempts_table = sa.Table(
    "alert_delivery_attempts", metadata,
    sa.Column("attempt_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.String(40), nullable=False, index=True),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("attempted_at", sa.String(24), nullable=False),
    sa.Column("outcome", sa.String(8), nullable=False),  # ok or error
    sa.Column("detail", sa.String(300)),
    sqlite_autoincrement=True,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


class InvalidSubscription(ValueError):
    """A subscription that breaks a rule: names the field, the value and the rule."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(f"{field}={str(value)[:80]!r}: {rule}")
        self.field, self.value, self.rule = field, value, rule


def now_iso(now: datetime | None = None) -> str:
    when = (now or datetime.now(UTC)).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def ops_engine(url: str) -> sa.Engine:
    """An engine on the ops store with the notify tables created if missing."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 10})
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


def _one_of(field: str, value: str | None, allowed: tuple[str, ...], required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if value not in allowed:
        raise InvalidSubscription(field, value, f"must be one of {', '.join(allowed)}")
    return value


def _text(field: str, value: str | None, longest: int, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise InvalidSubscription(field, value, "is required")
        return None
    if len(value) > longest or not value.isprintable():
        raise InvalidSubscription(field, value, f"must be printable and at most {longest} characters")
    return value


def check(subscriber: str, topic: str, channel: str, address: str, model: str | None = None,
          component: str | None = None, min_severity: str | None = None, kpi: str | None = None,
          scope: str | None = None, scope_id: str | None = None) -> dict[str, Any]:
    """The row a subscription stores, or InvalidSubscription naming the first broken rule."""
    from hub.kpis import SCORECARD

    row = {
        "subscriber": _text("subscriber", subscriber, 80, required=True),
        "topic": _one_of("topic", topic, v.NOTIFY_TOPICS, required=True),
        "channel": _one_of("channel", channel, v.NOTIFY_CHANNELS, required=True),
        "address": _text("address", address, 400, required=True),
    }
    pattern, rule = (_URL, "must be an http(s) URL") if channel == "webhook" else (_EMAIL, "must be an e-mail address")
    if not pattern.match(address):
        raise InvalidSubscription("address", address, rule)
    field_filters = {"model": model, "component": component, "min_severity": min_severity}
    kpi_filters = {"kpi": kpi, "scope": scope, "scope_id": scope_id}
    given, other = (field_filters, kpi_filters) if topic == "field_alert" else (kpi_filters, field_filters)
    for name, value in other.items():
        if value is not None:
            raise InvalidSubscription(name, value, f"is not a filter of topic {topic}")
    row |= {
        "model_code": _text("model", model, 40),
        "component": _one_of("component", component, v.COMPONENTS),
        "min_severity": _one_of("min_severity", min_severity, v.ALERT_SEVERITIES),
        "kpi_name": _one_of("kpi", kpi, SCORECARD),
        "scope_level": _one_of("scope", scope, v.SCORECARD_SCOPES) or ("site" if topic == "kpi_breach" else None),
        "scope_id": _text("scope_id", scope_id, 64),
    }
    return row


def subscribe(engine: sa.Engine, now: datetime | None = None, **fields: Any) -> str:
    """Store a subscription (see check for its fields); returns its id."""
    row = check(**fields)
    subscription_id = "SUB-" + uuid.uuid4().hex[:12]
    with engine.begin() as con:
        con.execute(subscriptions_table.insert().values(
            subscription_id=subscription_id, is_active=True, created_at=now_iso(now), **row))
    return subscription_id


def cancel(engine: sa.Engine, subscription_id: str) -> bool:
    """Stop a subscription (its delivery log stays); False when no active one has that id."""
    with engine.begin() as con:
        result = con.execute(subscriptions_table.update()
                             .where(subscriptions_table.c.subscription_id == subscription_id,
                                    subscriptions_table.c.is_active)
                             .values(is_active=False))
    return result.rowcount == 1


def subscriptions(engine: sa.Engine, active_only: bool = True) -> list[dict[str, Any]]:
    query = sa.select(subscriptions_table).order_by(subscriptions_table.c.created_at,
                                                    subscriptions_table.c.subscription_id)
    if active_only:
        query = query.where(subscriptions_table.c.is_active)
    with engine.connect() as con:
        return [dict(row._mapping) for row in con.execute(query)]


def deliveries(engine: sa.Engine, subscription_id: str | None = None, status: str | None = None,
               limit: int = 100) -> list[dict[str, Any]]:
    """The delivery log, newest first, each with its attempts (oldest first)."""
    d, a = deliveries_table, attempts_table
    query = sa.select(d).order_by(d.c.queued_at.desc(), d.c.delivery_id).limit(limit)
    if subscription_id is not None:
        query = query.where(d.c.subscription_id == subscription_id)
    if status is not None:
        query = query.where(d.c.status == status)
    with engine.connect() as con:
        rows = [dict(row._mapping) for row in con.execute(query)]
        ids = [row["delivery_id"] for row in rows]
        found: dict[str, list[dict]] = {i: [] for i in ids}
        if ids:
            for row in con.execute(sa.select(a).where(a.c.delivery_id.in_(ids)).order_by(a.c.attempt_id)):
                found[row.delivery_id].append(dict(row._mapping))
    for row in rows:
        row["attempt_log"] = found[row["delivery_id"]]
    return rows
