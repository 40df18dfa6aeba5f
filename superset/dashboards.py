"""The hub's Superset dashboards as code: datasets, charts and dashboards over the serving
store, written as a Superset import bundle (YAML files in a zip, format v1).

Run by superset/provision.py in the Superset virtualenv (it needs only PyYAML). Identifiers
are uuid5 of the object's name, so a re-import replaces the same objects: provisioning
twice changes nothing. Datasets select named columns only: no customer names, phone
numbers or id numbers reach Superset, and the connection hides the store from SQL Lab.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import yaml

NAMESPACE = uuid.UUID("7b0d5a55-0c1d-4f7e-9f0a-5e8f9c1a2b3c")
DATABASE = "cs-hub serving store"


def _uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def _registry():
    """hub/kpis.py, the KPI registry, loaded by path: Superset's virtualenv has no hub package
    (the registry imports only the standard library)."""
    if "hub_kpi_registry" not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "hub" / "kpis.py"
        spec = importlib.util.spec_from_file_location("hub_kpi_registry", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["hub_kpi_registry"] = module  # dataclasses resolve their module by name
        spec.loader.exec_module(module)
    return sys.modules["hub_kpi_registry"]


KPIS = _registry().KPIS


def _ratio(numerator: str, denominator: str) -> str:
    return f"SUM({numerator}) * 1.0 / NULLIF(SUM({denominator}), 0)"


def kpi_metrics(*names: str) -> dict[str, tuple[str, str]]:
    """Dataset metrics of registry KPIs: the roll-up SUM(numerator) / SUM(denominator)."""
    return {name: (_ratio(KPIS[name].numerator, KPIS[name].denominator), KPIS[name].d3_format) for name in names}


def _scorecard_columns() -> list[str]:
    """The count columns of the scorecard KPIs (registry order, each once)."""
    columns: list[str] = []
    for name in _registry().SCORECARD:
        for column in (KPIS[name].numerator, KPIS[name].denominator):
            if column not in columns:
                columns.append(column)
    return columns


def _scorecard_sql() -> str:
    """The scorecards table pivoted to one row per scope and week with each KPI's counts."""
    picks = {}
    for name in _registry().SCORECARD:
        picks.setdefault(KPIS[name].numerator, (name, "numerator"))
        picks.setdefault(KPIS[name].denominator, (name, "denominator"))
    selects = ", ".join(f"MAX(CASE WHEN kpi_name = '{name}' THEN {part} END) AS {column}"
                        for column, (name, part) in picks.items())
    return (f"SELECT scope_level, scope_id, team, week_start_date, {selects} FROM scorecards "
            "GROUP BY scope_level, scope_id, team, week_start_date")


