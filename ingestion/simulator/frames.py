"""Column dictionaries: the simulator's tables before they are written.

A Frame maps column name to a numpy array, all of one length. Rows carry a
`_day` column (day number) that routes them to the daily file they belong to.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Frame = dict[str, np.ndarray]


def const(n: int, value: object) -> np.ndarray:
    """An object array holding n references to one value (np.full would copy a string n times)."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def labelled(labels: tuple | list, index: np.ndarray) -> np.ndarray:
    """labels[index] as references to the label objects, not one new string per row."""
    table = np.empty(len(labels), dtype=object)
    table[:] = list(labels)
    return table[np.asarray(index, dtype=np.int64)]


def numbered(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Ids like S0000000042 from integers, formatted in Arrow (fast for millions)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "").to_numpy(zero_copy_only=False)


def length(frame: Frame) -> int:
    return len(next(iter(frame.values()))) if frame else 0


def take(frame: Frame, idx: np.ndarray) -> Frame:
    return {k: v[idx] for k, v in frame.items()}


def concat(frames: list[Frame]) -> Frame:
    frames = [f for f in frames if f and length(f)]
    if not frames:
        return {}
    keys = list(frames[0])
    out = {}
    for k in keys:
        parts = [f[k] for f in frames]
        if any(p.dtype == object for p in parts):
            parts = [p.astype(object) for p in parts]
        out[k] = np.concatenate(parts)
    return out


def sort_by(frame: Frame, *keys: str) -> Frame:
    """Sorted in place, one column at a time, so only one column is ever copied at once."""
    if not frame:
        return frame
    order = np.lexsort(tuple(frame[k] for k in reversed(keys)))
    for k in list(frame):
        frame[k] = frame[k][order]
    return frame


def concat_consuming(frames: list[Frame]) -> Frame:
    """concat for big frames: each input column is released once copied, halving the peak."""
    frames = [f for f in frames if f and length(f)]
    if not frames:
        return {}
    out = {}
    for k in list(frames[0]):
        parts = [f.pop(k) for f in frames]
        if any(p.dtype == object for p in parts):
            parts = [p.astype(object, copy=False) for p in parts]
        out[k] = np.concatenate(parts)
        del parts
    return out


class DayRouter:
    """Rows pre-generated for the whole run, handed out one day at a time.

    The first day gets every row up to and including it (the full export).
    """

    def __init__(self, frame: Frame, first_day: int):
        self.frame = sort_by(frame, "_day") if frame else {}
        self.first_day = first_day
        self._days = self.frame["_day"] if frame else np.empty(0, np.int64)

    def rows(self, day: int) -> Frame:
        if not self.frame:
            return {}
        lo = 0 if day == self.first_day else np.searchsorted(self._days, day, side="left")
        hi = np.searchsorted(self._days, day, side="right")
        out = take(self.frame, np.arange(lo, hi))
        if day == self.first_day:  # the history is exported: keep only the rows still to come
            self.frame = take(self.frame, np.arange(hi, len(self._days)))
            self._days = self.frame["_day"]
        return out
