"""`hub marketing export`: a cross-sell list as CSV on stdout, by the same rule as the API."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hub import vocabulary
from hub.settings import get_settings

app = typer.Typer(name="marketing", help="Consent-aware cross-sell and retention lists (docs/marketing.md).",
                  no_args_is_help=True)


@app.command()
def export(
    product: Annotated[str, typer.Option(help=" or ".join(vocabulary.PRODUCTS))],
    channel: Annotated[str, typer.Option(help=" or ".join(vocabulary.CONSENT_CHANNELS))] = "sms",
    min_score: Annotated[float, typer.Option(help="lowest propensity listed (0..1)")] = 0.0,
    region: Annotated[str | None, typer.Option(help="the customer's province, e.g. 山东省")] = None,
    segment: Annotated[str | None, typer.Option(help=" or ".join(vocabulary.SEGMENTS))] = None,
) -> None:
    """Write the eligible customers for PRODUCT, ranked by propensity x value, as CSV to stdout."""
    from api.audit import audited_rows
    from api.marketing import ListArgumentError, cross_sell_page, export_rows, to_csv
    from api.ops import ops_engine
    from hub import audit
    from api.store import NotPublished, ServingStore
    from hub.writeback.store import log_engine

    settings = get_settings()
    store = ServingStore(settings.serving_url)
    ops = log_engine(settings.ops_url)
    audit_store, chain = ops_engine(settings.ops_url), audit.chain_key(settings)

    def record(customer_ids: list[str]) -> None:  # each row written to stdout, as the API's export
        audit.append(audit_store, chain, audit.entries_for("export_row", "cli", "marketer", customer_ids,
                                                           list="cross_sell", product=product))

    try:
        with store.connect() as con:
            cross_sell_page(con, product, channel, min_score, region, segment, first=1, ops=ops)
            rows = audited_rows(export_rows(con, product, channel, min_score, region, segment, ops), record)
            for chunk in to_csv(rows):
                sys.stdout.write(chunk)
    except ListArgumentError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    except NotPublished as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    finally:
        store.close()
        ops.dispose()
        audit_store.dispose()


@app.command("retention")
def retention_export(
    channel: Annotated[str, typer.Option(help=" or ".join(vocabulary.CONSENT_CHANNELS))] = "sms",
    min_risk: Annotated[float, typer.Option(help="lowest churn risk listed (0..1)")] = 0.5,
    min_value: Annotated[float, typer.Option(help="lowest expected 12-month value listed, CNY")] = 0.0,
) -> None:
    """Write the eligible customers at risk, ranked by churn risk x expected value, as CSV to stdout."""
    from api import retention
    from api.audit import audited_rows
    from api.marketing import ListArgumentError
    from api.ops import ops_engine
    from api.store import NotPublished, ServingStore
    from hub import audit
    from hub.writeback.store import log_engine

    settings = get_settings()
    store = ServingStore(settings.serving_url)
    ops = log_engine(settings.ops_url)
    audit_store, chain = ops_engine(settings.ops_url), audit.chain_key(settings)

    def record(customer_ids: list[str]) -> None:
        audit.append(audit_store, chain, audit.entries_for("export_row", "cli", "marketer", customer_ids,
                                                           list="retention"))

    try:
        with store.connect() as con:
            retention.retention_page(con, channel, min_risk, min_value, first=1, ops=ops)
            rows = audited_rows(retention.export_rows(con, channel, min_risk, min_value, ops), record)
            for chunk in retention.to_csv(rows):
                sys.stdout.write(chunk)
    except (ListArgumentError, NotPublished) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    finally:
        store.close()
        ops.dispose()
        audit_store.dispose()


@app.command("service-notice")
def service_notice_export(
    alert: Annotated[str | None, typer.Option(help="an open field alert's id (hub field-alerts / fieldAlerts)")] = None,
    model: Annotated[str | None, typer.Option(help="a declared outage's model code, e.g. J6P")] = None,
    batch: Annotated[str | None, typer.Option(help="the outage's build batch, e.g. J6P-2412")] = None,
    region: Annotated[str | None, typer.Option(help="the owners' province, e.g. 山东省")] = None,
    in_service_on: Annotated[str | None, typer.Option(help="vehicles built by this date (YYYY-MM-DD)")] = None,
    channel: Annotated[str, typer.Option(help=" or ".join(vocabulary.CONSENT_CHANNELS))] = "sms",
) -> None:
    """Write the owners to notify of a field alert or declared outage, with their numbers, as CSV to stdout."""
    from datetime import date

    from api import service_notices
    from api.audit import audited_rows
    from api.marketing import ListArgumentError
    from api.ops import ops_engine
    from api.store import NotPublished, ServingStore
    from hub import audit
    from hub.writeback.store import log_engine

    settings = get_settings()
    store = ServingStore(settings.serving_url)
    ops = log_engine(settings.ops_url)
    audit_store, chain = ops_engine(settings.ops_url), audit.chain_key(settings)
    try:
        with store.connect() as con:
            try:
                day = None if in_service_on is None else date.fromisoformat(in_service_on)
            except ValueError:
                raise ListArgumentError(f"--in-service-on {in_service_on!r} is not a date (YYYY-MM-DD)") from None
            target = service_notices.affected(con, alert, model, batch, region, day)
            service_notices.notice_page(con, target, channel, first=1, ops=ops)

            def record(customer_ids: list[str]) -> None:
                audit.append(audit_store, chain, audit.entries_for("export_row", "cli", "contact_engine", customer_ids,
                                                                   list="service_notice", notice=target.describe()))

            rows = audited_rows(service_notices.export_rows(con, target, channel, ops), record)
            for chunk in service_notices.to_csv(rows):
                sys.stdout.write(chunk)
    except (ListArgumentError, NotPublished) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    finally:
        store.close()
        ops.dispose()
        audit_store.dispose()
