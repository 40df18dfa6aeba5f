"""Every dbt model, seed and snapshot of cs_hub as an asset; dbt tests run as asset checks."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.transforms.project import CS_HUB
from orchestration.lib.dbt_project import HubDbtTranslator, dbt_build_args, dbt_target_path
from orchestration.lib.environment import dbt_environment, exported
from orchestration.lib.resources import HubResource

DBT_OP = "cs_hub_dbt"


class DbtBuildConfig(dg.Config):
    """full_refresh rebuilds incremental models (nightly); hourly runs only add new rows."""

    full_refresh: bool = False


@dbt_assets(
    manifest=CS_HUB.manifest_path,
    project=CS_HUB,
    dagster_dbt_translator=HubDbtTranslator(),
    name=DBT_OP,
)
def cs_hub_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, hub: HubResource, config: DbtBuildConfig):
    settings = hub.settings()
    with exported(dbt_environment(settings)):
        invocation = dbt.cli(
            dbt_build_args(settings, config.full_refresh),
            context=context,
            target_path=dbt_target_path(settings, context.run_id),
        )
        yield from invocation.stream()
