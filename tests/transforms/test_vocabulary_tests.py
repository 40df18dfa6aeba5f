"""The dbt side of the one vocabulary: the seed is built, `in_vocabulary` holds real marts
to it, and a value outside the vocabulary fails the test (its query returns the stray
values and how many rows carry each)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from hub import vocabulary
from tests.transforms.conftest import query, run_dbt


def test_the_seed_holds_every_domain_and_value(built_fixture: Path) -> None:
    rows = query(built_fixture, "select domain, value from reference.vocabulary order by domain, position")
    assert sorted(rows) == sorted((d, v) for d, values in vocabulary.DOMAINS.items() for v in values)


def test_a_value_outside_the_vocabulary_fails_in_vocabulary(built_fixture: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_fixture, warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("update marts.fct_consents set consent_status = 'revoked'")
    con.close()
    select = ("--select", "test_name:in_vocabulary,fct_consents fct_contactability,test_name:in_vocabulary")
    failed = run_dbt("test", *select, warehouse=warehouse, work_dir=tmp_path, check=False)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "in_vocabulary_fct_consents_consent_status__consent_status" in failed.stdout
    assert "Failure in test in_vocabulary_fct_consents_consent_status" in failed.stdout
    passed = [line for line in failed.stdout.splitlines() if "PASS in_vocabulary_fct_contactability" in line]
    assert len(passed) == 2, failed.stdout[-3000:]
