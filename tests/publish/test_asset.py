"""The Dagster asset publishes after passing checks and is skipped after a failing blocking one.

The dbt assets are stood in for by plain assets with the same keys (the real project needs
a dbt build; tests/transforms covers it); the asset under test and its publish step are real.
"""

from __future__ import annotations

import sqlite3

import dagster as dg
import pytest

from orchestration.defs.publish.assets import SOURCES, serving_store
from orchestration.lib.resources import HubResource
from tests.publish.marts import make_warehouse


def _stand_ins(gate_passes: bool) -> list:
    def stand_in(key: dg.AssetKey):
        @dg.asset(key=key)
        def _mart() -> None:
            """Already built by make_warehouse."""

        return _mart

    @dg.asset_check(asset=SOURCES[0], blocking=True)
    def profile_gate() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=gate_passes, severity=dg.AssetCheckSeverity.ERROR)

    return [*(stand_in(key) for key in SOURCES), profile_gate]


def _build_id(settings) -> list[tuple[str]]:
    with sqlite3.connect(f"file:{settings.data_dir / 'serving.db'}?mode=ro", uri=True) as con:
        return con.execute("select build_id from _build").fetchall()


@pytest.mark.parametrize("gate_passes", [True, False])
def test_asset_publishes_only_after_the_gate(settings, gate_passes):
    make_warehouse(settings.warehouse_path)
    resources = {"hub": HubResource(data_dir=str(settings.data_dir))}
    first = dg.materialize([*_stand_ins(True)[:-1], serving_store], resources=resources)
    assert first.success
    good = _build_id(settings)
    assert good == [(first.run_id,)]

    *marts, gate = _stand_ins(gate_passes)
    second = dg.materialize([*marts, gate, serving_store], resources=resources, raise_on_error=False)
    published = [e.asset_key for e in second.get_asset_materialization_events() if e.asset_key == serving_store.key]
    if gate_passes:
        assert published == [serving_store.key]
        assert _build_id(settings) == [(second.run_id,)]
    else:
        assert published == []
        assert _build_id(settings) == good
