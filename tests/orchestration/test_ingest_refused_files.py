"""A refused landing file does not fail the Dagster ingest asset: the other files' rows are good."""

from __future__ import annotations

import gzip
from pathlib import Path

import dagster as dg

from orchestration.defs.ingestion.assets import assets
from orchestration.lib.resources import HubResource


def test_a_refused_file_is_reported_in_metadata_and_the_asset_succeeds(tmp_path: Path) -> None:
    crm = tmp_path / "landing" / "crm"
    crm.mkdir(parents=True)
    (crm / "emails_20260101.csv").write_text("customer_id,email,updated_at\nC1,a@example.cn,2026-01-01 09:00:00\n")
    (crm / "emails_20260102.csv").write_bytes(gzip.compress(b"customer_id,email,updated_at\n"))
    ingest_crm = next(a for a in assets if a.op.name == "ingest_crm")
    result = dg.materialize([ingest_crm], resources={"hub": HubResource(data_dir=str(tmp_path))})
    assert result.success
    emails = next(m for m in result.get_asset_materialization_events()
                  if m.asset_key == dg.AssetKey(["raw", "crm__emails"])).materialization.metadata
    assert emails["rows_loaded"].value == 1
    assert emails["unreadable_files"].value == "emails_20260102.csv"
