"""Run the hub_build job in this process and summarise what it did.

`hub build` uses this rather than a Dagster daemon: one command, no server, the same
assets, checks and run history (in DAGSTER_HOME) that the Dagster UI shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import dagster as dg
from dagster._core.utils import make_new_run_id

BUILD_JOB = "hub_build"
SELECTION_JOB = "hub_build_selection"


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    check: str
    passed: bool
    blocking: bool
    severity: str
    description: str | None = None


@dataclass
class BuildSummary:
    run_id: str
    success: bool
    materialized: list[str] = field(default_factory=list)
    checks: list[CheckOutcome] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    skipped_steps: list[str] = field(default_factory=list)

    @property
    def checks_passed(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.passed]

    @property
    def checks_failed(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed]

    @property
    def blocking_failures(self) -> list[CheckOutcome]:
        return [c for c in self.checks_failed if c.blocking and c.severity == "ERROR"]

    @property
    def ok(self) -> bool:
        """The build published: the run succeeded and no blocking check failed."""
        return self.success and not self.blocking_failures

    def describe(self) -> str:
        verdict = "succeeded" if self.ok else "FAILED"
        lines = [
            f"build {self.run_id} {verdict}: {len(self.materialized)} assets materialised, "
            f"checks {len(self.checks_passed)} passed / {len(self.checks_failed)} failed"
        ]
        for check in self.checks_failed:
            kind = "blocking" if check.blocking and check.severity == "ERROR" else "warning"
            lines.append(f"  check failed ({kind}): {check.asset} {check.check}: {check.description or ''}".rstrip())
        lines += [f"  step failed: {step}" for step in self.failed_steps]
        lines += [f"  step skipped: {step}" for step in self.skipped_steps]
        return "\n".join(lines)


def build_job(defs: dg.Definitions, select: Sequence[str] | None) -> dg.JobDefinition:
    """The whole hub_build job, or a job of the assets the selection strings name.

    Selections use Dagster's asset-selection syntax and are OR'ed, e.g.
    `key:"marts/fct_calls"+`, `group:marts`, `+key:"marts/dim_customers"`.
    """
    if not select:
        return defs.resolve_job_def(BUILD_JOB)
    job = dg.define_asset_job(SELECTION_JOB, selection=asset_selection(select))
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def(SELECTION_JOB)


def hub_build_job() -> dg.JobDefinition:
    """The build job, loaded afresh: what each step's process of a multiprocess run rebuilds."""
    from orchestration.definitions import defs

    return defs.resolve_job_def(BUILD_JOB)


def asset_selection(select: Sequence[str]) -> dg.AssetSelection:
    return dg.AssetSelection.from_string(" or ".join(f"({s})" for s in select))


def selected_keys(defs: dg.Definitions, select: Sequence[str] | None) -> list[dg.AssetKey] | None:
    return sorted(asset_selection(select).resolve(defs.resolve_asset_graph())) if select else None


def summarise(result: dg.ExecuteInProcessResult | dg.JobExecutionResult) -> BuildSummary:
    summary = BuildSummary(run_id=result.run_id, success=result.success)
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            summary.materialized.append(event.asset_key.to_user_string())
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            key = evaluation.asset_check_key
            summary.checks.append(
                CheckOutcome(
                    asset=key.asset_key.to_user_string(),
                    check=key.name,
                    passed=evaluation.passed,
                    blocking=bool(evaluation.blocking),
                    severity=evaluation.severity.value,
                    description=evaluation.description,
                )
            )
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            summary.failed_steps.append(event.step_key)
        elif event.event_type == dg.DagsterEventType.STEP_SKIPPED:
            summary.skipped_steps.append(event.step_key)
    return summary


def run_build(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    run_config: dict,
    select: Sequence[str] | None = None,
    tags: dict[str, str] | None = None,
    watch: Callable[[str | Callable[[], str | None], dg.JobDefinition], object] | None = None,
    executor: str = "in_process",
) -> BuildSummary:
    """Execute the build; `watch(run_id, job)` is entered around the run (progress display).

    executor "in_process" runs the steps in this process; "multiprocess" hands the run to
    Dagster's executor, each step in a child process (the run id is then known only once the
    run exists, so `watch` gets a function that returns it, or None before).
    """
    job = build_job(defs, select)
    # Config of ops the selection left out would be rejected by the job.
    ops = {name: cfg for name, cfg in run_config.get("ops", {}).items() if job.graph.has_node_named(name)}
    run_config = {**run_config, "ops": ops}
    if executor == "multiprocess":
        return _run_multiprocess(defs, job, instance, run_config, select, tags, watch)
    run_id = make_new_run_id()
    if watch is None:
        result = job.execute_in_process(
            run_config=run_config, instance=instance, run_id=run_id, raise_on_error=False, tags=tags
        )
    else:
        with watch(run_id, job):
            result = job.execute_in_process(
                run_config=run_config, instance=instance, run_id=run_id, raise_on_error=False, tags=tags
            )
    return summarise(result)


# execute_job picks its own run id; this tag finds the run for the progress display
LAUNCH_TAG = "hub/launch"


def _run_multiprocess(
    defs: dg.Definitions,
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    run_config: dict,
    select: Sequence[str] | None,
    tags: dict[str, str] | None,
    watch: Callable[[str | Callable[[], str | None], dg.JobDefinition], object] | None,
) -> BuildSummary:
    """Each step in a process of its own, the run recorded in the instance's storage."""
    launch = make_new_run_id()
    tags = {**(tags or {}), LAUNCH_TAG: launch}

    def execute() -> BuildSummary:
        with dg.execute_job(
            dg.reconstructable(hub_build_job), instance, run_config=run_config, tags=tags,
            asset_selection=selected_keys(defs, select),
        ) as result:
            return summarise(result)

    if watch is None:
        return execute()

    def run_id() -> str | None:
        records = instance.get_run_records(filters=dg.RunsFilter(tags={LAUNCH_TAG: launch}), limit=1)
        return records[0].dagster_run.run_id if records else None

    with watch(run_id, job):
        return execute()