# dataset -> (sql or None for the table itself, {column: type}, time column, {metric: (expression, d3 format)})
CALL_METRICS = {
    "offered": ("SUM(offered_calls)", ",d"),
    **kpi_metrics("service_level", "abandon_rate", "average_speed_of_answer_seconds", "average_handle_seconds",
                  "occupancy"),
}
DATASETS = {
    "queue_days": (None, {
        "call_date": "DATE", "queue_name": "STRING", "offered_calls": "INTEGER", "answered_calls": "INTEGER",
        "abandoned_calls": "INTEGER", "short_abandoned_calls": "INTEGER", "service_level_base_calls": "INTEGER",
        "answered_within_service_level_calls": "INTEGER", "counted_abandoned_calls": "INTEGER",
        "answered_wait_seconds": "INTEGER", "handle_seconds": "INTEGER", "staffed_seconds": "INTEGER",
        "first_contact_resolved_calls": "INTEGER", "fcr_eligible_calls": "INTEGER",
        "satisfied_responses": "INTEGER", "survey_responses": "INTEGER",
    }, "call_date", {
        **CALL_METRICS,
        **kpi_metrics("first_contact_resolution", "csat"),
    }),
    "interval_forecasts": (None, {
        "interval_date": "DATE", "queue_name": "STRING", "forecast_kind": "STRING", "forecast_calls": "FLOAT",
        "actual_calls": "INTEGER", "agents_required": "INTEGER", "agents_scheduled": "INTEGER",
        "answering_agents": "INTEGER", "staffing_gap_agents": "INTEGER",
    }, "interval_date", {
        "forecast_calls": ("SUM(forecast_calls)", ",.0f"),
        "actual_calls": ("SUM(actual_calls)", ",d"),
        "required_agent_hours": ("SUM(agents_required) * 0.5", ",.0f"),
        "scheduled_agent_hours": ("SUM(agents_scheduled) * 0.5", ",.0f"),
        "answering_agent_hours": ("SUM(answering_agents) * 0.5", ",.0f"),
    }),
    # scorecards (long: one row per scope, week and KPI) pivoted back to the KPIs' counts, so each
    # metric is the registry's SUM(numerator) / SUM(denominator) like every other dataset
    "scorecard_weeks": (_scorecard_sql(), {
        "scope_level": "STRING", "scope_id": "STRING", "team": "STRING", "week_start_date": "DATE",
        **{column: "FLOAT" for column in _scorecard_columns()},
    }, "week_start_date", {**kpi_metrics(*_registry().SCORECARD)}),
    "arrival_profile": (None, {
        "queue_name": "STRING", "weekday": "INTEGER", "half_hour_of_day": "INTEGER", "offered_calls": "INTEGER",
        "observed_days": "INTEGER",
    }, None, {
        **kpi_metrics("arrivals_per_day"),
        # every queue's calls in a weekday's half hour per day: observed_days counts the days of
        # that weekday the export covers, the same for every queue (fct_arrival_profile), so
        # the queues' calls are summed and divided once
        "arrivals_per_day_all_queues": ("SUM(offered_calls) * 1.0 / NULLIF(MAX(observed_days), 0)", ".1f"),
    }),
    # the week's QA sample (fct_qa_samples): agents and calls, no customer
    "qa_samples": (
        "SELECT agent_id, week_start_date, queue_name, sample_reason, sample_rank, required_reviews, "
        "CASE WHEN is_reviewed THEN 1 ELSE 0 END AS is_reviewed, qa_points, qa_possible_points FROM qa_samples", {
            "agent_id": "STRING", "week_start_date": "DATE", "queue_name": "STRING", "sample_reason": "STRING",
            "sample_rank": "INTEGER", "required_reviews": "INTEGER", "is_reviewed": "INTEGER",
            "qa_points": "INTEGER", "qa_possible_points": "INTEGER",
        }, "week_start_date", {
            "sampled_calls": ("COUNT(*)", ",d"),
            "reviewed_calls": ("SUM(is_reviewed)", ",d"),
            "agents": ("COUNT(DISTINCT agent_id)", ",d"),
            **kpi_metrics("qa_score"),
        }),
    "abandonment_days": (None, {
        "call_date": "DATE", "queue_name": "STRING", "ivr_path": "STRING", "wait_band": "STRING",
        "offered_calls": "INTEGER", "abandoned_calls": "INTEGER", "counted_abandoned_calls": "INTEGER",
        "service_level_base_calls": "INTEGER", "callback_requests": "INTEGER",
    }, "call_date", {"offered": ("SUM(offered_calls)", ",d"), **kpi_metrics("abandon_rate")}),
    "ivr_days": (None, {
        "call_date": "DATE", "ivr_path": "STRING", "ivr_calls": "INTEGER", "ivr_ended_calls": "INTEGER",
        "ivr_followable_calls": "INTEGER", "ivr_contained_calls": "INTEGER",
    }, "call_date", {"ivr_calls": ("SUM(ivr_calls)", ",d"), **kpi_metrics("ivr_containment")}),
    "queue_operations_days": (None, {
        "call_date": "DATE", "queue_name": "STRING", "outbound_attempts": "INTEGER", "outbound_connects": "INTEGER",
        "callback_requests": "INTEGER", "fcr_closed_calls": "INTEGER", "first_contact_resolved_closed_calls": "INTEGER",
        "tier1_resolved_calls": "INTEGER",
    }, "call_date", {
        "outbound_attempts": ("SUM(outbound_attempts)", ",d"),
        **kpi_metrics("outbound_connect_rate", "callback_completion", "first_contact_resolution_closed",
                      "tier1_resolution"),
    }),
    "work_order_days": (None, {
        "activity_date": "DATE", "region_office": "STRING", "work_order_category": "STRING",
        "work_order_priority": "STRING", "created_work_orders": "INTEGER", "resolved_work_orders": "INTEGER",
        "backlog_work_orders": "INTEGER", "resolved_within_sla_work_orders": "INTEGER",
        "reopened_work_orders": "INTEGER", "callback_satisfied_responses": "INTEGER",
        "callback_responses": "INTEGER", "resolve_hours": "FLOAT",
    }, "activity_date", {
        "created": ("SUM(created_work_orders)", ",d"),
        "resolved": ("SUM(resolved_work_orders)", ",d"),
        "backlog": ("SUM(backlog_work_orders)", ",d"),
        **kpi_metrics("sla_compliance", "reopen_rate", "callback_satisfaction", "average_resolve_hours"),
    }),
    "work_order_sla": (None, {
        "created_date": "DATE", "work_order_category": "STRING", "work_order_priority": "STRING",
        "region_office": "STRING", "sla_hours": "INTEGER", "created_hours": "FLOAT", "dispatched_hours": "FLOAT",
        "accepted_hours": "FLOAT", "on_site_hours": "FLOAT", "hours_to_resolve": "FLOAT",
    }, "created_date", {
        "work_orders": ("COUNT(*)", ",d"),
        "sla_target_hours": ("AVG(sla_hours)", ".0f"),
        "hours_created": ("AVG(created_hours)", ".1f"),
        "hours_dispatched": ("AVG(dispatched_hours)", ".1f"),
        "hours_accepted": ("AVG(accepted_hours)", ".1f"),
        "hours_on_site": ("AVG(on_site_hours)", ".1f"),
        "hours_end_to_end": ("AVG(hours_to_resolve)", ".1f"),
    }),
    "region_workload": (None, {
        "region_office": "STRING", "engineers_on_duty": "INTEGER", "open_work_orders": "INTEGER",
        "unassigned_work_orders": "INTEGER", "overdue_work_orders": "INTEGER",
    }, None, {
        "engineers_on_duty": ("SUM(engineers_on_duty)", ",d"),
        "open_work_orders": ("SUM(open_work_orders)", ",d"),
        "overdue_work_orders": ("SUM(overdue_work_orders)", ",d"),
        **kpi_metrics("open_work_orders_per_engineer"),
    }),
    # Lifecycle and field quality: the columns exist in every published store (null until
    # the lifecycle models publish), so these dashboards render from the first build.
    "customer_lifecycle": (
        "SELECT customer_type, segment, city, COALESCE(lifecycle_stage, 'not scored yet') AS lifecycle_stage, "
        "churn_risk, customer_value_cny FROM customers", {
            "customer_type": "STRING", "segment": "STRING", "city": "STRING", "lifecycle_stage": "STRING",
            "churn_risk": "FLOAT", "customer_value_cny": "FLOAT",
        }, None, {
            "customers": ("COUNT(*)", ",d"),
            "scored_customers": ("COUNT(churn_risk)", ",d"),
            "average_churn_risk": ("AVG(churn_risk)", ".1%"),
        }),
    "vehicle_health": (
        "SELECT model_code, model_name, build_batch, engine_type, active_fault_count, driving_score, "
        "km_last_30_days FROM vehicles", {
            "model_code": "STRING", "model_name": "STRING", "build_batch": "STRING", "engine_type": "STRING",
            "active_fault_count": "INTEGER", "driving_score": "FLOAT", "km_last_30_days": "FLOAT",
        }, None, {
            "vehicles": ("COUNT(*)", ",d"),
            "vehicles_with_active_faults": ("SUM(CASE WHEN active_fault_count > 0 THEN 1 ELSE 0 END)", ",d"),
            "active_faults": ("SUM(active_fault_count)", ",d"),
            "average_driving_score": ("AVG(driving_score)", ".1f"),
        }),
    # Field alerts for R&D (docs/field_quality.md): vehicles and components only, no customer.
    "field_alerts": (None, {
        "alert_id": "STRING", "alert_level": "STRING", "model_code": "STRING", "component": "STRING",
        "build_batch": "STRING", "alert_state": "STRING", "severity": "STRING", "observed_failures": "FLOAT",
        "expected_failures": "FLOAT", "peak_rate_ratio": "FLOAT", "affected_vehicle_count": "INTEGER",
        "opened_date": "DATE",
    }, "opened_date", {
        "alerts": ("COUNT(*)", ",d"),
        "affected_vehicles": ("SUM(affected_vehicle_count)", ",d"),
        "peak_rate_ratio": ("MAX(peak_rate_ratio)", ".1f"),
    }),
    # Offer attribution for marketers (docs/marketing.md "Attribution"): counts by campaign,
    # channel and product, no customer.
    "offer_attribution": (None, {
        "campaign_id": "STRING", "offer_channel": "STRING", "product": "STRING", "offer_count": "INTEGER",
        "accepted_count": "INTEGER", "conversion_count": "INTEGER", "conversion_amount_cny": "FLOAT",
        "first_offer_date": "DATE", "last_offer_date": "DATE",
    }, "first_offer_date", {
        "offers": ("SUM(offer_count)", ",d"),
        "accepted": ("SUM(accepted_count)", ",d"),
        "conversions": ("SUM(conversion_count)", ",d"),
        **kpi_metrics("conversion_rate"),
        "conversion_amount_cny": ("SUM(conversion_amount_cny)", ",.0f"),
    }),
    "field_failure_rates": (None, {
        "model_code": "STRING", "component": "STRING", "region_office": "STRING", "week_start": "DATE",
        "vehicles_in_service": "INTEGER", "vehicle_days": "INTEGER", "km_driven": "FLOAT", "failure_count": "INTEGER",
    }, "week_start", {
        "failures": ("SUM(failure_count)", ",d"),
        "failures_per_1000_vehicle_days": (f"1000 * {_ratio('failure_count', 'vehicle_days')}", ".2f"),
    }),
}


