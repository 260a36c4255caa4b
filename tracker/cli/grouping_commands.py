"""Commands that decide which records are one study: dedupe, review, merge, split."""

from __future__ import annotations

import sys

import click

from tracker.cli.app import StageBar, console_for, library_of, main, user_errors
from tracker.cli.review_view import ANSWER_KEYS, PROMPT, pair_table, queue_lines


@main.command()
@click.option(
    "--all", "everything", is_flag=True, help="Compare every record again, not only those added since the last run."
)
@click.option("--dry-run", is_flag=True, help="Show what would be merged and queued; change nothing.")
@click.pass_context
@user_errors
def dedupe(ctx: click.Context, everything: bool, dry_run: bool) -> None:
    """Merge records that are certainly one work; queue borderline pairs for review.

    Only records added since the last run are compared (with the whole library and each
    other) unless --all. Curators' decisions are never undone.
    """
    bar = StageBar(console_for(stderr=True))
    try:
        report = library_of(ctx).dedupe(everything=everything, dry_run=dry_run, progress=bar.update)
    finally:
        bar.close()
    out = console_for()
    scope = "every record" if everything else f"{report.compared} new records"
    out.print(
        f"compared {scope} of {report.records} with the library: {report.candidate_pairs} candidate pairs",
        markup=False,
    )
    verb = "would merge" if dry_run else "merged"
    out.print(f"{verb} automatically: {len(report.merges)} pairs", markup=False)
    for merge in report.merges:
        out.print(f"  {merge.key_a} + {merge.key_b}: {', '.join(merge.reasons)}", markup=False)
    if dry_run:
        out.print(f"would queue for review: {report.queued_new} pairs (nothing was changed)", markup=False)
        return
    out.print(f"queued for review: {report.queued_new} new, {report.queue} waiting", markup=False)
    out.print(f"studies: {report.studies_before} -> {report.studies_after}", markup=False)
    if report.queue:
        out.print("answer them with `mipex-tracker review` (or list them with `review --list`)", markup=False)


def _read_key() -> str:
    """One key press on a terminal; from a pipe (`printf sdk | ... review`), the next
    character. '' at the end of the input."""
    try:
        if sys.stdin.isatty():
            return click.getchar().lower()
        return sys.stdin.read(1).lower()
    except (EOFError, OSError):
        return ""


@main.command()
@click.option("--list", "as_list", is_flag=True, help="Print the queue and exit (for scripts and e-mail).")
@click.pass_context
@user_errors
def review(ctx: click.Context, as_list: bool) -> None:
    """Answer borderline pairs one at a time, side by side: same, different, skip, quit.

    Each answer is saved at once: quitting midway loses nothing.
    """
    library = library_of(ctx)
    out = console_for()
    queue = library.review_queue()
    if not queue:
        out.print("nothing to review", markup=False)
        return
    if as_list:
        for line in queue_lines(queue):
            out.print(line, markup=False)
        return
    answered = 0
    for number, item in enumerate(queue, start=1):
        out.print(pair_table(item, number, len(queue)))
        while True:
            out.print(PROMPT, end="")
            key = _read_key()
            while key.isspace():  # a newline after a typed answer, or a stray space
                key = _read_key()
            out.print(key)
            if key in ANSWER_KEYS:
                break
            if not key:  # the end of the input: as good as quitting
                key = "q"
                break
            out.print(f"'{key}' is not an answer", markup=False)
        if key == "q":
            break
        if key == "k":
            continue
        kept = library.answer(item.key_a, item.key_b, same=key == "s")
        answered += 1
        what = f"one study: {kept}" if key == "s" else "kept apart, for good"
        out.print(f"saved: {item.key_a} and {item.key_b}: {what}", markup=False)
    left = len(library.review_queue())
    out.print(f"{answered} answered; {left} waiting", markup=False)


@main.command()
@click.argument("keys", nargs=-1, required=True)
@click.pass_context
@user_errors
def merge(ctx: click.Context, keys: tuple[str, ...]) -> None:
    """Merge the studies these keys name into one (kept by every later dedupe)."""
    if len(keys) < 2:
        raise click.UsageError("name at least two keys to merge")
    kept = library_of(ctx).merge(list(keys))
    console_for().print(f"merged into {kept}", markup=False)


@main.command()
@click.argument("key")
@click.option("--record", metavar="R", help="Take only this record out of the study (default: every record).")
@click.pass_context
@user_errors
def split(ctx: click.Context, key: str, record: str | None) -> None:
    """Undo a merge: the study's records become studies of their own, kept apart for good."""
    keys = library_of(ctx).split(key, record)
    console_for().print(f"now {len(keys)} studies: {', '.join(keys)}", markup=False)
