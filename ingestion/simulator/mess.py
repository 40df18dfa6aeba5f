"""The mess real exports carry, injected in controlled numbers and recorded in mess.json.

Row defects (each on a few daily files per entity): a missing required value, a
wrong type, an out-of-range or disallowed value, an over-long string, a VIN with a
wrong check digit, a duplicated row, a row re-exported in a later file, a late row
(moved to the next day's file), an out-of-order row, a malformed row. File defects:
GBK-encoded CRM deltas, UTF-8 BOMs on ACD files, CRLF line ends, one truncated file
per source, one re-sent file, and clock skew on one ACD node. Every item names its
file, physical line (1-based, header = line 1), field and the expected outcome.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pyarrow as pa

from ingestion.contracts import CONTRACTS, Contract, Field
from ingestion.simulator import writer

ROW_KINDS = {  # kind -> expected outcome
    "missing_required": "required", "bad_type": "type", "out_of_range": "range", "disallowed_value": "allowed",
    "over_length": "max_length", "invalid_vin": "identifier", "duplicate_row": "duplicate",
    "reexported_row": "duplicate", "late_row": "normalised", "out_of_order": "normalised", "malformed_row": "malformed",
}
FILE_KINDS = ("gbk_encoding", "utf8_bom", "crlf", "truncated_file", "resent_file", "clock_skew")
TRUNCATED = {"crm": "crm__phones", "acd": "acd__call_legs", "ticketing": "ticketing__transitions", "telematics": "telematics__events"}
SKEW_NODE, SKEW_SECONDS = "acd03", 90


@dataclass
class MessItem:
    file: str
    line: int | None
    kind: str
    field: str | None
    expected: str
    detail: str = ""


def _candidates(contract: Contract, kind: str) -> list[Field]:
    f = contract.fields
    if kind == "missing_required":
        return [x for x in f if x.required]
    if kind == "bad_type":
        return [x for x in f if x.type in ("int", "float", "decimal", "date", "timestamp")]
    if kind == "out_of_range":
        return [x for x in f if x.minimum is not None or x.maximum is not None]
    if kind == "disallowed_value":
        return [x for x in f if x.allowed]
    if kind == "over_length":
        return [x for x in f if x.max_length]
    if kind == "invalid_vin":
        return [x for x in f if x.normalise == "vin" and x.required]
    return list(f)


class Mess:
    def __init__(self, first_day: int, days: int, per_kind: int, rng: np.random.Generator,
                 late_rngs: Mapping[str, np.random.Generator] | None = None):
        self.rng = rng
        # contracts added after the first four sources (by name) draw their mess from a stream
        # of their own, so adding one leaves every other file's mess where it was for a seed
        self.late_rngs = dict(late_rngs or {})
        self.items: list[MessItem] = []
        self.first_day = first_day
        self.plan: dict[tuple[str, int], list[str]] = {}
        self.carry: dict[tuple[str, int], list[tuple[str, str]]] = {}  # (contract, day) -> [(line, kind)]
        for c in CONTRACTS:
            for kind in ROW_KINDS:
                if not _candidates(c, kind):
                    continue
                for d in self._rng(c).choice(np.arange(1, days - 2), min(per_kind, days - 3), replace=False):
                    self.plan.setdefault((c.name, first_day + int(d)), []).append(kind)
        mid = first_day + days // 2
        self.truncated = {name: mid + 3 + i for i, name in enumerate(TRUNCATED.values())}
        self.resent = ("acd__call_legs", first_day + min(9, days - 1))
        self.skew_days = set(range(first_day + days // 3, first_day + days // 3 + max(3, days // 30)))
        self.gbk_days = {first_day + int(d) for d in rng.choice(np.arange(1, days), max(2, days // 10), replace=False)}
        self.bom_days = {first_day + int(d) for d in rng.choice(np.arange(days), max(2, days // 8), replace=False)}
        self.crlf_days = {first_day + int(d) for d in rng.choice(np.arange(days), max(2, days // 12), replace=False)}

    def _rng(self, contract: Contract) -> np.random.Generator:
        return self.late_rngs.get(contract.name, self.rng)

    def skew(self, frame: dict, day: int, file: str) -> None:
        """One ACD node's clock runs ahead for a few days: its legs' timestamps are late by 90 s."""
        if day not in self.skew_days or not frame:
            return
        hit = frame["acd_node"] == SKEW_NODE
        for col in ("started_at", "enqueued_at", "answered_at", "ended_at"):
            frame[col] = np.where(hit & (frame[col] >= 0), frame[col] + SKEW_SECONDS, frame[col])
        self.items.append(MessItem(file, None, "clock_skew", "started_at", "normalised",
                                   f"acd_node={SKEW_NODE} offset=+{SKEW_SECONDS}s rows={int(hit.sum())}"))

    def finish(self, contract: Contract, day: int, lines: list[str], cols: list[pa.Array], file: str,
               tags: dict[int, list[tuple]] | None = None) -> bytes:
        """The file's bytes after the day's planned defects, recording each.

        lines is consumed. tags: defects already in the data (junk phones), by row index,
        so their line numbers follow any rows moved around here. Marks are kept by row
        index and shifted on the few structural edits: files of 10^5 clean rows pass
        through untouched.
        """
        rng = self._rng(contract)
        texts = lines
        marks = {i: list(t) for i, t in (tags or {}).items()}
        kinds = self.plan.get((contract.name, day), [])
        n = len(texts)
        pool = [int(i) for i in rng.choice(n - 1, min(n - 1, 3 * len(kinds) + 5), replace=False)] if kinds and n > 1 else []
        free = [i for i in pool if i not in marks]
        gone = []
        for kind in kinds:
            if kind in ("duplicate_row", "out_of_order") or not free:
                continue
            i = free.pop()
            if kind in ("late_row", "reexported_row"):
                target = day + 1 + int(rng.integers(0, 2))
                self.carry.setdefault((contract.name, target), []).append((texts[i], kind))
                if kind == "late_row":
                    gone.append(i)
                continue
            text, field, detail = self._defect(contract, kind, writer.row_values(cols, i))
            if text is not None:
                texts[i] = text
                marks[i] = [(kind, field, ROW_KINDS[kind], detail)]
        for i in sorted(gone, reverse=True):
            del texts[i]
            marks = {(k - 1 if k > i else k): v for k, v in marks.items()}
        for line, kind in self.carry.pop((contract.name, day), []):
            texts.append(line)
            marks[len(texts) - 1] = [(kind, None, ROW_KINDS[kind], "")]
        if "duplicate_row" in kinds and free and free[-1] < len(texts) - 1 and free[-1] not in marks:
            i = free.pop()
            texts.insert(i + 1, texts[i])
            marks = {(k + 1 if k > i else k): v for k, v in marks.items()}
            marks[i + 1] = [("duplicate_row", None, "duplicate", "")]
        j = len(texts) - 2
        if "out_of_order" in kinds and j > 0 and j not in marks:
            texts.insert(0, texts.pop(j))
            marks = {(k + 1 if k < j else k): v for k, v in marks.items()}
            marks[0] = [("out_of_order", None, "normalised", "")]
        return self._encode(contract, day, texts, marks, file)

    def _defect(self, contract: Contract, kind: str, values: list[str | None]):
        rng = self._rng(contract)
        if kind == "malformed_row":
            line = writer.join_row(contract, values)
            return (line + ',"extra"' if contract.format == "csv" else line[: len(line) // 2]), None, ""
        options = [f for f in _candidates(contract, kind) if kind == "missing_required" or values[contract.fields.index(f)]]
        if not options:
            return None, None, ""
        f = options[int(rng.integers(0, len(options)))]
        k = contract.fields.index(f)
        new = list(values)
        if kind == "missing_required":
            new[k] = None
        elif kind == "bad_type":
            new[k] = "abc" if f.type != "date" else "2026-02-30"
        elif kind == "out_of_range":
            new[k] = str(int(f.maximum * 10 + 7)) if f.maximum is not None else "-5"
        elif kind == "disallowed_value":
            new[k] = "UNKNOWN_" + (values[k] or "X").upper()
        elif kind == "over_length":
            new[k] = (values[k] or "x") * (f.max_length // max(len(values[k] or "x"), 1) + 2)
        elif kind == "invalid_vin":
            vin = values[k]
            new[k] = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
        return writer.join_row(contract, new), f.name, ""

    def can_stream(self, contract: Contract, day: int) -> bool:
        """Whether the file has no row defects planned, so it can be written in chunks."""
        key = (contract.name, day)
        return key not in self.plan and key not in self.carry and self.truncated.get(contract.name) != day

    def stream(self, contract: Contract, day: int, chunks, file: str, out) -> int:
        """Write a big clean file chunk by chunk: chunks yields (lines, tags by row index in the chunk)."""
        source = contract.source
        eol = "\r\n" if (day in self.crlf_days and source in ("crm", "ticketing")) else "\n"
        gbk = source == "crm" and day in self.gbk_days and day != self.first_day
        written, row, non_ascii = 0, 0, False
        head = 0 if contract.format == "jsonl" else 1
        if source == "acd" and day in self.bom_days:
            written += out.write(b"\xef\xbb\xbf")
            self.items.append(MessItem(file, None, "utf8_bom", None, "normalised"))
        if head:
            written += out.write((writer.header(contract) + eol).encode("ascii"))
        for lines, tags in chunks:
            for i in sorted(tags):
                for kind, field, expected, detail in tags[i]:
                    self.items.append(MessItem(file, head + 1 + row + i, kind, field, expected, detail))
            row += len(lines)
            if lines:
                body = eol.join(lines) + eol
                non_ascii |= not body.isascii()
                written += out.write(body.encode("gbk" if gbk else "utf-8"))
        if eol == "\r\n":
            self.items.append(MessItem(file, None, "crlf", None, "normalised"))
        if gbk and non_ascii:
            self.items.append(MessItem(file, None, "gbk_encoding", None, "normalised"))
        return written

    def _encode(self, contract: Contract, day: int, texts: list[str], marks: dict[int, list[tuple]], file: str) -> bytes:
        source = contract.source
        eol = "\r\n" if (day in self.crlf_days and source in ("crm", "ticketing")) else "\n"
        head = 0 if contract.format == "jsonl" else 1
        if head:
            texts.insert(0, writer.header(contract))
        truncated = self.truncated.get(contract.name) == day and len(texts) > head
        last = len(texts) - 1 - head
        for i in sorted(marks):
            if truncated and i == last:
                continue
            for kind, field, expected, detail in marks[i]:
                self.items.append(MessItem(file, head + 1 + i, kind, field, expected, detail))
        body = eol.join(texts) + eol
        if truncated:
            body = body[: len(body) - len(eol) - (len(texts[-1]) + 1) // 2]
            self.items.append(MessItem(file, head + 1 + last, "truncated_file", None, "truncated"))
        if eol == "\r\n":
            self.items.append(MessItem(file, None, "crlf", None, "normalised"))
        if source == "crm" and day in self.gbk_days and day != self.first_day and not body.isascii():
            self.items.append(MessItem(file, None, "gbk_encoding", None, "normalised"))
            return body.encode("gbk")
        data = body.encode("utf-8")
        if source == "acd" and day in self.bom_days:
            self.items.append(MessItem(file, None, "utf8_bom", None, "normalised"))
            return b"\xef\xbb\xbf" + data
        return data

    def manifest(self) -> str:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return json.dumps({"counts": dict(sorted(counts.items())), "items": [asdict(i) for i in self.items]},
                          ensure_ascii=False, indent=1)