def where(column: str, value: str) -> dict:
    """An adhoc filter column = value (a chart over one scope level of the scorecards)."""
    return {"clause": "WHERE", "subject": column, "operator": "==", "comparator": value,
            "expressionType": "SIMPLE"}


def big_number(title: str, dataset: str, metric: str, filters: list[dict] | None = None) -> dict:
    return {"title": title, "dataset": dataset, "viz_type": "big_number_total",
            "params": {"metric": metric, "adhoc_filters": filters or [], "header_font_size": 0.4,
                       "subheader_font_size": 0.15, "y_axis_format": DATASETS[dataset][3][metric][1]}}


def daily_line(title: str, dataset: str, metrics: list[str], groupby: list[str] | None = None,
               filters: list[dict] | None = None) -> dict:
    time_column = DATASETS[dataset][2]
    return {"title": title, "dataset": dataset, "viz_type": "echarts_timeseries_line",
            "params": {"x_axis": time_column, "time_grain_sqla": "P1D", "metrics": metrics, "groupby": groupby or [],
                       "adhoc_filters": [{"clause": "WHERE", "subject": time_column, "operator": "TEMPORAL_RANGE",
                                          "comparator": "No filter", "expressionType": "SIMPLE"},
                                         *(filters or [])],
                       "row_limit": 10000, "show_legend": True, "rich_tooltip": True,
                       "y_axis_format": DATASETS[dataset][3][metrics[0]][1], "x_axis_time_format": "smart_date"}}


