"""Rendering frames as the upstream systems export them, following the contracts.

CSV: header of the contract's field names in order, comma-separated, quoted per
RFC 4180 only where a value holds a comma, quote or line break; empty = missing.
Local naive timestamps `YYYY-MM-DD HH:MM:SS`, dates `YYYY-MM-DD`, bools Y/N,
decimals with two places. JSONL: one object per line, `event_at` ISO 8601 UTC
with Z. Rendering is column-wise in Arrow, so a day of 10^5 rows takes milliseconds.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.contracts import Contract, Field
from ingestion.simulator.frames import Frame, length


def _missing_int(values: np.ndarray) -> np.ndarray:
    return np.asarray(values) < 0


def render_field(f: Field, values: np.ndarray, utc: bool) -> pa.Array:
    """One column as strings (null = missing), before CSV quoting."""
    if f.type == "string":
        return pa.array(values, type=pa.string(), from_pandas=True)
    if f.type in ("int",):
        v = np.asarray(values, dtype=np.int64)
        return pc.cast(pa.array(v, mask=_missing_int(v)), pa.string())
    if f.type == "float":
        v = np.asarray(values, dtype=float)
        return pc.cast(pa.array(v, mask=np.isnan(v)), pa.string())
    if f.type == "decimal":
        v = np.asarray(values, dtype=float)
        cents = np.rint(np.nan_to_num(v) * 100).astype(np.int64)
        whole = pc.cast(pa.array(cents // 100), pa.string())
        frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
        text = pc.binary_join_element_wise(whole, frac, ".")
        return pc.if_else(pa.array(np.isnan(v)), pa.scalar(None, pa.string()), text)
    if f.type == "date":
        v = np.asarray(values, dtype=np.int64)
        text = np.datetime_as_string(v.astype("datetime64[D]"), unit="D")
        return pa.array(text, type=pa.string(), mask=_missing_int(v))
    if f.type == "timestamp":
        return _timestamps(np.asarray(values, dtype=np.int64), "T" if utc else " ", "Z" if utc else "")
    if f.type == "bool":
        return pa.array(np.where(np.asarray(values, dtype=bool), "Y", "N"), type=pa.string())
    raise ValueError(f"field {f.name}: unknown type {f.type!r}")


@lru_cache(maxsize=1)
def _clock() -> pa.Array:
    """HH:MM:SS for every second of a day, to look up instead of formatting."""
    s = np.arange(86_400)
    return pa.array([f"{h:02d}:{m:02d}:{x:02d}" for h, m, x in zip(s // 3600, s // 60 % 60, s % 60, strict=True)])


def _timestamps(seconds: np.ndarray, sep: str, suffix: str) -> pa.Array:
    """Seconds since the epoch as text; dates are formatted once per distinct day."""
    missing = seconds < 0
    s = np.where(missing, 0, seconds)
    days, inverse = np.unique(s // 86_400, return_inverse=True)
    day_text = pa.array(np.datetime_as_string(days.astype("datetime64[D]"), unit="D")).take(pa.array(inverse.ravel()))
    text = pc.binary_join_element_wise(day_text, _clock().take(pa.array(s % 86_400)), sep)
    if suffix:
        text = pc.binary_join_element_wise(text, pa.scalar(suffix), "")
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)


def render_columns(contract: Contract, frame: Frame) -> list[pa.Array]:
    n = length(frame)
    utc = contract.timezone == "UTC"
    if not n:
        return [pa.array([], pa.string()) for _ in contract.fields]
    cols = []
    for f in contract.fields:
        values = frame.get(f.name)
        if values is None:
            raise KeyError(f"{contract.name}: the simulator produced no column {f.name!r}")
        cols.append(render_field(f, values, utc))
    return cols


def csv_quote(value: str | None) -> str:
    if value is None:
        return ""
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_lines(contract: Contract, frame: Frame) -> tuple[list[str], list[pa.Array]]:
    """Data lines (no line ends) and the rendered columns they came from."""
    cols = render_columns(contract, frame)
    if not length(frame):
        return [], cols
    quoted = []
    for f, col in zip(contract.fields, cols, strict=True):
        if f.type == "string":
            needs = pc.fill_null(pc.or_(pc.match_substring(col, ","), pc.match_substring(col, '"')), False)
            if f.max_length is None or f.max_length > 40:  # only free text can hold line breaks
                needs = pc.or_(needs, pc.fill_null(pc.match_substring_regex(col, "[\r\n]"), False))
            if pc.any(needs).as_py():
                escaped = pc.binary_join_element_wise(pa.scalar('"'), pc.replace_substring(col, '"', '""'), pa.scalar('"'), "")
                col = pc.if_else(needs, escaped, col)
        quoted.append(pc.fill_null(col, ""))
    return pc.binary_join_element_wise(*quoted, ",").to_pylist(), cols


def json_lines(contract: Contract, frame: Frame) -> tuple[list[str], list[pa.Array]]:
    cols = render_columns(contract, frame)
    if not length(frame):
        return [], cols
    parts = []
    for f, col in zip(contract.fields, cols, strict=True):
        literal = col
        if f.type in ("string", "timestamp", "date"):
            literal = pc.binary_join_element_wise(pa.scalar('"'), col, pa.scalar('"'), "")
        parts.append(pc.binary_join_element_wise(pa.scalar(f'"{f.name}":'), pc.fill_null(literal, "null"), ""))
    body = pc.binary_join_element_wise(*parts, ",")
    return pc.binary_join_element_wise(pa.scalar("{"), body, pa.scalar("}"), "").to_pylist(), cols


def header(contract: Contract) -> str:
    return ",".join(f.name for f in contract.fields)


def lines_for(contract: Contract, frame: Frame) -> tuple[list[str], list[pa.Array]]:
    return json_lines(contract, frame) if contract.format == "jsonl" else csv_lines(contract, frame)


def row_values(cols: list[pa.Array], i: int) -> list[str | None]:
    return [c[i].as_py() for c in cols]


def join_row(contract: Contract, values: list[str | None]) -> str:
    """Re-render one row from field strings (used by the mess injector after an edit)."""
    if contract.format == "csv":
        return ",".join(csv_quote(v) for v in values)
    obj = {}
    for f, v in zip(contract.fields, values, strict=True):
        if v is None or f.type in ("string", "timestamp", "date"):
            obj[f.name] = v
        else:
            try:
                obj[f.name] = json.loads(v)
            except ValueError:
                obj[f.name] = v  # a deliberately wrong type stays a string
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
