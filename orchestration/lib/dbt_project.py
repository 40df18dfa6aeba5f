"""The dbt project `cs_hub` (transforms/) as Dagster sees it.

dagster-dbt builds its assets from target/manifest.json, which a clean clone does not
have. `dagster dev` would parse on load (prepare_if_dev), but `hub build`, the tests and
CI load the definitions without it, so the manifest is prepared here whenever it is
missing or older than any file of the project: one `dbt parse`, a few seconds, guarded by
a file lock so parallel test workers parse once.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject
from filelock import FileLock

from hub.calendar import UTC_OFFSET_HOURS
from hub.settings import Settings

TRANSFORMS_DIR = Path(__file__).resolve().parents[2] / "transforms"
_PROJECT_INPUTS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")
_PROJECT_FILES = ("dbt_project.yml", "packages.yml", "dependencies.yml", "selectors.yml")


def _newest_input_mtime(project_dir: Path) -> float:
    newest = 0.0
    for name in _PROJECT_FILES:
        path = project_dir / name
        if path.exists():
            newest = max(newest, path.stat().st_mtime)
    for folder in _PROJECT_INPUTS:
        root = project_dir / folder
        if not root.exists():
            continue
        # folders count too: deleting or renaming a model changes only its folder's mtime
        for path in [root, *root.rglob("*")]:
            newest = max(newest, path.stat().st_mtime)
    return newest


def manifest_is_stale(project: DbtProject) -> bool:
    manifest = project.manifest_path
    return not manifest.exists() or manifest.stat().st_mtime < _newest_input_mtime(project.project_dir)


def dbt_executable() -> str:
    """dbt from PATH, else the one installed beside this interpreter (a venv not activated)."""
    return shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))


def dbt_cli(project: DbtProject) -> DbtCliResource:
    return DbtCliResource(project_dir=project, dbt_executable=dbt_executable())


def prepare_manifest(project: DbtProject) -> None:
    """`dbt parse` into target/ unless another process did it while we waited for the lock.

    Parsing renders profiles.yml but never connects, so the defaults of its env_var() calls
    do; no settings are read while the code location loads.
    """
    target = project.project_dir / project.target_path
    target.mkdir(parents=True, exist_ok=True)
    lock = FileLock(target / "manifest.lock")
    with lock.acquire(timeout=300):
        if not manifest_is_stale(project):
            return
        dbt_cli(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()


def cs_hub_project(project_dir: Path = TRANSFORMS_DIR) -> DbtProject:
    """The dbt project with an up-to-date manifest (parsed now if needed)."""
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    if manifest_is_stale(project):
        prepare_manifest(project)
    return project


def dbt_target_path(settings: Settings, run_id: str, op_name: str) -> Path:
    """Artifacts of one dbt invocation (one dbt op of one Dagster run), under the data dir so
    runs never write into the repo. A run has one invocation per dbt op (the models, then the
    marts that read the models' outputs), each in a folder of its own."""
    return settings.data_dir / "dbt" / f"{run_id}-{op_name}"


def dbt_run_results(settings: Settings, run_id: str) -> list[dict[str, Any]]:
    """The `results` of every dbt invocation of one Dagster run (each op's run_results.json)."""
    paths = sorted((settings.data_dir / "dbt").glob(f"{run_id}-*/run_results.json"))
    if not paths:
        raise FileNotFoundError(f"no dbt run_results.json of run {run_id} under {settings.data_dir / 'dbt'}")
    return [result for path in paths for result in json.loads(path.read_text(encoding="utf-8"))["results"]]


def dbt_vars(settings: Settings) -> dict[str, Any]:
    """The project vars that mirror hub settings, so `hub` and dbt apply the same rules."""
    return {
        "identity_max_customers_per_identifier": settings.identity_max_customers_per_identifier,
        "identity_conflict_evidence_weight": settings.identity_conflict_evidence_weight,
        "incremental_window_days": settings.incremental_window_days,
        "local_utc_offset_hours": UTC_OFFSET_HOURS,
    }


def dbt_build_args(settings: Settings, full_refresh: bool) -> list[str]:
    """`dbt build` runs models, snapshots, seeds and their tests (tests become asset checks).

    --full-refresh rebuilds incremental models, except those configured full_refresh=false,
    which dbt itself protects.
    """
    args = ["build", "--vars", json.dumps(dbt_vars(settings))]
    return [*args, "--full-refresh"] if full_refresh else args


class HubDbtTranslator(DagsterDbtTranslator):
    """Maps dbt sources onto the raw-table assets that ingestion materialises.

    A source table's key is its relation, ["raw", "<source>__<entity>"], whatever the dbt
    source is called, so lineage runs from each ingestion asset into the staging models.
    Models keep dagster-dbt's key (their schema, then their name) and are grouped by layer.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            table = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
            return AssetKey([dbt_resource_props["schema"], table])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props["resource_type"] in ("model", "snapshot") and len(fqn) > 2:
            return fqn[1]  # staging, intermediate, marts
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return super().get_group_name(dbt_resource_props)


# marts that read the models' output tables: built by a second dbt op after the models
SCORED_TAG = "scored"


def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def models_in_layer(manifest: Mapping[str, Any], layer: str) -> list[dict[str, Any]]:
    """The manifest nodes of every model in one layer (top folder under models/)."""
    return [
        node for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and len(node.get("fqn", [])) > 2 and node["fqn"][1] == layer
    ]


def model_parents(
    manifest: Mapping[str, Any], models: list[dict[str, Any]], layers: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """The models (of `layers`, or of any layer) that any of `models` reads, in unique-id order."""
    parents = sorted({parent for node in models for parent in node["depends_on"]["nodes"]})
    nodes = manifest["nodes"]
    return [nodes[uid] for uid in parents
            if nodes[uid]["resource_type"] == "model" and (layers is None or nodes[uid]["fqn"][1] in layers)]


def layer_models(project: DbtProject, layer: str) -> list[dict[str, Any]]:
    """The manifest nodes of every model in one layer of the project."""
    return models_in_layer(load_manifest(project.manifest_path), layer)


def serving_parents(project: DbtProject, serving_layer: str, gated_layers: tuple[str, ...]) -> list[dict[str, Any]]:
    """The manifest nodes the serving models read that belong to a gated layer (the marts and
    the intermediate models): the relations whose checks must pass before a publish."""
    manifest = load_manifest(project.manifest_path)
    return model_parents(manifest, models_in_layer(manifest, serving_layer), gated_layers)


def model_relations(
    project: DbtProject, layer: str, tag: str | None = None, exclude_tag: str | None = None
) -> list[str]:
    """"schema.table" of every model in one layer (top folder under models/), sorted; only
    those carrying `tag`, and none carrying `exclude_tag`."""
    relations = {
        f"{node['schema']}.{node.get('alias') or node['name']}"
        for node in layer_models(project, layer)
        if (tag is None or tag in node.get("tags", [])) and exclude_tag not in node.get("tags", [])
    }
    return sorted(relations)
