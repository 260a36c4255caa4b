"""`history` and `undo`: every change numbered, and any of them taken back."""

from __future__ import annotations

import click
from rich.table import Table

from tracker.cli.app import console_for, main, pass_library
from tracker.library import Library


@main.command()
@click.option("--all", "everything", is_flag=True, help="Every change (default: the last 30).")
@click.option("--key", help="Only the changes that name this study's records.")
@pass_library
def history(library: Library, everything: bool, key: str | None) -> None:
    """Every change to the library, numbered: imports, merges, splits, edits, tags,
    screening answers, undos. `undo N` takes one back."""
    changes = library.history()
    if key:
        view, _ = library.show(key)
        members = {r.key for r in view.records if r.key}
        changes = [c for c in changes if members & set(c.keys)]
    shown = changes if everything else changes[-30:]
    out = console_for()
    if not shown:
        out.print("no changes yet")
        return
    table = Table("no.", "when (UTC)", "by", "change", box=None, pad_edge=False)
    for change in shown:
        table.add_row(
            str(change.number),
            change.when[:16].replace("T", " "),
            change.by,
            change.description + ("  (undone)" if change.undone else ""),
        )
    out.print(table)
    if len(changes) > len(shown):
        out.print(f"... and {len(changes) - len(shown)} earlier changes: `history --all`")


@main.command()
@click.argument("number", type=int, required=False)
@click.option("--yes", "-y", is_flag=True, help="Do not ask: take it back at once.")
@pass_library
def undo(library: Library, number: int | None, yes: bool) -> None:
    """Take back the last change (or change NUMBER of `history`): decisions are undone by
    a new logged decision, an import is withdrawn (its records leave their studies). It
    can itself be undone."""
    change = library.change_to_undo(number)
    out = console_for()
    out.print(f"will take back change {change.number}: {change.description}")
    if not yes and not click.confirm("take it back?", default=False):
        out.print("nothing changed")
        return
    library.undo(change.number)
    redo = len(library.history())
    out.print(f"took back change {change.number}; `mipex-tracker undo {redo}` brings it back")
