"""The monthly leadership report, from the served tables only (aggregates: no customer).

- Scorecard KPIs against target per site (scorecards, scope site): the month's weeks are
  those whose Monday falls in it; numerators and denominators are summed over them, then
  divided; the target is the latest week's; against the month before.
- Queue KPIs of the month against the month before (queue_days, every queue summed),
  and the site scorecards week by week (the trend).
- Top field alerts: open, or signalled in the month, most severe and highest rate ratio first.
- Staffing: per queue, forecast against arrived calls and the Erlang C plan's scheduled
  agent-hours against the answering agents' (interval_forecasts); engineers per region now
  (region_workload).

Every formula is the KPI registry's (hub/kpis.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa

from hub import kpis
from hub import vocabulary as v

TEMPLATES = Path(__file__).parent / "templates"
TOP_ALERTS = 10
# the queue KPIs a leadership page shows (occupancy of the busy agents only overstates: left out)
QUEUE_REPORT_KPIS = ("service_level", "abandon_rate", "average_speed_of_answer_seconds", "average_handle_seconds",
                     "first_contact_resolution", "csat")

_LAST_DAY = "select max(call_date) from queue_days"
_QUEUE_MONTH = "select {sums} from queue_days where call_date between :first and :last"
_SITE_WEEKS = """select scope_id, week_start_date, kpi_name, kpi_position, numerator, denominator, kpi_value,
        target_value, is_higher_better
    from scorecards where scope_level = 'site' and week_start_date between :first and :last
    order by scope_id, kpi_position, week_start_date"""
_ALERTS = """select alert_id, model_code, component, build_batch, alert_state, severity, opened_date,
        last_signal_date, rate_ratio, affected_vehicle_count, failures_since_opened
    from field_alerts where opened_date <= :last and (alert_state <> 'closed' or last_signal_date >= :first)"""
_STAFFING = """select queue_name, sum(forecast_calls) as forecast_calls, sum(actual_calls) as actual_calls,
        sum(agents_scheduled) * 0.5 as scheduled_agent_hours, sum(answering_agents) * 0.5 as answering_agent_hours,
        count(*) as intervals
    from interval_forecasts where interval_date between :first and :last and forecast_kind = 'holdout'
    group by queue_name order by queue_name"""
_REGIONS = """select region_office, engineers_on_duty, open_work_orders, overdue_work_orders,
        open_work_orders_per_engineer
    from region_workload order by open_work_orders desc, region_office"""
_BUILD = "select build_id, as_of from _build"


@dataclass(frozen=True)
class Month:
    first: date

    @property
    def last(self) -> date:
        return (self.first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)

    @property
    def previous(self) -> Month:
        return Month((self.first - timedelta(days=1)).replace(day=1))

    @property
    def label(self) -> str:
        return self.first.strftime("%Y-%m")

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            return cls(date.fromisoformat(f"{text}-01"))
        except ValueError:
            raise ValueError(f"month={text[:20]!r}: must be YYYY-MM, e.g. 2026-03") from None


def _day(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value)[:10])


def latest_complete_month(con: sa.Connection) -> Month | None:
    """The latest month the served calls cover to its last day (None: no calls served)."""
    last = _day(con.execute(sa.text(_LAST_DAY)).scalar())
    if last is None:
        return None
    month = Month(last.replace(day=1))
    return month if last == month.last else month.previous


def fmt(kpi: kpis.Kpi, value: float | None) -> str:
    return "–" if value is None else format(value, kpi.d3_format)


def _trend(kpi: kpis.Kpi, now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    if now == before:
        return "flat"
    return "better" if (now > before) == kpi.higher_is_better else "worse"


def queue_kpis(con: sa.Connection, month: Month) -> dict[str, Any]:
    chosen = [kpis.KPIS[name] for name in QUEUE_REPORT_KPIS]
    columns = dict.fromkeys(["offered_calls", *(c for k in chosen for c in (k.numerator, k.denominator))])
    sql = sa.text(_QUEUE_MONTH.format(sums=", ".join(f"sum({c}) as {c}" for c in columns)))
    now, before = (dict(con.execute(sql, {"first": m.first, "last": m.last}).mappings().one())
                   for m in (month, month.previous))
    rows = []
    for kpi in chosen:
        value, previous = (kpis.ratio(kpi, r[kpi.numerator], r[kpi.denominator]) for r in (now, before))
        rows.append({"name": kpi.name, "definition": kpi.definition, "value": fmt(kpi, value),
                     "numerator": now[kpi.numerator] or 0, "denominator": now[kpi.denominator] or 0,
                     "previous": fmt(kpi, previous), "trend": _trend(kpi, value, previous)})
    return {"offered": int(now["offered_calls"] or 0), "previous_offered": int(before["offered_calls"] or 0),
            "rows": rows}


def site_scorecards(con: sa.Connection, month: Month) -> tuple[list[dict], list[dict]]:
    """Per site and KPI the month against target and the month before; and week by week."""
    rows = [dict(r) for r in con.execute(sa.text(_SITE_WEEKS), {"first": month.previous.first, "last": month.last})
            .mappings()]
    summary, weekly = [], []
    keys = dict.fromkeys((r["scope_id"], r["kpi_name"]) for r in rows)
    for site, name in keys:
        kpi = kpis.KPIS[name]
        mine = [r for r in rows if (r["scope_id"], r["kpi_name"]) == (site, name)]
        this = [r for r in mine if _day(r["week_start_date"]) >= month.first]
        before = [r for r in mine if _day(r["week_start_date"]) < month.first]
        if not this:
            continue
        value = kpis.ratio(kpi, sum(r["numerator"] or 0 for r in this), sum(r["denominator"] or 0 for r in this))
        previous = kpis.ratio(kpi, sum(r["numerator"] or 0 for r in before),
                              sum(r["denominator"] or 0 for r in before)) if before else None
        target = this[-1]["target_value"]
        met = None if value is None or target is None else (value >= target if kpi.higher_is_better
                                                              else value <= target)
        summary.append({"site": site, "name": name, "value": fmt(kpi, value), "target": fmt(kpi, target),
                        "met": {True: "met", False: "missed", None: "–"}[met], "previous": fmt(kpi, previous),
                        "trend": _trend(kpi, value, previous)})
        weekly.append({"site": site, "name": name,
                       "weeks": [(str(_day(r["week_start_date"])), fmt(kpi, r["kpi_value"])) for r in this]})
    return summary, weekly


def top_alerts(con: sa.Connection, month: Month) -> list[dict]:
    alerts = [dict(r) for r in con.execute(sa.text(_ALERTS), {"first": month.first, "last": month.last}).mappings()]
    rank = {s: i for i, s in enumerate(v.ALERT_SEVERITIES)}
    alerts.sort(key=lambda a: (-rank.get(a["severity"], -1), -(a["rate_ratio"] or 0), a["alert_id"]))
    return alerts[:TOP_ALERTS]


def staffing(con: sa.Connection, month: Month) -> tuple[list[dict], list[dict]]:
    queues = [dict(r) for r in con.execute(sa.text(_STAFFING), {"first": month.first, "last": month.last}).mappings()]
    for q in queues:
        q["gap_agent_hours"] = (q["answering_agent_hours"] or 0) - (q["scheduled_agent_hours"] or 0)
    regions = [dict(r) for r in con.execute(sa.text(_REGIONS)).mappings()]
    return queues, regions


def report_context(con: sa.Connection, month: Month) -> dict[str, Any]:
    build = [dict(r) for r in con.execute(sa.text(_BUILD)).mappings()]
    scorecards, weekly = site_scorecards(con, month)
    queues, regions = staffing(con, month)
    return {"month": month, "build": build[0] if build else {}, "queue": queue_kpis(con, month),
            "scorecards": scorecards, "weekly": weekly, "alerts": top_alerts(con, month),
            "staffing": queues, "regions": regions}


def render_html(context: dict[str, Any]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["num"] = lambda value, places=1: "–" if value is None else f"{value:,.{places}f}"
    return env.get_template("leadership.html.j2").render(**context)


def write_report(serving: sa.Engine, out_dir: Path, month: Month | None = None) -> tuple[Month, Path, Path] | None:
    """Render the month's report (default: the latest complete month) as HTML and PDF into
    out_dir, overwriting; None when nothing is served yet."""
    with serving.connect() as con:
        month = month or latest_complete_month(con)
        if month is None:
            return None
        html = render_html(report_context(con, month))
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / f"leadership-{month.label}.html", out_dir / f"leadership-{month.label}.pdf"
    html_path.write_text(html, encoding="utf-8")
    from weasyprint import HTML  # heavy import (pango): only when a PDF is written

    HTML(string=html).write_pdf(pdf_path)
    return month, html_path, pdf_path
