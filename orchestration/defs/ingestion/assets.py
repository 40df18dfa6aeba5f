"""One multi-asset per source system; its outputs are the raw tables dbt reads.

A source is loaded in one call because its files arrive together and are reconciled
together; each raw table still gets its own asset and metadata, so lineage runs from the
exact raw table into the staging model that reads it.
"""

import dagster as dg

from ingestion.contracts import OPS_SOURCE, SOURCES, Contract, contracts_for
from orchestration.lib.ingestion_report import load_source, table_metadata, unreconciled
from orchestration.lib.privacy.erase import erase_pending
from orchestration.lib.resources import HubResource

GROUP = "raw"


def _spec(contract: Contract) -> dg.AssetSpec:
    columns = [dg.TableColumn(f.name, f.type, description=f.description or None) for f in contract.fields]
    return dg.AssetSpec(
        key=dg.AssetKey(["raw", contract.name]),
        group_name=GROUP,
        description=contract.description or f"{contract.source} {contract.entity} export",
        kinds={"python", "duckdb"},
        metadata={
            "dagster/column_schema": dg.TableSchema(columns=columns),
            "dagster/table_name": contract.raw_table,
            "file_pattern": f"landing/{contract.source}/{contract.file_pattern}",
            "natural_key": ", ".join(contract.key),
        },
    )


def _source_assets(source: str) -> dg.AssetsDefinition:
    contracts = contracts_for(source)

    @dg.multi_asset(name=f"ingest_{source}", specs=[_spec(c) for c in contracts])
    def _ingest(context: dg.AssetExecutionContext, hub: HubResource):
        # erasures requested through the API reach the warehouse and files before anything loads
        for receipt in erase_pending(hub.settings()):
            rows = sum(receipt["rows_changed"].values())
            context.log.info(f"erasure {receipt['erasure_id']} completed: {rows} rows")
        result = load_source(hub.settings(), source)
        broken = unreconciled(result)
        if broken:
            # Rows read must equal rows loaded plus quarantined for every file; when not,
            # rows went missing and nothing built on this load can be trusted.
            raise dg.Failure(
                description=f"{source}: {len(broken)} file(s) do not reconcile (read != loaded + quarantined)",
                metadata={"files": dg.MetadataValue.md("\n".join(f"- {line}" for line in broken))},
            )
        for contract in contracts:
            yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", contract.name]), metadata=table_metadata(result, contract))

    return _ingest


# ops: the contact engine's write-backs, exported from the ops store and loaded like files
assets = [_source_assets(source) for source in (*SOURCES, OPS_SOURCE)]
