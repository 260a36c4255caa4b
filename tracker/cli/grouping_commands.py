"""Commands that decide which records are one study: dedupe, review, merge, split."""

from __future__ import annotations

from collections import Counter

import click
from rich.text import Text

from tracker.cli.app import StageBar, ask_key, console_for, main, pass_library
from tracker.cli.review_view import ANSWER_KEYS, PROMPT, TAG_PROMPT, pair_table, queue_lines
from tracker.library import Library, TagReview


@main.command()
@click.option(
    "--all", "everything", is_flag=True, help="Compare every record again, not only those added since the last run."
)
@click.option("--dry-run", is_flag=True, help="Show what would be merged and queued; change nothing.")
@pass_library
def dedupe(library: Library, everything: bool, dry_run: bool) -> None:
    """Merge records that are certainly one work; queue borderline pairs for review.

    Only records added since the last run are compared (with the whole library and each
    other) unless --all. Curators' decisions are never undone.
    """
    bar = StageBar(console_for(stderr=True))
    try:
        report = library.dedupe(everything=everything, dry_run=dry_run, progress=bar.update)
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


def review_tags(library: Library, as_list: bool, accept: tuple[str, ...] = (), reject: tuple[str, ...] = ()) -> None:
    """The tag review: each low-confidence proposal with its evidence; a = accept (the
    tag becomes the curator's), r = reject (removed for good), k = skip, q = quit. In bulk,
    `--accept facet:code` / `--reject facet:code` answer one code for every study at once.
    Only the studies the site publishes are asked about; those not screened yet wait."""
    out = console_for()
    if accept or reject:
        for item, yes in [*((a, True) for a in accept), *((r, False) for r in reject)]:
            keys = library.answer_tags(item, accept=yes)
            shown = ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "")
            verb = "accepted" if yes else "rejected"
            out.print(f"{item}: {verb} for {len(keys)} studies{f' ({shown})' if keys else ''}", markup=False)
        out.print(_waiting(library.tag_review()), markup=False)
        return
    review = library.tag_review()
    queue = review.queue
    if not queue:
        out.print(f"no tags to review{_awaiting_screening(review)}", markup=False)
        return
    if as_list:
        out.print(f"{len(queue)} tags waiting for review{_awaiting_screening(review)}", markup=False)
        counts = Counter(f"{item.facet}:{item.code}" for item in queue)
        out.print(
            "by code (answer one for every study with `review tags --accept CODE` or `--reject CODE`): "
            + ", ".join(f"{code} {count}" for code, count in counts.most_common()),
            markup=False,
        )
        for item in queue:
            out.print(
                f"{item.key}  {item.facet}:{item.code}  confidence {item.confidence:.2f}: {item.rule}; "
                f"found: {', '.join(item.evidence) or '-'}",
                markup=False,
            )
        return
    answered = 0
    for number, item in enumerate(queue, start=1):
        out.print(Text.assemble((f"tag {number} of {len(queue)}", "bold"), f": {item.key}: {item.title}"))
        out.print(f"  {item.facet}: {item.code} (confidence {item.confidence:.2f})", markup=False)
        out.print(f"  rule: {item.rule}; found: {', '.join(item.evidence) or '-'}", markup=False)
        key = ask_key(out, TAG_PROMPT, {"a", "r", "k", "q"})
        if key == "q":
            break
        if key == "k":
            continue
        sign = "+" if key == "a" else "-"
        library.change_tags(item.key, [f"{sign}{item.facet}:{item.code}"])
        answered += 1
        out.print(
            f"saved: {item.key} {item.facet}:{item.code} {'accepted' if key == 'a' else 'rejected'}", markup=False
        )
    out.print(f"{answered} answered; {_waiting(library.tag_review())}", markup=False)


def _waiting(review: TagReview) -> str:
    return f"{len(review.queue)} waiting{_awaiting_screening(review)}"


def _awaiting_screening(review: TagReview) -> str:
    """What the review leaves for after screening, as the end of a sentence ("" if nothing)."""
    if not review.awaiting_screening:
        return ""
    return (
        f"; {review.awaiting_screening} of studies not screened yet wait until they are included"
        " (`mipex-tracker screen`)"
    )


@main.command()
@click.argument("what", required=False, default="pairs", type=click.Choice(["pairs", "tags"]))
@click.option("--list", "as_list", is_flag=True, help="Print the queue and exit (for scripts and e-mail).")
@click.option("--accept", multiple=True, metavar="FACET:CODE", help="Tags: accept this code for every study queued.")
@click.option("--reject", multiple=True, metavar="FACET:CODE", help="Tags: reject this code for every study queued.")
@pass_library
def review(library: Library, what: str, as_list: bool, accept: tuple[str, ...], reject: tuple[str, ...]) -> None:
    """Answer what waits for a curator, one key per answer; each answer is saved at once.

    `review` (pairs): possible duplicates side by side — same, different, skip, quit.
    `review tags`: the tagger's low-confidence tags, one at a time — accept, reject, skip, quit.
    """
    if what == "tags":
        review_tags(library, as_list, accept, reject)
        return
    if accept or reject:
        raise click.UsageError("--accept and --reject answer tags: `review tags --accept facet:code`")
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
        key = ask_key(out, PROMPT, ANSWER_KEYS)
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
@pass_library
def merge(library: Library, keys: tuple[str, ...]) -> None:
    """Merge the studies these keys name into one (kept by every later dedupe)."""
    if len(keys) < 2:
        raise click.UsageError("name at least two keys to merge")
    kept = library.merge(list(keys))
    console_for().print(f"merged into {kept}", markup=False)


@main.command()
@click.argument("key")
@click.option("--record", metavar="R", help="Take only this record out of the study (default: every record).")
@pass_library
def split(library: Library, key: str, record: str | None) -> None:
    """Undo a merge: the study's records become studies of their own, kept apart for good."""
    keys = library.split(key, record)
    console_for().print(f"now {len(keys)} studies: {', '.join(keys)}", markup=False)
