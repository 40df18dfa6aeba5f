"""A run below its floor keeps the previous output; the lifecycle rule on hand-made customers."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from models.lifecycle.rules import stage
from models.runs import below_floor, latest_runs, record_run


def test_run_below_its_floor_keeps_the_previous_output(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    good = pd.DataFrame({"customer_id": ["A", "B"], "churn_risk": [0.1, 0.2]})
    first = record_run(con, "churn", "churn_scores", good, date(2026, 3, 1), {"auc": 0.71}, {"auc": 0.6})
    assert first.published and first.reason is None

    worse = pd.DataFrame({"customer_id": ["A", "B", "C"], "churn_risk": [0.9, 0.9, 0.9]})
    second = record_run(con, "churn", "churn_scores", worse, date(2026, 3, 8), {"auc": 0.52}, {"auc": 0.6})
    assert not second.published and second.reason == "auc 0.5200 < floor 0.6"
    served = con.execute("select customer_id, churn_risk, run_id from models.churn_scores order by 1").fetchall()
    assert served == [("A", 0.1, first.run_id), ("B", 0.2, first.run_id)]

    runs = con.execute("select run_id, published, output_rows, reason from models.model_runs order by trained_at")
    assert runs.fetchall() == [(first.run_id, True, 2, None), (second.run_id, False, 3, "auc 0.5200 < floor 0.6")]
    assert latest_runs(con)["run_id"].tolist() == [second.run_id]

    # a metric that could not be computed never passes; a first run below its floor leaves an empty table
    assert below_floor({"auc": float("nan")}, {"auc": 0.5}) == "auc could not be computed"
    record_run(con, "value", "customer_value", good, date(2026, 3, 8), {"spearman": 0.0}, {"spearman": 0.1})
    assert con.execute("select count(*) from models.customer_value").fetchall() == [(0,)]


def _customer(**overrides) -> dict:
    base = {"calls_30d": 1, "calls_90d": 3, "days_since_purchase": 100, "previous_purchase_gap_days": 30,
            "km_30d": 500, "vehicle_count": 1, "tenure_years": 2.0, "abandoned_decayed": 0.0,
            "low_survey_decayed": 0.0, "complaint_calls_decayed": 0.0}
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("customer", "risk", "expected"),
    [
        (_customer(), 0.01, "active"),
        (_customer(vehicle_count=0), 0.01, "lapsed"),  # sold everything
        (_customer(calls_90d=0, calls_30d=0, days_since_purchase=200, km_30d=0), 0.01, "lapsed"),
        (_customer(tenure_years=0.1), 0.01, "new"),
        (_customer(days_since_purchase=10, previous_purchase_gap_days=400), 0.01, "won_back"),
        (_customer(calls_30d=2, calls_90d=2), 0.01, "won_back"),  # calling again after two quiet months
        (_customer(), 0.9, "at_risk"),  # the highest churn risk of the population
        (_customer(abandoned_decayed=1.0, complaint_calls_decayed=1.2), 0.01, "at_risk"),
    ],
)
def test_lifecycle_rule(customer, risk, expected):
    # nine ordinary customers at risk 0.02 beside the one under test, so the top decile is just it
    rows = [customer] + [_customer() for _ in range(9)]
    features = pd.DataFrame(rows, index=[f"C{i}" for i in range(10)]).astype(float)
    risks = pd.Series([risk] + [0.02] * 9, index=features.index)
    assert stage(features, risks)["C0"] == expected


def test_a_model_that_cannot_train_is_recorded_and_keeps_nothing_broken(tmp_path):
    """Marts without any vehicle sale: churn has nothing to learn from; the run says why."""
    from hub.settings import Settings
    from models.train import train_churn
    from tests.publish.marts import make_warehouse

    settings = Settings(data_dir=tmp_path / "var")
    make_warehouse(settings.warehouse_path, extra_sql="""
        create table marts.dim_customers as select customer_id, customer_type, segment, first_registered_at,
            false as is_unknown_member from marts.customer_profile;
        create table marts.dim_vehicle_ownerships (customer_id varchar, vin varchar, owned_from date, owned_to date);
        create table marts.fct_purchases (customer_id varchar, product varchar, purchase_date date,
            coverage_ends_on date, amount_cny double);
        alter table marts.fct_calls add column call_date date;
        update marts.fct_calls set call_date = cast(call_started_at as date);
    """)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        for column in ("first_queue_name varchar", "is_abandoned boolean"):
            con.execute(f"alter table marts.fct_calls add column {column}")
        for column in ("created_date date", "is_sla_met boolean", "callback_score integer"):
            con.execute(f"alter table marts.fct_work_orders add column if not exists {column}")
        run = train_churn(con, settings)
        assert not run.published and "nothing to learn from" in run.reason
        assert con.execute("select count(*) from models.churn_scores").fetchall() == [(0,)]
        assert con.execute("select reason from models.model_runs").fetchall() == [(run.reason,)]
