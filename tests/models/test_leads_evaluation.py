"""`hub leads evaluate`: lead -> customer and repeat scores against truth, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from models.leads.evaluation import evaluate
from tests.conftest import run_hub


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema intermediate")
    con.execute("create schema marts")
    con.execute("create table intermediate.int_crm_customers_resolved as select * from (values "
                "('C1', 'CU1'), ('C2', 'CU1'), ('C3', 'CU2')) t(crm_customer_id, customer_id)")
    # L1, L2 matched CU1 and grouped; L3 matched CU2 wrongly; L4 a customer's lead left unmatched;
    # L5 a prospect whose repeat L6 was not grouped with it
    con.execute("create table marts.fct_leads as select * from (values "
                "('L1', 'L1', 'CU1', true), ('L2', 'L1', 'CU1', true), ('L3', 'L3', 'CU2', true), "
                "('L4', 'L4', null, false), ('L5', 'L5', null, true), ('L6', 'L6', null, true)) "
                "t(lead_id, first_lead_id, customer_id, is_phone_valid)")
    con.close()


def test_evaluate_prints_match_and_repeat_scores_without_identifiers(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    _warehouse(data_dir / "warehouse.duckdb")
    truth = data_dir / "truth"
    truth.mkdir()
    pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "person_id": ["P1", "P1", "P2"]}).to_parquet(
        truth / "crm_records.parquet")
    pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4", "L5", "L6", "L9"],
                  "person_id": ["P1", "P1", "P3", "P2", "Q1", "Q1", "Q2"],
                  "is_customer": [True, True, False, True, False, False, False],
                  "phone_defect": [None, None, None, "new_number", None, None, None]}).to_parquet(truth / "leads.parquet")

    proc = run_hub("leads", "evaluate", data_dir=data_dir)
    assert "leads loaded: 6 (unusable phones: 1)" in proc.stdout  # L9 was quarantined: not loaded
    # matches: L1, L2 right, L3 wrong; customers behind leads: L1, L2, L4
    assert "lead -> customer precision: 0.6667" in proc.stdout
    assert "lead -> customer recall: 0.6667" in proc.stdout
    assert "customers' leads left unmatched, by phone: new_number 1" in proc.stdout
    # repeat pairs: truth L1-L2, L5-L6; predicted L1-L2
    assert "repeat precision: 1.0000" in proc.stdout and "repeat recall: 0.5000" in proc.stdout
    assert "CU1" not in proc.stdout and "L1" not in proc.stdout

    with pytest.raises(FileNotFoundError, match="run `hub simulate`"):  # the CLI prints it and exits 2
        evaluate(data_dir / "warehouse.duckdb", data_dir / "nowhere")
