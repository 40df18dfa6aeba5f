"""Erasure in the layers ingestion owns: raw tables (every version), quarantine and landing files.

A row belongs to the erased person when its customer id (a CRM id, or a unified id in the
ops sources), a phone, an e-mail or the id-card hash is one of theirs, or its lead id one
of their sales leads (the lead itself, and its status write-backs). Such a row is kept
(aggregates still count it: an erased caller's calls stay in call volumes) with its personal
fields (the contract's `pii` fields and the columns derived from them) emptied and its
customer id replaced by the erasure's random pseudonym. The landing line the row came from
is rewritten the same way in place, so every file keeps its line count and the ledger still
reconciles; raw._file_stats takes the file's new size and time with the content hash the
ledger recorded, so the edited file is not read again. Quarantined lines of the person lose
their quoted record.

At ingest (`apply_tombstone`) the same treatment meets any row whose identifier digests to
a tombstoned one: a re-sent old export loads the person's rows pseudonymised, then drops
them as duplicates of the rows erased before.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import sqlalchemy as sa

from hub.privacy import Identifiers, Tombstone
from hub.privacy.scan import pieces
from hub.settings import Settings
from ingestion.contracts import ALL_CONTRACTS, Contract, contract
from ingestion.files import file_hash
from ingestion.parquet import rewrite_files
from ingestion.warehouse import field_columns, quote

ERASED_LINE_KEYS = ("customer_id",)


@dataclass
class Matches:
    """What of one contract's rows belong to the person: identifying columns and values."""

    customer_ids: dict[str, str] = field(default_factory=dict)  # value -> pseudonym
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    id_cards: set[str] = field(default_factory=set)
    lead_ids: set[str] = field(default_factory=set)  # the person's sales leads (their rows and status notes)

    def add(self, value: str, kind: str, stand_in: str | None) -> None:
        """One tombstone match: an id with its pseudonym, or a phone, e-mail or id card."""
        if kind in ("customer_id", "crm_customer_id") and stand_in:
            self.customer_ids[value] = stand_in
        elif kind == "phone":
            self.phones.add(value)
        elif kind == "email":
            self.emails.add(value)
        elif kind == "id_card":
            self.id_cards.add(value)

    def empty(self) -> bool:
        return not (self.customer_ids or self.phones or self.emails or self.id_cards)


def identifying_columns(c: Contract, typed: bool = False) -> dict[str, str]:
    """column -> identifier kind, in the raw table (or in ingestion's `_typed` table)."""
    columns = {}
    for f in c.fields:
        if f.name == "customer_id":
            columns["t_customer_id" if typed else "customer_id"] = "customer_id"
        elif f.normalise == "phone":
            columns["n_" + f.name if typed else f.name + "_e164"] = "phone"
        elif f.normalise == "email":
            columns["n_" + f.name if typed else f.name + "_normalised"] = "email"
        elif f.normalise == "id_card":
            columns["n_" + f.name if typed else "id_card_hash"] = "id_card"
    return columns


def _conditions(c: Contract, m: Matches, typed: bool = False) -> tuple[list[str], list[list[str]]]:
    conds, params = [], []
    wanted = {"customer_id": m.customer_ids, "phone": m.phones, "email": m.emails, "id_card": m.id_cards}
    for column, kind in identifying_columns(c, typed).items():
        if wanted[kind]:
            conds.append(f"{quote(column)} in (select unnest(?::varchar[]))")
            params.append(sorted(wanted[kind]))
    if m.lead_ids and not typed and "lead_id" in {f.name for f in c.fields}:
        conds.append("lead_id in (select unnest(?::varchar[]))")
        params.append(sorted(m.lead_ids))
    return conds, params


def personal_columns(c: Contract) -> list[str]:
    """The raw columns an erasure empties: the pii fields and what was derived from them."""
    return [name for f in c.fields if f.pii for name, _ in field_columns(f)]


