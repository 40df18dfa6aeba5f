"""Simulate -> `hub build` -> evaluate identity on the demo scale: the targets hold.

Rebuild stability is tested on the small fixture (test_identity, test_dbt_build), which is faster."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_hub


@pytest.mark.slow
def test_demo_identity_meets_targets(built_demo: Path) -> None:
    # the run's one demo (simulate -> `hub build`), read only
    data_dir = built_demo
    report = run_hub("identity", "evaluate", "--min-precision", "0.99", "--min-recall", "0.95", data_dir=data_dir)
    precision = float(re.search(r"^precision: ([\d.]+)$", report.stdout, re.M).group(1))
    recall = float(re.search(r"^recall: ([\d.]+)$", report.stdout, re.M).group(1))
    assert precision >= 0.99 and recall >= 0.95, report.stdout
    assert "links through switchboard/service/dealer/junk numbers: 0" in report.stdout
    assert "switchboard:" in report.stdout and "service_number:" in report.stdout

