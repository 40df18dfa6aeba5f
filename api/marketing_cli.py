"""`hub marketing export`: a cross-sell list as CSV on stdout, by the same rule as the API."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer

from hub import vocabulary
from hub.settings import get_settings

app = typer.Typer(name="marketing", help="Consent-aware cross-sell, retention, service-notice and sales-lead lists (docs/marketing.md).",
                  no_args_is_help=True)


def export_as(role: str, write: Callable) -> None:
    """Write one list's CSV to stdout, every row audited in the chain as key `cli` with this role.

    write(con, ops, recorder) checks the arguments on the list's first page, then returns the
    CSV chunks; recorder(**detail) makes the audit callback for its rows (as the API's export)."""
    from api.marketing import ListArgumentError
    from api.ops import ops_engine
    from api.store import NotPublished, ServingStore
    from hub import audit
    from hub.writeback.store import log_engine

    settings = get_settings()
    store = ServingStore(settings.serving_url)
    ops = log_engine(settings.ops_url)
    audit_store, chain = ops_engine(settings.ops_url), audit.chain_key(settings)

    def recorder(**detail: object) -> Callable[[list[str]], None]:
        def record(customer_ids: list[str]) -> None:
            audit.append(audit_store, chain, audit.entries_for("export_row", "cli", role, customer_ids, **detail))
        return record

    try:
        with store.connect() as con:
            for chunk in write(con, ops, recorder):
                sys.stdout.write(chunk)
    except (ListArgumentError, NotPublished) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    finally:
        store.close()
        ops.dispose()
        audit_store.dispose()


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
    from api.marketing import cross_sell_page, export_rows, to_csv

    def write(con, ops, recorder):
        cross_sell_page(con, product, channel, min_score, region, segment, first=1, ops=ops)
        rows = export_rows(con, product, channel, min_score, region, segment, ops)
        return to_csv(audited_rows(rows, recorder(list="cross_sell", product=product)))

    export_as("marketer", write)


@app.command("retention")
def retention_export(
    channel: Annotated[str, typer.Option(help=" or ".join(vocabulary.CONSENT_CHANNELS))] = "sms",
    min_risk: Annotated[float, typer.Option(help="lowest churn risk listed (0..1)")] = 0.5,
    min_value: Annotated[float, typer.Option(help="lowest expected 12-month value listed, CNY")] = 0.0,
) -> None:
    """Write the eligible customers at risk, ranked by churn risk x expected value, as CSV to stdout."""
    from api import retention
    from api.audit import audited_rows

    def write(con, ops, recorder):
        retention.retention_page(con, channel, min_risk, min_value, first=1, ops=ops)
        rows = retention.export_rows(con, channel, min_risk, min_value, ops)
        return retention.to_csv(audited_rows(rows, recorder(list="retention")))

    export_as("marketer", write)


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

    def write(con, ops, recorder):
        try:
            day = None if in_service_on is None else date.fromisoformat(in_service_on)
        except ValueError:
            raise ListArgumentError(f"--in-service-on {in_service_on!r} is not a date (YYYY-MM-DD)") from None
        target = service_notices.affected(con, alert, model, batch, region, day)
        service_notices.notice_page(con, target, channel, first=1, ops=ops)
        rows = service_notices.export_rows(con, target, channel, ops)
        return service_notices.to_csv(audited_rows(rows, recorder(list="service_notice", notice=target.describe())))

    export_as("contact_engine", write)


@app.command("leads")
def leads_export(
    status: Annotated[str | None, typer.Option(help=" or ".join(vocabulary.LEAD_STATES) + " (default: the open ones)")] = None,
    region: Annotated[str | None, typer.Option(help="the lead's province, e.g. 山东省")] = None,
    min_score: Annotated[float, typer.Option(help="lowest lead score listed (0..1)")] = 0.0,
) -> None:
    """Write sales' hand-over list of leads (best score first, numbers in full) as CSV to stdout."""
    from api import leads
    from api.audit import audited_rows

    def write(con, ops, recorder):
        leads.leads_page(con, status, region, min_score, first=1, ops=ops)
        rows = leads.export_rows(con, status, region, min_score, ops)
        return leads.to_csv(audited_rows(rows, recorder(list="sales_leads"), "auditSubject"))

    export_as("sales", write)
