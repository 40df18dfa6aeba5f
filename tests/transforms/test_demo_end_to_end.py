"""Simulate -> ingest -> dbt build -> evaluate identity on the demo scale: the targets hold.

Rebuild stability is tested on the small fixture (test_identity, test_dbt_build), which is faster."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_hub
from tests.transforms.conftest import UNSCORED, run_dbt


@pytest.mark.slow
def test_demo_identity_meets_targets(data_dir: Path, tmp_path: Path) -> None:
    run_hub("simulate", "--scale", "demo", "--seed", "42", data_dir=data_dir)
    run_hub("ingest", data_dir=data_dir)
    warehouse = data_dir / "warehouse.duckdb"
    run_dbt("build", *UNSCORED, warehouse=warehouse, work_dir=tmp_path)

    report = run_hub("identity", "evaluate", "--min-precision", "0.99", "--min-recall", "0.95", data_dir=data_dir)
    precision = float(re.search(r"^precision: ([\d.]+)$", report.stdout, re.M).group(1))
    recall = float(re.search(r"^recall: ([\d.]+)$", report.stdout, re.M).group(1))
    assert precision >= 0.99 and recall >= 0.95, report.stdout
    assert "links through switchboard/service/dealer/junk numbers: 0" in report.stdout
    assert "switchboard:" in report.stdout and "service_number:" in report.stdout

