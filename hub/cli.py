"""The `hub` command line.

hub/ may not import the other packages, so their commands arrive as plugins:
each package declares its commands under the `hub.commands` entry-point group in
pyproject.toml (a typer.Typer is added as a command group, a function as a
command); the CLI loads the one a command line names, or all of them for help.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import typer
from rich.console import Console

from hub import audit_cli
from hub.notify import cli as notify_cli
from hub.calendar import TIMEZONE
from hub.settings import get_settings

app = typer.Typer(
    name="hub",
    help="Customer-service data hub: simulate, ingest, build, serve.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True)


@app.callback()
def _group() -> None:
    """Customer-service data hub: simulate, ingest, build, serve."""
    # a callback keeps `hub` a command group when a command line loads a single command


@app.command()
def info() -> None:
    """Show where the hub keeps its data (no secrets), one `name: value` per line."""
    settings = get_settings()
    names = ("env", "data_dir", "scale", "seed", "warehouse_path", "serving_url", "ops_url")
    for name in names:
        typer.echo(f"{name}: {getattr(settings, name)}")
    typer.echo(f"timezone: {TIMEZONE} (hub.calendar.TIMEZONE)")
    typer.echo(f"landing_dir: {settings.landing_dir}")
    typer.echo(f"truth_dir: {settings.truth_dir}")


@app.command()
def vocabulary(
    write_seed: bool = typer.Option(False, "--write-seed", help="rewrite the dbt seed from hub/vocabulary.py"),
) -> None:
    """List the hub's vocabulary (every closed list of values, hub/vocabulary.py), one domain a line."""
    from hub import vocabulary as vocab

    if write_seed:
        typer.echo(f"wrote {vocab.write_seed()}")
        return
    for domain, values in vocab.DOMAINS.items():
        typer.echo(f"{domain}: {', '.join(values)}")


@app.command()
def kpis(
    write_macro: bool = typer.Option(False, "--write-macro", help="rewrite the dbt macro kpi() from hub/kpis.py"),
) -> None:
    """List the KPI registry (hub/kpis.py): each ratio KPI with its numerator and denominator."""
    from hub import kpis as registry

    if write_macro:
        typer.echo(f"wrote {registry.write_macro()}")
        return
    for kpi in registry.KPIS.values():
        typer.echo(f"{kpi.name} = {kpi.numerator} / {kpi.denominator}: {kpi.definition}")


app.add_typer(audit_cli.app, name="audit")
app.add_typer(notify_cli.app, name="notify")


def _broken_plugin(name: str, error: Exception):
    def command() -> None:
        console.print(f"[red]hub {name} is unavailable: its module failed to import: {error!r}[/red]")
        raise typer.Exit(code=2)

    command.__doc__ = f"(unavailable: {type(error).__name__})"
    return command


def _register_plugins(argv: list[str]) -> None:
    """Load the plugin the command line names, or every plugin when it names none (help,
    a typo): each plugin module imports its own heavy stack (Dagster, dbt, scikit-learn,
    Starlette), so `hub build` should not pay for the others."""
    plugins = sorted(entry_points(group="hub.commands"), key=lambda e: e.name)
    named = next((arg for arg in argv if not arg.startswith("-")), None)
    builtin = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    builtin |= {group.name for group in app.registered_groups}
    if named in builtin:
        return
    wanted = [ep for ep in plugins if ep.name == named] or plugins
    for ep in wanted:
        try:
            command = ep.load()
        except Exception as error:  # one broken plugin must not take the others down
            command = _broken_plugin(ep.name, error)
        if isinstance(command, typer.Typer):
            app.add_typer(command, name=ep.name)
        else:
            app.command(ep.name)(command)


def main() -> None:
    _register_plugins(sys.argv[1:])
    app()
