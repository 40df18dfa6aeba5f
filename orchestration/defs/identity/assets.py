"""models.identity_pairs: Splink's accepted CRM pairs, which dbt's identity graph reads.

It reads the raw CRM table, not staging, so it runs before the one dbt op that builds
staging and the identity models together: raw -> identity_pairs -> cs_hub_dbt, no third
dbt op (docs/identity.md "Where it runs").
"""

import dagster as dg

from models.identity.crm import PAIRS_TABLE, run_identity_matching
from orchestration.lib.resources import HubResource, WarehouseResource


@dg.asset(
    key=dg.AssetKey(["models", PAIRS_TABLE]),
    deps=[dg.AssetKey(["raw", "crm__customers"])],
    group_name="models",
    description="CRM person-record pairs Splink scores at or above settings.identity_match_probability.",
)
def identity_pairs(hub: HubResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        run = run_identity_matching(con, hub.settings())
    metadata: dict[str, dg.RawMetadataValue] = {f"metric/{k}": float(v) for k, v in run.metrics.items()}
    metadata["run_id"] = run.run_id
    return dg.MaterializeResult(metadata=metadata)


assets = [identity_pairs]