def erase_rows(con: duckdb.DuckDBPyConnection, c: Contract, m: Matches, batch_id: str | None = None
               ) -> dict[str, set[int]]:
    """Empty the person's personal fields and pseudonymise their customer id in one raw
    table (one batch of it); returns file -> line numbers of the rows changed."""
    conds, params = _conditions(c, m)
    if not conds:
        return {}
    where = "(" + " or ".join(conds) + ")"
    if batch_id is not None:
        where += " and _batch_id = ?"
        params = [*params, batch_id]
    lines: dict[str, set[int]] = defaultdict(set)
    for file, line in con.execute(f"select _file, _line from {c.raw_table} where {where}", params).fetchall():
        lines[file].add(line)
    if not lines:
        return {}
    blank = personal_columns(c)
    if blank:
        con.execute(f"update {c.raw_table} set {', '.join(quote(b) + ' = null' for b in blank)} where {where}", params)
    if "customer_id" in {f.name for f in c.fields} and m.customer_ids:
        con.execute("create or replace temp table _erase_map as select unnest(?::varchar[]) as value, "
                    "unnest(?::varchar[]) as pseudonym", [list(m.customer_ids), list(m.customer_ids.values())])
        batch = " and t._batch_id = ?" if batch_id is not None else ""
        con.execute(f"update {c.raw_table} t set customer_id = e.pseudonym from _erase_map e "
                    f"where t.customer_id = e.value{batch}", [batch_id] if batch_id is not None else [])
        con.execute("drop table _erase_map")
    return lines


def erase_quarantine(con: duckdb.DuckDBPyConnection, ids: Identifiers, id_hash_key: str
                     ) -> dict[tuple[str, str], set[int]]:
    """Drop the quoted record and value of the person's quarantined lines; returns
    (source, file) -> line numbers (their landing lines are rewritten too)."""
    wanted = ids.all()
    hits: dict[tuple[str, str], set[int]] = defaultdict(set)
    for source, file, line, record, value in con.execute(
            "select source, file, line, record, value from raw._quarantine "
            "where record is not null or value is not null").fetchall():
        text = " ".join(x for x in (record, value) if x)
        if pieces(text, id_hash_key) & wanted:
            hits[(source, file)].add(line)
    for (source, file), lines in hits.items():
        con.execute("update raw._quarantine set record = null, value = null "
                    "where source = ? and file = ? and line in (select unnest(?::bigint[]))",
                    [source, file, sorted(lines)])
    return hits


# ---------------------------------------------------------------- landing files
def rewrite_lines(path: Path, c: Contract, lines: set[int], m: Matches, ids: Identifiers, encoding: str | None,
                  id_hash_key: str) -> int:
    """Rewrite the given physical lines of one landing file in place; returns lines changed."""
    data = path.read_bytes()
    physical = data.splitlines(keepends=True)
    codec = "utf-8" if encoding in (None, "utf-8-sig") else encoding
    header = None
    if c.format == "csv" and physical:
        header = next(csv.reader([physical[0].decode(encoding or "utf-8", "replace").lstrip("\ufeff")]))
    blank = {f.name for f in c.fields if f.pii}
    changed = 0
    for number in sorted(lines):
        if not 1 <= number <= len(physical) or (header is not None and number == 1):
            continue
        raw = physical[number - 1]
        body = raw.rstrip(b"\r\n")
        ending = raw[len(body):]
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            text = body.decode("gb18030", "replace")
            codec = "gb18030"
        new = _rewrite_csv(text, header, blank, m) if header is not None else _rewrite_json(text, blank, m)
        if new is None:  # does not parse: remove every identifier-shaped piece of the person
            new = _scrub_text(text, m, ids, id_hash_key)
        if new != text:
            physical[number - 1] = new.encode(codec, "replace") + ending
            changed += 1
    if changed:
        path.write_bytes(b"".join(physical))
    return changed


