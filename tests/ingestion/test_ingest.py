"""Ingestion through the real CLI on a hostile landing folder: exact quarantine, exact ledger."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.contracts import CONTRACTS
from tests.conftest import run_hub
from tests.ingestion.fixtures import hostile

pytestmark = pytest.mark.xdist_group("ingest_hostile")  # one worker builds the shared warehouse


def ingest_hostile(data_dir: Path) -> tuple[Path, str]:
    hostile.write_landing(data_dir)
    proc = run_hub("ingest", "--report", data_dir=data_dir)
    return data_dir, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The hostile folder, ingested once for the read-only tests: (data_dir, output of `hub ingest --report`)."""
    return ingest_hostile(tmp_path_factory.mktemp("hostile") / "var")


def query(data_dir: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def table_counts(data_dir: Path) -> dict[str, int]:
    tables = [c.raw_table for c in CONTRACTS] + ["raw._quarantine"]
    return {t: query(data_dir, f"select count(*) from {t}")[0][0] for t in tables}


def test_quarantine_holds_exactly_the_broken_lines(ingested) -> None:
    data_dir, _ = ingested
    rows = set(query(data_dir, "select file, line, field, rule from raw._quarantine"))
    assert rows == hostile.EXPECTED_QUARANTINE


def test_every_file_has_a_ledger_line_that_reconciles(ingested) -> None:
    data_dir, out = ingested
    ledger = query(
        data_dir,
        "select file, encoding, rows_read, rows_loaded, rows_quarantined, rows_duplicate, status from raw._ledger",
    )
    assert {r[0]: r[1:] for r in ledger} == hostile.EXPECTED_LEDGER
    assert all(r[2] == r[3] + r[4] + r[5] for r in ledger)
    assert "every file reconciles" in out
    resent = query(data_dir, "select message from raw._ledger where status = 'skipped_resent'")
    assert resent == [("same content as customers_20260101.csv: nothing loaded",)]


def test_messages_name_file_line_field_value_and_rule(ingested) -> None:
    data_dir, _ = ingested
    [(message,)] = query(data_dir, "select message from raw._quarantine where rule = 'type' and field = 'birth_date'")
    assert message == (
        "customers_20260101.csv line 3: field birth_date value '1985-13-40' is not a date (YYYY-MM-DD) (rule: type)"
    )


def test_reingesting_everything_changes_no_row(ingested) -> None:
    data_dir, _ = ingested
    before = table_counts(data_dir)
    ledger_before = query(data_dir, "select count(*) from raw._ledger")[0][0]
    out = run_hub("ingest", data_dir=data_dir).stdout
    assert table_counts(data_dir) == before
    assert query(data_dir, "select count(*) from raw._ledger")[0][0] == ledger_before
    assert "0 new files" in out and "10 already loaded" in out


def test_a_file_sent_again_under_a_new_name_loads_nothing(data_dir: Path) -> None:
    ingest_hostile(data_dir)
    before = table_counts(data_dir)
    copy = data_dir / "landing" / "acd" / "call_legs_20260103.csv"
    copy.write_bytes(hostile.FILES["acd/call_legs_20260101.csv"])
    run_hub("ingest", data_dir=data_dir)
    assert table_counts(data_dir) == before
    assert query(data_dir, "select status, message from raw._ledger where file = 'call_legs_20260103.csv'") == [
        ("skipped_resent", "same content as call_legs_20260101.csv: nothing loaded")
    ]


def test_a_file_whose_size_and_mtime_are_known_is_still_recognised_by_its_content(data_dir: Path) -> None:
    """Issue 19 item 6 turned the former size+mtime shortcut around: a rewrite that keeps size and
    mtime (same second, `cp -p`, `rsync -t`) used to be skipped unread; every file is now hashed."""
    import os

    ingest_hostile(data_dir)
    before = table_counts(data_dir)
    ledger_before = query(data_dir, "select count(*) from raw._ledger")[0][0]
    landing = data_dir / "landing" / "acd"
    # same size and mtime, one row changed (CALL2 -> CALL9): the hash tells, the new row loads
    rewritten = landing / "call_legs_20260101.csv"
    stat = rewritten.stat()
    rewritten.write_bytes(rewritten.read_bytes().replace(b"CALL2,", b"CALL9,"))
    os.utime(rewritten, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rewritten.stat().st_size == stat.st_size
    # a new mtime with the same bytes: hashed, recognised, nothing loaded
    touched = landing / "call_legs_20260102.csv"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    out = run_hub("ingest", data_dir=data_dir).stdout
    assert "1 new files" in out, out
    after = table_counts(data_dir)
    assert after["raw.acd__call_legs"] == before["raw.acd__call_legs"] + 1
    assert query(data_dir, "select count(*) from raw.acd__call_legs where call_id = 'CALL9'") == [(1,)]
    assert query(data_dir, "select count(*) from raw._ledger")[0][0] == ledger_before + 1
    [(mtime,)] = query(data_dir, "select mtime_ns from raw._file_stats where file = ?", [touched.name])
    assert mtime == touched.stat().st_mtime_ns


def test_a_changed_record_with_a_new_updated_at_is_a_new_version(ingested) -> None:
    data_dir, _ = ingested
    versions = query(
        data_dir, "select updated_at, segment from raw.crm__customers where customer_id = 'C001' order by updated_at"
    )
    # naive Shanghai times stored as UTC
    assert versions == [(datetime(2026, 1, 1, 1, 0), "retail"), (datetime(2026, 1, 2, 1, 0), "vip")]


def test_timestamps_in_every_accepted_shape_become_utc(ingested) -> None:
    data_dir, _ = ingested
    registered = dict(query(data_dir, "select customer_id, registered_at from raw.crm__customers"))
    assert registered["C005"] == datetime(2025, 1, 1, 2, 0)  # 2025/01/01 10:00:00
    assert registered["C008"] == datetime(2025, 1, 1, 2, 0)  # 2025-01-01T10:00:00
    assert registered["C006"] == datetime(1988, 7, 1, 3, 0)  # China kept summer time then: UTC+9
    assert query(data_dir, "select event_at from raw.telematics__events") == [(datetime(2026, 1, 1, 1, 0),)]
    assert query(data_dir, "select reading_ts, reading_at from raw.telematics__readings") == [
        (1767225600000, datetime(2026, 1, 1, 0, 0))
    ]


def test_non_utf8_files_are_transcoded(ingested) -> None:
    data_dir, _ = ingested
    names = dict(query(data_dir, "select customer_id, name from raw.crm__customers where _file = 'customers_20260102.csv'"))
    assert names["C008"] == "孙八"
    assert query(data_dir, "select address from raw.crm__customers where customer_id = 'C002'") == [("南京路2号",)]


def test_identifiers_are_normalised(ingested) -> None:
    data_dir, _ = ingested
    phones = set(query(data_dir, "select phone, phone_e164, phone_kind, is_primary from raw.crm__phones"))
    assert phones == {
        ("+86 138 0013 8000", "+8613800138000", "mobile", True),
        ("010-65529988", "+861065529988", "landline", False),
        ("400-820-8820", "+864008208820", "service", True),
    }
    anis = dict(query(data_dir, "select call_id, ani_e164 from raw.acd__call_legs where leg_no = 1"))
    assert anis == {"CALL1": "+8613800138000", "CALL2": None, "CALL5": "+16502530000"}
    assert query(data_dir, "select email_normalised from raw.crm__emails") == [("zhang.san@example.cn",)]
    assert query(data_dir, "select vin from raw.crm__vehicles") == [(hostile.VIN_A,)]


def test_id_card_numbers_are_hashed_and_never_stored(ingested) -> None:
    data_dir, _ = ingested
    hashes = dict(query(
        data_dir, "select customer_id, id_card_hash from raw.crm__customers where customer_id in ('C006', 'C008')"
    ))
    assert hashes == {"C006": None, "C008": None}  # invalid checksum / absent
    [(digest,)] = query(data_dir, "select distinct id_card_hash from raw.crm__customers where customer_id = 'C001'")
    assert len(digest) == 64
    columns = query(
        data_dir,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw' and data_type = 'VARCHAR'",
    )
    for table, column in columns:
        hits = query(data_dir, f'select count(*) from raw."{table}" where "{column}" like ?', [f"%{hostile.ID_BODY}%"])
        assert hits == [(0,)], f"id-card number stored in raw.{table}.{column}"
    assert "id_card_no" not in {c for _, c in columns}


def test_no_personal_data_in_command_output(ingested) -> None:
    data_dir, out = ingested
    out += run_hub("quarantine", "--limit", "10", data_dir=data_dir).stdout
    for secret in (hostile.MOBILE, "13912345678", "138-0013-8000", hostile.NAME, hostile.ID_CARD, hostile.ID_BODY,
                   hostile.EMAIL, "not-an-email", "12345"):
        assert secret not in out, secret


def test_quarantine_command_groups_and_masks(ingested) -> None:
    data_dir, _ = ingested
    out = run_hub("quarantine", "--file", "phones_20260101.csv", data_dir=data_dir).stdout
    assert "phones_20260101.csv  phone  rule identifier: 1 rows" in out
    assert "line 4: field phone value '*****' (rule: identifier)" in out
    assert "phones_20260101.csv  (whole line)  rule truncated: 1 rows" in out
    out = run_hub("quarantine", "--rule", "malformed", data_dir=data_dir).stdout
    assert "customers_20260101.csv  (whole line)  rule malformed: 1 rows" in out
    assert "phones_" not in out


def test_line_numbers_stay_physical_around_stray_carriage_returns_and_junk(data_dir: Path) -> None:
    landing = data_dir / "landing" / "ticketing"
    landing.mkdir(parents=True)
    header = "work_order_id,seq,stage,stage_at,engineer_id,region_office,parts,warehouse,resolution,callback_score\n"
    (landing / "transitions_20260101.csv").write_bytes(
        (
            header
            + 'W1,1,created,2026-01-01 08:00:00,,,,,"换了\r滤清器",\n'
            + "W1,2,teleported,2026-01-01 09:00:00,,,,,,\n"
            + "W1,3,closed,2026-01-01 10:00:00,,,,,,9\n"
        ).encode()
    )
    (landing / "transitions_20260102.csv").write_bytes(b"\x00\xff\xfe junk \r\r\n\x81\n")
    run_hub("ingest", data_dir=data_dir)
    rows = set(query(data_dir, "select file, line, field, rule from raw._quarantine"))
    assert {r for r in rows if r[0] == "transitions_20260101.csv"} == {
        ("transitions_20260101.csv", 3, "stage", "allowed"),
        ("transitions_20260101.csv", 4, "callback_score", "range"),
    }
    ledger = dict(query(data_dir, "select file, (rows_read, rows_loaded, rows_quarantined, rows_duplicate) from raw._ledger"))
    assert ledger["transitions_20260101.csv"] == (3, 1, 2, 0)
    assert ledger["transitions_20260102.csv"] == (1, 0, 1, 0)  # junk "header", one junk line
    assert query(data_dir, "select resolution from raw.ticketing__transitions") == [("换了\r滤清器",)]
