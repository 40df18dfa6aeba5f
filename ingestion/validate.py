"""Contract rules as set-based SQL: type every value, flag every violation.

From `_rows` (text values) this builds `_typed`: per field the raw text
`v_<name>`, the typed value `t_<name>` (normalised identifiers joined from the
maps), the derived columns, and `_bad` when any rule is broken. Quarantine rows
are then produced from the bad rows only, one per (line, field, rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import duckdb

from ingestion.contracts import Contract, Field
from ingestion.normalise import MAPS, ric_check_value_sql
from ingestion.warehouse import SQL_TYPES, field_columns, quote

NAIVE_TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
)
ZULU_TIMESTAMP_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%d %H:%M:%SZ")
OFFSET_TIMESTAMP_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S.%f%z",
)
# How each declarable timestamp form (contracts.TimestampForm) is written, for messages.
TIMESTAMP_FORM_WORDS = {
    "local": "YYYY-MM-DD HH:MM:SS local time",
    "utc": "YYYY-MM-DDTHH:MM:SSZ",
    "offset": "YYYY-MM-DDTHH:MM:SS+HH:MM",
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
# Eight digits and nothing else is YYYYMMDD; a shorter run ("1990105") is not guessed at.
COMPACT_DATE_FORMAT = "%Y%m%d"
# Integers are digits with an optional minus: no fraction ("3.0"), exponent ("1e3"), sign "+",
# spaces or digit separators ("1_000"), all of which DuckDB's cast would take (3.5 -> 4).
INTEGER_FORM = "-?[0-9]{1,18}"
# Decimals are digits with an optional minus and at most DECIMAL_PLACES decimals after a dot:
# no exponent, no thousands separator, no rounding (the cast would make 12.345 into 12.35).
DECIMAL_PLACES = 2
DECIMAL_FORM = f"-?[0-9]{{1,16}}(\\.[0-9]{{1,{DECIMAL_PLACES}}})?"
TRUE_WORDS = ("Y", "YES", "TRUE", "T", "1")
FALSE_WORDS = ("N", "NO", "FALSE", "F", "0")
TYPE_WORDS = {
    "int": "an integer",
    "float": "a number",
    "decimal": "a decimal amount",
    "date": "a date (YYYY-MM-DD)",
    "timestamp": "a timestamp",
    "bool": "a yes/no value",
}
# Values a lax reader would have taken, refused by the declared forms: rule -> what the form is.
FORM_RULES = {
    "int": ("integer", "is a number but not an integer (digits and an optional minus only: no fraction, "
                       "exponent, plus sign or separators)"),
    "decimal": ("decimal", f"is a number but not a decimal in the declared form (digits, an optional minus, "
                           f"at most {DECIMAL_PLACES} decimals after a dot: no exponent, separators or rounding)"),
    "timestamp": ("timestamp", "is a timestamp form this contract does not declare (declared: {forms}; epoch "
                               "numbers, dates alone and other forms are not guessed at)"),
}
IDENTIFIER_WORDS = {"phone": "phone number", "email": "e-mail address", "vin": "VIN (check digit)", "id_card": "id card"}


def sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(sql_str(v) for v in values) + "]"


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(sql_str(v) for v in values) + ")"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _bounds(f: Field) -> str:
    if f.minimum is not None and f.maximum is not None:
        return f"between {_number(f.minimum)} and {_number(f.maximum)}"
    return f"at least {_number(f.minimum)}" if f.minimum is not None else f"at most {_number(f.maximum)}"


def typed_expr(f: Field, contract: Contract) -> str:
    """SQL turning the text `v_<name>` into the field's type; NULL when it does not parse strictly."""
    v = quote("v_" + f.name)
    if f.type == "string":
        return v
    if f.type == "int":
        return f"(case when regexp_full_match({v}, '{INTEGER_FORM}') then try_cast({v} as {SQL_TYPES['int']}) end)"
    if f.type == "decimal":
        return f"(case when regexp_full_match({v}, '{DECIMAL_FORM}') then try_cast({v} as {SQL_TYPES['decimal']}) end)"
    if f.type == "float":
        return f"(case when isfinite(try_cast({v} as double)) then try_cast({v} as double) end)"
    if f.type == "bool":
        return (
            f"(case when upper({v}) in {sql_in(TRUE_WORDS)} then true "
            f"when upper({v}) in {sql_in(FALSE_WORDS)} then false end)"
        )
    if f.type == "date":
        return (
            f"cast(case when regexp_full_match({v}, '[0-9]{{8}}') then try_strptime({v}, {sql_str(COMPACT_DATE_FORMAT)}) "
            f"else try_strptime({v}, {sql_list(DATE_FORMATS)}) end as date)"
        )
    forms = contract.timestamp_forms
    naive = quote("p_" + f.name)  # parsed once, in an earlier step (see naive_expr)
    zulu = f"try_strptime({v}, {sql_list(ZULU_TIMESTAMP_FORMATS)})"  # UTC already: no zone arithmetic
    aware = f"timezone('UTC', try_strptime({v}, {sql_list(OFFSET_TIMESTAMP_FORMATS)}))"
    # A format that fails costs ~10x one that matches: try the family the value's shape says.
    branches = []
    if "utc" in forms:
        branches.append(f"when ends_with({v}, 'Z') then {zulu}")
    if "local" in forms:
        branches.append(f"when {naive} is not null then {_to_utc(naive, contract.timezone or 'UTC')}")
    if "offset" in forms:
        branches.append(f"when regexp_matches({v}, '[+-][0-9][0-9]:?[0-9][0-9]$') then {aware}")
    return f"(case {' '.join(branches)} end)" if branches else "cast(null as timestamp)"


