"""The accounting of one ingest run: a ledger line per file, counts per table."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb

from ingestion.quarantine import mask_numbers

LOADED = "loaded"  # every row read is loaded or a duplicate
WITH_REJECTS = "loaded_with_rejects"  # some rows quarantined
SKIPPED_RESENT = "skipped_resent"  # same content as a file loaded before
FAILED = "failed"  # could not be read at all; nothing loaded
REFUSED = "refused"  # not readable as the contract's format (binary, compressed, no header...): nothing loaded


@dataclass
class FileEntry:
    """One file's ledger line. rows_read = rows_loaded + rows_quarantined + rows_duplicate."""

    source: str
    entity: str
    file: str
    content_hash: str
    encoding: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    status: str = LOADED
    message: str = ""
    # Physical lines (LF-counted, a last line without LF counts) = header + rows read + blank;
    # None where the file was not read line by line (refused, re-sent).
    lines: int | None = None
    header_lines: int = 0
    blank_lines: int = 0

    @property
    def lines_reconcile(self) -> bool:
        return self.lines is None or self.lines == self.header_lines + self.rows_read + self.blank_lines

    @property
    def reconciles(self) -> bool:
        rows = self.rows_read == self.rows_loaded + self.rows_quarantined + self.rows_duplicate
        return rows and self.lines_reconcile

    @property
    def table(self) -> str:
        return f"raw.{self.source}__{self.entity}"

    def line(self) -> str:
        return (
            f"{self.source:<10} {self.file:<34} {self.encoding:<9} read {self.rows_read:>9,} "
            f"loaded {self.rows_loaded:>9,} quarantined {self.rows_quarantined:>6,} "
            f"duplicate {self.rows_duplicate:>6,}  {self.status}{': ' + mask_numbers(self.message) if self.message else ''}"
        )


