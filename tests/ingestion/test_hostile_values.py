"""Hostile values, key changes, declared encodings and personal numbers, through `hub ingest`.

The second half of the hostile-file suite (issue 19 items 3-6; the first is test_hostile_files.py):
every file is generated here, small, and one `hub ingest` run loads them all. Each class must end
in a named rule (or a loaded version), the ledger must reconcile, and nothing personal is printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_hub
from tests.ingestion.test_ingest import query

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
# An id-card number where a code belongs (line 16): quarantined, and never printed whole.
PURCHASE_ID_IN_CODE = (16, f"P15,C1,,parts,100,2026-01-01 09:00:00,12,{ID_CARD}", ("channel", "allowed"))
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
        _PURCHASE.format(id=i, amount=a, at=t, months=m) for _, i, a, t, m, _ in PURCHASE_CASES),
        PURCHASE_ID_IN_CODE[1]))
    events = [json.dumps(_EVENT | change) for _, change, _ in EVENT_CASES]
    (telematics / "events_20260101.jsonl").write_bytes(_lines(*events))
    # Telematics declares UTF-8: a file of GBK lines is not re-guessed as GB18030 (detection would
    # read it so); its GBK lines are quarantined (rule encoding), its ASCII line loads.
    gbk = [json.dumps(_EVENT | {"event_id": f"E2{n}", "event_type": "故障"}, ensure_ascii=False) for n in (0, 1)]
    (telematics / "events_20260102.jsonl").write_bytes(
        "\n".join(gbk).encode("gbk") + b"\n" + _lines(json.dumps(_EVENT | {"event_id": "E22"})))
    for path in landing.rglob("*.*"):  # settled: not "still being written"
        os.utime(path, (path.stat().st_atime - 60, path.stat().st_mtime - 60))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    data_dir = tmp_path_factory.mktemp("hostile_values") / "var"
    write_landing(data_dir / "landing")
    proc = run_hub("ingest", "--source", "crm", "--source", "telematics", "--report", data_dir=data_dir,
                   check=False)
    return data_dir, proc


def test_values_are_typed_strictly_and_each_refusal_names_its_rule(ingested) -> None:
    data_dir, proc = ingested
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = set(query(data_dir, "select line, field, rule from raw._quarantine where file = 'purchases_20260101.csv'"))
    assert got == {(line, *expected) for line, *_, expected in [*PURCHASE_CASES, PURCHASE_ID_IN_CODE] if expected}
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
    assert query(data_dir, "select event_id, spn from raw.telematics__events where _file = 'events_20260101.jsonl'") \
        == [("E1", 110)]
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


def test_a_declared_encoding_is_not_guessed_at(ingested) -> None:
    data_dir, _ = ingested
    rows = query(data_dir, "select line, rule, message from raw._quarantine where file = 'events_20260102.jsonl' "
                           "order by line")
    assert [(line, rule) for line, rule, _ in rows] == [(1, "encoding"), (2, "encoding")]
    assert "holds bytes that are not utf-8 (first at byte " in rows[0][2]
    assert query(data_dir, "select encoding, rows_read, rows_loaded, rows_quarantined from raw._ledger "
                           "where file = 'events_20260102.jsonl'") == [("utf-8", 3, 1, 2)]
    assert query(data_dir, "select event_id from raw.telematics__events where _file = 'events_20260102.jsonl'") \
        == [("E22",)]


def test_hub_quarantine_and_ingest_never_print_a_personal_number(ingested) -> None:
    data_dir, proc = ingested
    shown = run_hub("quarantine", "--limit", "50", data_dir=data_dir).stdout
    assert "line 15: field coverage_months value '139****5678' is not between 0 and 120 (rule: range)" in shown
    assert "line 16: field channel value '110*************34' is not one of" in shown
    for output in (shown, proc.stdout, proc.stderr):
        assert PHONE not in output and ID_CARD not in output
    # stored as exported (a steward fixes the row from it); only printing masks
    assert query(data_dir, "select value from raw._quarantine where file = 'purchases_20260101.csv' and line = 15") \
        == [(PHONE,)]


SURVEYS = "call_id,agent_id,score,surveyed_at"
CUSTOMERS = "customer_id,customer_type,name,segment,updated_at"
_CUSTOMER = "{id},person,张三,{segment},2026-01-01 09:00:00"


def _ingest(data_dir: Path, files: dict[str, bytes]) -> str:
    for name, data in files.items():
        path = data_dir / "landing" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (path.stat().st_atime - 60, path.stat().st_mtime - 60))
    return run_hub("ingest", "--source", "crm", "--source", "acd", "--report", data_dir=data_dir).stdout


def _counts(data_dir: Path) -> tuple:
    return tuple(query(data_dir, f"select count(*) from {t}")[0][0]
                 for t in ("raw.acd__surveys", "raw.crm__customers", "raw._quarantine", "raw._ledger"))


def test_a_changed_row_is_a_new_version_or_a_named_conflict_by_the_contracts_policy(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    first = _ingest(data_dir, {
        # surveys: policy version; S1 changes within the file, then repeats its last version
        "acd/surveys_20260101.csv": _lines(SURVEYS, "S1,A1,4,2026-01-01 09:00:00", "S2,A1,5,2026-01-01 09:00:00",
                                           "S1,A1,3,2026-01-01 09:00:00", "S1,A1,3,2026-01-01 09:00:00"),
        # customers: policy conflict; C1 changes within the file, then repeats its loaded version
        "crm/customers_20260101.csv": _lines(CUSTOMERS, _CUSTOMER.format(id="C1", segment="retail"),
                                             _CUSTOMER.format(id="C2", segment="retail"),
                                             _CUSTOMER.format(id="C1", segment="vip"),
                                             _CUSTOMER.format(id="C1", segment="retail")),
    })
    assert "1 rows loaded as new versions of keys loaded before; 1 duplicate rows not loaded again" in first
    assert query(data_dir, "select call_id, score, _line from raw.acd__surveys order by _line") == [
        ("S1", 4, 2), ("S2", 5, 3), ("S1", 3, 4)]
    assert query(data_dir, "select customer_id, segment from raw.crm__customers order by _line") == [
        ("C1", "retail"), ("C2", "retail")]
    [(line, rule, message, record)] = query(
        data_dir, "select line, rule, message, record from raw._quarantine where file = 'customers_20260101.csv'")
    assert (line, rule) == (4, "key_conflict")
    assert message == ("customers_20260101.csv line 4: key (customer_id, updated_at) already loaded from "
                       "customers_20260101.csv line 2 with other values (in segment); not loaded (policy "
                       "conflict: a steward decides which is right) (rule: key_conflict)")
    assert json.loads(record)["segment"] == "vip"  # nothing lost: the refused version is kept whole

    # A re-sent file with one row changed, against the earlier load; an identical re-send under a new name.
    second = _ingest(data_dir, {
        "acd/surveys_20260102.csv": _lines(SURVEYS, "S2,A1,1,2026-01-01 09:00:00", "S1,A1,3,2026-01-01 09:00:00"),
        "crm/customers_20260102.csv": _lines(CUSTOMERS, _CUSTOMER.format(id="C1", segment="retail"),
                                             _CUSTOMER.format(id="C2", segment="vip")),
        "crm/customers_20260101_copy.csv": (data_dir / "landing/crm/customers_20260101.csv").read_bytes(),
    })
    assert "skipped_resent: same content as customers_20260101.csv: nothing loaded" in second
    assert query(data_dir, "select call_id, score, _file from raw.acd__surveys where _file = 'surveys_20260102.csv'") \
        == [("S2", 1, "surveys_20260102.csv")]  # S1 3 is the latest version already: a duplicate
    assert query(data_dir, "select line, message from raw._quarantine where file = 'customers_20260102.csv'") == [
        (3, "customers_20260102.csv line 3: key (customer_id, updated_at) already loaded from customers_20260101.csv "
            "line 3 with other values (in segment); not loaded (policy conflict: a steward decides which is right) "
            "(rule: key_conflict)")]
    assert query(data_dir, "select rows_read, rows_loaded, rows_quarantined, rows_duplicate, status from raw._ledger "
                           "where file = 'customers_20260102.csv'") == [(2, 0, 1, 1, "loaded_with_rejects")]
    # Everything again: nothing changes.
    before = _counts(data_dir)
    again = _ingest(data_dir, {})
    assert "0 new files" in again and _counts(data_dir) == before
