"""The monthly leadership report through `hub report leadership` and the Dagster asset: its
PDF's pages are read back (pypdf) and every figure checked against the fixture marts
(tests/publish/marts.py, plus the February and March rows below), computed here in SQL."""

from __future__ import annotations

import duckdb
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from hub.settings import Settings, get_settings
from models.field_alerts.report_cli import app as report_app
from orchestration.lib.publish import publish
from tests.publish.marts import make_warehouse

# February to compare with; site scorecards of March's weeks; two alerts (one closed in
# February: not in March's report); two held-out forecast intervals of 2026-03-31.
EXTRA = """
insert into marts.fct_queue_days (queue_day_id, queue_name, call_date, offered_calls, answered_calls, abandoned_calls,
    short_abandoned_calls, transferred_calls, answered_within_service_level_calls, service_level_base_calls,
    counted_abandoned_calls, answered_wait_seconds, handle_seconds, staffed_seconds, first_contact_resolved_calls,
    fcr_eligible_calls, satisfied_responses, survey_responses) values
    ('service|2026-02-27', 'service', '2026-02-27', 80, 70, 10, 0, 0, 48, 80, 10, 1400, 21000, 36000, 30, 40, 6, 10);
insert into marts.fct_scorecards values
    ('site', 'beijing', '2026-02-23', 'answered_service_level', 1, '*', '*', true, 30, 50, 0.6, 0.8, false, null, null),
    ('site', 'beijing', '2026-03-02', 'answered_service_level', 1, '*', '*', true, 40, 50, 0.8, 0.8, true, 0.6, 'better'),
    ('site', 'beijing', '2026-03-09', 'answered_service_level', 1, '*', '*', true, 45, 50, 0.9, 0.8, true, 0.8, 'better'),
    ('site', 'beijing', '2026-03-30', 'answered_service_level', 1, '*', '*', true, 48, 50, 0.96, 0.8, true, null, null),
    ('site', 'beijing', '2026-03-30', 'qa_score', 5, '*', '*', true, 7, 10, 0.7, 0.8, false, null, null);
insert into marts.fct_field_alerts (alert_id, alert_level, model_code, component, build_batch, alert_state, severity,
    rate_ratio, affected_vehicle_count, opened_date, last_signal_date, closed_date, as_of_date) values
    ('FA-J7-brakes-B2-20260305', 'batch', 'J7', 'brakes', 'J7-2501', 'growing', 'medium', 3.25, 9, '2026-03-05',
     '2026-03-28', null, '2026-03-31'),
    ('FA-J5-axle-ALL-20260110', 'model', 'J5', 'axle', null, 'closed', 'high', 9.5, 30, '2026-01-10', '2026-02-01',
     '2026-02-20', '2026-03-31');
insert into marts.fct_queue_interval_forecasts (queue_interval_id, queue_name, forecast_kind, model_name, interval_date,
    half_hour_of_day, interval_start_at, trained_through, forecast_calls, actual_calls, aht_seconds, agents_required,
    agents_scheduled, answering_agents) values
    ('service|2026-03-31 01:00:00', 'service', 'holdout', 'hgb_poisson_v1', '2026-03-31', 18, '2026-03-31 01:00:00',
     '2026-03-23 16:00:00', 20.0, 19, 180.0, 4, 6, 4),
    ('service|2026-03-31 01:30:00', 'service', 'holdout', 'hgb_poisson_v1', '2026-03-31', 19, '2026-03-31 01:30:00',
     '2026-03-23 16:00:00', 30.0, 28, 180.0, 6, 8, 5);
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("leadership") / "var")
    make_warehouse(settings.warehouse_path, EXTRA)
    publish(settings)
    return settings


def _text(pdf) -> tuple[int, str]:
    pages = PdfReader(pdf).pages
    return len(pages), "\n".join(" ".join(page.extract_text().split()) for page in pages)


def _sums(settings: Settings, sql: str) -> tuple:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchone()


@pytest.fixture(scope="module")
def march(served, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("reports")
    env = {"HUB_DATA_DIR": str(served.data_dir)}
    get_settings.cache_clear()
    result = CliRunner(env=env).invoke(report_app, ["leadership", "--out", str(out)])  # `hub report leadership`
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.output.startswith("leadership report 2026-03: ")  # the latest complete month served
    pages, text = _text(out / "leadership-2026-03.pdf")
    assert pages == 2  # KPIs and trend; alerts and staffing on a page of their own
    return text


def test_queue_kpis_are_the_marts_month_against_the_month_before(served, march):
    sql = """select sum(offered_calls), sum(answered_within_service_level_calls) / sum(service_level_base_calls),
        sum(handle_seconds) / sum(answered_calls), sum(first_contact_resolved_calls) / sum(fcr_eligible_calls)
        from marts.fct_queue_days where call_date between '{}' and '{}'"""
    offered, level, aht, fcr = _sums(served, sql.format("2026-03-01", "2026-03-31"))
    offered_before, level_before, aht_before, _ = _sums(served, sql.format("2026-02-01", "2026-02-28"))
    assert f"Offered calls: {offered:,} (month before: {offered_before:,})" in march
    assert f"service_level {level:.1%} " in march and f" {level_before:.1%} better" in march
    assert f"average_handle_seconds {aht:.0f} " in march and f" {aht_before:.0f} worse" in march
    assert f"first_contact_resolution {fcr:.1%} " in march
    assert (f"{level:.1%}", f"{aht:.0f}") == ("78.2%", "320")  # (72 + 45 + 5) / 156; 47,400 s / 148


def test_site_scorecards_sum_the_months_weeks_against_target_with_their_trend(served, march):
    now, before = (_sums(served, f"""select sum(numerator) / sum(denominator) from marts.fct_scorecards
        where scope_level = 'site' and kpi_name = 'answered_service_level' and week_start_date {where}""")[0]
        for where in ("between '2026-03-01' and '2026-03-31'", "< '2026-03-01'"))
    assert f"beijing answered_service_level {now:.1%} 80.0% met {before:.1%} better" in march
    assert "beijing qa_score 70.0% 80.0% missed" in march
    assert "2026-03-02: 80.0% · 2026-03-09: 90.0% · 2026-03-30: 96.0%" in march


def test_top_field_alerts_are_open_or_signalled_this_month_most_severe_first(march):
    high, medium = march.index("FA-J6P-aftertreatment-ALL-20260320"), march.index("FA-J7-brakes-B2-20260305")
    assert high < medium and "FA-J5-axle" not in march
    assert "J7 brakes J7-2501 growing medium 2026-03-05 3.25 9" in march


def test_staffing_is_the_held_out_plan_against_the_answering_agents(served, march):
    scheduled, answering, forecast, actual = _sums(served, """select sum(agents_scheduled) * 0.5,
        sum(answering_agents) * 0.5, sum(forecast_calls), sum(actual_calls) from marts.fct_queue_interval_forecasts
        where forecast_kind = 'holdout' and interval_date between '2026-03-01' and '2026-03-31'""")
    assert f"service {forecast:.0f} {actual:.0f} {scheduled:.1f} {answering:.1f} {answering - scheduled:.1f}" in march
    assert "3 6 2 2.00" in march  # the region office's engineers on duty, open, overdue, per engineer


def test_the_asset_renders_the_same_report_and_a_bad_month_is_refused(served, march):
    import dagster as dg

    from orchestration.defs.leadership.assets import leadership_report
    from orchestration.lib.resources import HubResource

    result = dg.materialize([leadership_report], resources={"hub": HubResource(data_dir=str(served.data_dir))})
    metadata = result.get_asset_materialization_events()[0].materialization.metadata
    assert metadata["month"].value == "2026-03"
    assert _text(metadata["pdf"].value)[1].split("build ")[1:] == march.split("build ")[1:]
    refused = CliRunner(env={"HUB_DATA_DIR": str(served.data_dir)}).invoke(report_app, ["leadership", "--month", "March"])
    assert refused.exit_code == 2 and "month='March': must be YYYY-MM, e.g. 2026-03" in refused.output


@pytest.mark.slow
def test_the_demo_build_renders_the_latest_complete_months_report(built_demo):
    """`hub build` runs the asset after the publish: the demo's report holds its marts' figures."""
    [pdf] = sorted((built_demo / "reports" / "leadership").glob("leadership-*.pdf"))
    month = pdf.stem.removeprefix("leadership-")
    with duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True) as con:
        first, last = con.execute(f"""select min(call_date), max(call_date) from marts.fct_queue_days
            where strftime(call_date, '%Y-%m') = '{month}'""").fetchone()
        offered, level = con.execute(f"""select sum(offered_calls),
            sum(answered_within_service_level_calls) / sum(service_level_base_calls)
            from marts.fct_queue_days where call_date between '{first}' and '{last}'""").fetchone()
        latest = con.execute("select max(call_date) from marts.fct_queue_days").fetchone()[0]
    assert (last.month, last.day) == (latest.month, latest.day) or last < latest.replace(day=1)
    pages, text = _text(pdf)
    assert pages >= 2 and f"Offered calls: {offered:,} " in text and f"service_level {level:.1%} " in text
