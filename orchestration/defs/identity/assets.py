"""models.identity_pairs: Splink's accepted CRM pairs, which dbt's identity graph reads, and
models.identity_shared_identifier_pairs: every pair sharing an identifier, with its evidence,
which the graph's conflicting_persons guard reads.

It reads the raw CRM tables, not staging, so it runs before the one dbt op that builds
staging and the identity models together: raw -> identity_pairs -> cs_hub_dbt, no third
dbt op (docs/identity.md "Where it runs").
"""

import dagster as dg

from models.identity.crm import PAIRS_TABLE, SHARED_PAIRS_TABLE, run_identity_matching
from orchestration.lib.resources import HubResource, WarehouseResource

_RAW = [dg.AssetKey(["raw", "crm__customers"]), dg.AssetKey(["raw", "crm__phones"]),
        dg.AssetKey(["raw", "crm__emails"])]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["models", PAIRS_TABLE]), deps=_RAW, group_name="models",
            description="CRM person-record pairs Splink scores at or above settings.identity_match_probability.",
        ),
        dg.AssetSpec(
            dg.AssetKey(["models", SHARED_PAIRS_TABLE]), deps=_RAW, group_name="models",
            description="Every pair of CRM person records sharing a phone, e-mail or id card, with Splink's "
                        "match weight and evidence weight (the fields' verdict without the prior).",
        ),
    ],
    name="identity_pairs",
)
def identity_pairs(hub: HubResource, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        run = run_identity_matching(con, hub.settings())
    metadata: dict[str, dg.RawMetadataValue] = {f"metric/{k}": float(v) for k, v in run.metrics.items()}
    metadata["run_id"] = run.run_id
    yield dg.MaterializeResult(asset_key=dg.AssetKey(["models", PAIRS_TABLE]), metadata=metadata)
    yield dg.MaterializeResult(asset_key=dg.AssetKey(["models", SHARED_PAIRS_TABLE]), metadata={"run_id": run.run_id})


assets = [identity_pairs]
