"""Reading the quarantine back: rows grouped by file, field and rule, PII masked.

Rows that loaded without a field (raw._warnings: an id card that failed its checks)
follow, grouped the same way; their values were never stored.

The quarantine keeps values as exported (id-card numbers excepted: they are
masked before they are stored), so everything shown here goes through `mask`.
"""

from __future__ import annotations

import re

import duckdb

from hub import warehouse
from hub.settings import Settings
from ingestion.contracts import contract

_DIGITS = re.compile(r"\d")
# A run of digits (spaces, dashes, dots or parentheses between them) long enough to be a phone
# (11+: CN mobiles, landlines with area code, +86 forms) or an id card (15/18, X last), standing
# alone: not inside a file name such as contacts_000000000001-000000000010.jsonl.
_NUMBER = re.compile(r"(?<![\w\-.])\+?\d(?:[\d\- ().]*\d)?[Xx]?(?![\w.]*\.\w)(?!\w)")
MIN_NUMBER_DIGITS = 11


def mask_numbers(text: str) -> str:
    """Text with every phone- or id-card-length number masked (138****8000, 110*************34).

    For text that is not personal by its field (a message naming a value of a code field, a
    header column): a personal number typed in the wrong column is still never printed whole.
    """
    def masked(m: re.Match[str]) -> str:
        digits = "".join(_DIGITS.findall(m.group()))
        if len(digits) < MIN_NUMBER_DIGITS:
            return m.group()
        if len(digits) <= 13 and not m.group().upper().endswith("X"):
            return digits[:3] + "****" + digits[-4:]
        return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]

    return _NUMBER.sub(masked, text)


def mask(value: str | None, kind: str | None) -> str:
    """A quarantined value as it may be shown: phones 138****8000, other PII hidden."""
    if value is None:
        return "(missing)"
    if kind == "phone":
        digits = "".join(_DIGITS.findall(value))
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "*" * len(value)
    if kind == "email":
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if domain else "<hidden>"
    if kind == "id_card":
        return value  # stored masked
    if kind == "pii":
        return "<hidden>"
    return value if len(value) <= 60 else value[:57] + "..."


def field_kind(source: str, entity: str, field: str | None) -> str | None:
    """How a field's values must be masked: its normaliser, 'pii', or None (shown)."""
    if field is None:
        return None
    try:
        f = contract(f"{source}__{entity}").field(field)
    except KeyError:
        return "pii"  # unknown field: show nothing
    if f.normalise in ("phone", "email", "id_card"):
        return f.normalise
    return "pii" if f.pii else None


def describe_quarantine(settings: Settings, file: str | None = None, rule: str | None = None, limit: int = 3) -> str:
    """Quarantined rows grouped by file, field and rule, with up to `limit` masked samples each."""
    if not settings.warehouse_path.exists():
        return f"no warehouse at {settings.warehouse_path}: run `hub ingest` first"
    con = warehouse.connect(settings, read_only=True)
    try:
        groups = con.execute(
            """
            select source, entity, file, field, rule, count(*) as n,
                   list(struct_pack(line := line, value := value, message := message) order by line)[1:$limit] as samples
            from raw._quarantine
            where ($file is null or file = $file or file like $file) and ($rule is null or rule = $rule)
            group by all
            order by file, field nulls first, rule
            """,
            {"file": file, "rule": rule, "limit": max(0, limit)},
        ).fetchall()
        warnings = _warning_groups(con, file, rule, limit)
    finally:
        con.close()
    if not groups:
        return "\n".join(["no quarantined rows" + (" match" if file or rule else ""), *warnings])
    lines = []
    for source, entity, name, field, rule_name, n, samples in groups:
        lines.append(f"{name}  {field or '(whole line)'}  rule {rule_name}: {n:,} rows")
        kind = field_kind(source, entity, field)
        for s in samples:
            if kind is None:  # not personal by its field: the stored message minus its file name, numbers masked
                lines.append(f"    line {s['line']}: {mask_numbers(s['message'].split(': ', 1)[-1])}")
            else:
                lines.append(f"    line {s['line']}: field {field} value '{mask(s['value'], kind)}' (rule: {rule_name})")
    total = sum(g[5] for g in groups)
    lines.append(f"{total:,} quarantine rows in {len(groups)} groups")
    return "\n".join(lines + warnings)


def _warning_groups(con: duckdb.DuckDBPyConnection, file: str | None, rule: str | None, limit: int) -> list[str]:
    """Rows that loaded without a field (raw._warnings), grouped like the quarantine; no values are stored."""
    if not con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = '_warnings'"
                       ).fetchone()[0]:
        return []
    groups = con.execute(
        """
        select file, field, rule, count(*), list(message order by line)[1:$limit]
        from raw._warnings
        where ($file is null or file = $file or file like $file) and ($rule is null or rule = $rule)
        group by all
        order by file, field, rule
        """,
        {"file": file, "rule": rule, "limit": max(0, limit)},
    ).fetchall()
    if not groups:
        return []
    lines = ["warnings: rows loaded without a field"]
    for name, field, rule_name, n, messages in groups:
        lines.append(f"{name}  {field}  rule {rule_name}: {n:,} rows loaded without it")
        lines += [f"    line {m.split(' line ', 1)[-1]}" for m in messages]
    lines.append(f"{sum(g[3] for g in groups):,} warning rows in {len(groups)} groups")
    return lines
