"""Where rows wait for their day's file, and how files and truth tables reach the disk.

Rows are produced when their cause happens (a work order's whole stage history on
the day it is opened) but belong to the file of the day they occur: the Spool keeps
them until that day's files are written, so memory stays bounded by the longest
look-ahead (days), not by the run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingestion.contracts import Contract
from ingestion.simulator.config import from_day_number
from ingestion.simulator.frames import Frame, concat, length, take


class Spool:
    def __init__(self):
        self._rows: dict[str, dict[int, list[Frame]]] = defaultdict(lambda: defaultdict(list))

    def add(self, name: str, frame: Frame) -> None:
        if not frame or not length(frame):
            return
        days = frame["_day"]
        for d in np.unique(days):
            self._rows[name][int(d)].append(take(frame, np.flatnonzero(days == d)))

    def pop(self, name: str, day: int, upto: bool = False) -> Frame:
        store = self._rows[name]
        keys = [d for d in store if d <= day] if upto else [day]
        return concat([f for d in sorted(keys) for f in store.pop(d, [])])


def file_name(contract: Contract, day: int, suffix: str = "") -> str:
    stem = contract.file_pattern.split("*")[0]
    ext = contract.file_pattern.split("*")[1]
    return f"{stem}{from_day_number(day):%Y%m%d}{suffix}{ext}"


@dataclass
class FileStats:
    files: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    bytes: int = 0


class TruthWriter:
    """Truth tables streamed to Parquet; daily pieces are buffered into row groups of ~1M rows."""

    FLUSH_ROWS = 1_000_000

    def __init__(self, truth_dir: Path):
        self.dir = truth_dir
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._pending: dict[str, list[pa.Table]] = defaultdict(list)
        self.rows: dict[str, int] = defaultdict(int)

    def append(self, name: str, columns: dict[str, object] | pa.Table) -> None:
        table = columns if isinstance(columns, pa.Table) else pa.table(columns)
        self._pending[name].append(table)
        self.rows[name] += table.num_rows
        if sum(t.num_rows for t in self._pending[name]) >= self.FLUSH_ROWS:
            self._flush(name)

    def _flush(self, name: str) -> None:
        tables = self._pending.pop(name, [])
        if not tables:
            return
        if name not in self._writers:
            self._writers[name] = pq.ParquetWriter(self.dir / f"{name}.parquet", tables[0].schema, compression="zstd")
        schema = self._writers[name].schema
        self._writers[name].write_table(pa.concat_tables([t.cast(schema) for t in tables]))

    def close(self) -> None:
        for name in list(self._pending):
            self._flush(name)
        for w in self._writers.values():
            w.close()


def dates(days: np.ndarray) -> pa.Array:
    d = np.asarray(days, dtype=np.int64)
    return pa.array(d.astype("datetime64[D]"), mask=d < 0)


def stamps(seconds: np.ndarray) -> pa.Array:
    s = np.asarray(seconds, dtype=np.int64)
    return pa.array(s.astype("datetime64[s]"), mask=s < 0)


def party_ids(party: np.ndarray) -> pa.Array:
    p = np.asarray(party, dtype=np.int64)
    digits = pc.utf8_lpad(pc.cast(pa.array(np.maximum(p, 0)), pa.string()), 7, "0")
    ids = pc.binary_join_element_wise(pa.scalar("P"), digits, "")
    return pc.if_else(pa.array(p >= 0), ids, pa.scalar(None, pa.string()))
