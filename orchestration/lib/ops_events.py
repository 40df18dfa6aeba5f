"""Whether the ops store holds write-backs not yet exported to the warehouse: the ops sensor's test."""

from __future__ import annotations

from dataclasses import dataclass

from hub.settings import Settings
from hub.writeback import log_engine, max_seq
from ingestion.ops_export import exported_seq


@dataclass(frozen=True)
class OpsBacklog:
    exported: int  # highest seq already in landing files (so ingested or about to be)
    written: int  # highest seq in the ops store

    @property
    def pending(self) -> int:
        return max(self.written - self.exported, 0)

    @property
    def run_key(self) -> str:
        """Same log position, same key: a repeated tick starts no second run."""
        return f"ops-{self.written}"


def ops_backlog(settings: Settings) -> OpsBacklog:
    engine = log_engine(settings.ops_url)
    try:
        return OpsBacklog(exported=exported_seq(settings), written=max_seq(engine))
    finally:
        engine.dispose()