def table(title: str, dataset: str, groupby: list[str], metrics: list[str], filters: list[dict] | None = None) -> dict:
    return {"title": title, "dataset": dataset, "viz_type": "table",
            "params": {"query_mode": "aggregate", "groupby": groupby, "metrics": metrics, "all_columns": [],
                       "percent_metrics": [], "adhoc_filters": filters or [], "row_limit": 1000, "order_desc": True,
                       "server_pagination": False, "include_search": False, "show_cell_bars": False}}


def pie(title: str, dataset: str, groupby: str, metric: str) -> dict:
    return {"title": title, "dataset": dataset, "viz_type": "pie",
            "params": {"groupby": [groupby], "metric": metric, "adhoc_filters": [], "row_limit": 100,
                       "show_labels": True, "show_legend": True, "label_type": "key_percent"}}


def heatmap(title: str, dataset: str, x_axis: str, y_axis: str, metric: str) -> dict:
    """ECharts heatmap (heatmap_v2): x_axis across, one column (groupby) down, colour by metric."""
    return {"title": title, "dataset": dataset, "viz_type": "heatmap_v2",
            "params": {"x_axis": x_axis, "groupby": y_axis, "metric": metric, "adhoc_filters": [],
                       "row_limit": 10000, "normalize_across": "heatmap", "linear_color_scheme": "blue_white_yellow",
                       "sort_x_axis": "alpha_asc", "sort_y_axis": "alpha_asc", "legend_type": "continuous",
                       "show_legend": True, "show_values": False, "show_percentage": False,
                       "xscale_interval": -1, "yscale_interval": -1, "x_axis_label_rotation": 0,
                       "left_margin": "auto", "bottom_margin": "auto", "value_bounds": [None, None],
                       "border_width": 0, "border_color": {"r": 0, "g": 0, "b": 0, "a": 1},
                       "y_axis_format": DATASETS[dataset][3][metric][1]}}


