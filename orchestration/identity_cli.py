"""`hub identity`: evaluate identity resolution (models.identity.cli) and steward it:
`override add|list|remove` and `preview` (docs/identity.md "Stewardship").

In orchestration/ because the preview runs dbt on a scratch copy of the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.settings import get_settings
from hub.writeback import InvalidWriteBack
from models.identity.cli import evaluate

app = typer.Typer(name="identity", help="Identity resolution: evaluate it, override it, preview the next build.",
                  no_args_is_help=True)
app.command()(evaluate)
override = typer.Typer(help="Stewards' never-link and always-link overrides (applied by the next build).",
                       no_args_is_help=True)
app.add_typer(override, name="override")

_Never = Annotated[bool, typer.Option("--never", help="never link the two records, whatever the evidence")]
_Always = Annotated[bool, typer.Option("--always", help="always link the two records (one customer)")]
_Reason = Annotated[str, typer.Option(help="why (kept in the ops log and the identity history; the audit row names the override)")]
_Author = Annotated[str, typer.Option(help="the steward's employee id")]


def _rule(never: bool, always: bool) -> str:
    if never == always:
        typer.echo("give exactly one of --never and --always", err=True)
        raise typer.Exit(code=2)
    return "never_link" if never else "always_link"


def _write(action: str, left: str, right: str, never: bool, always: bool, reason: str, author: str) -> None:
    from orchestration.lib.stewardship import write_override

    raw = {"action": action, "rule": _rule(never, always), "leftCrmId": left, "rightCrmId": right,
           "reason": reason, "author": author}
    try:
        result = write_override(get_settings(), raw)
    except InvalidWriteBack as error:
        typer.echo(f"refused: {error}", err=True)
        raise typer.Exit(code=1) from error
    state = "in force" if result["inForce"] else "removed"
    change = "" if result["changed"] else " (already in force: nothing written)"
    typer.echo(f"{result['overrideId']} {result['rule']} {result['leftCrmId']} {result['rightCrmId']}: "
               f"{state}{change}; the next build applies it (preview: hub identity preview)")


@override.command("add")
def add(left: Annotated[str, typer.Argument(help="CRM customer record id")],
        right: Annotated[str, typer.Argument(help="CRM customer record id")],
        reason: _Reason, author: _Author, never: _Never = False, always: _Always = False) -> None:
    """Put an override in force: --never A B keeps two CRM records apart, --always A B joins them."""
    _write("add", left, right, never, always, reason, author)


@override.command("remove")
def remove(left: Annotated[str, typer.Argument(help="CRM customer record id")],
           right: Annotated[str, typer.Argument(help="CRM customer record id")],
           reason: _Reason, author: _Author, never: _Never = False, always: _Always = False) -> None:
    """Take an override out of force (the evidence decides again at the next build)."""
    _write("remove", left, right, never, always, reason, author)


@override.command("list")
def list_() -> None:
    """The overrides in force, oldest first, one tab-separated line each."""
    from orchestration.lib.stewardship import list_overrides

    for o in list_overrides(get_settings()):
        typer.echo("\t".join((o.override_id, o.link_rule, o.left_crm_customer_id, o.right_crm_customer_id,
                              o.author_id, o.written_at, o.reason)))


@app.command()
def preview(keep: Annotated[Path | None, typer.Option(help="keep the scratch warehouse under this folder")] = None
            ) -> None:
    """The merges and splits the next build would make against the served ids; publishes nothing."""
    from orchestration.lib.stewardship import preview as run

    try:
        result = run(get_settings(), keep)
    except (FileNotFoundError, RuntimeError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error
    for line in result.lines():
        typer.echo(line)
