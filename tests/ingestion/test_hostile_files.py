"""Hostile landing files, one of each class, through `hub ingest` in one run.

Every file is generated here, small; one run loads them all, so the module stays fast.
Each file must end with a ledger line that says what happened to it, the run must go on
past the ones it refuses, and nothing personal may be printed.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_hub

HEADER = "customer_id,email,updated_at"
GOOD = "C{n},user{n}@example.cn,2026-01-01 09:00:00"
PHONE = "13912345678"
ID_CARD = "110105198503041234"
REFUSED_EXIT = 3


def _rows(*numbers: int) -> list[str]:
    return [GOOD.format(n=n) for n in numbers]


def _write(folder: Path, name: str | bytes, data: bytes) -> None:
    path = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else folder / name
    with open(path, "wb") as out:
        out.write(data)


def write_hostile(landing: Path) -> None:
    crm = landing / "crm"
    crm.mkdir(parents=True)
    text = lambda lines, end="\n": (end.join(lines) + end).encode()  # noqa: E731
    _write(crm, "emails_01_cr_only.csv", text([HEADER, *_rows(1, 2)], end="\r"))
    _write(crm, "emails_02_huge_first_line.csv", b"x" * (200 * 1024) + b"\n" + text(_rows(3)))
    _write(crm, "emails_03_gzip.csv", gzip.compress(text([HEADER, *_rows(4)])))
    _write(crm, "emails_04_binary.csv", bytes(range(256)) * 8)
    _write(crm, b"emails_05_\xff\xfe_name.csv", text([HEADER, *_rows(5)]))
    _write(crm, "emails_06_glob[1].csv", text([HEADER, *_rows(6)]))
    _write(crm, "emails_06_glob1.csv", text([HEADER, *_rows(7, 8)]))  # what the glob [1] would match
    _write(crm, "emails_07_utf16_bom.csv", (HEADER + "\n" + "\n".join(_rows(9)) + "\n").encode("utf-16"))
    _write(crm, "emails_08_utf16_no_bom.csv", (HEADER + "\n" + "\n".join(_rows(10, 11)) + "\n").encode("utf-16-le"))
    # A personal value in a refused file's first line must not reach the output.
    _write(crm, "emails_09_no_line_ends.csv", f"{PHONE},{ID_CARD},".encode() * 8000)
    _write(crm, "emails_10_good.csv", text([HEADER, *_rows(12)]))
    _write(crm, "emails_18_rewritten.csv", text([HEADER, *_rows(30)]))
    # GBK with one UTF-8 line (line 2): GB18030 would decode it as mojibake; quarantined instead
    _write(crm, "emails_21_gbk_with_utf8_line.csv", text([HEADER, "C50,张三@例子.cn,2026-01-01 09:00:00"])
           + "C51,李四@例子.cn,2026-01-01 09:00:00\nC52,王五@例子.cn,2026-01-01 09:00:00\n".encode("gbk"))
    # UTF-8 with one GBK line (line 3): that line is quarantined, the others load
    _write(crm, "emails_19_one_gbk_line.csv", text([HEADER, "C40,张三@例子.cn,2026-01-01 09:00:00"])
           + "C41,李四@例子.cn,2026-01-01 09:00:00\n".encode("gbk") + text(["C42,王五@例子.cn,2026-01-01 09:00:00"]))
    _write(crm, "notes.txt", b"not an export\n")
    _write(crm, "emails_11_no_header.csv", text(_rows(13, 14)))
    _write(crm, "emails_15_blank_lines.csv", text([HEADER, "", *_rows(18), "  ", "", *_rows(19)]) + b"\n")
    _write(crm, "emails_16_quoted_newline.csv", text([HEADER, 'C20,"two', 'lines@x.cn",2026-01-01 09:00:00',
                                                      *_rows(21)]))
    _write(crm, "emails_12_extra_column.csv", text([HEADER + ",channel", GOOD.format(n=15) + ",web"]))
    _write(crm, "emails_13_duplicated_column.csv", text([HEADER + ",email", GOOD.format(n=16) + ",x@y.cn"]))
    _write(crm, "emails_14_missing_column.csv", text(["customer_id,updated_at", "C17,2026-01-01 09:00:00"]))


def _keep_appending(path: Path, stop: threading.Event) -> None:
    """An upstream system still writing its export while ingest runs."""
    n = 100
    with open(path, "a") as out:
        out.write(HEADER + "\n")
        while not stop.is_set():
            out.write(GOOD.format(n=n) + "\n")
            out.flush()
            n += 1
            time.sleep(0.05)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    data_dir = tmp_path_factory.mktemp("hostile19") / "var"
    write_hostile(data_dir / "landing")
    stop = threading.Event()
    writer = threading.Thread(target=_keep_appending, args=(data_dir / "landing/crm/emails_20_growing.csv", stop))
    writer.start()
    try:
        proc = run_hub("ingest", "--source", "crm", "--report", data_dir=data_dir, check=False)
    finally:
        stop.set()
        writer.join()
    return data_dir, proc


def _ledger(data_dir: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "select file, status, rows_read, rows_loaded, rows_quarantined, message from raw._ledger").fetchall()}
    finally:
        con.close()


def _emails(data_dir: Path) -> list[str]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("select customer_id from raw.crm__emails").fetchall())
    finally:
        con.close()


def test_no_file_stops_the_source_and_the_exit_code_says_files_were_refused(ingested) -> None:
    data_dir, proc = ingested
    assert proc.returncode == REFUSED_EXIT, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    ledger = _ledger(data_dir)
    assert len(ledger) == 20  # every file has its ledger line, the non-UTF-8 name shown escaped
    refused = {name: row[-1] for name, row in ledger.items() if row[0] == "refused"}
    assert set(refused) == {"emails_02_huge_first_line.csv", "emails_03_gzip.csv", "emails_04_binary.csv",
                            "emails_05_\\xff\\xfe_name.csv", "emails_09_no_line_ends.csv", "emails_11_no_header.csv",
                            "emails_12_extra_column.csv", "emails_13_duplicated_column.csv",
                            "emails_14_missing_column.csv"}
    assert "rule header: line 1:" in refused["emails_02_huge_first_line.csv"]
    assert "gzip-compressed" in refused["emails_03_gzip.csv"]
    assert "rule binary" in refused["emails_04_binary.csv"]
    assert "rule file_name" in refused["emails_05_\\xff\\xfe_name.csv"]
    assert "rule header: line 1: the first line names none" in refused["emails_11_no_header.csv"]
    assert "'channel' is not in the crm__emails contract" in refused["emails_12_extra_column.csv"]
    assert "column email appears more than once" in refused["emails_13_duplicated_column.csv"]
    assert "required column email missing" in refused["emails_14_missing_column.csv"]
    assert "9 file(s) refused" in proc.stderr


def test_cr_only_glob_names_and_utf16_load_every_row(ingested) -> None:
    data_dir, _ = ingested
    ledger = _ledger(data_dir)
    assert ledger["emails_01_cr_only.csv"][:4] == ("loaded", 2, 2, 0)
    assert ledger["emails_06_glob[1].csv"][:4] == ("loaded", 1, 1, 0)  # its own row, not its glob's
    assert ledger["emails_06_glob1.csv"][:4] == ("loaded", 2, 2, 0)
    assert ledger["emails_07_utf16_bom.csv"][:4] == ("loaded", 1, 1, 0)
    assert ledger["emails_08_utf16_no_bom.csv"][:4] == ("loaded", 2, 2, 0)
    assert _emails(data_dir) == sorted(f"C{n}" for n in (1, 2, 6, 7, 8, 9, 10, 11, 12, 18, 19, 21, 30, 40, 42, 51, 52))


def test_physical_lines_reconcile_with_header_rows_and_blank_lines(ingested) -> None:
    data_dir, _ = ingested
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        lines = {r[0]: r[1:] for r in con.execute(
            "select file, lines_physical, lines_header, rows_read, lines_blank, rows_loaded, rows_quarantined "
            "from raw._ledger where status <> 'refused'").fetchall()}
        broken = con.execute("select line, rule from raw._quarantine where file = 'emails_16_quoted_newline.csv' "
                             "order by line").fetchall()
    finally:
        con.close()
    for name, (physical, header, read, blank, _, _) in lines.items():
        assert physical == header + read + blank, name
    # the whitespace-only line is a row read, and quarantined; empty lines are blank
    assert lines["emails_15_blank_lines.csv"] == (7, 1, 3, 3, 2, 1)
    assert lines["emails_01_cr_only.csv"] == (3, 1, 2, 0, 2, 0)
    # a line-based reader splits a quoted newline into two lines; neither loads half a record
    assert lines["emails_16_quoted_newline.csv"] == (4, 1, 3, 0, 1, 2)
    assert [line for line, _ in broken] == [2, 3]


def test_a_line_that_does_not_decode_is_quarantined_with_its_byte_position(ingested) -> None:
    data_dir, _ = ingested
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select line, rule, message from raw._quarantine "
                           "where file = 'emails_19_one_gbk_line.csv'").fetchall()
        loaded = con.execute("select email from raw.crm__emails where _file = 'emails_19_one_gbk_line.csv' "
                             "order by _line").fetchall()
    finally:
        con.close()
    first_bad = len((HEADER + "\nC40,张三@例子.cn,2026-01-01 09:00:00\nC41,").encode())
    assert [(line, rule) for line, rule, _ in rows] == [(3, "encoding")]
    assert f"holds bytes that are not utf-8 (first at byte {first_bad} of the file)" in rows[0][2]
    assert loaded == [("张三@例子.cn",), ("王五@例子.cn",)]
    ledger = _ledger(data_dir)
    assert ledger["emails_21_gbk_with_utf8_line.csv"][:4] == ("loaded_with_rejects", 3, 2, 1)


def test_nothing_personal_is_printed_and_a_second_run_is_quiet(ingested) -> None:
    data_dir, proc = ingested
    for output in (proc.stdout, proc.stderr):
        assert PHONE not in output and ID_CARD not in output
    assert "landing/crm/notes.txt: no contract names this file" in proc.stdout
    assert "landing/crm/emails_20_growing.csv: still being written" in proc.stdout
    # Rewritten in place with a new modification time (same size): the content hash tells.
    rewritten = data_dir / "landing/crm/emails_18_rewritten.csv"
    st = rewritten.stat()
    rewritten.write_bytes(rewritten.read_bytes().replace(b"C30,", b"C31,"))
    os.utime(rewritten, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    time.sleep(1)  # the growing file was last written by the fixture: let it settle
    again = run_hub("ingest", "--source", "crm", "--report", data_dir=data_dir)  # refused files not re-reported
    assert "2 new files" in again.stdout and "19 already loaded" in again.stdout, again.stdout
    ledger = _ledger(data_dir)
    assert ledger["emails_18_rewritten.csv"][:4] == ("loaded", 1, 1, 0)
    assert ledger["emails_20_growing.csv"][0] == "loaded" and ledger["emails_20_growing.csv"][1] > 3
    assert "C31" in _emails(data_dir)
