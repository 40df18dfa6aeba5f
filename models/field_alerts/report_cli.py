"""`hub report alerts --since DATE`: HTML and PDF reports of field alerts for R&D."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from hub.settings import get_settings

app = typer.Typer(name="report", help="Reports for consumers outside the API.", no_args_is_help=True)


@app.command()
def alerts(
    since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                   help="alerts that signalled on or after this day "
                                                        "(default: 30 days before the latest data)")] = None,
    out: Annotated[Path | None, typer.Option(help="folder (default: $HUB_DATA_DIR/reports/field_alerts)")] = None,
    pdf: Annotated[bool, typer.Option(help="also write a PDF beside each HTML")] = True,
) -> None:
    """One report per field alert (rate vs baseline, batches, regions, VINs, fault texts, work orders, the ask)."""
    from models.field_alerts.report import recent_since, write_reports

    settings = get_settings()
    start: date | None = since.date() if since else recent_since(settings.serving_url)
    if start is None:
        typer.echo("no field alerts in the serving store (run `hub build` first)")
        return
    folder = out or settings.reports_dir / "field_alerts"
    reports = write_reports(settings.serving_url, folder, start, pdf=pdf)
    for report in reports:
        typer.echo(f"{report.alert_id}: {report.html_path}" + (f", {report.pdf_path}" if report.pdf_path else ""))
    typer.echo(f"{len(reports)} reports for alerts that signalled since {start} in {folder}")


@app.command()
def leadership(
    month: Annotated[str | None, typer.Option(help="YYYY-MM (default: the latest month the served calls cover "
                                                   "to its end)")] = None,
    out: Annotated[Path | None, typer.Option(help="folder (default: $HUB_DATA_DIR/reports/leadership)")] = None,
) -> None:
    """The monthly leadership report (KPIs against targets, trends, top field alerts, staffing) as HTML and PDF."""
    from hub.privacy.live import serving_engine
    from models.leadership.report import Month, write_report

    settings = get_settings()
    try:
        chosen = Month.parse(month) if month else None
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from None
    engine = serving_engine(settings.serving_url)
    try:
        written = write_report(engine, out or settings.reports_dir / "leadership", chosen)
    finally:
        engine.dispose()
    if written is None:
        typer.echo("no calls in the serving store (run `hub build` first)")
        return
    typer.echo(f"leadership report {written[0].label}: {written[1]}, {written[2]}")
