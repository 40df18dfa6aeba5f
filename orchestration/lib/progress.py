"""Live progress of an in-process build, read from the run's event log.

execute_in_process blocks until the run ends, so a thread follows the events Dagster
writes to the instance (step started/finished, assets materialised, checks evaluated) and
draws them with rich; reading the event log keeps this independent of the job's code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

_FOLLOWED = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.STEP_SKIPPED,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}
POLL_SECONDS = 0.5


class _Tally:
    def __init__(self) -> None:
        self.assets = 0
        self.passed = 0
        self.failed = 0
        self.started: dict[str, float] = {}
        self.running: str = "starting"

    def line(self) -> str:
        failed = f" [red]{self.failed} failed[/red]" if self.failed else ""
        return f"{self.running}  [dim]assets {self.assets} · checks {self.passed} passed[/dim]{failed}"


class BuildProgress:
    """Use as `watch=` of run_build: a context manager factory taking (run_id, job)."""

    def __init__(self, instance: dg.DagsterInstance, console: Console) -> None:
        self.instance = instance
        self.console = console

    def _handle(self, record, progress: Progress, task, tally: _Tally) -> None:
        event = record.event_log_entry.dagster_event
        at = record.event_log_entry.timestamp
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            tally.started[event.step_key] = at
            tally.running = event.step_key
        elif kind == dg.DagsterEventType.STEP_SUCCESS:
            seconds = at - tally.started.get(event.step_key, at)
            progress.console.print(f"[green]✓[/green] {event.step_key} [dim]{seconds:.1f} s[/dim]")
            progress.advance(task)
        elif kind == dg.DagsterEventType.STEP_FAILURE:
            progress.console.print(f"[red]✗ {event.step_key} failed[/red]")
            progress.advance(task)
        elif kind == dg.DagsterEventType.STEP_SKIPPED:
            progress.console.print(f"[yellow]- {event.step_key} skipped (upstream failed or a blocking check failed)[/yellow]")
            progress.advance(task)
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            tally.assets += 1
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            if event.event_specific_data.passed:
                tally.passed += 1
            else:
                tally.failed += 1
        progress.update(task, description=tally.line())

    def _follow(self, run: str | Callable[[], str | None], progress: Progress, task, stop: threading.Event) -> None:
        tally, cursor = _Tally(), None
        run_id = run if isinstance(run, str) else None
        while True:
            finishing = stop.is_set()
            if run_id is None:  # a multiprocess run: its id exists once the run is created
                run_id = run()
                if run_id is None:
                    if finishing:
                        return
                    stop.wait(POLL_SECONDS)
                    continue
            page = self.instance.get_records_for_run(run_id, cursor=cursor, of_type=_FOLLOWED)
            cursor = page.cursor
            for record in page.records:
                self._handle(record, progress, task, tally)
            if finishing and not page.has_more:
                return
            if not page.has_more:
                stop.wait(POLL_SECONDS)

    @contextmanager
    def __call__(self, run_id: str | Callable[[], str | None], job: dg.JobDefinition) -> Iterator[None]:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=self.console) as progress:
            task = progress.add_task("starting", total=len(job.graph.node_dict))
            stop = threading.Event()
            follower = threading.Thread(target=self._follow, args=(run_id, progress, task, stop), daemon=True)
            follower.start()
            try:
                yield
            finally:
                stop.set()
                follower.join(timeout=30)
