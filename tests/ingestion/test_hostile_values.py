"""Hostile values, key changes, declared encodings and personal numbers, through `hub ingest`.

The second half of the hostile-file suite (issue 19 items 3-6; the first is test_hostile_files.py):
every file is generated here, small, and one `hub ingest` run loads them all. Each class must end
in a named rule (or a loaded version), the ledger must reconcile, and nothing personal is printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_hub

PHONE = "13912345678"
ID_CARD = "110105198503041234"
VIN = "1M8GDM9AXKP042788"

PURCHASES = "purchase_id,customer_id,vin,product,amount_cny,purchased_at,coverage_months,channel"
_PURCHASE = "{id},C1,,parts,{amount},{at},{months},dealer"
# (line, purchase_id, amount_cny, purchased_at, coverage_months, expected (field, rule) or None)
PURCHASE_CASES = [
    (2, "P01", "100.50", "2026-01-01 09:00:00", "12", None),
    (3, "P02", "100.505", "2026-01-01 09:00:00", "12", ("amount_cny", "decimal")),  # would round to 100.51
    (4, "P03", "1e3", "2026-01-01 09:00:00", "12", ("amount_cny", "decimal")),
    (5, "P04", "\"1,000.00\"", "2026-01-01 09:00:00", "12", ("amount_cny", "type")),
    (6, "P05", "100", "2026-01-01 09:00:00", "3.0", ("coverage_months", "integer")),  # would load as 3
    (7, "P06", "100", "2026-01-01 09:00:00", "1e1", ("coverage_months", "integer")),
    (8, "P07", "100", "2026-01-01 09:00:00", "+12", ("coverage_months", "integer")),
    (9, "P08", "100", "2026-01-01 09:00:00", "abc", ("coverage_months", "type")),
    (10, "P09", "100", "1767225600", "12", ("purchased_at", "timestamp")),  # epoch seconds
    (11, "P10", "100", "2026-01-01", "12", ("purchased_at", "timestamp")),  # a date alone
    (12, "P11", "100", "2026-02-30 09:00:00", "12", ("purchased_at", "type")),  # no such day
    (13, "P12", "100", "2026-01-01T09:00:00+08:00", "12", None),  # declared: offset
    (14, "P13", "-7", "2026-01-01 09:00:00", "12", ("amount_cny", "range")),
    (15, "P14", "100", "2026-01-01 09:00:00", PHONE, ("coverage_months", "range")),  # a phone where a count belongs
]
_EVENT = {"event_id": "E1", "vin": VIN, "event_at": "2026-01-01T01:00:00Z", "event_type": "fault_raised",
          "spn": 110, "fmi": 0}
# (line, changes to the event, expected (field, rule) rows)
EVENT_CASES = [
    (1, {}, set()),
    (2, {"event_id": "E2", "spn": {"a": 1}}, {("spn", "nested"), ("spn", "type")}),
    (3, {"event_id": {"id": "E3"}}, {("event_id", "nested")}),
    (4, {"event_id": "E4", "fmi": [0, 1]}, {("fmi", "nested"), ("fmi", "type")}),
    (5, {"event_id": "E5", "spn": 110.0}, {("spn", "integer")}),
    (6, {"event_id": "E6", "event_at": "2026-01-01 01:00:00"}, {("event_at", "timestamp")}),  # declared: utc only
    (7, {"event_id": "E7", "event_at": 1767229200000}, {("event_at", "timestamp")}),
]


def _lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def write_landing(landing: Path) -> None:
    crm, telematics = landing / "crm", landing / "telematics"
    for folder in (crm, telematics):
        folder.mkdir(parents=True, exist_ok=True)
    (crm / "purchases_20260101.csv").write_bytes(_lines(PURCHASES, *(
        _PURCHASE.format(id=i, amount=a, at=t, months=m) for _, i, a, t, m, _ in PURCHASE_CASES)))
    events = [json.dumps(_EVENT | change) for _, change, _ in EVENT_CASES]
    (telematics / "events_20260101.jsonl").write_bytes(_lines(*events))
    for path in landing.rglob("*.*"):  # settled: not "still being written"
        os.utime(path, (path.stat().st_atime - 60, path.stat().st_mtime - 60))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    data_dir = tmp_path_factory.mktemp("hostile_values") / "var"
    write_landing(data_dir / "landing")
    proc = run_hub("ingest", "--source", "crm", "--source", "telematics", "--report", data_dir=data_dir,
                   check=False)
    return data_dir, proc


def query(data_dir: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_values_are_typed_strictly_and_each_refusal_names_its_rule(ingested) -> None:
    data_dir, proc = ingested
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = set(query(data_dir, "select line, field, rule from raw._quarantine where file = 'purchases_20260101.csv'"))
    assert got == {(line, *expected) for line, *_, expected in PURCHASE_CASES if expected}
    loaded = query(data_dir, "select purchase_id, amount_cny, coverage_months from raw.crm__purchases order by 1")
    assert [(p, str(a), m) for p, a, m in loaded] == [("P01", "100.50", 12), ("P12", "100.00", 12)]
    messages = dict(query(data_dir, "select line, message from raw._quarantine where file = 'purchases_20260101.csv'"))
    assert messages[6] == ("purchases_20260101.csv line 6: field coverage_months value '3.0' is a number but not an "
                           "integer (digits and an optional minus only: no fraction, exponent, plus sign or "
                           "separators) (rule: integer)")
    assert "value '1767225600' is a timestamp form this contract does not declare" in messages[10]
    assert "at most 2 decimals" in messages[3]


def test_a_nested_json_value_where_a_scalar_belongs_is_quarantined(ingested) -> None:
    data_dir, _ = ingested
    got = set(query(data_dir, "select line, field, rule from raw._quarantine where file = 'events_20260101.jsonl'"))
    assert got == {(line, *fr) for line, _, expected in EVENT_CASES for fr in expected}
    assert query(data_dir, "select event_id, spn from raw.telematics__events") == [("E1", 110)]
    [(message,)] = query(data_dir, "select message from raw._quarantine where file = 'events_20260101.jsonl' "
                                   "and line = 3")
    assert message == ("events_20260101.jsonl line 3: field event_id holds a JSON object where a single value "
                       "belongs (rule: nested)")
    [(message,)] = query(data_dir, "select message from raw._quarantine where file = 'events_20260101.jsonl' "
                                   "and line = 6")
    assert "(declared: YYYY-MM-DDTHH:MM:SSZ;" in message


def test_every_file_reconciles(ingested) -> None:
    data_dir, _ = ingested
    for file, physical, header, read, blank, loaded, quarantined, duplicate in query(
            data_dir, "select file, lines_physical, lines_header, rows_read, lines_blank, rows_loaded, "
                      "rows_quarantined, rows_duplicate from raw._ledger"):
        assert physical == header + read + blank, file
        assert read == loaded + quarantined + duplicate, file
