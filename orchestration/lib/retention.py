"""Retention: each store keeps what it holds for its period in settings, then lets it go.

Nothing is removed that the hub still needs: a landing file only once the ledger accounts
for it, a write-back event only once it was exported to the warehouse's landing files,
audit rows only through hub.audit.prune (the chain stays verifiable). Returns what it
removed, per store, for the Dagster job's log and metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from hub import audit, warehouse
from hub.settings import Settings
from hub.writeback.store import events, log_engine
from ingestion.ops_export import CHECKPOINT, exported_seq


@dataclass(frozen=True)
class Removed:
    store: str
    what: str
    count: int
    older_than: str  # UTC date


def enforce(settings: Settings, now: datetime | None = None) -> list[Removed]:
    now = now or datetime.now(UTC)

    def cutoff(days: int) -> datetime:
        return now - timedelta(days=days)

    return [
        *_landing_and_quarantine(settings, cutoff(settings.retention_landing_days),
                                 cutoff(settings.retention_quarantine_days)),
        _writeback_events(settings, cutoff(settings.retention_writeback_days)),
        _old_files("reports", settings.reports_dir, cutoff(settings.retention_report_days)),
        _audit_rows(settings, cutoff(settings.retention_audit_days)),
    ]


def _landing_and_quarantine(settings: Settings, landing_before: datetime, quarantine_before: datetime) -> list[Removed]:
    if not settings.warehouse_path.exists():
        return [Removed("landing", "files", 0, f"{landing_before:%Y-%m-%d}"),
                Removed("warehouse", "raw._quarantine rows", 0, f"{quarantine_before:%Y-%m-%d}")]
    con = warehouse.connect(settings)
    try:
        accounted = set(con.execute("select source, file from raw._ledger").fetchall())
        files = 0
        for source_dir in sorted(p for p in settings.landing_dir.glob("*") if p.is_dir()):
            for path in source_dir.iterdir():
                if (path.is_file() and path.name != CHECKPOINT and (source_dir.name, path.name) in accounted
                        and _mtime(path) < landing_before):
                    path.unlink()
                    files += 1
        rows = con.execute(
            "delete from raw._quarantine where batch_id in "
            "(select batch_id from raw._batches where started_at < ?)", [quarantine_before.replace(tzinfo=None)]
        ).fetchone()[0]
    finally:
        con.close()
    return [Removed("landing", "files", files, f"{landing_before:%Y-%m-%d}"),
            Removed("warehouse", "raw._quarantine rows", rows, f"{quarantine_before:%Y-%m-%d}")]


def _writeback_events(settings: Settings, before: datetime) -> Removed:
    engine = log_engine(settings.ops_url, writer=True)
    try:
        with engine.begin() as con:
            removed = con.execute(events.delete().where(
                events.c.seq <= exported_seq(settings),
                events.c.recorded_at < before.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            )).rowcount
    finally:
        engine.dispose()
    return Removed("ops", "writeback_events rows", removed, f"{before:%Y-%m-%d}")


def _old_files(store: str, folder: Path, before: datetime) -> Removed:
    removed = 0
    for path in folder.rglob("*") if folder.is_dir() else ():
        if path.is_file() and _mtime(path) < before:
            path.unlink()
            removed += 1
    return Removed(store, "files", removed, f"{before:%Y-%m-%d}")


def _audit_rows(settings: Settings, before: datetime) -> Removed:
    engine = sa.create_engine(settings.ops_url)
    try:
        audit.create(engine)
        removed = audit.prune(engine, audit.chain_key(settings), before)
    finally:
        engine.dispose()
    return Removed("ops", "audit_log rows", removed, f"{before:%Y-%m-%d}")


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