def _rewrite_csv(text: str, header: list[str], blank: set[str], m: Matches) -> str | None:
    rows = list(csv.reader([text]))
    if len(rows) != 1 or len(rows[0]) != len(header):
        return None
    values = rows[0]
    for i, name in enumerate(header):
        if name in blank:
            values[i] = ""
        elif name in ERASED_LINE_KEYS and values[i].strip() in m.customer_ids:
            values[i] = m.customer_ids[values[i].strip()]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def _rewrite_json(text: str, blank: set[str], m: Matches) -> str | None:
    try:
        record = json.loads(text)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    for name in list(record):
        if name in blank:
            record[name] = None
        elif name in ERASED_LINE_KEYS and isinstance(record[name], str) and record[name].strip() in m.customer_ids:
            record[name] = m.customer_ids[record[name].strip()]
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _scrub_text(text: str, m: Matches, ids: Identifiers, id_hash_key: str) -> str:
    """A line that does not parse: every comma-separated field that holds one of the
    person's identifiers is emptied (or pseudonymised when it is a customer id)."""
    wanted = ids.all()
    out = []
    for part in text.split(","):
        token = part.strip().strip('"')
        if token in m.customer_ids:
            out.append(m.customer_ids[token])
        elif pieces(part, id_hash_key) & wanted:
            out.append("")
        else:
            out.append(part)
    return ",".join(out)


def erase(con: duckdb.DuckDBPyConnection, settings: Settings, ids: Identifiers, pseudonyms: dict[str, str]
          ) -> dict[str, int]:
    """Erase the person from every raw table, quarantine and landing file; returns counts
    per store part (rows or lines changed), for the receipt."""
    m = Matches(customer_ids={v: p for v, p in pseudonyms.items() if v in ids.customer_ids | ids.crm_customer_ids},
                phones=set(ids.phones), emails=set(ids.emails), id_cards=set(ids.id_cards),
                lead_ids=set(ids.lead_ids))
    key = settings.id_hash_key.get_secret_value()
    counts: dict[str, int] = {}
    by_file: dict[tuple[str, str], set[int]] = defaultdict(set)
    con.execute("begin transaction")
    try:
        for c in ALL_CONTRACTS:
            if not _table_exists(con, c):
                continue
            lines = erase_rows(con, c, m)
            counts[c.raw_table] = sum(len(v) for v in lines.values())
            for file, numbers in lines.items():
                by_file[(c.name, file)] |= numbers
        quarantined = erase_quarantine(con, ids, key)
        counts["raw._quarantine"] = sum(len(v) for v in quarantined.values())
        for (source, file), numbers in quarantined.items():
            c = _contract_of(source, file)
            if c is not None:
                by_file[(c.name, file)] |= numbers
        counts["landing lines"] = _rewrite_files(con, settings, by_file, m, ids, key)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    if settings.raw_parquet_root is not None:  # the Parquet copies of the changed batches too
        for c in ALL_CONTRACTS:
            files = {file for (name, file) in by_file if name == c.name}
            if files and _table_exists(con, c):
                counts[f"parquet batches of {c.raw_table}"] = rewrite_files(
                    con, settings.raw_parquet_root, c.raw_table.split(".", 1)[1], files)
    return counts


def _rewrite_files(con, settings: Settings, by_file: dict[tuple[str, str], set[int]], m: Matches,
                   ids: Identifiers, key: str, relabel: bool = True) -> int:
    encodings = dict(con.execute("select file, encoding from raw._ledger where encoding is not null").fetchall())
    changed = 0
    for (name, file), numbers in sorted(by_file.items()):
        c = contract(name)
        path = settings.landing_dir / c.source / file
        if not path.is_file():
            continue  # removed by retention since it was loaded
        n = rewrite_lines(path, c, numbers, m, ids, encodings.get(file), key)
        if n:
            changed += n
            stat = path.stat()
            # the ledger accounts for this file as loaded: keep its recorded hash, so the edited
            # file is known by its new size and time and not read again
            recorded = con.execute("select content_hash from raw._file_stats where file = ?", [file]).fetchone()
            if recorded is None:
                continue
            content_hash = recorded[0]
            if relabel:
                # the ledger now accounts for the edited content: an old copy of the file sent
                # again is read (not skipped as a re-send) and meets the tombstone
                content_hash = file_hash(path.read_bytes())
                con.execute("update raw._ledger set content_hash = ? where file = ? and content_hash = ?",
                            [content_hash, file, recorded[0]])
            con.execute("insert or replace into raw._file_stats values (?, ?, ?, ?)",
                        [file, stat.st_size, stat.st_mtime_ns, content_hash])
    return changed


