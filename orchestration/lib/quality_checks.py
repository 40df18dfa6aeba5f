"""Quality suites as Dagster asset checks.

Each suite becomes one AssetCheckSpec on the asset of its table; a suite marked blocking
fails with ERROR severity and so stops every downstream asset in the run, the others warn.
The suites of one layer share one op: one warehouse connection and one GE context, and
the run graph stays readable.
"""

from collections.abc import Iterator, Sequence

import dagster as dg

from orchestration.lib.quality.runner import run_suites
from orchestration.lib.quality.suite import Outcome, Suite
from orchestration.lib.resources import WarehouseResource


def asset_key(relation: str) -> dg.AssetKey:
    """raw.crm__customers -> ["raw", "crm__customers"], the key its asset has."""
    return dg.AssetKey(relation.split("."))


def check_result(outcome: Outcome) -> dg.AssetCheckResult:
    severity = dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN
    metadata: dict[str, dg.RawMetadataValue] = {f"observed/{k}": v for k, v in outcome.observed.items()}
    metadata["frame_rows"] = outcome.rows_in_frame
    if outcome.failures:
        metadata["failures"] = dg.MetadataValue.md("\n".join(f"- {f.describe()}" for f in outcome.failures))
    return dg.AssetCheckResult(
        asset_key=asset_key(outcome.table),
        check_name=outcome.suite,
        passed=outcome.passed,
        severity=severity,
        metadata=metadata,
        description=None if outcome.passed else outcome.describe(),
    )


def suites_check(name: str, suites: Sequence[Suite], description: str) -> dg.AssetChecksDefinition:
    """One multi-asset check that runs the given suites (those selected in the run)."""
    by_key = {dg.AssetCheckKey(asset_key(s.table), s.name): s for s in suites}
    if len(by_key) != len(suites):
        raise ValueError(f"{name}: two suites share a name on one table; check names must be unique per asset")
    specs = [
        dg.AssetCheckSpec(name=s.name, asset=asset_key(s.table), blocking=s.blocking, description=s.description)
        for s in suites
    ]

    @dg.multi_asset_check(name=name, specs=specs, can_subset=True, description=description)
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> Iterator[dg.AssetCheckResult]:
        selected = [suite for key, suite in by_key.items() if key in context.selected_asset_check_keys]
        # Writable: the row-count suites record this build's counts for the next one.
        with warehouse.connect() as con:
            for outcome in run_suites(con, selected, build_id=context.run.run_id):
                yield check_result(outcome)

    return _check
