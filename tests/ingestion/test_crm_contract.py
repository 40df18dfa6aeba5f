"""The CRM customers contract on exports shaped like real ones, through the real `hub ingest`.

Birth dates in three forms, a postcode column, registration timestamps left out, and id
cards whose GB 11643 check digit is wrong: the row loads, the id card does not, a warning says so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from stdnum.cn import ric

from tests.conftest import run_hub

ID_BODY = "11010519850304123"
ID_CARD = next(ID_BODY + d for d in "0123456789X" if ric.is_valid(ID_BODY + d))
ID_CARD_BAD_CHECK = next(ID_BODY + d for d in "0123456789X" if not ric.is_valid(ID_BODY + d))
HEADER = "customer_id,customer_type,name,gender,birth_date,id_card_no,city,address,postcode,segment,registered_at,updated_at"
CUSTOMERS = "\n".join([
    HEADER,
    "C1,person,张三,M,1985-03-04,,北京,朝阳路1号,100020,retail,2025-01-01 10:00:00,2026-01-01 09:00:00",
    "C2,person,李四,F,19850304,,上海,南京路2号, 200001 ,retail,,2026-01-01 09:00:00",
    "C3,person,王五,M,1985/03/04,,广州,中山路3号,,retail,2025-01-01 10:00:00,2026-01-01 09:00:00",
    "C4,person,赵六,M,19850230,,深圳,深南大道4号,518000,retail,,2026-01-01 09:00:00",
    "C5,person,钱七,F,1990105,,深圳,深南大道5号,518000,retail,,2026-01-01 09:00:00",
    f"C6,person,孙八,M,1985-03-04,{ID_CARD_BAD_CHECK},北京,朝阳路1号,,retail,,2026-01-01 09:00:00",
    f"C7,person,周九,M,1985-03-04,{ID_CARD},北京,朝阳路1号,,retail,,2026-01-01 09:00:00",
    "C8,person,吴十,F,1985-03-04,11010519850304,北京,朝阳路1号,,retail,,2026-01-01 09:00:00",
]) + "\n"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The export above, ingested once through `hub ingest`: (data_dir, its output)."""
    data_dir = tmp_path_factory.mktemp("crm_contract") / "var"
    (data_dir / "landing" / "crm").mkdir(parents=True)
    (data_dir / "landing" / "crm" / "customers_20260101.csv").write_text(CUSTOMERS, encoding="utf-8")
    proc = run_hub("ingest", "--source", "crm", "--report", data_dir=data_dir)
    return data_dir, proc.stdout + proc.stderr


def query(data_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def loaded(data_dir: Path, column: str) -> dict[str, object]:
    return dict(query(data_dir, f"select customer_id, {column} from raw.crm__customers"))


def test_birth_dates_in_three_forms_load_and_impossible_ones_are_quarantined(ingested) -> None:
    data_dir, _ = ingested
    births = loaded(data_dir, "birth_date")
    assert {c: births[c] for c in ("C1", "C2", "C3")} == dict.fromkeys(("C1", "C2", "C3"), date(1985, 3, 4))
    assert set(query(data_dir, "select line, field, rule from raw._quarantine")) == {
        (5, "birth_date", "type"), (6, "birth_date", "type")}
    [(message,)] = query(data_dir, "select message from raw._quarantine where line = 5")
    assert message == "customers_20260101.csv line 5: field birth_date value '19850230' is not a date (YYYY-MM-DD) (rule: type)"
    ledger = query(data_dir, "select rows_read, rows_loaded, rows_quarantined, rows_duplicate from raw._ledger "
                             "where file = 'customers_20260101.csv'")
    assert ledger == [(8, 6, 2, 0)]


def test_postcode_is_kept_as_exported(ingested) -> None:
    data_dir, _ = ingested
    postcodes = loaded(data_dir, "postcode")
    assert (postcodes["C1"], postcodes["C2"], postcodes["C3"]) == ("100020", " 200001 ", None)


def test_registration_timestamps_are_optional(ingested) -> None:
    data_dir, _ = ingested
    registered = loaded(data_dir, "registered_at")
    assert registered["C2"] is None and registered["C1"] is not None


def test_id_card_failing_its_check_digit_loads_the_row_without_it_and_warns(ingested) -> None:
    data_dir, out = ingested
    has_id = loaded(data_dir, "id_card_hash is not null")
    assert (has_id["C6"], has_id["C7"], has_id["C8"]) == (False, True, False)
    assert query(data_dir, "select file, line, field, rule from raw._warnings order by line") == [
        ("customers_20260101.csv", 7, "id_card_no", "checksum"),
        ("customers_20260101.csv", 9, "id_card_no", "identifier"),
    ]
    report = run_hub("quarantine", data_dir=data_dir).stdout
    assert "customers_20260101.csv  id_card_no  rule checksum: 1 rows loaded without it" in report
    assert ("    line 7: field id_card_no fails the GB 11643 check digit; the row loaded without it, "
            "kept out of the identity graph (rule: checksum)") in report
    assert run_hub("quarantine", "--rule", "checksum", data_dir=data_dir).stdout.count("rows loaded without it") == 1
    warnings = query(data_dir, "select * from raw._warnings")
    for text in (out, report, repr(warnings)):  # the number is never printed nor stored
        assert ID_CARD_BAD_CHECK not in text and ID_BODY not in text