def _table_exists(con: duckdb.DuckDBPyConnection, c: Contract) -> bool:
    schema, table = c.raw_table.split(".")
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def _contract_of(source: str, file: str) -> Contract | None:
    from fnmatch import fnmatch

    for c in ALL_CONTRACTS:
        if c.source == source and fnmatch(file, c.file_pattern):
            return c
    return None


# ---------------------------------------------------------------- at ingest
def apply_tombstone(con: duckdb.DuckDBPyConnection, settings: Settings, c: Contract, batch_id: str) -> None:
    """Rows of this chunk that name a tombstoned person (ingestion's `_typed` table: loaded,
    duplicate and quarantined alike): loaded ones pseudonymised, then dropped when an erased
    row with the same key is already loaded (a re-sent old export), so the ledger counts
    them as duplicates; quarantined ones lose their quoted record; every such landing line
    is rewritten."""
    tombstone = _tombstone(settings)
    if tombstone is None:
        return
    m = _matches(con, c, tombstone)
    tombstone.engine.dispose()
    if m.empty():
        return
    conds, params = _conditions(c, m, typed=True)
    lines: dict[str, set[int]] = defaultdict(set)
    for file, line in con.execute(f"select _file, _line from _typed where {' or '.join(conds)}", params).fetchall():
        lines[file].add(line)
    erase_rows(con, c, m, batch_id)
    keys = " and ".join(f"r.{quote(k)} is not distinct from t.{quote(k)}" for k in c.key)
    con.execute(f"delete from {c.raw_table} t where t._batch_id = ? and exists (select 1 from {c.raw_table} r "
                f"where r._batch_id <> t._batch_id and {keys})", [batch_id])
    for file, numbers in lines.items():
        con.execute("update raw._quarantine set record = null, value = null where batch_id = ? and file = ? "
                    "and line in (select unnest(?::bigint[]))", [batch_id, file, sorted(numbers)])
    ids = Identifiers(customer_ids=set(m.customer_ids), phones=m.phones, emails=m.emails, id_cards=m.id_cards)
    # the ledger line this run writes records the content as read: keep that hash
    _rewrite_files(con, settings, {(c.name, file): numbers for file, numbers in lines.items()}, m, ids,
                   settings.id_hash_key.get_secret_value(), relabel=False)


def _tombstone(settings: Settings) -> Tombstone | None:
    url = settings.ops_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = sa.create_engine(url)
    if not sa.inspect(engine).has_table("erasure_tombstones"):
        engine.dispose()
        return None
    return Tombstone(engine, settings)


def _matches(con: duckdb.DuckDBPyConnection, c: Contract, tombstone: Tombstone) -> Matches:
    m = Matches()
    columns = identifying_columns(c, typed=True)
    if not columns or not tombstone.entries():
        return m
    for column in columns:
        values = {v for (v,) in con.execute(f"select distinct {quote(column)}::varchar from _typed "
                                            f"where {quote(column)} is not null").fetchall()}
        for value, (kind, stand_in) in tombstone.match(values).items():
            m.add(value, kind, stand_in)
    return m


def scrub_skipped(con: duckdb.DuckDBPyConnection, settings: Settings, c: Contract, path: Path) -> int:
    """A file skipped as a re-send of one loaded before is not read, but sits in landing: its
    lines that name a tombstoned person are rewritten like loaded ones. Returns lines changed."""
    tombstone = _tombstone(settings)
    if tombstone is None:
        return 0
    try:
        if not tombstone.entries():
            return 0
        key = settings.id_hash_key.get_secret_value()
        text = path.read_bytes().decode("utf-8", "replace")
        hits: dict[int, set[str]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            found = tombstone.match(pieces(line, key))
            if found:
                hits[number] = set(found)
        if not hits:
            return 0
        matched = tombstone.match(set().union(*hits.values()))
    finally:
        tombstone.engine.dispose()
    m = Matches()
    for value, (kind, stand_in) in matched.items():
        m.add(value, kind, stand_in)
    ids = Identifiers(customer_ids=set(m.customer_ids), phones=m.phones, emails=m.emails, id_cards=m.id_cards)
    return _rewrite_files(con, settings, {(c.name, path.name): set(hits)}, m, ids, key, relabel=False)