_SCORECARD_METRICS = list(_registry().SCORECARD)
_SITES, _TEAMS = [where("scope_level", "site")], [where("scope_level", "team")]

DASHBOARDS = {
    "executive-overview": ("Executive overview", [
        [big_number("Service level (80/20 target)", "queue_days", "service_level"),
         big_number("Abandonment", "queue_days", "abandon_rate"),
         big_number("ASA (s)", "queue_days", "average_speed_of_answer_seconds")],
        [big_number("AHT (s)", "queue_days", "average_handle_seconds"),
         big_number("First-contact resolution", "queue_days", "first_contact_resolution"),
         big_number("CSAT", "queue_days", "csat")],
        [daily_line("Service level by day", "queue_days", ["service_level"]),
         daily_line("Volume vs forecast", "interval_forecasts", ["actual_calls", "forecast_calls"])],
        [daily_line("Staffing: required vs answering agent-hours", "interval_forecasts",
                    ["required_agent_hours", "scheduled_agent_hours", "answering_agent_hours"]),
         table("KPIs by queue", "queue_days", ["queue_name"],
               ["offered", "service_level", "abandon_rate", "average_speed_of_answer_seconds", "average_handle_seconds", "first_contact_resolution", "csat"])],
    ]),
    # scorecards per team and site against target, and the QA sample (docs/contact_center.md "Scorecards")
    "scorecards-qa": ("Scorecards and QA", [
        [big_number("Service level of answered calls (sites)", "scorecard_weeks", "answered_service_level", _SITES),
         big_number("QA coverage (sites)", "scorecard_weeks", "qa_coverage", _SITES),
         big_number("Calls sampled for QA", "qa_samples", "sampled_calls")],
        [table("Team scorecards", "scorecard_weeks", ["scope_id"], _SCORECARD_METRICS, _TEAMS),
         daily_line("Site service level and FCR by week", "scorecard_weeks",
                    ["answered_service_level", "first_contact_resolution_closed"], filters=_SITES)],
        [table("QA sample by reason", "qa_samples", ["sample_reason"], ["agents", "sampled_calls", "reviewed_calls"]),
         table("QA sample by queue", "qa_samples", ["queue_name"], ["agents", "sampled_calls", "reviewed_calls",
                                                                    "qa_score"])],
    ]),
    # when calls arrive and why they are lost (docs/contact_center.md "Operations measures")
    "peaks-abandonment": ("Peaks and abandonment", [
        [heatmap("Calls per day by weekday and half hour (all queues)", "arrival_profile", "half_hour_of_day",
                 "weekday", "arrivals_per_day_all_queues")],
        [table("Abandonment by wait band", "abandonment_days", ["wait_band"], ["offered", "abandon_rate"]),
         table("Abandonment by IVR path", "abandonment_days", ["ivr_path"], ["offered", "abandon_rate"])],
        [daily_line("IVR containment by day", "ivr_days", ["ivr_containment"]),
         table("Outbound, callbacks and tier-1 by queue", "queue_operations_days", ["queue_name"],
               ["outbound_attempts", "outbound_connect_rate", "callback_completion", "tier1_resolution"])],
    ]),
    "work-orders": ("Work orders", [
        [big_number("SLA compliance", "work_order_days", "sla_compliance"),
         big_number("Reopen rate", "work_order_days", "reopen_rate"),
         big_number("Callback satisfaction", "work_order_days", "callback_satisfaction")],
        [table("Hours per stage vs SLA, by category and priority", "work_order_sla",
               ["work_order_category", "work_order_priority"],
               ["work_orders", "sla_target_hours", "hours_created", "hours_dispatched", "hours_accepted",
                "hours_on_site", "hours_end_to_end"]),
         daily_line("Backlog by day", "work_order_days", ["backlog"])],
        [table("By region office", "work_order_days", ["region_office"],
               ["created", "resolved", "sla_compliance", "reopen_rate", "callback_satisfaction"]),
         table("Dispatch: engineers on duty and open workload", "region_workload", ["region_office"],
               ["engineers_on_duty", "open_work_orders", "overdue_work_orders", "open_work_orders_per_engineer"])],
    ]),
    "customer-lifecycle": ("Customer lifecycle", [
        [pie("Customers by lifecycle stage", "customer_lifecycle", "lifecycle_stage", "customers"),
         table("Lifecycle by segment", "customer_lifecycle", ["segment", "lifecycle_stage"],
               ["customers", "scored_customers", "average_churn_risk"])],
    ]),
    "marketing-attribution": ("Marketing attribution", [
        [table("Conversions by channel and campaign", "offer_attribution", ["offer_channel", "campaign_id"],
               ["offers", "accepted", "conversions", "conversion_rate", "conversion_amount_cny"]),
         pie("Conversions by channel", "offer_attribution", "offer_channel", "conversions")],
        [table("Conversions by product", "offer_attribution", ["product"],
               ["offers", "conversions", "conversion_rate", "conversion_amount_cny"])],
    ]),
    "field-quality": ("Field quality", [
        [big_number("Field alerts", "field_alerts", "alerts"),
         big_number("Vehicles in alerts", "field_alerts", "affected_vehicles"),
         big_number("Vehicles with active faults", "vehicle_health", "vehicles_with_active_faults")],
        [table("Alerts by model and component", "field_alerts",
               ["model_code", "component", "build_batch", "alert_state", "severity"],
               ["alerts", "affected_vehicles", "peak_rate_ratio"]),
         daily_line("Failures per 1,000 vehicle-days by week and component", "field_failure_rates",
                    ["failures_per_1000_vehicle_days"], ["component"])],
        [table("Failures by region office", "field_failure_rates", ["region_office"],
               ["failures", "failures_per_1000_vehicle_days"]),
         table("Fleet health by model", "vehicle_health", ["model_code", "engine_type"],
               ["vehicles", "vehicles_with_active_faults", "active_faults", "average_driving_score"])],
    ]),
}


