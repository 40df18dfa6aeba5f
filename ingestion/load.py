"""Ingest landing files into the warehouse's raw schema, accounting for every row.

For each contract: new files (by name and content hash; every file is hashed) are read together in
chunks, typed and checked in SQL; rows that break the contract go to
`raw._quarantine`, rows whose natural key is already loaded (in this run or
before) count as duplicates, the rest load. Each file gets a ledger line where
rows_read = rows_loaded + rows_quarantined + rows_duplicate. A file that fails
to read is reported and never stops the others.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

import duckdb
from rich.console import Console

from hub.settings import Settings
from ingestion import files as landing
from ingestion.contracts import OPS_SOURCE, SOURCES, Contract, contracts_for
from ingestion.erasure import apply_tombstone, scrub_skipped
from ingestion.ledger import FAILED, LOADED, REFUSED, SKIPPED_RESENT, WITH_REJECTS, FileEntry, IngestResult, seen_files
from ingestion.ledger import known_files, remember_files, write_entries
from ingestion.normalise import Normaliser
from ingestion.ops_export import export_events
from ingestion.parquet import write_loaded_batch
from ingestion.readers import LineCountError, drop_rows, load_rows
from ingestion.validate import build_typed, insert_quarantine, raw_select, sql_str
from ingestion.warehouse import connect, ensure_schema, quote, raw_columns

# Files read by one SQL pass: large enough to amortise, small enough to stay in memory.
CHUNK_BYTES = 256 * 1024 * 1024


def ingest(settings: Settings, sources: tuple[str, ...] | None = None, progress: bool = False) -> IngestResult:
    """Load every new landing file of the given sources (all by default)."""
    sources = tuple(sources or SOURCES)
    for source in sources:
        contracts_for(source)  # unknown source: KeyError naming the known ones
    if OPS_SOURCE in sources:
        export_events(settings)  # the ops store's new write-backs become landing files first
    started = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    batch_id = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    result = IngestResult(batch_id=batch_id)
    console = Console(stderr=True, quiet=not progress)
    staging = settings.data_dir / "staging" / batch_id
    con = connect(settings)
    normaliser = Normaliser(con, settings)
    try:
        ensure_schema(con)
        con.execute("insert into raw._batches (batch_id, started_at, sources) values (?, ?, ?)",
                    [batch_id, now, ",".join(sources)])
        seen, first = seen_files(con)
        known = known_files(con)
        # One settle check for the whole run (one short wait at most, only when files are fresh).
        writing = landing.still_written([p for source in sources for c in contracts_for(source)
                                         for p in landing.discover(settings.landing_dir, c)])
        for source in sources:
            result.unknown += [f"{source}/{name}" for name in
                               landing.unknown_names(settings.landing_dir, source, contracts_for(source))]
            for contract in contracts_for(source):
                run = _ContractRun(con, settings, contract, batch_id, now, staging, console, normaliser, known)
                run.writing = writing
                result.already_loaded += run.ingest(seen, first, result.files)
                result.waiting += [f"{source}/{name}" for name in run.waiting]
        if settings.raw_parquet_root is not None:
            write_loaded_batch(con, settings.raw_parquet_root, [c for s in sources for c in contracts_for(s)], batch_id)
        t = result.totals()
        con.execute(
            "update raw._batches set finished_at = ?, files = ?, rows_loaded = ?, rows_quarantined = ?, "
            "rows_duplicate = ? where batch_id = ?",
            [datetime.now(UTC).replace(tzinfo=None), len(result.files), t["rows_loaded"],
             t["rows_quarantined"], t["rows_duplicate"], batch_id],
        )
    finally:
        normaliser.close()
        con.close()
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def ingest_source(settings: Settings, source: str, progress: bool = False) -> IngestResult:
    """Ingest one source system (Dagster has one asset per source)."""
    return ingest(settings, (source,), progress=progress)


class _ContractRun:
    """The files of one contract in one batch."""

    def __init__(self, con, settings: Settings, contract: Contract, batch_id: str, now: datetime, staging, console,
                 normaliser: Normaliser, known: dict[str, tuple[int, int, str]]):
        self.con, self.settings, self.contract, self.known = con, settings, contract, known
        self.batch_id, self.now, self.staging, self.console = batch_id, now, staging, console
        self.normaliser = normaliser
        self.waiting: list[str] = []  # files still being written, left for the next run
        self.writing: set = set()  # the run's files still being written (landing.still_written)

    def ingest(self, seen: set[tuple[str, str]], first: dict[str, str], entries: list[FileEntry]) -> int:
        """Append this contract's ledger lines to entries; return how many files were already loaded."""
        paths, already = [], 0
        stats = {}
        discovered = landing.discover(self.settings.landing_dir, self.contract)
        self.waiting += sorted(landing.display_name(p) for p in discovered if p in self.writing)
        settled = [p for p in discovered if p not in self.writing]  # still growing: the next run reads it whole
        # Files are known by their content: every file is hashed (size and mtime can match while
        # the bytes differ); only a name and hash already in the ledger skip the reading.
        hashes = landing.hash_all(settled, workers=self.settings.duckdb_threads)
        for path in settled:
            stat = path.stat()
            stats[path.name] = (stat.st_size, stat.st_mtime_ns)
            h, name = hashes[path], landing.display_name(path)
            if h is not None and (name, h) in seen:
                already += 1  # same name and content as a file in the ledger: not read again
                if self.known.get(name, (None, None))[:2] != stats[path.name]:
                    remember_files(self.con, [(name, *stats[path.name], h)])  # what this run saw
                continue
            paths.append((path, self.contract))
        inspected = landing.inspect_all(paths, self.staging, workers=self.settings.duckdb_threads)
        found = [f for f in inspected if isinstance(f, landing.LandingFile)]
        remember_files(self.con, [(f.name, *stats[f.name], f.content_hash) for f in found])
        to_load, resent = [], []
        for path, refused in (f for f in inspected if not isinstance(f, landing.LandingFile)):
            name = landing.display_name(path)
            if (name, refused.content_hash) in seen:
                already += 1  # refused before with the same content: reported in that run's ledger
                continue
            seen.add((name, refused.content_hash))
            resent.append(FileEntry(self.contract.source, self.contract.entity, name, refused.content_hash, "",
                                    status=REFUSED, message=refused.reason()))
        for f in found:
            if (f.name, f.content_hash) in seen:
                already += 1
                continue
            seen.add((f.name, f.content_hash))
            if f.content_hash in first and f.has_rows:
                scrub_skipped(self.con, self.settings, self.contract, f.path)  # an erased person's lines
                resent.append(self._entry(f, status=SKIPPED_RESENT,
                                          message=f"same content as {first[f.content_hash]}: nothing loaded"))
                continue
            first.setdefault(f.content_hash, f.name)
            to_load.append(f)
        write_entries(self.con, self.batch_id, resent)
        mine = resent
        for chunk in _chunks(to_load):
            mine += self._load_chunk(chunk, careful=chunk[0].lone_cr)
        entries += sorted(mine, key=lambda e: e.file)
        return already

    def _entry(self, f: landing.LandingFile, **kw) -> FileEntry:
        c = self.contract
        return FileEntry(c.source, c.entity, f.name, f.content_hash, f.encoding, **kw)

    def _load_chunk(self, chunk: list[landing.LandingFile], careful: bool = False) -> list[FileEntry]:
        """Load a chunk in one transaction; if it fails, retry its files one by one, then carefully."""
        started = time.perf_counter()
        try:
            self.con.execute("begin transaction")
            entries = self._process(chunk, careful)
            write_entries(self.con, self.batch_id, entries)  # rows and their ledger lines commit together
            self.con.execute("commit")
        except (duckdb.Error, LineCountError) as error:
            self.con.execute("rollback")
            if len(chunk) > 1:
                return [e for f in chunk for e in self._load_chunk([f])]
            if not careful:
                return self._load_chunk(chunk, careful=True)
            failed = self._entry(chunk[0], status=FAILED, message=f"could not be read: {error}".splitlines()[0])
            write_entries(self.con, self.batch_id, [failed])
            return [failed]
        rows = sum(e.rows_read for e in entries)
        self.console.print(f"{self.contract.name}: {len(chunk)} files, {rows:,} rows "
                           f"in {time.perf_counter() - started:.1f}s")
        return entries

    def _process(self, chunk: list[landing.LandingFile], careful: bool) -> list[FileEntry]:
        c, con = self.contract, self.con
        load_rows(con, c, chunk, careful)
        blank = dict(con.execute("select _file, blank from _line_counts").fetchall())
        self.normaliser.extend(c)
        build_typed(con, c)
        drop_rows(con)
        con.execute(
            "create or replace temp table _undecodable as select unnest($1) as _file, unnest($2)::bigint as _line, "
            "unnest($3)::bigint as byte, unnest($4) as encoding",
            [[f.name for f in chunk for _ in f.undecodable], [n for f in chunk for n in f.undecodable],
             [b for f in chunk for b in f.undecodable.values()], [f.encoding for f in chunk for _ in f.undecodable]])
        insert_quarantine(con, c, self.batch_id)
        con.execute("drop table _undecodable")
        read = dict.fromkeys((f.name for f in chunk), (0, 0))
        read |= {r[0]: (r[1], r[2]) for r in con.execute(
            "select _file, count(*), count(*) filter (where _bad) from _typed group by _file").fetchall()}
        conflicts = self._insert_raw()
        for file, n in conflicts.items():  # quarantined after typing: the ledger counts them with the others
            read[file] = (read[file][0], read[file][1] + n)
        apply_tombstone(con, self.settings, c, self.batch_id)  # an erased person stays erased
        names = "(" + ", ".join(sql_str(f.name) for f in chunk) + ")"
        loaded = dict(con.execute(
            f"select _file, count(*) from {c.raw_table} where _batch_id = ? and _file in {names} group by _file",
            [self.batch_id]).fetchall())
        rules: dict[str, Counter[str]] = {f.name: Counter() for f in chunk}
        for file, rule, n in con.execute(
            f"select file, rule, count(distinct line) from raw._quarantine where batch_id = ? and file in {names} "
            "group by all", [self.batch_id]).fetchall():
            rules[file][rule] = n
        con.execute("drop table _typed")
        entries = [self._ledger_entry(f, read[f.name], loaded.get(f.name, 0), rules[f.name]) for f in chunk]
        for f, e in zip(chunk, entries, strict=True):
            e.lines, e.blank_lines = f.lines, blank.get(f.name, 0)
            e.header_lines = 1 if c.format == "csv" and f.header else 0
            if not e.lines_reconcile:
                e.message = "; ".join(x for x in (e.message, (
                    f"LINES DO NOT RECONCILE: {e.lines:,} physical != header {e.header_lines} + read "
                    f"{e.rows_read:,} + blank {e.blank_lines:,}")) if x)
        return entries

    def _ledger_entry(self, f: landing.LandingFile, read: tuple[int, int], loaded: int, rules: Counter) -> FileEntry:
        rows_read, quarantined = read
        duplicate = rows_read - quarantined - loaded
        notes = []
        if quarantined:
            by_rule = ", ".join(f"{r} {n:,}" for r, n in rules.most_common())
            notes.append(f"{quarantined:,} rows quarantined ({by_rule})")
        if self.versions[f.name]:
            notes.append(f"{self.versions[f.name]:,} rows loaded as new versions of keys loaded before")
        if duplicate:
            notes.append(f"{duplicate:,} duplicate rows not loaded again")
        missing = [x.name for x in self.contract.fields if f.header and x.name not in f.header]
        if missing:
            notes.append("header lacks " + ", ".join(missing))
        return self._entry(f, rows_read=rows_read, rows_loaded=loaded, rows_quarantined=quarantined,
                           rows_duplicate=duplicate, status=WITH_REJECTS if quarantined else LOADED,
                           message="; ".join(notes))

    def _insert_raw(self) -> dict[str, int]:
        """Load the valid rows of `_typed`; return {file: rows quarantined as key conflicts}.

        A row whose natural key is new loads. A row whose key is already loaded (earlier in
        this chunk, file and line order, or by an earlier run) with the same stored values is a
        duplicate; with other values it follows the contract's on_key_change policy: `version`
        loads it as a new version (staging keeps the latest), `conflict` quarantines it (rule
        key_conflict) naming the file and line that hold the loaded version.
        Contested keys are rare, so only they are ranked (a hash aggregate over all rows, a window
        over a handful); values are compared by a hash of every stored column.
        """
        c, con = self.contract, self.con
        columns = raw_select(c)
        types = dict(raw_columns(c))
        names = [quote(name) for name, _ in columns]
        keys = ", ".join(quote(k) for k in c.key)
        # Every stored column, in the raw table's types, so a candidate and a loaded row compare equal
        digest = "hash(" + ", ".join(f"cast({quote(name)} as {types[name]})" for name, _ in columns) + ")"
        targets = ", ".join(names) + ", _file, _line, _batch_id, _ingested_at"
        stamp = f"{sql_str(self.batch_id)}, {sql_str(self.now.isoformat(sep=' '))}::timestamp"
        typed_keys = ", ".join(f"{quote('t_' + k)} as {quote(k)}" for k in c.key)
        on_key = " and ".join(f"t.{quote('t_' + k)} = k.{quote(k)}" for k in c.key)
        # Contested keys: seen twice among the valid rows, or already in the raw table. Every other
        # row loads in one pass over `_typed`, as before versions (no copy, no hash).
        con.execute(
            f"""create or replace temp table _contested as
            with valid as (select {typed_keys} from _typed where not _bad)
            select {keys} from valid group by all having count(*) > 1
            union select distinct {keys} from {c.raw_table} semi join valid using ({keys})"""
        )
        exprs = ", ".join(expr for _, expr in columns)
        con.execute(
            f"insert into {c.raw_table} ({targets}) select {exprs}, _file, _line, {stamp} "
            f"from _typed t anti join _contested k on ({on_key}) where not _bad"
        )
        self.versions: Counter[str] = Counter()  # {file: rows loaded as new versions of a loaded key}
        if con.execute("select count(*) from _contested").fetchone()[0] == 0:
            con.execute("drop table _contested")
            return {}
        con.execute(
            f"""create or replace temp table _cand as
            select *, {digest} as _h from (
                select {", ".join(f"{expr} as {n}" for (_, expr), n in zip(columns, names, strict=True))}, _file, _line
                from _typed t semi join _contested k on ({on_key}) where not _bad)"""
        )
        con.execute(
            f"""create or replace temp table _held as
            select {", ".join(names)}, {digest} as _h, _file, _line, _ingested_at from {c.raw_table}
            semi join _contested using ({keys})"""
        )
        order = "window w as (partition by " + keys + " order by _file, _line)"
        if c.on_key_change == "version":
            # Each row against the version it would follow: the one before it in the chunk, or for
            # the first, the latest loaded (staging's order), so A, B, A loads three versions.
            action = ("case when _h is not distinct from coalesce(lag(_h) over w, "
                      "(select l._h from _latest l where " + _same(c.key, "l", "x") + ")) "
                      "then 'duplicate' else 'load' end")
            holder = ("null::varchar", "null::bigint", "null::varchar")
        else:
            held = "exists (select 1 from _held h where " + _same(c.key, "h", "x")
            # The loaded version is the held one, or for a new key the chunk's first row.
            action = (f"case when not {held}) and row_number() over w = 1 then 'load' "
                      f"when {held} and h._h = x._h) then 'duplicate' "
                      f"when not {held}) and _h = first_value(_h) over w then 'duplicate' else 'conflict' end")
            first = f"from _held h where {_same(c.key, 'h', 'x')} order by h._ingested_at, h._file, h._line limit 1"
            # The loaded version a conflict is reported against: file, line, and where it is (_held or _cand)
            holder = (f"coalesce((select h._file {first}), first_value(_file) over w)",
                      f"coalesce((select h._line {first}), first_value(_line) over w)",
                      f"case when {held}) then 'held' else 'cand' end")
        con.execute(
            f"""create or replace temp table _latest as
            select {keys}, _h from (
                select *, row_number() over (partition by {keys} order by _ingested_at desc, _line desc) as n
                from _held) where n = 1"""
        )
        con.execute(
            f"""create or replace temp table _decided as
            select x.*, {action} as _action, {holder[0]} as _holder_file, {holder[1]} as _holder_line,
                   {holder[2]} as _holder_in,
                   exists (select 1 from _held h where {_same(c.key, "h", "x")}) or row_number() over w > 1 as _later
            from _cand x {order}"""
        )
        con.execute(
            f"insert into {c.raw_table} ({targets}) select {', '.join(names)}, _file, _line, {stamp} "
            "from _decided where _action = 'load'"
        )
        record = "to_json(struct_pack(" + ", ".join(f"{n} := x.{n}" for n in names) + "))::varchar"
        # Which stored columns differ from the loaded version: named, never shown (they may be personal).
        differ = "list_filter([" + ", ".join(
            f"case when x.{quote(name)} is distinct from v.{quote(name)} then {sql_str(name)} end" for name, _ in columns
        ) + "], lambda s: s is not null)"
        con.execute(
            f"""insert into raw._quarantine
            with loaded as (
                select 'held' as _in, {", ".join(names)}, _file, _line from _held
                union all select 'cand', {", ".join(names)}, _file, _line from _cand
            )
            select {sql_str(self.batch_id)}, {sql_str(c.source)}, {sql_str(c.entity)}, x._file, x._line, null, null,
                   'key_conflict',
                   x._file || ' line ' || x._line || ': key ({", ".join(c.key)}) already loaded from '
                   || x._holder_file || ' line ' || x._holder_line || ' with other values (in '
                   || coalesce(array_to_string({differ}, ', '), '?')
                   || '); not loaded (policy conflict: a steward decides which is right) (rule: key_conflict)', {record}
            from _decided x left join loaded v on {_same(c.key, "v", "x")} and v._in = x._holder_in
                 and v._file = x._holder_file and v._line = x._holder_line
            where x._action = 'conflict'"""
        )
        conflicts = dict(con.execute(
            "select _file, count(*) from _decided where _action = 'conflict' group by all").fetchall())
        self.versions = Counter(dict(con.execute(
            "select _file, count(*) from _decided where _action = 'load' and _later group by all").fetchall()))
        con.execute("drop table _cand; drop table _held; drop table _contested; drop table _latest; "
                    "drop table _decided")
        return conflicts


def _same(key: tuple[str, ...], a: str, b: str) -> str:
    """SQL: rows a and b have the same natural key."""
    return " and ".join(f"{a}.{quote(k)} = {b}.{quote(k)}" for k in key)


def _chunks(files: list[landing.LandingFile]) -> list[list[landing.LandingFile]]:
    """Files grouped by header (one SQL pass maps columns one way) and reader, then by size."""
    groups: dict[tuple, list[landing.LandingFile]] = {}
    for f in files:
        groups.setdefault((f.header, f.lone_cr), []).append(f)
    chunks: list[list[landing.LandingFile]] = []
    for group in groups.values():
        current, size = [], 0
        for f in group:
            if current and size + f.size > CHUNK_BYTES:
                chunks.append(current)
                current, size = [], 0
            current.append(f)
            size += f.size
        chunks.append(current)
    return chunks
