"""`hub build` (Dagster, quality gate, publish) builds on DuckDB only: another engine is
refused with a message instead of gating a warehouse the build never wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_hub


def test_build_refuses_another_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_WAREHOUSE_ENGINE", "spark")
    proc = run_hub("build", data_dir=tmp_path / "var", check=False)
    assert proc.returncode == 2
    assert "HUB_WAREHOUSE_ENGINE=spark" in proc.stderr and "docs/scale-out.md" in proc.stderr
    assert not (tmp_path / "var" / "warehouse.duckdb").exists()
