"""Every dbt model, seed and snapshot of cs_hub as an asset; dbt tests run as asset checks.

Two dbt ops over one project: `cs_hub_dbt` builds everything the models (models/) read,
and `cs_hub_dbt_scored` builds the marts tagged `scored`, which read the models' output
tables as dbt sources (schema `models`). Between them run the model assets, so a build
goes marts -> models -> scored marts -> publish without a cycle in the asset graph.
"""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.transforms.project import CS_HUB
from orchestration.lib.dbt_project import SCORED_TAG, HubDbtTranslator, dbt_build_args, dbt_target_path
from orchestration.lib.environment import dbt_environment, exported
from orchestration.lib.resources import HubResource

DBT_OP = "cs_hub_dbt"
DBT_SCORED_OP = "cs_hub_dbt_scored"
SCORED = f"tag:{SCORED_TAG}"


class DbtBuildConfig(dg.Config):
    """full_refresh rebuilds incremental models (nightly); hourly runs only add new rows."""

    full_refresh: bool = False


def _dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource, hub: HubResource, config: DbtBuildConfig):
    settings = hub.settings()
    with exported(dbt_environment(settings)):
        invocation = dbt.cli(
            dbt_build_args(settings, config.full_refresh),
            context=context,
            target_path=dbt_target_path(settings, context.run_id, context.op_def.name),
        )
        yield from invocation.stream()


@dbt_assets(
    manifest=CS_HUB.manifest_path,
    project=CS_HUB,
    dagster_dbt_translator=HubDbtTranslator(),
    name=DBT_OP,
    exclude=SCORED,
)
def cs_hub_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, hub: HubResource, config: DbtBuildConfig):
    yield from _dbt_build(context, dbt, hub, config)


@dbt_assets(
    manifest=CS_HUB.manifest_path,
    project=CS_HUB,
    dagster_dbt_translator=HubDbtTranslator(),
    name=DBT_SCORED_OP,
    select=SCORED,
)
def cs_hub_dbt_scored(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, hub: HubResource, config: DbtBuildConfig
):
    yield from _dbt_build(context, dbt, hub, config)