def database_yaml(serving_path: str) -> dict:
    return {
        "database_name": DATABASE,
        # read-only: Superset can never write the serving store
        "sqlalchemy_uri": f"sqlite:///file:{serving_path}?mode=ro&uri=true",
        "cache_timeout": None, "expose_in_sqllab": False, "allow_run_async": False, "allow_ctas": False,
        "allow_cvas": False, "allow_dml": False, "allow_file_upload": False, "extra": {"allows_virtual_table_explore": True},
        "uuid": _uuid("database", DATABASE), "version": "1.0.0",
    }


def dataset_yaml(name: str) -> dict:
    sql, columns, time_column, metrics = DATASETS[name]
    return {
        "table_name": name, "main_dttm_col": time_column, "description": None, "default_endpoint": None,
        "offset": 0, "cache_timeout": None, "schema": None, "sql": sql, "params": None, "template_params": None,
        "filter_select_enabled": True, "fetch_values_predicate": None, "extra": None,
        "uuid": _uuid("dataset", name), "database_uuid": _uuid("database", DATABASE), "version": "1.0.0",
        "metrics": [{"metric_name": metric, "verbose_name": metric.replace("_", " "), "metric_type": None,
                     "expression": expression, "description": None, "d3format": d3format, "extra": None,
                     "warning_text": None} for metric, (expression, d3format) in metrics.items()],
        "columns": [{"column_name": column, "verbose_name": None, "is_dttm": sql_type == "DATE",
                     "is_active": True, "type": sql_type, "groupby": True, "filterable": True, "expression": None,
                     "description": None, "python_date_format": "%Y-%m-%d" if sql_type == "DATE" else None}
                    for column, sql_type in columns.items()],
    }


