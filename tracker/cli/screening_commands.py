"""`screen`: does a study use MIPEX? The queue, one key per answer, and the bulk step."""

from __future__ import annotations

import click
from rich.console import Console, Group
from rich.markup import escape
from rich.text import Text

from tracker.cli.app import StageBar, ask_key, console_for, main, pass_library
from tracker.library import Library, LibraryError
from tracker.screening import EXCLUDED, OTHER
from tracker.screening.queue import Queue, QueueItem
from tracker.screening.vocabulary import reason_label, reasons

INCLUDE_KEY, SKIP_KEY, UNDO_KEY, QUIT_KEY = "i", "k", "u", "q"
ABSTRACT_SHOWN = 1800  # characters


def _prompt() -> str:
    excluded = "  ".join(f"[bold]{escape(r.key)}[/bold] {escape(r.label)}" for r in reasons().values())
    return (
        f"[bold]{INCLUDE_KEY}[/bold]nclude  exclude: {excluded}  s[bold]{SKIP_KEY}[/bold]ip  "
        f"[bold]{UNDO_KEY}[/bold]ndo  [bold]{QUIT_KEY}[/bold]uit ? "
    )


def study_card(item: QueueItem, number: int, total: int) -> Group:
    """One study as a curator screens it: title, venue, year, the abstract with the words
    that drove its score highlighted, then the score and its reasons."""
    view, relevance = item.view, item.relevance
    fields = view.fields
    venue = fields.get("container") or fields.get("publisher") or fields.get("institution") or ""
    head = Text(f"study {number} of {total}: {view.key}\n", style="bold")
    head.append(Text(f"{fields.get('title', '(no title)')}\n", style="bold cyan"))
    head.append(" · ".join(str(part) for part in (venue, fields.get("year", "")) if part) + "\n")
    abstract = str(fields.get("abstract") or "")
    if len(abstract) > ABSTRACT_SHOWN:
        abstract = abstract[:ABSTRACT_SHOWN].rsplit(" ", 1)[0] + " …"
    body = Text(abstract or "(no abstract)", style="" if abstract else "dim")
    body.highlight_words(relevance.phrases, style="bold yellow", case_sensitive=False)
    keywords = fields.get("keywords")
    if keywords:
        body.append(f"\nkeywords: {'; '.join(map(str, keywords))}", style="dim")
    why = Text(f"\nscore {relevance.score:.2f}: {', '.join(relevance.reasons) or 'no cue found'}", style="italic")
    return Group(head, body, why)


def _queue_lines(queue: Queue, limit: int | None) -> list[str]:
    shown = queue.items if limit is None else queue.items[:limit]
    lines = [f"{len(queue.items)} studies wait for screening; {queue.learning}"]
    for item in shown:
        year = item.view.fields.get("year", "")
        lines.append(f"{item.relevance.score:.3f}  {item.view.key} ({year}): {item.view.fields.get('title', '')}")
        lines.append(f"       why: {', '.join(item.relevance.reasons) or 'no cue found'}")
    if limit is not None and len(queue.items) > limit:
        lines.append(f"... and {len(queue.items) - limit} more (--limit 0 lists all)")
    return lines


def _queue(library: Library) -> Queue:
    bar = StageBar(console_for(stderr=True), smallest=2000)
    try:
        return library.screening_queue(progress=bar.update)
    finally:
        bar.close()


