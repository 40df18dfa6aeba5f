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
