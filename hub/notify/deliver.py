"""Delivery: queue what each subscription is to be told, once, and send it with retries.

A run (after each publish: the Dagster asset `["alerts", "deliveries"]`, or `hub notify
deliver`) queues one delivery per new (subscription, alert) pair, then sends every delivery
that is due: up to `attempts_per_run` attempts, waiting `backoff_seconds` x 2^(n-1) between
them; one still failing is left `retrying` with its next attempt due after a longer wait,
and after `max_attempts` in all it is `failed`. A receiver that refuses the message (HTTP
4xx other than 408 and 429) is not asked again. Every attempt is logged.

Webhooks are POSTed JSON with the delivery id in `Idempotency-Key`; e-mails go through the
SMTP server of the settings with the delivery id in Message-ID. Both let a receiver drop
the one duplicate a crash between sending and logging can cause (at-least-once).
"""

from __future__ import annotations

import json
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import sqlalchemy as sa

from hub.notify import matching
from hub.notify.store import attempts_table, deliveries_table, now_iso, ops_engine, subscriptions, subscriptions_table

_RETRY_HTTP = {408, 429}


@dataclass(frozen=True)
class DeliveryConfig:
    smtp_host: str = "localhost"
    smtp_port: int = 25
    mail_from: str = "cs-hub@localhost"
    attempts_per_run: int = 3
    max_attempts: int = 6
    backoff_seconds: float = 2.0
    timeout_seconds: float = 10.0


    @classmethod
    def from_settings(cls, settings) -> DeliveryConfig:
        return cls(smtp_host=settings.notify_smtp_host, smtp_port=settings.notify_smtp_port,
                   mail_from=settings.notify_mail_from, attempts_per_run=settings.notify_attempts_per_run,
                   max_attempts=settings.notify_max_attempts, backoff_seconds=settings.notify_backoff_seconds,
                   timeout_seconds=settings.notify_timeout_seconds)


@dataclass
class Summary:
    queued: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    attempts: int = 0
    by_subscription: dict[str, int] = field(default_factory=dict)


class _Refused(Exception):
    """The receiver refused the message: asking again would not help."""


def _webhook(url: str, delivery_id: str, subject: str, payload: dict, config: DeliveryConfig) -> None:
    body = {"deliveryId": delivery_id, "subject": subject, **payload}
    response = httpx.post(url, json=body, timeout=config.timeout_seconds,
                          headers={"Idempotency-Key": delivery_id, "User-Agent": "cs-hub-notify"})
    if response.is_success:
        return
    if 400 <= response.status_code < 500 and response.status_code not in _RETRY_HTTP:
        raise _Refused(f"HTTP {response.status_code}")
    raise OSError(f"HTTP {response.status_code}")


def _email(address: str, delivery_id: str, subject: str, payload: dict, config: DeliveryConfig) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config.mail_from, address, subject
    message["Message-ID"] = f"<{delivery_id}@cs-hub>"
    message.set_content(subject + "\n\n" + json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout_seconds) as smtp:
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _Refused("SMTP recipient refused") from error


SENDERS: dict[str, Callable[..., None]] = {"webhook": _webhook, "email": _email}


def _reason(error: Exception) -> str:
    """A short reason for the log; never the address (an e-mail address is personal)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP {error.smtp_code}"
    text = str(error) if isinstance(error, (_Refused, OSError)) and str(error).startswith(("HTTP", "SMTP")) else ""
    return (text or type(error).__name__)[:300]


def queue(ops: sa.Engine, serving: sa.Engine, now: datetime) -> int:
    """Queue a delivery for every (active subscription, matching alert) not queued before."""
    active = subscriptions(ops)
    if not active:
        return 0
    with serving.connect() as con:
        alerts = matching.field_alerts(con) if any(s["topic"] == "field_alert" for s in active) else []
        breach_rows = matching.breaches(con) if any(s["topic"] == "kpi_breach" for s in active) else []
    d, queued = deliveries_table, 0
    with ops.begin() as con:
        for sub in active:
            found = matching.matches(sub, alerts, breach_rows)
            if not found:
                continue
            seen = set(con.execute(sa.select(d.c.alert_key).where(d.c.subscription_id == sub["subscription_id"]))
                       .scalars())
            rows = [{"delivery_id": "DL-" + uuid.uuid4().hex[:16], "subscription_id": sub["subscription_id"],
                     "alert_key": a.key, "subject": a.subject[:300],
                     "payload": json.dumps(a.payload, ensure_ascii=False, default=str), "status": "pending",
                     "attempts": 0, "queued_at": now_iso(now), "next_attempt_at": now_iso(now)}
                    for a in found if a.key not in seen]
            if rows:
                con.execute(d.insert(), rows)
                queued += len(rows)
    return queued


def _due(ops: sa.Engine, now: datetime) -> list[dict[str, Any]]:
    d, s = deliveries_table, subscriptions_table
    query = (sa.select(d, s.c.channel, s.c.address)
             .join(s, s.c.subscription_id == d.c.subscription_id)
             .where(d.c.status.in_(("pending", "retrying")), d.c.next_attempt_at <= now_iso(now), s.c.is_active)
             .order_by(d.c.queued_at, d.c.delivery_id))
    with ops.connect() as con:
        return [dict(row._mapping) for row in con.execute(query)]


def _send(ops: sa.Engine, row: dict, config: DeliveryConfig, summary: Summary,
          clock: Callable[[], datetime], sleep: Callable[[float], None]) -> None:
    attempts, sender = row["attempts"], SENDERS[row["channel"]]
    payload = json.loads(row["payload"])
    for turn in range(config.attempts_per_run):
        if turn:
            sleep(config.backoff_seconds * 2 ** (attempts - 1))
        attempts += 1
        summary.attempts += 1
        try:
            sender(row["address"], row["delivery_id"], row["subject"], payload, config)
            error, refused = None, False
        except _Refused as failure:
            error, refused = _reason(failure), True
        except (OSError, httpx.HTTPError, smtplib.SMTPException) as failure:
            error, refused = _reason(failure), False
        at = clock()
        if error is None:
            status, next_at = "delivered", at
        elif refused or attempts >= config.max_attempts:
            status, next_at = "failed", at
        else:
            status, next_at = "retrying", at + timedelta(seconds=config.backoff_seconds * 2 ** attempts)
        with ops.begin() as con:
            con.execute(attempts_table.insert().values(delivery_id=row["delivery_id"], attempt=attempts,
                                                       attempted_at=now_iso(at), outcome="ok" if error is None
                                                       else "error", detail=error))
            con.execute(deliveries_table.update().where(deliveries_table.c.delivery_id == row["delivery_id"])
                        .values(status=status, attempts=attempts, last_error=error, next_attempt_at=now_iso(next_at),
                                delivered_at=now_iso(at) if error is None else None))
        if status != "retrying":
            break
    setattr(summary, status, getattr(summary, status) + 1)
    if status == "delivered":
        summary.by_subscription[row["subscription_id"]] = summary.by_subscription.get(row["subscription_id"], 0) + 1


def deliver(ops_url: str, serving: sa.Engine, config: DeliveryConfig | None = None,
            clock: Callable[[], datetime] | None = None, sleep: Callable[[float], None] = time.sleep) -> Summary:
    """Queue new matches, then send what is due (the module's docstring says how)."""
    config = config or DeliveryConfig()
    clock = clock or (lambda: datetime.now(UTC))
    ops = ops_engine(ops_url)
    summary = Summary()
    summary.queued = queue(ops, serving, clock())
    for row in _due(ops, clock()):
        _send(ops, row, config, summary, clock, sleep)
    return summary
