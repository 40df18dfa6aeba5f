"""The serving store: published only after the marts pass their blocking quality checks.

Dagster skips this asset in a run where a blocking check on any of its upstream marts
failed, so consumers keep the last good build; the publish function then audits its own
copy and swaps it in atomically (orchestration.lib.publish).
"""

import dagster as dg

from orchestration.defs.transforms.project import CS_HUB
from orchestration.lib.dbt_project import HubDbtTranslator, serving_parents
from orchestration.lib.publish import publish
from orchestration.lib.publish.tables import SERVING_LAYER
from orchestration.lib.resources import HubResource

TRANSLATOR = HubDbtTranslator()

# What the publish reads, from the manifest: the marts and intermediate models the serving
# views (transforms/models/serving/) select from. These carry the blocking checks, so a
# failed check skips the publish; the views themselves build in the same dbt op as the
# scored marts, before any of them completes.
SOURCES = [TRANSLATOR.get_asset_key(node) for node in serving_parents(CS_HUB, SERVING_LAYER, ("marts", "intermediate"))]


@dg.asset(
    key=dg.AssetKey(["serving", "store"]),
    deps=SOURCES,
    group_name="publish",
    description="The serving views copied into a new serving store, audited, swapped in atomically.",
)
def serving_store(context: dg.AssetExecutionContext, hub: HubResource) -> dg.MaterializeResult:
    result = publish(hub.settings(), build_id=context.run.run_id, manifest_path=CS_HUB.manifest_path)
    metadata: dict[str, dg.RawMetadataValue] = {"build_id": result.build_id}
    metadata.update({f"rows/{table}": rows for table, rows in result.row_counts.items()})
    return dg.MaterializeResult(metadata=metadata)


assets = [serving_store]