def lax_expr(f: Field) -> str | None:
    """SQL true when a value the strict type refused is one a lax reader would have taken (FORM_RULES)."""
    v = quote("v_" + f.name)
    if f.type in ("int", "decimal"):
        return f"isfinite(try_cast({v} as double))"
    if f.type == "timestamp":
        return f"(try_cast({v} as timestamptz) is not null or regexp_full_match({v}, '[0-9]{{10}}([0-9]{{3}})?'))"
    return None


def naive_expr(f: Field, contract: Contract | None = None) -> str:
    """SQL parsing a timestamp field's text as a naive timestamp, computed once per value."""
    if contract is not None and "local" not in contract.timestamp_forms:
        return "cast(null as timestamp)"
    v = quote("v_" + f.name)
    return f"case when ends_with({v}, 'Z') then null else try_strptime({v}, {sql_list(NAIVE_TIMESTAMP_FORMATS)}) end"


def _to_utc(naive: str, tz: str) -> str:
    """SQL: a naive local timestamp of zone tz in UTC.

    ICU's conversion costs ~3x a plain subtraction; where the zone's offset is
    constant (Asia/Shanghai since 1992) the subtraction is exact, so ICU only
    handles timestamps outside that window.
    """
    if tz == "UTC":
        return naive
    icu = f"timezone('UTC', timezone({sql_str(tz)}, {naive}))"
    window = constant_offset(tz)
    if window is None:
        return icu
    lo, hi, seconds = window
    return (
        f"(case when {naive} >= timestamp '{lo}' and {naive} < timestamp '{hi}' "
        f"then {naive} - to_seconds({seconds}) else {icu} end)"
    )


@lru_cache(maxsize=8)
def constant_offset(tz: str, lo: date = date(1992, 1, 1), hi: date = date(2038, 1, 1)) -> tuple[date, date, int] | None:
    """(lo, hi, UTC offset in seconds) when tz keeps one offset every day of [lo, hi), else None."""
    zone = ZoneInfo(tz)
    offsets = {
        datetime.combine(lo + timedelta(days=d), time(12)).replace(tzinfo=zone).utcoffset()
        for d in range((hi - lo).days)
    }
    if len(offsets) != 1:
        return None
    return lo, hi, int(offsets.pop().total_seconds())


