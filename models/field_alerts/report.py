"""Alert reports for R&D: one HTML page (and its PDF) per alert, from the serving store.

Everything shown comes from the published field-quality tables, which carry vehicles,
work orders and masked free text only: no customer, name, phone or id number reaches a
report. `write_reports` renders the alerts that signalled on or after a date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import jinja2
import sqlalchemy as sa

from models.field_alerts.chart import rate_chart

TEMPLATES = Path(__file__).parent / "templates"
SAMPLE_TEXTS = 6
LISTED_WORK_ORDERS = 30

_ALERTS = "select * from field_alerts where last_signal_date >= :since order by opened_date, alert_id"
_DAYS = "select * from field_alert_days where alert_id = :alert_id order by activity_date"
_FAILURES = "select * from field_alert_failures where alert_id = :alert_id order by failure_date, failure_id"
_BUILD = "select build_id, as_of from _build"

ASKS = {
    "high": "Open a root-cause investigation (8D) within 5 working days: confirm the failure mode on returned "
            "parts from the VINs below, say whether the build batches listed need a service campaign or a "
            "production containment, and give service a temporary fix.",
    "medium": "Review the evidence within 10 working days: check the listed batches' supplier lots and "
              "assembly records for this component, and tell quality whether a root-cause investigation is needed.",
    "low": "Watch: no action yet. Quality will re-assess when the alert grows or reaches medium severity.",
}


@dataclass
class Report:
    alert_id: str
    html_path: Path
    pdf_path: Path | None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["num"] = lambda v, places=2: "–" if v is None else f"{v:,.{places}f}"
    return env


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def alert_context(con: sa.Connection, alert: dict) -> dict:
    """What one report shows: the alert, its series, its reach and its evidence."""
    days = [dict(r) for r in con.execute(sa.text(_DAYS), {"alert_id": alert["alert_id"]}).mappings()]
    failures = [dict(r) for r in con.execute(sa.text(_FAILURES), {"alert_id": alert["alert_id"]}).mappings()]
    texts = Counter(f["fault_description"] for f in failures if f["fault_description"])
    chart = rate_chart(
        [_as_date(d["activity_date"]) for d in days],
        [d["rate_per_1000_vehicle_days"] for d in days],
        [d["baseline_per_1000_vehicle_days"] for d in days],
        _as_date(alert["opened_date"]),
    )
    return {
        "alert": alert,
        "chart": chart,
        "batches": Counter(f["build_batch"] for f in failures).most_common(),
        "regions": Counter(f["region_office"] for f in failures).most_common(),
        "fault_codes": Counter(f["fault_code"] for f in failures if f["fault_code"]).most_common(),
        "vins": sorted({f["vin"] for f in failures}),
        "texts": texts.most_common(SAMPLE_TEXTS),
        "work_orders": [f for f in failures if f["work_order_id"]][:LISTED_WORK_ORDERS],
        "work_order_total": sum(1 for f in failures if f["work_order_id"]),
        "call_total": len({f["call_id"] for f in failures if f["call_id"]}),
        "telematics_total": sum(1 for f in failures if f["has_telematics"]),
        "ask": ASKS[alert["severity"]],
    }


def render_html(context: dict, build: dict | None) -> str:
    return _environment().get_template("alert.html.j2").render(**context, build=build or {})


def write_reports(serving_url: str, out_dir: Path, since: date, pdf: bool = True) -> list[Report]:
    """Render every alert that signalled on or after `since` into out_dir (overwriting)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(serving_url)
    reports = []
    try:
        with engine.connect() as con:
            build_rows = [dict(r) for r in con.execute(sa.text(_BUILD)).mappings()]
            build = build_rows[0] if build_rows else None
            alerts = [dict(r) for r in con.execute(sa.text(_ALERTS), {"since": since}).mappings()]
            for alert in alerts:
                html = render_html(alert_context(con, alert), build)
                html_path = out_dir / f"{alert['alert_id']}.html"
                html_path.write_text(html, encoding="utf-8")
                pdf_path = None
                if pdf:
                    pdf_path = out_dir / f"{alert['alert_id']}.pdf"
                    write_pdf(html, pdf_path)
                reports.append(Report(alert["alert_id"], html_path, pdf_path))
    finally:
        engine.dispose()
    return reports


def write_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML  # heavy import (pango): only when a PDF is asked for

    HTML(string=html).write_pdf(path)


RECENT_DAYS = 30


def recent_since(serving_url: str, days: int = RECENT_DAYS) -> date | None:
    """The day `days` before the latest alert data in the serving store (None: no alerts)."""
    engine = sa.create_engine(serving_url)
    try:
        with engine.connect() as con:
            latest = con.execute(sa.text("select max(as_of_date) from field_alerts")).scalar()
    finally:
        engine.dispose()
    if latest is None:
        return None
    return _as_date(latest) - timedelta(days=days)
