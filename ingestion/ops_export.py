"""The ops store's write-back log as landing files: what the `ops` contracts validate.

Ingestion reads files; the contact engine writes an event log. Each export takes the
events after the last exported seq and writes one JSONL file per entity,
`landing/ops/<entity>_<first seq>-<last seq>.jsonl` (a "batch" is a seq range), then
records the last seq in `landing/ops/.exported_seq`. The files then go through the same
contracts, quarantine and ledger as any export. A crash between the files and the
checkpoint re-exports the range under another name: the rows' natural key (event_id)
makes the second load count them as duplicates, never load them twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hub import knowledge, stewardship
from hub.settings import Settings
from hub.writeback import log_engine
from hub.writeback import vocabulary as v
from hub.writeback.store import iter_after

CHECKPOINT = ".exported_seq"
ENTITY = {
    v.CONTACT: "contacts",
    v.WORK_ORDER_OPENED: "work_order_changes",
    v.WORK_ORDER_ADVANCED: "work_order_changes",
    v.SURVEY: "surveys",
    v.OFFER_RESPONSE: "offer_responses",
    v.CONSENT: "consents",
    v.QA_REVIEW: "qa_reviews",
    knowledge.KIND: "knowledge_articles",
    v.LEAD_STATUS: "lead_statuses",
    stewardship.KIND: "identity_overrides",
}


def ops_landing(settings: Settings) -> Path:
    return settings.landing_dir / "ops"


def exported_seq(settings: Settings) -> int:
    """The highest seq already written to landing files (0 before the first export)."""
    path = ops_landing(settings) / CHECKPOINT
    return int(path.read_text().strip() or 0) if path.exists() else 0


def export_events(settings: Settings) -> list[Path]:
    """Write the events after the checkpoint into landing/ops/; returns the files written."""
    folder = ops_landing(settings)
    folder.mkdir(parents=True, exist_ok=True)
    engine = log_engine(settings.ops_url)
    written: list[Path] = []
    try:
        for events in iter_after(engine, exported_seq(settings)):
            first, last = events[0]["seq"], events[-1]["seq"]
            by_entity: dict[str, list[str]] = {}
            for event in events:
                by_entity.setdefault(ENTITY[event["kind"]], []).append(json.dumps(row(event), ensure_ascii=False))
            for entity, lines in sorted(by_entity.items()):
                written.append(_write(folder / f"{entity}_{first:012d}-{last:012d}.jsonl", lines))
            _write(folder / CHECKPOINT, [str(last)])
    finally:
        engine.dispose()
    return written


def row(event: Mapping[str, Any]) -> dict[str, Any]:
    """One event as its entity's export row (the ops contract's columns)."""
    p = event["payload"]
    if event["kind"] in (knowledge.KIND, v.LEAD_STATUS, stewardship.KIND):  # about no customer: the event as written
        return {"seq": event["seq"], "event_id": event["event_id"], "recorded_at": event["recorded_at"], **p}
    base = {"seq": event["seq"], "event_id": event["event_id"], "customer_id": event["customer_id"],
            "recorded_at": event["recorded_at"]}
    kind = event["kind"]
    if kind == v.CONSENT:
        return base | {"channel": p["channel"], "purpose": p["purpose"], "consent_status": p["status"],
                       "consent_source": p["source"] or "call_center"}
    if kind in (v.WORK_ORDER_OPENED, v.WORK_ORDER_ADVANCED):
        opened = kind == v.WORK_ORDER_OPENED
        fields = {k: val for k, val in p.items() if k != "customer_id"}
        return base | fields | {
            "change_type": "opened" if opened else "advanced",
            "stage": "created" if opened else p["stage"],
            "stage_at": event["recorded_at"] if opened else p["stage_at"],
        }
    return base | {k: val for k, val in p.items() if k != "customer_id"}


def _write(path: Path, lines: list[str]) -> Path:
    """Write whole or not at all (temp file, fsync, rename)."""
    temp = path.with_name("." + path.name + ".tmp")
    with open(temp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)
    return path
