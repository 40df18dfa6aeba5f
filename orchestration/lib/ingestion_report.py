"""Ingestion as the raw-table assets see it: load one source, describe each table it fed."""

from __future__ import annotations

import dagster as dg

from hub.settings import Settings
from ingestion.contracts import Contract
from ingestion.ledger import IngestResult
from ingestion.load import ingest_source


def load_source(settings: Settings, source: str) -> IngestResult:
    """Load the new landing files of one source system (files seen before load nothing)."""
    return ingest_source(settings, source)


def unreconciled(result: IngestResult) -> list[str]:
    """A ledger line for every file whose rows read != loaded + quarantined + duplicate."""
    return [entry.line() for entry in result.files if not entry.reconciles]


def table_metadata(result: IngestResult, contract: Contract) -> dict[str, dg.RawMetadataValue]:
    """This run's accounting for one raw table: new files, rows read/loaded/quarantined/duplicate."""
    counts = result.table_counts().get(contract.raw_table, {})
    metadata: dict[str, dg.RawMetadataValue] = {
        "batch_id": result.batch_id,
        "new_files": counts.get("files", 0),
        "dagster/row_count_delta": counts.get("rows_loaded", 0),
    }
    for name in ("rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate"):
        metadata[name] = counts.get(name, 0)
    failed = [entry.file for entry in result.files if entry.table == contract.raw_table and entry in result.refused]
    if failed:
        metadata["unreadable_files"] = ", ".join(failed)
    return metadata
