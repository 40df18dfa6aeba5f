"""Simulated demo exports, ingested: every ledger reconciles and every injected defect has its outcome."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from ingestion.contracts import CONTRACTS, contract
from tests.conftest import run_hub

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ingest_demo")]

QUARANTINE_RULES = {"required", "type", "allowed", "range", "max_length", "identifier", "malformed", "truncated"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo") / "var"
    run_hub("simulate", "--scale", "demo", data_dir=data_dir)
    run_hub("ingest", data_dir=data_dir)
    return data_dir


def outcomes(data_dir: Path) -> tuple[set, set, set, dict]:
    """(quarantine (file, line, field, rule), quarantined lines, loaded lines, ledger status per file)."""
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        quarantine = set(con.execute("select file, line, field, rule from raw._quarantine").fetchall())
        loaded: set[tuple[str, int]] = set()
        for c in CONTRACTS:
            loaded |= set(con.execute(f"select _file, _line from {c.raw_table}").fetchall())
        ledger = dict(con.execute("select file, status from raw._ledger").fetchall())
        bad = con.execute(
            "select count(*) from raw._ledger where rows_read <> rows_loaded + rows_quarantined + rows_duplicate"
        ).fetchone()[0]
    finally:
        con.close()
    assert bad == 0
    return quarantine, {(f, n) for f, n, _, _ in quarantine}, loaded, ledger


def missed(item: dict, quarantine: set, quarantined: set, loaded: set, ledger: dict) -> bool:
    """True when the injected defect did not end as the truth says it must."""
    name = item["file"].split("/")[-1]
    line, expected = item["line"], item["expected"]
    if expected == "skipped_resent":
        return ledger.get(name) != "skipped_resent"
    if expected == "duplicate":
        return name not in ledger or (name, line) in loaded or (name, line) in quarantined
    if expected == "normalised":
        if line is None:
            return ledger.get(name) not in ("loaded", "loaded_with_rejects")
        return (name, line) not in loaded
    assert expected in QUARANTINE_RULES, expected
    return (name, line, item["field"], expected) not in quarantine


def test_every_injected_defect_has_its_expected_outcome(demo: Path) -> None:
    items = json.loads((demo / "truth" / "mess.json").read_text())["items"]
    assert len(items) > 100
    found = outcomes(demo)
    misses = [i for i in items if missed(i, *found)]
    assert not misses, f"{len(misses)} of {len(items)} defects missed: {Counter(i['kind'] for i in misses)}; {misses[:5]}"


def breaks_contract(source: str, entity: str, field: str | None, rule: str, value: str | None) -> bool:
    """Checked apart from the SQL: does this value really break the contract's rule?"""
    f = contract(f"{source}__{entity}").field(field) if field else None
    if f is None or value is None:
        return rule == "required" and value is None
    if rule == "range":
        number = float(value)
        return (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum)
    if rule == "allowed":
        return value not in f.allowed
    if rule == "max_length":
        return len(value) > f.max_length
    return False


def test_quarantine_holds_only_injected_defects_or_true_contract_breaks(demo: Path) -> None:
    """The simulator's own data may break the contract (then the truth does not list it);
    such rows must break it by an independent check, never be false alarms."""
    items = json.loads((demo / "truth" / "mess.json").read_text())["items"]
    injected = {(i["file"].split("/")[-1], i["line"]) for i in items}
    con = duckdb.connect(str(demo / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select source, entity, file, line, field, rule, value from raw._quarantine").fetchall()
    finally:
        con.close()
    unexplained = [r for r in rows if (r[2], r[3]) not in injected]
    false_alarms = [r[2:6] for r in unexplained if not breaks_contract(r[0], r[1], r[4], r[5], r[6])]
    assert not false_alarms, false_alarms[:10]
    assert len(unexplained) < len(rows) / 10


def test_reingesting_the_demo_changes_nothing(demo: Path) -> None:
    out = run_hub("ingest", data_dir=demo).stdout
    assert "0 new files" in out and "rows read 0" in out