# A line holding U+FFFD: bytes that did not decode (see files._transcode). Such a line is
# quarantined whole (rule encoding), so no row loads with mojibake or replaced characters.
UNDECODED = "strpos(_text, chr(65533)) > 0"


def must_have(f: Field, contract: Contract) -> bool:
    """Required fields and key fields must be present (and, for identifiers, valid)."""
    return f.required or f.name in contract.key


@dataclass(frozen=True)
class Check:
    """One rule on one field: a SQL condition over `_typed` and the message it makes."""

    field: str
    rule: str
    condition: str
    explanation: str  # SQL string expression: what is wrong, after "field X"
    # What marks the row bad (build_typed); None: the condition. "" : a sibling check's flag
    # covers it (the type check flags every strict refusal; which rule it was is decided on bad rows only).
    flag: str | None = None


def checks(contract: Contract) -> list[Check]:
    out: list[Check] = []
    for f in contract.fields:
        v, t = quote("v_" + f.name), quote("t_" + f.name)
        shown = f"'value ''' || {v} || ''''"
        if must_have(f, contract):
            out.append(Check(f.name, "required", f"{v} is null", "'is missing'"))
        if contract.format == "jsonl":
            # CASE: json_type only runs on values that look nested (and so on lines that parsed)
            kind = f"(case when left({v}, 1) in ('{{', '[') then json_type(_text, {sql_str('$.' + f.name)}) end)"
            out.append(Check(f.name, "nested", f"coalesce({kind} in ('OBJECT', 'ARRAY'), false)",
                             f"'holds a JSON ' || lower({kind}) || ' where a single value belongs'"))
        if f.type != "string":
            refused = f"{v} is not null and {t} is null"
            lax = lax_expr(f)
            if lax is None:
                out.append(Check(f.name, "type", refused, f"{shown} || ' is not {TYPE_WORDS[f.type]}'"))
            else:
                rule, words = FORM_RULES[f.type]
                words = words.format(forms=", ".join(TIMESTAMP_FORM_WORDS[x] for x in contract.timestamp_forms))
                out.append(Check(f.name, "type", f"{refused} and not coalesce({lax}, false)",
                                 f"{shown} || ' is not {TYPE_WORDS[f.type]}'", flag=refused))
                out.append(Check(f.name, rule, f"{refused} and coalesce({lax}, false)",
                                 f"{shown} || ' {words.replace(chr(39), chr(39) * 2)}'", flag=""))
        if f.allowed:
            out.append(Check(f.name, "allowed", f"{t} is not null and {t} not in {sql_in(f.allowed)}",
                             f"{shown} || ' is not one of {', '.join(f.allowed)}'"))
        if f.minimum is not None or f.maximum is not None:
            lo = f"{t} < {f.minimum}" if f.minimum is not None else "false"
            hi = f"{t} > {f.maximum}" if f.maximum is not None else "false"
            out.append(Check(f.name, "range", f"{t} is not null and ({lo} or {hi})",
                             f"{shown} || ' is not {_bounds(f)}'"))
        if f.max_length is not None:
            out.append(Check(f.name, "max_length", f"length({v}) > {f.max_length}",
                             f"'value of ' || length({v}) || ' characters is longer than {f.max_length}'"))
        if f.normalise is not None and must_have(f, contract):
            out.append(Check(f.name, "identifier", f"{v} is not null and {quote('n_' + f.name)} is null",
                             f"{shown} || ' is not a valid {IDENTIFIER_WORDS[f.normalise]}'"))
    return out