def chart_yaml(chart: dict) -> dict:
    return {
        "slice_name": chart["title"], "description": None, "viz_type": chart["viz_type"],
        "params": {**chart["params"], "viz_type": chart["viz_type"], "datasource": f"{chart['dataset']}__table"},
        "cache_timeout": None, "uuid": _uuid("chart", chart["title"]), "version": "1.0.0",
        "dataset_uuid": _uuid("dataset", chart["dataset"]),
    }


def dashboard_yaml(slug: str, title: str, rows: list[list[dict]]) -> dict:
    position: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": title}},
    }
    for r, charts in enumerate(rows):
        row_id = f"ROW-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        width = 12 // len(charts)
        for c, chart in enumerate(charts):
            chart_id = f"CHART-{r}-{c}"
            position[row_id]["children"].append(chart_id)
            position[chart_id] = {
                "type": "CHART", "id": chart_id, "children": [], "parents": ["ROOT_ID", "GRID_ID", row_id],
                "meta": {"width": width, "height": 30 if chart["viz_type"] == "big_number_total" else 60,
                         "chartId": r * 10 + c + 1, "uuid": _uuid("chart", chart["title"]), "sliceName": chart["title"]},
            }
    return {
        "dashboard_title": title, "description": None, "css": "", "slug": slug, "certified_by": "",
        "certification_details": "", "published": True, "uuid": _uuid("dashboard", slug), "position": position,
        "metadata": {"color_scheme": "supersetColors", "refresh_frequency": 0, "expanded_slices": {},
                     "label_colors": {}, "timed_refresh_immune_slices": [], "cross_filters_enabled": False,
                     "native_filter_configuration": [], "shared_label_colors": [], "color_scheme_domain": []},
        "version": "1.0.0",
    }


def bundle(serving_path: str) -> bytes:
    """The import bundle (zip) of every dashboard, its charts and datasets, and the database."""
    files = {
        "metadata.yaml": {"version": "1.0.0", "type": "Dashboard", "timestamp": datetime.now(UTC).isoformat()},
        "databases/serving.yaml": database_yaml(serving_path),
    }
    for name in DATASETS:
        files[f"datasets/serving/{name}.yaml"] = dataset_yaml(name)
    for slug, (title, rows) in DASHBOARDS.items():
        files[f"dashboards/{slug}.yaml"] = dashboard_yaml(slug, title, rows)
        for chart in (chart for row in rows for chart in row):
            files[f"charts/{_uuid('chart', chart['title'])}.yaml"] = chart_yaml(chart)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, content in files.items():
            archive.writestr(f"cs_hub_dashboards/{path}", yaml.safe_dump(content, allow_unicode=True, sort_keys=False))
    return out.getvalue()
