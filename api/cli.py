"""`hub serve` and `hub keys`: run the API, manage its keys.

Registered as hub plugins (pyproject.toml, group hub.commands):
serve = "api.cli:serve" and keys = "api.cli:keys".
"""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.table import Table

from api.keys import create_key, list_keys, revoke_key
from api.ops import ops_engine
from api.roles import ROLES
from hub import log
from hub.settings import get_settings

keys = typer.Typer(help="Create, list and revoke API keys (stored hashed in the ops store).", no_args_is_help=True)
console = Console(stderr=True)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
    workers: int = typer.Option(0, help="Processes; 0 = one per core in production, 1 in development."),
) -> None:
    """Serve the GraphQL API (uvicorn) over the serving and ops stores."""
    import uvicorn

    log.configure()
    settings = get_settings()
    if workers <= 0:
        workers = (os.cpu_count() or 1) if settings.env == "production" else 1
    console.print(f"serving GraphQL on http://{host}:{port}/graphql ({settings.env}, {workers} worker(s))")
    uvicorn.run(
        "api.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="warning", access_log=False, http="h11" if workers == 1 else "auto",
    )


@keys.command("create")
def create(
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option(..., help="Who or what holds the key (shown in `hub keys list`)."),
) -> None:
    """Create a key and print it once: only its hash is stored."""
    if role not in ROLES:
        console.print(f"[red]--role {role!r} is not a role; use one of: {', '.join(ROLES)}[/red]")
        raise typer.Exit(code=2)
    typer.echo(create_key(ops_engine(get_settings().ops_url), role, name))


@keys.command("list")
def list_() -> None:
    """Every key with its id, name, role and state (never the key itself)."""
    table = Table("key id", "name", "role", "created at", "revoked at")
    for row in list_keys(ops_engine(get_settings().ops_url)):
        table.add_row(row.key_id, row.name, row.role, f"{row.created_at:%Y-%m-%d %H:%M}", f"{row.revoked_at or ''}")
    Console().print(table)


@keys.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The key id (the part before the dot).")) -> None:
    """Revoke a key; API processes stop accepting it within 5 seconds."""
    if not revoke_key(ops_engine(get_settings().ops_url), key_id):
        console.print(f"[red]no live key with id {key_id!r} (see `hub keys list`)[/red]")
        raise typer.Exit(code=1)
    typer.echo(f"revoked {key_id}")


app = typer.Typer(no_args_is_help=True, help="The API's commands (as `hub serve`, `hub keys`).")
app.command("serve")(serve)
app.add_typer(keys, name="keys")

if __name__ == "__main__":
    app()