def build_typed(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create `_typed` from `_rows`: typed values, normalised identifiers and `_bad`."""
    selects, joins = [], []
    for i, f in enumerate(contract.fields):
        v = quote("v_" + f.name)
        selects.append("r." + v)
        if f.normalise is None:
            selects.append(f"{typed_expr(f, contract)} as {quote('t_' + f.name)}")
            continue
        alias = f"m{i}"
        table = MAPS[f.normalise][0]
        joins.append(f"left join {table} {alias} on {alias}.raw = r.{v}")
        normalised = {"phone": "e164", "email": "normalised", "vin": "vin", "id_card": "hash"}[f.normalise]
        selects.append(f"{alias}.{normalised} as {quote('n_' + f.name)}")
        selects.append(f"{alias + '.vin' if f.normalise == 'vin' else 'r.' + v} as {quote('t_' + f.name)}")
        if f.normalise == "phone":
            selects.append(f"{alias}.kind as {quote('k_' + f.name)}")
        if f.normalise == "id_card" and not must_have(f, contract):
            selects.append(f"{warning_rule_sql(v, f'{alias}.hash')} as {quote('w_' + f.name)}")
    flags = [c.condition if c.flag is None else c.flag for c in checks(contract)]
    broken = " or ".join(f"({flag})" for flag in flags if flag) or "false"
    parsed = "".join(f", {naive_expr(f, contract)} as {quote('p_' + f.name)}" for f in contract.fields if f.type == "timestamp")
    # Raw text is only needed to quarantine a row: keep it for bad rows only (memory).
    texts = ", ".join(f"case when _bad then {quote('v_' + f.name)} end as {quote('v_' + f.name)}"
                      for f in contract.fields)
    con.execute(
        f"""
        create or replace temp table _typed as
        with parsed as (select *{parsed} from _rows),
        typed as (
            select r._file, r._line, r._text, r._last_open, r._shape_ok, {", ".join(selects)}
            from parsed r {" ".join(joins)}
        ),
        flagged as (
            select *, not _shape_ok or {UNDECODED} or coalesce({broken}, false) as _bad from typed
        )
        select * replace (case when _bad then _text end as _text, {texts}) from flagged
        """
    )


def warning_rule_sql(v: str, normalised: str) -> str:
    """SQL: the rule an optional id-card value breaks (checksum, identifier), NULL when none.

    Such a row still loads, without the id card (its hash is NULL, so it links nothing);
    `raw._warnings` says so. checksum: 17 digits and a check character that GB 11643 does
    not give them; identifier: any other invalid number (shape, birth date, area code).
    """
    n = f"upper({v})"
    checksum_fails = (f"regexp_full_match({n}, '[0-9]{{17}}[0-9X]') and substr({n}, 18, 1) <> "
                      f"(case when {ric_check_value_sql(n)} = 10 then 'X' else ({ric_check_value_sql(n)})::varchar end)")
    return (f"(case when {v} is not null and {normalised} is null then "
            f"(case when {checksum_fails} then 'checksum' else 'identifier' end) end)")


WARNING_WORDS = {
    "checksum": "fails the GB 11643 check digit",
    "identifier": "is not a valid id card (GB 11643 shape, birth date or area code)",
}


def insert_warnings(con: duckdb.DuckDBPyConnection, contract: Contract, batch_id: str) -> None:
    """One `raw._warnings` row per loaded row of `_typed` whose optional id card was rejected.

    The number itself is never written: the message names file, line, field and rule only.
    """
    where = f"{sql_str(contract.source)}, {sql_str(contract.entity)}"
    parts = []
    for f in contract.fields:
        if f.normalise != "id_card" or must_have(f, contract):
            continue
        w = quote("w_" + f.name)
        words = " ".join(f"when {sql_str(rule)} then {sql_str(text)}" for rule, text in WARNING_WORDS.items())
        parts.append(
            f"""select {where}, _file, _line, {sql_str(f.name)}, {w},
                       _file || ' line ' || _line || ': field {f.name} ' || (case {w} {words} end)
                       || '; the row loaded without it, kept out of the identity graph (rule: ' || {w} || ')'
                from _typed where not _bad and {w} is not null"""
        )
    if parts:
        con.execute(f"insert into raw._warnings select {sql_str(batch_id)}, * from ({' union all '.join(parts)})")


def insert_quarantine(con: duckdb.DuckDBPyConnection, contract: Contract, batch_id: str) -> None:
    """One `raw._quarantine` row per violation of the bad rows in `_typed`; then the warnings.

    A line that does not parse (or the cut-off last line of a file) is one row
    with rule malformed (truncated); otherwise every broken (field, rule) is one row.
    Rows that load with a rejected optional id card get a `raw._warnings` row (insert_warnings).
    """
    insert_warnings(con, contract, batch_id)
    record = _masked_record(contract)
    where = f"{sql_str(contract.source)}, {sql_str(contract.entity)}"
    shape_rule = f"case when _last_open then 'truncated' when {UNDECODED} then 'encoding' else 'malformed' end"
    shape_text = (
        "case when _last_open then 'the last line has no newline at the end and is cut off' "
        f"when {UNDECODED} then 'holds bytes that are not ' || coalesce(u.encoding, 'the file''s encoding') "
        "|| coalesce(' (first at byte ' || u.byte || ' of the file)', '') || ': not loaded as mojibake' "
        + ("else 'is not one JSON object' end" if contract.format == "jsonl"
           else "else 'does not split into the header''s fields (field count or quoting)' end")
    )
    parts = [
        f"""select {where}, _file, _line, null, null, {shape_rule},
                   _file || ' line ' || _line || ': ' || {shape_text} || ' (rule: ' || {shape_rule} || ')', {record}
            from _bad_rows left join _undecodable u using (_file, _line)
            where not _shape_ok or _last_open or {UNDECODED}"""
    ]
    for c in checks(contract):
        value = _stored_value(contract.field(c.field))
        parts.append(
            f"""select {where}, _file, _line, {sql_str(c.field)}, {value}, {sql_str(c.rule)},
                       _file || ' line ' || _line || ': field {c.field} ' || {_explanation(contract, c)}
                       || ' (rule: {c.rule})', {record}
                from _bad_rows where _shape_ok and not _last_open and not {UNDECODED} and ({c.condition})"""
        )
    con.execute("create or replace temp table _bad_rows as select * from _typed where _bad")
    con.execute(
        f"insert into raw._quarantine select {sql_str(batch_id)}, * from (\n"
        + "\nunion all\n".join(parts)
        + "\n)"
    )
    con.execute("drop table _bad_rows")


def _stored_value(f: Field) -> str:
    v = quote("v_" + f.name)
    return mask_id_sql(v) if f.normalise == "id_card" else v


def _explanation(contract: Contract, c: Check) -> str:
    """The check's explanation, with id-card numbers masked (they are never stored)."""
    f = contract.field(c.field)
    if f.normalise != "id_card":
        return c.explanation
    return c.explanation.replace(quote("v_" + f.name), mask_id_sql(quote("v_" + f.name)))


def mask_id_sql(v: str) -> str:
    """An id-card number shown as its first 3 and last 2 characters."""
    return (
        f"(case when length({v}) > 5 then left({v}, 3) || repeat('*', length({v}) - 5) || right({v}, 2) "
        f"else repeat('*', length({v})) end)"
    )


def _masked_record(contract: Contract) -> str:
    """The line's text; id-card-shaped digit runs are masked where the contract carries id cards."""
    if not any(f.normalise == "id_card" for f in contract.fields):
        return "_text"
    return r"regexp_replace(_text, '([0-9]{3})[0-9]{10,13}([0-9][0-9Xx])', '\1*************\2', 'g')"


def raw_select(contract: Contract) -> list[tuple[str, str]]:
    """(raw column, SQL over `_typed`) for every non-lineage column of the raw table."""
    out: list[tuple[str, str]] = []
    for f in contract.fields:
        cols = field_columns(f)
        t = quote("t_" + f.name)
        if f.normalise == "id_card":
            out.append((cols[0][0], quote("n_" + f.name)))
        elif f.normalise == "phone":
            out += [(f.name, t), (cols[1][0], quote("n_" + f.name)), (cols[2][0], quote("k_" + f.name))]
        elif f.normalise == "email":
            out += [(f.name, t), (cols[1][0], quote("n_" + f.name))]
        else:
            out.append((f.name, t))
    if contract.source == "telematics" and contract.entity == "readings":
        out.append(("reading_at", "epoch_ms(" + quote("t_reading_ts") + ")"))
    return out
