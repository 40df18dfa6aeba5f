"""Model ceilings (issue 23 item 6): a customer's true signal sums its persons', and a ceiling
is kept next to the run it measured, the latest evaluation winning."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from models.evaluation import Ceiling, _signal
from models.runs import CEILINGS_TABLE, record_ceilings


def test_a_customers_signal_sums_its_persons_and_the_ratio_is_model_over_ceiling() -> None:
    persons = pd.DataFrame({"customer_id": ["CU1", "CU1", "CU2"], "person_id": ["P1", "P2", "P3"]})
    signals = pd.DataFrame({"person_id": ["P1", "P2"], "churn_hazard": [0.01, 0.02]})
    signal = _signal(persons, signals, "churn_hazard")
    assert signal["CU1"] == pytest.approx(0.03) and signal["CU2"] == 0
    assert _signal(persons, None, "churn_hazard") is None
    assert Ceiling("churn", "lift_top_decile_30d", 2.4, 3.0, 100).ratio == pytest.approx(0.8)


def test_ceilings_are_kept_by_run_and_a_new_evaluation_replaces_them() -> None:
    con = duckdb.connect()
    first = [Ceiling("churn", "lift_top_decile_30d", 2.0, 4.0, 50), Ceiling("value", "x", 1.0, 1.0, 5)]
    assert record_ceilings(con, {"churn": "run-1"}, first) == 1  # a model without a run is skipped
    record_ceilings(con, {"churn": "run-1"}, [Ceiling("churn", "lift_top_decile_30d", 3.0, 4.0, 50)])
    rows = con.execute(f"select run_id, model, metric, model_lift, ceiling_lift, ratio from {CEILINGS_TABLE}").fetchall()
    assert rows == [("run-1", "churn", "lift_top_decile_30d", 3.0, 4.0, 0.75)]
