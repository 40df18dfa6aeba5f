"""`hub identity evaluate`: pairwise scores against truth, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from models.identity.evaluation import pair_scores
from tests.conftest import run_hub


def test_pair_scores_count_pairs_within_customers_and_persons() -> None:
    assigned = pd.DataFrame({"crm_customer_id": ["a", "b", "c", "d", "e"], "customer_id": ["X", "X", "X", "Y", "Z"]})
    truth = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"], "person_id": ["P", "P", "Q", "Q", "R"]})
    scores = pair_scores(assigned, truth)
    # predicted pairs: ab ac bc; true pairs: ab cd; correct: ab
    assert (scores.predicted_pairs, scores.true_pairs, scores.correct_pairs) == (3, 2, 1)
    assert scores.precision == 1 / 3
    assert scores.recall == 1 / 2


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_crm_customers_resolved as select * from (values "
                "('C1', 'CU1'), ('C2', 'CU1'), ('C3', 'CU2'), ('C4', 'CU3')) t(crm_customer_id, customer_id)")
    con.execute("create table intermediate.int_identity_match_pairs as select * from (values "
                "('C1', 'C2', true)) t(left_crm_customer_id, right_crm_customer_id, is_accepted)")
    con.execute("create table intermediate.int_identity_excluded_identifiers as select * from (values "
                "('phone', '+864008208820', 'service_number', 7), ('phone', '+8653188880001', 'switchboard', 4)) "
                "t(identifier_type, identifier_value, exclusion_reason, customer_count)")
    con.execute("create table intermediate.int_identity_edges as select * from (values "
                "('C1', 'phone', '+8613900000001', 'phone')) t(crm_customer_id, identifier_type, identifier_value, edge_reason)")
    con.execute("create table intermediate.int_customer_id_registry as select * from (values "
                "('C1', 'CU1', 'phone'), ('C2', 'CU1', 'phone'), ('C3', 'CU2', null), ('C4', 'CU3', null)) "
                "t(crm_customer_id, customer_id, link_reasons)")
    con.close()


def test_evaluate_prints_scores_and_exclusions_without_identifiers(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    _warehouse(data_dir / "warehouse.duckdb")
    (data_dir / "truth").mkdir()
    pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "person_id": ["P1", "P1", "P2", "P2"]}).to_parquet(
        data_dir / "truth" / "crm_records.parquet"
    )
    pd.DataFrame({"phone": ["+8613900000001"], "owner_kind": ["personal"]}).to_parquet(data_dir / "truth" / "phones.parquet")

    proc = run_hub("identity", "evaluate", data_dir=data_dir)
    assert "precision: 1.0000" in proc.stdout
    assert "recall: 0.5000" in proc.stdout
    assert "F1: 0.6667" in proc.stdout
    assert "service_number: 1 (7)" in proc.stdout
    assert "links through switchboard/service/dealer/junk numbers: 0" in proc.stdout
    assert "+86" not in proc.stdout

    below = run_hub("identity", "evaluate", "--min-recall", "0.95", data_dir=data_dir, check=False)
    assert below.returncode == 1


def test_evaluate_without_truth_says_what_to_do(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    _warehouse(data_dir / "warehouse.duckdb")
    proc = run_hub("identity", "evaluate", data_dir=data_dir, check=False)
    assert proc.returncode == 2
    assert "hub simulate" in proc.stderr


def test_evaluate_scores_a_labelled_sample_given_as_truth_file(data_dir: Path, tmp_path: Path) -> None:
    data_dir.mkdir(parents=True)
    _warehouse(data_dir / "warehouse.duckdb")
    labels = tmp_path / "labels.csv"
    # C1 and C2 one person (resolved together), C3 another; C4 not labelled, so not scored
    labels.write_text("crm_customer_id,entity_id\nC1,E1\nC2,E1\nC3,E2\n", encoding="utf-8")
    proc = run_hub("identity", "evaluate", "--truth", str(labels), "--min-precision", "1", "--min-recall", "1",
                   data_dir=data_dir)
    assert "CRM records evaluated: 3" in proc.stdout
    assert "precision: 1.0000" in proc.stdout and "recall: 1.0000" in proc.stdout

    labels.write_text("record,entity_id\nC1,E1\n", encoding="utf-8")
    bad = run_hub("identity", "evaluate", "--truth", str(labels), data_dir=data_dir, check=False)
    assert bad.returncode == 2
    assert "labels.csv line 1: header lacks crm_customer_id" in bad.stderr
