"""The `hub` command line.

hub/ may not import the other packages, so their commands arrive as plugins:
each package declares its commands under the `hub.commands` entry-point group in
pyproject.toml (a typer.Typer is added as a command group, a function as a
command), and they are loaded when the CLI starts.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import typer
from rich.console import Console

from hub.settings import get_settings

app = typer.Typer(
    name="hub",
    help="Customer-service data hub: simulate, ingest, build, serve.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True)


@app.command()
def info() -> None:
    """Show where the hub keeps its data (no secrets), one `name: value` per line."""
    settings = get_settings()
    names = ("env", "data_dir", "scale", "seed", "warehouse_path", "serving_url", "ops_url", "source_timezone")
    for name in names:
        typer.echo(f"{name}: {getattr(settings, name)}")
    typer.echo(f"landing_dir: {settings.landing_dir}")
    typer.echo(f"truth_dir: {settings.truth_dir}")


def _broken_plugin(name: str, error: Exception):
    def command() -> None:
        console.print(f"[red]hub {name} is unavailable: its module failed to import: {error!r}[/red]")
        raise typer.Exit(code=2)

    command.__doc__ = f"(unavailable: {type(error).__name__})"
    return command


def _register_plugins() -> None:
    for ep in sorted(entry_points(group="hub.commands"), key=lambda e: e.name):
        try:
            command = ep.load()
        except Exception as error:  # one broken plugin must not take the others down
            command = _broken_plugin(ep.name, error)
        if isinstance(command, typer.Typer):
            app.add_typer(command, name=ep.name)
        else:
            app.command(ep.name)(command)


def main() -> None:
    _register_plugins()
    app()
