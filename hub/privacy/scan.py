"""Look for tombstoned identifiers in every store and file the hub writes.

Each string value of every table of the warehouse, the serving store and the ops store, and
every file under the data directory, is cut into the shapes identifiers take (ids, e-mail
addresses, 64-hex hashes, Chinese phone numbers in any common format, normalised to E.164);
each piece is digested with the tombstone key and looked up. A finding names the store, the
table and column or the file, and the kind of identifier, never the value.

Not scanned: the simulator's ground truth (data_dir/truth: evaluation input the pipeline
never reads) and DuckDB's spill directory. The audit log keeps the unified customer id of
the erasure it records (the proof of the erasure; the id links to nothing any more), so
customer ids are not looked for in audit_log.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from hub.identifiers import hash_id_card
from hub import warehouse
from hub.settings import Settings

_TOKEN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+|[0-9a-f]{64}|[A-Za-z]{1,4}[0-9]{4,}")
_PHONE = re.compile(r"(?<![\d.])(?:(?:\+|00)?86[\s\-]?)?(?:\(?0\d{2,3}\)?[\s\-]?\d{3,4}[\s\-]?\d{4}"
                    r"|1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4})(?![\d.])")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_NOT_DIGIT = re.compile(r"\D")
# digits of other scripts (Arabic-Indic, full-width): phonenumbers reads them, so the scan does
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
AUDIT_TABLES = frozenset({"audit_log", "audit_head"})


@dataclass(frozen=True)
class Finding:
    store: str  # warehouse | serving | ops | file
    where: str  # schema.table.column, or the file's path under the data directory
    kind: str
    count: int

    def __str__(self) -> str:
        return f"{self.store}: {self.where}: {self.count} {self.kind} value(s) of the erased person"


def phone_e164(text: str) -> str:
    """A Chinese number as matched by _PHONE, in E.164."""
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return "+86" + digits.removeprefix("0")


def pieces(text: str, id_hash_key: str | None = None) -> set[str]:
    """Every identifier-shaped piece of a text: the text itself, ids, e-mails, phones (as
    E.164) and, given the hub's id-card key, id-card numbers (as the hash the hub stores)."""
    found = {text.strip(), text.strip().lower()}
    if not text.isascii():
        text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.digit(m.group(0))), text)
    found.update(_TOKEN.findall(text))
    found.update(t.lower() for t in found.copy() if "@" in t)
    found.update(phone_e164(m) for m in _PHONE.findall(text))
    if id_hash_key is not None:
        found.update(h for m in _ID_CARD.findall(text) if (h := hash_id_card(m, id_hash_key)))
    return found


class Scanner:
    """Digest every piece once; report which columns and files hold tombstoned ones."""

    def __init__(self, settings: Settings, digests: dict[str, str], key: bytes):
        self.settings = settings
        self.digests = {bytes.fromhex(d): kind for d, kind in digests.items()}  # digest -> kind
        self.key = key
        self._seen: dict[str, str | None] = {}
        self.id_hash_key = settings.id_hash_key.get_secret_value()

    def kinds(self, values: Iterable[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        seen, digests, key = self._seen, self.digests, self.key
        for value in values:
            for piece in pieces(value, self.id_hash_key):
                if piece not in seen:
                    seen[piece] = digests.get(hmac.digest(key, piece.encode(), "sha256"))
                kind = seen[piece]
                if kind:
                    counts[kind] = counts.get(kind, 0) + 1
        return counts

    def findings(self, store: str, where: str, values: Iterable[str],
                 skip: frozenset[str] = frozenset()) -> list[Finding]:
        return [Finding(store, where, kind, n) for kind, n in sorted(self.kinds(values).items()) if kind not in skip]

    def scan_all(self, serving: sa.Engine | None, ops: sa.Engine | None) -> tuple[list[Finding], list[str]]:
        """(findings, what was scanned) over the warehouse, serving, ops and every file."""
        findings, scanned = [], []
        if self.settings.warehouse_path.exists():
            findings += self.scan_warehouse()
            scanned.append("warehouse")
        for name, engine in (("serving", serving), ("ops", ops)):
            if engine is not None:
                findings += self.scan_sql(name, engine)
                scanned.append(name)
        files = list(self.files())
        for path in files:
            findings += self.findings("file", str(path.relative_to(self.settings.data_dir)), [_read(path)])
        scanned.append(f"{len(files)} files")
        return findings, scanned

    def scan_warehouse(self) -> list[Finding]:
        con = warehouse.connect(self.settings, read_only=True)
        try:
            columns = con.execute(
                "select c.table_schema, c.table_name, c.column_name from information_schema.columns c "
                "join information_schema.tables t using (table_catalog, table_schema, table_name) "
                "where t.table_type = 'BASE TABLE' and c.data_type = 'VARCHAR' order by all").fetchall()
            found = []
            for schema, table, column in columns:
                # dbt's surrogate keys (md5 of the business key) are not identifiers: left out
                values = [v for (v,) in con.execute(
                    f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null '
                    f"and not regexp_full_match(\"{column}\", '[0-9a-f]{{32}}')").fetchall()]
                found += self.findings("warehouse", f"{schema}.{table}.{column}", values)
            return found
        finally:
            con.close()

    def scan_sql(self, store: str, engine: sa.Engine) -> list[Finding]:
        found = []
        inspector = sa.inspect(engine)
        with engine.connect() as con:
            for table in inspector.get_table_names():
                skip = frozenset({"customer_id"}) if table in AUDIT_TABLES else frozenset()
                for column in inspector.get_columns(table):
                    if not isinstance(column["type"], sa.String):
                        continue
                    quoted = engine.dialect.identifier_preparer.quote
                    values = [v for (v,) in con.execute(sa.text(
                        f"select distinct {quoted(column['name'])} from {quoted(table)} "
                        f"where {quoted(column['name'])} is not null")) if isinstance(v, str)]
                    found += self.findings(store, f"{table}.{column['name']}", values, skip)
        return found

    def files(self) -> Iterator[Path]:
        """Every file under the data directory but the stores, the truth and DuckDB's spill."""
        s = self.settings
        stores = {s.warehouse_path}
        for url in (s.serving_url, s.ops_url):
            if url.startswith("sqlite:///"):
                stores.add(Path(url.removeprefix("sqlite:///")))
        skipped = {p.name for p in stores} | {p.name + suffix for p in stores for suffix in ("-wal", "-shm", ".wal")}
        excluded = (s.truth_dir, s.data_dir / "duckdb_tmp")
        for path in sorted(s.data_dir.rglob("*")):
            if not path.is_file() or any(path.is_relative_to(x) for x in excluded):
                continue
            if path.parent == s.data_dir and path.name in skipped:
                continue
            yield path


def _read(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")
