"""`hub notify`: subscriptions to pushed alerts, delivery and its log (docs/notify.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from hub import vocabulary as v
from hub.settings import get_settings

app = typer.Typer(help="Alerts pushed to subscribers by webhook and e-mail (docs/notify.md).", no_args_is_help=True)


def masked(address: str) -> str:
    """An e-mail address as a-***@example.com (it is personal); a URL as given."""
    if "@" in address and "://" not in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return address


@app.command()
def subscribe(
    subscriber: str = typer.Option(..., help="who is told: an employee id or a team"),
    topic: str = typer.Option(..., help=f"one of {', '.join(v.NOTIFY_TOPICS)}"),
    channel: str = typer.Option(..., help=f"one of {', '.join(v.NOTIFY_CHANNELS)}"),
    address: str = typer.Option(..., help="the webhook's http(s) URL or the e-mail address"),
    model: str | None = typer.Option(None, help="field_alert: only this vehicle model code"),
    component: str | None = typer.Option(None, help="field_alert: only this component"),
    min_severity: str | None = typer.Option(None, help=f"field_alert: at least ({', '.join(v.ALERT_SEVERITIES)})"),
    kpi: str | None = typer.Option(None, help="kpi_breach: only this scorecard KPI"),
    scope: str | None = typer.Option(None, help=f"kpi_breach: {', '.join(v.SCORECARD_SCOPES)} (default site)"),
    scope_id: str | None = typer.Option(None, help="kpi_breach: only this agent, team or site"),
) -> None:
    """Subscribe to field alerts or KPI breaches; prints the subscription id."""
    from hub.notify import store

    engine = store.ops_engine(get_settings().ops_url)
    try:
        subscription_id = store.subscribe(engine, subscriber=subscriber, topic=topic, channel=channel,
                                          address=address, model=model, component=component,
                                          min_severity=min_severity, kpi=kpi, scope=scope, scope_id=scope_id)
    except store.InvalidSubscription as error:
        typer.echo(f"refused: {error}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(subscription_id)


@app.command("list")
def list_subscriptions(all_: bool = typer.Option(False, "--all", help="cancelled ones too")) -> None:
    """The subscriptions, one a line (e-mail addresses masked)."""
    from hub.notify import store

    for s in store.subscriptions(store.ops_engine(get_settings().ops_url), active_only=not all_):
        filters = {k: s[k] for k in ("model_code", "component", "min_severity", "kpi_name", "scope_level", "scope_id")
                   if s[k] is not None}
        state = "active" if s["is_active"] else "cancelled"
        typer.echo(f"{s['subscription_id']} {state} {s['subscriber']} {s['topic']} {s['channel']} "
                   f"{masked(s['address'])} {' '.join(f'{k}={x}' for k, x in filters.items())}".rstrip())


@app.command()
def cancel(subscription_id: str) -> None:
    """Stop a subscription (its delivery log is kept)."""
    from hub.notify import store

    if not store.cancel(store.ops_engine(get_settings().ops_url), subscription_id):
        typer.echo(f"no active subscription {subscription_id}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"cancelled {subscription_id}")


@app.command()
def deliver() -> None:
    """Queue what the served alerts and scorecards match, once per subscription, and send what is due."""
    from hub.notify.deliver import DeliveryConfig, deliver as run_delivery
    from hub.privacy.live import serving_engine

    settings = get_settings()
    url = settings.serving_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        typer.echo(f"no serving store at {url.removeprefix('sqlite:///')}: publish a build first", err=True)
        raise typer.Exit(code=1)
    summary = run_delivery(settings.ops_url, serving_engine(url), DeliveryConfig.from_settings(settings))
    typer.echo(f"queued {summary.queued}, delivered {summary.delivered}, retrying {summary.retrying}, "
               f"failed {summary.failed} ({summary.attempts} attempts)")


@app.command()
def log(
    subscription: str | None = typer.Option(None, help="only this subscription's deliveries"),
    status: str | None = typer.Option(None, help="pending, delivered, retrying or failed"),
    limit: int = typer.Option(50, min=1, max=1000),
    attempts: bool = typer.Option(False, "--attempts", help="each attempt too"),
) -> None:
    """The delivery log, newest first: delivery, subscription, status, attempts, last error, alert."""
    from hub.notify import store

    for d in store.deliveries(store.ops_engine(get_settings().ops_url), subscription, status, limit):
        due = f" next={d['next_attempt_at']}" if d["status"] in ("pending", "retrying") else ""
        typer.echo(f"{d['delivery_id']} {d['subscription_id']} {d['status']} attempts={d['attempts']}{due} "
                   f"queued={d['queued_at']} delivered={d['delivered_at'] or '-'} error={d['last_error'] or '-'} "
                   f"{d['alert_key']}")
        if attempts:
            for a in d["attempt_log"]:
                typer.echo(f"  attempt {a['attempt']} {a['attempted_at']} {a['outcome']} {a['detail'] or ''}".rstrip())