@dataclass
class IngestResult:
    """What one run did. `files` holds the files new to this run (a ledger line each)."""

    batch_id: str
    files: list[FileEntry] = field(default_factory=list)
    already_loaded: int = 0  # files whose name and content were ingested by an earlier run
    unknown: list[str] = field(default_factory=list)  # landing files no contract names: never loaded
    waiting: list[str] = field(default_factory=list)  # files still being written: left for the next run
    seconds: float = 0.0

    @property
    def reconciles(self) -> bool:
        return all(f.reconciles for f in self.files)

    @property
    def refused(self) -> list[FileEntry]:
        """Files that loaded nothing because they could not be read (refused or failed)."""
        return [f for f in self.files if f.status in (FAILED, REFUSED)]

    @property
    def rows_loaded(self) -> dict[str, int]:
        """New rows per raw table (Dagster reports them as materialisation metadata)."""
        counts: Counter[str] = Counter()
        for f in self.files:
            counts[f.table] += f.rows_loaded
        return dict(counts)

    @property
    def rows_quarantined(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in self.files:
            counts[f.table] += f.rows_quarantined
        return dict(counts)

    def table_counts(self) -> dict[str, dict[str, int]]:
        """Per raw table: new files and rows read, loaded, quarantined, duplicate (materialisation metadata)."""
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            t = out.setdefault(f.table, Counter())
            t["files"] += 1
            for name in ("rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate"):
                t[name] += getattr(f, name)
        return {table: dict(counts) for table, counts in out.items()}

    def totals(self) -> dict[str, int]:
        return {
            name: sum(getattr(f, name) for f in self.files)
            for name in ("rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate")
        }

    def describe(self, per_file: bool = False) -> str:
        t = self.totals()
        statuses = Counter(f.status for f in self.files)
        lines = [
            f"batch {self.batch_id}: {len(self.files)} new files"
            + (f" ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})" if statuses else "")
            + (f", {self.already_loaded} already loaded" if self.already_loaded else "")
            + f" in {self.seconds:.1f}s",
            f"rows read {t['rows_read']:,} = loaded {t['rows_loaded']:,} + quarantined "
            f"{t['rows_quarantined']:,} + duplicate {t['rows_duplicate']:,}"
            + ("  (every file reconciles)" if self.reconciles else "  (SOME FILES DO NOT RECONCILE)"),
        ]
        quarantined = self.rows_quarantined
        for table, n in sorted(self.rows_loaded.items()):
            lines.append(f"  {table:<34} +{n:>10,} rows   {quarantined.get(table, 0):>7,} quarantined")
        if per_file:
            lines.append("files:")
            lines += ["  " + f.line() for f in self.files]
        else:
            lines += ["  " + f.line() for f in self.files if not f.reconciles or f.status in (FAILED, REFUSED)]
        for name in self.unknown:
            lines.append(f"  landing/{name}: no contract names this file (see `file_pattern`): not loaded")
        for name in self.waiting:
            lines.append(f"  landing/{name}: still being written (size changed while checked): left for the next run")
        return "\n".join(lines)


def write_entries(con: duckdb.DuckDBPyConnection, batch_id: str, entries: list[FileEntry]) -> None:
    """Ledger lines in one statement (column lists unnested: executemany costs ~10 ms a row on DuckDB)."""
    if not entries:
        return
    columns = {
        "source": ("varchar", [e.source for e in entries]),
        "entity": ("varchar", [e.entity for e in entries]),
        "file": ("varchar", [e.file for e in entries]),
        "content_hash": ("varchar", [e.content_hash for e in entries]),
        "encoding": ("varchar", [e.encoding for e in entries]),
        "rows_read": ("bigint", [e.rows_read for e in entries]),
        "rows_loaded": ("bigint", [e.rows_loaded for e in entries]),
        "rows_quarantined": ("bigint", [e.rows_quarantined for e in entries]),
        "rows_duplicate": ("bigint", [e.rows_duplicate for e in entries]),
        "status": ("varchar", [e.status for e in entries]),
        "message": ("varchar", [e.message for e in entries]),
        "lines_physical": ("bigint", [e.lines for e in entries]),
        "lines_header": ("bigint", [e.header_lines if e.lines is not None else None for e in entries]),
        "lines_blank": ("bigint", [e.blank_lines if e.lines is not None else None for e in entries]),
    }
    values = ", ".join(f"unnest(${i + 2}::{kind}[])" for i, (kind, _) in enumerate(columns.values()))
    con.execute(
        f"insert into raw._ledger (batch_id, {', '.join(columns)}, ingested_at) "
        f"select $1, {values}, current_timestamp::timestamp",
        [batch_id, *(v for _, v in columns.values())],
    )


def seen_files(con: duckdb.DuckDBPyConnection) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """((file, hash) pairs already in the ledger, hash -> first file loaded with that content)."""
    rows = con.execute(
        "select file, content_hash, status from raw._ledger order by ingested_at, batch_id, file"
    ).fetchall()
    pairs = {(file, h) for file, h, _ in rows}
    first: dict[str, str] = {}
    for file, h, status in rows:
        if status not in (SKIPPED_RESENT, FAILED, REFUSED):
            first.setdefault(h, file)
    return pairs, first


def known_files(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, str]]:
    """file -> (size, mtime_ns, content hash) of every landing file fingerprinted before."""
    return {file: (size, mtime, h) for file, size, mtime, h in con.execute(
        "select file, size, mtime_ns, content_hash from raw._file_stats").fetchall()}


def remember_files(con: duckdb.DuckDBPyConnection, files: list[tuple[str, int, int, str]]) -> None:
    """Record (file, size, mtime_ns, content hash) of files just fingerprinted (one statement)."""
    if files:
        names, sizes, mtimes, hashes = (list(x) for x in zip(*files, strict=True))
        con.execute("insert or replace into raw._file_stats select unnest($1::varchar[]), unnest($2::bigint[]), "
                    "unnest($3::bigint[]), unnest($4::varchar[])", [names, sizes, mtimes, hashes])