@main.command()
@click.argument("key", required=False)
@click.argument("answer", required=False, type=click.Choice(["include", "exclude"]))
@click.option("--reason", metavar="TEXT", help="Why excluded: a reason's code or key (see --reasons), or any words.")
@click.option("--list", "as_list", is_flag=True, help="Print the queue with scores and reasons, and exit.")
@click.option("--limit", type=int, default=50, show_default=True, help="With --list: how many (0: all).")
@click.option(
    "--exclude-below", "threshold", type=float, metavar="SCORE", help="Exclude every undecided study below SCORE."
)
@click.option("--undo", is_flag=True, help="Take back the latest screening answer (or bulk exclusion).")
@click.option("--reasons", "show_reasons", is_flag=True, help="List the reasons for exclusion.")
@pass_library
def screen(
    library: Library,
    *,
    key: str | None,
    answer: str | None,
    reason: str | None,
    as_list: bool,
    limit: int,
    threshold: float | None,
    undo: bool,
    show_reasons: bool,
) -> None:
    """Screening: which studies use MIPEX. Only included ones reach the site and the digest.

    `screen` shows the undecided studies, most likely first (the order learns from every
    answer), one key per answer, each saved at once. `screen KEY include` or
    `screen KEY exclude --reason m` answers for one study. A study naming MIPEX is included
    without asking; nothing is excluded without a curator.
    """
    out = console_for()
    if show_reasons:
        for item in reasons().values():
            out.print(f"{item.key}  {item.code}: {item.label}", markup=False)
        return
    if undo:
        last = library.undo_screening()
        out.print(
            f"taken back: {last.status} of {len(last.keys)} studies ({', '.join(last.keys[:5])}"
            f"{', ...' if len(last.keys) > 5 else ''})",
            markup=False,
        )
        return
    if threshold is not None:
        bar = StageBar(console_for(stderr=True), smallest=2000)
        try:
            excluded = library.exclude_below(threshold, progress=bar.update)
        finally:
            bar.close()
        out.print(
            f"excluded {len(excluded)} undecided studies scoring below {threshold:g}; "
            "`mipex-tracker screen --undo` takes them all back",
            markup=False,
        )
        return
    if key is not None:
        if answer is None:
            raise click.UsageError("answer include or exclude after the key")
        view = library.screen(key, answer, reason)
        why = f" ({reason_label(view.screening)})" if view.screening.status == EXCLUDED else ""
        out.print(f"{view.key}: {view.screening.status}{why}", markup=False)
        return
    queue = _queue(library)
    if as_list:
        for line in _queue_lines(queue, limit or None):
            out.print(line, markup=False)
        return
    _screen_interactively(library, out, queue)


def _screen_interactively(library: Library, out: Console, queue: Queue) -> None:
    by_key = {r.key: r for r in reasons().values()}
    answered = 0
    skipped: set[str] = set()
    while True:
        waiting = [item for item in queue.items if item.view.key not in skipped]
        if not waiting:
            out.print("nothing waits for screening", markup=False)
            break
        item = waiting[0]
        out.print(study_card(item, answered + 1, len(queue.items)))
        pressed = ask_key(out, _prompt(), {INCLUDE_KEY, SKIP_KEY, UNDO_KEY, QUIT_KEY, *by_key})
        if pressed == QUIT_KEY:
            break
        if pressed == SKIP_KEY:
            skipped.add(item.view.key)
            continue
        if pressed == UNDO_KEY:
            try:
                last = library.undo_screening()
            except LibraryError as error:  # nothing to undo: say so, and go on
                out.print(str(error), markup=False)
                continue
            out.print(f"taken back: {last.status} of {', '.join(last.keys[:5])}", markup=False)
        elif pressed == INCLUDE_KEY:
            library.screen(item.view.key, "include")
            out.print(f"saved: {item.view.key} included", markup=False)
        else:
            chosen = by_key[pressed]
            note = click.prompt("why", default="", show_default=False) if chosen.code == OTHER else ""
            library.screen(item.view.key, "exclude", f"{chosen.code}: {note}" if note else chosen.code)
            out.print(f"saved: {item.view.key} excluded ({chosen.label})", markup=False)
        answered += 1
        if pressed == UNDO_KEY:
            queue = _queue(library)  # what was taken back may be any study: read the library again
        else:
            queue.learn(item.view.key, pressed == INCLUDE_KEY)
    out.print(f"{answered} answered; run `mipex-tracker screen` again to go on", markup=False)
