"""`hub audit verify` and `hub audit show`: check and read the hash-chained audit log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
import typer

from hub import audit
from hub.settings import get_settings

app = typer.Typer(help="The tamper-evident audit log (docs/privacy.md).", no_args_is_help=True)


def _engine() -> sa.Engine:
    url = get_settings().ops_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        typer.echo(f"no ops store at {url.removeprefix('sqlite:///')}: nothing is audited yet", err=True)
        raise typer.Exit(code=1)
    engine = sa.create_engine(url)
    audit.create(engine)
    return engine


@app.command()
def verify() -> None:
    """Recompute the chain: exit 1 and name each row that was edited, deleted or reordered."""
    verdict = audit.verify(_engine(), audit.chain_key(get_settings()))
    for problem in verdict.problems:
        typer.echo(f"TAMPERED {problem}")
    typer.echo(f"{verdict.rows} rows; head seq {verdict.head_seq} hash {verdict.head_hash} "
               f"(keep this line elsewhere: it also proves the newest rows were not removed)")
    if not verdict.ok:
        raise typer.Exit(code=1)
    typer.echo("audit chain intact")


@app.command()
def show(
    key_id: str | None = typer.Option(None, "--key", help="API key id."),
    role: str | None = typer.Option(None),
    customer: str | None = typer.Option(None, help="Unified customer id."),
    action: str | None = typer.Option(None, help=f"One of: {', '.join(audit.ACTIONS)}."),
    since: datetime | None = typer.Option(None, help="UTC, from (inclusive)."),
    until: datetime | None = typer.Option(None, help="UTC, to (exclusive)."),
    limit: int = typer.Option(100, min=1, max=10_000),
) -> None:
    """Audit rows matching the filters, oldest first, one tab-separated line each."""
    rows = audit.read(_engine(), key_id=key_id, role=role, customer_id=customer, action=action,
                      since=since, until=until, limit=limit)
    for row in rows:
        typer.echo("\t".join(str(row[c] or "") for c in ("seq", "at", "action", "key_id", "role", "customer_id")))
