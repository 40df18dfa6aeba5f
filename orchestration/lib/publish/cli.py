"""`hub publish`: write-audit-publish the marts to the serving store by hand.

Registered as publish = "orchestration.lib.publish.cli:publish" (group hub.commands). The
Dagster asset runs the same function after the quality gate; this command does not run
the gate, so use it on a warehouse whose build passed.
"""

from __future__ import annotations

import typer
from rich.console import Console

from hub import log
from hub.settings import get_settings
from orchestration.lib.publish import PublishRefused, publish as publish_build

console = Console(stderr=True)


def publish() -> None:
    """Copy the warehouse's serving views to a new serving store and swap it in; on a failed
    audit, change nothing."""
    log.configure()
    settings = get_settings()
    try:
        result = publish_build(settings)
    except PublishRefused as refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(code=1) from None
    typer.echo(f"published build {result.build_id} to {result.serving_url}")
    for table, rows in result.row_counts.items():
        typer.echo(f"  {table}: {rows:,} rows")
