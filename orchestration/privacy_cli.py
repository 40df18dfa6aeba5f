"""`hub privacy erase|verify|export`: PIPL erasure and access requests (docs/privacy.md)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hub.settings import get_settings

app = typer.Typer(help="Erasure (PIPL art. 47) and access (art. 45) requests (docs/privacy.md).",
                  no_args_is_help=True)


@app.command()
def erase(
    customer: str | None = typer.Option(None, help="Unified customer id (CU...)."),
    reason: str = typer.Option("", help="Why (the request's reference): kept with the erasure."),
    pending: bool = typer.Option(False, help="Complete the erasures requested through the API."),
    receipt: Path | None = typer.Option(None, help="Also write the receipt (JSON) to this file."),
) -> None:
    """Erase a person from every layer; print the receipt (stores checked, rows changed)."""
    from orchestration.lib.privacy.erase import UnknownCustomer, erase_pending
    from orchestration.lib.privacy.erase import erase as run

    settings = get_settings()
    if pending:
        receipts = erase_pending(settings)
    else:
        if not customer or not reason.strip():
            typer.echo("hub privacy erase needs --customer ID and --reason TEXT (or --pending)", err=True)
            raise typer.Exit(code=2)
        try:
            receipts = [run(settings, customer, reason.strip())]
        except UnknownCustomer as error:
            typer.echo(str(error.args[0]), err=True)
            raise typer.Exit(code=2) from None
    text = json.dumps(receipts if pending else receipts[0], ensure_ascii=False, indent=2, sort_keys=True)
    if receipt is not None:
        receipt.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)


@app.command()
def verify(customer: str = typer.Option(..., help="Unified customer id that was erased.")) -> None:
    """Scan every store and file for the erased person's identifiers: exit 1 naming each place found."""
    from orchestration.lib.privacy.erase import UnknownCustomer
    from orchestration.lib.privacy.erase import verify as run

    try:
        findings, scanned = run(get_settings(), customer)
    except UnknownCustomer as error:
        typer.echo(str(error.args[0]), err=True)
        raise typer.Exit(code=2) from None
    for finding in findings:
        typer.echo(f"FOUND {finding}")
    typer.echo(f"scanned: {', '.join(scanned)}")
    if findings:
        raise typer.Exit(code=1)
    typer.echo("no identifier of the erased person found")


@app.command()
def export(
    customer: str = typer.Option(..., help="Unified customer id (CU...)."),
    out: Path = typer.Option(..., help="The JSON file to write (it holds the person's data: never a log)."),
) -> None:
    """Write everything the hub holds about a person, from every layer, as JSON (audited)."""
    from orchestration.lib.privacy.erase import UnknownCustomer
    from orchestration.lib.privacy.export import export as run

    try:
        counts = run(get_settings(), customer, out)
    except UnknownCustomer as error:
        typer.echo(str(error.args[0]), err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"wrote {out}: " + ", ".join(f"{layer} {n}" for layer, n in counts.items()))
