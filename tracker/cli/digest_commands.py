"""Commands for the monthly "MIPEX in Use" digest: new, show, add/remove/move, summary,
publish, revise, list. The work is in `tracker.digest`; this module reads options and prints."""

from __future__ import annotations

import click

from tracker.cli.app import console_for, main, pass_library
from tracker.digest.issues import DRAFT, MISSING, Issue, counts_by_state
from tracker.digest.summaries import MAX_SENTENCES, MIN_SENTENCES, edited_summary
from tracker.library import Library
from tracker.models import CURATOR

_STATE_WORDS = {CURATOR: "summary", DRAFT: "DRAFT summary (accept or rewrite)", MISSING: "NO SUMMARY"}


@main.group()
def digest() -> None:
    """The monthly "MIPEX in Use" digest: draft it, edit it, publish it."""


def _print_issue(issue: Issue) -> None:
    out = console_for()
    state = "published " + issue.published_at[:10] if issue.status == "published" else "draft"
    out.print(f"{issue.month} — {issue.title} ({state}, {len(issue.entries)} studies)", markup=False)
    if issue.revision > 1:
        out.print(f"revision {issue.revision}: {issue.revisions[-1]['reason']}", markup=False)
    out.print("")
    out.print(issue.intro, markup=False)
    for number, entry in enumerate(issue.entries, 1):
        out.print("")
        where = f" [{', '.join(entry.areas)}]" if entry.areas else ""
        out.print(f"{number}. {entry.key}: {entry.title}{where}", markup=False)
        out.print(f"   {entry.authors}{f' ({entry.year})' if entry.year else ''}", markup=False)
        out.print(f"   {_STATE_WORDS[entry.summary_state]}: {entry.summary or '-'}", markup=False)
        if entry.problem and issue.status != "published":
            out.print(f"   ! {entry.problem}", markup=False)
    out.print("")
    out.print("About the Migration Policy Group: " + issue.closing.split("\n\n")[0], markup=False)
    if issue.status != "published":
        counts = counts_by_state(issue)
        out.print("")
        misfits = sum(1 for e in issue.entries if e.summary and e.problem)
        out.print(
            f"to do: {counts.get(MISSING, 0)} summaries to write, {counts.get(DRAFT, 0)} drafts to accept or "
            f"rewrite, {misfits} outside {MIN_SENTENCES}-{MAX_SENTENCES} sentences",
            markup=False,
        )


#: More studies than a monthly issue holds: `digest new` asks before drafting them.
LARGE_ISSUE = 50


@digest.command("new")
@click.argument("month")
@click.option("--title", help='The issue\'s title (default "MIPEX in Use: <Month YYYY>").')
@click.option("--since", help="Studies added on or after this date, YYYY-MM-DD (default: the last publication).")
@click.option("--until", help="Studies added before this date, YYYY-MM-DD (default: now).")
@click.option("--yes", "-y", is_flag=True, help=f"Draft without asking, even more than {LARGE_ISSUE} studies.")
@pass_library
def new(library: Library, *, month: str, title: str | None, since: str | None, until: str | None, yes: bool) -> None:
    """Draft the issue of MONTH (YYYY-MM) from the studies added since the last published
    issue and included by screening; says how many first (and asks when they are many)."""
    proposal, start = library.digests.preview(since, until)
    out = console_for()
    window = f"since {start[:10]}" if start else "so far (no issue published yet)"
    out.print(f"{len(proposal.keys)} studies added {window} are included by screening and in no issue", markup=False)
    if proposal.not_included:
        out.print(
            f"({proposal.not_included} more of that time are not included: {proposal.waiting} wait for screening, "
            "`mipex-tracker screen`)",
            markup=False,
        )
    many = len(proposal.keys) > LARGE_ISSUE and not yes
    if many and not click.confirm(f"draft an issue of {len(proposal.keys)} studies?", default=False):
        out.print("nothing drafted (--since/--until narrow the window)", markup=False)
        return
    _print_issue(library.digests.new(month, title, since, until))


@digest.command("drop")
@click.argument("month")
@pass_library
def drop(library: Library, month: str) -> None:
    """Delete a draft issue; its studies wait for the next one (a published issue is frozen)."""
    issue = library.digests.drop(month)
    console_for().print(f"dropped the {month} draft; its {len(issue.entries)} studies wait for an issue", markup=False)


@digest.command("show")
@click.argument("month")
@pass_library
def show(library: Library, month: str) -> None:
    """The issue as text, with what is still missing."""
    _print_issue(library.digests.show(month))


@digest.command("add")
@click.argument("month")
@click.argument("keys", nargs=-1, required=True)
@pass_library
def add(library: Library, month: str, keys: tuple[str, ...]) -> None:
    """Add studies (by key) at the end of the draft."""
    issue = library.digests.add(month, list(keys))
    console_for().print(f"{month}: {len(issue.entries)} studies", markup=False)


@digest.command("remove")
@click.argument("month")
@click.argument("keys", nargs=-1, required=True)
@pass_library
def remove(library: Library, month: str, keys: tuple[str, ...]) -> None:
    """Take studies out of the draft (they can go into a later issue)."""
    issue = library.digests.remove(month, list(keys))
    console_for().print(f"{month}: {len(issue.entries)} studies", markup=False)


@digest.command("move")
@click.argument("month")
@click.argument("key")
@click.option("--to", "position", type=int, required=True, help="The new position (1 is the first).")
@pass_library
def move(library: Library, month: str, key: str, position: int) -> None:
    """Move a study to another position in the draft."""
    issue = library.digests.move(month, key, position)
    console_for().print("\n".join(f"{n}. {e.key}: {e.title}" for n, e in enumerate(issue.entries, 1)), markup=False)


@digest.command("summary")
@click.argument("key")
@click.option("--edit", "edit", is_flag=True, help="Write it in $EDITOR (starting from the present text).")
@click.option("--text", help="The summary itself.")
@click.option("--accept", is_flag=True, help="Accept the draft proposed from the abstract as it is.")
@pass_library
def summary(library: Library, key: str, edit: bool, text: str | None, accept: bool) -> None:
    """A study's summary (two to four sentences): show it, write it, or accept the draft."""
    desk = library.digests
    out = console_for()
    if sum((edit, text is not None, accept)) > 1:
        raise click.UsageError("choose one of --edit, --text and --accept")
    if accept:
        key = desk.accept_draft(key)
    elif edit:
        written = click.edit(desk.edit_buffer(key), extension=".txt", require_save=True)
        if written is None:
            out.print("not saved: the summary is unchanged", markup=False)
            return
        key = desk.write_summary(key, edited_summary(written))
    elif text is not None:
        key = desk.write_summary(key, text)
    shown, state, problem = desk.summary(key)
    out.print(f"{key} ({_STATE_WORDS[state]}): {shown or '-'}", markup=False)
    if problem:
        out.print(f"! {problem}", markup=False)


@digest.command("publish")
@click.argument("month")
@click.option("--allow-drafts", is_flag=True, help="Publish summaries still marked as drafts.")
@pass_library
def publish(library: Library, month: str, allow_drafts: bool) -> None:
    """Freeze the issue; write its Markdown and e-mail to bib/digests/ (the site shows it on `build`)."""
    issue, files = library.digests.publish(month, allow_drafts)
    out = console_for()
    out.print(f"published {issue.month}: {len(issue.entries)} studies", markup=False)
    for path in files:
        out.print(f"wrote {path}", markup=False)
    if not library.digests.sender():
        console_for(stderr=True).print(
            "warning: the e-mail has no From (set digest_from in bib/site.toml, e.g. "
            'digest_from = "MIPEX <mipex@example.org>"): the mail client will ask for a sender'
        )


@digest.command("revise")
@click.argument("month")
@click.option("--reason", required=True, help="Why the published issue is corrected (shown with it).")
@click.option("--allow-drafts", is_flag=True, help="Publish summaries still marked as drafts.")
@pass_library
def revise(library: Library, month: str, reason: str, allow_drafts: bool) -> None:
    """Correct a published issue: frozen again from the library as it is now, the reason recorded."""
    issue, files = library.digests.revise(month, reason, allow_drafts)
    out = console_for()
    out.print(f"revised {issue.month}: revision {issue.revision}", markup=False)
    for path in files:
        out.print(f"wrote {path}", markup=False)


@digest.command("list")
@pass_library
def list_issues(library: Library) -> None:
    """Every issue: month, state, studies, title."""
    out = console_for()
    found = library.digests.list()
    if not found:
        out.print("no digest yet: `mipex-tracker digest new YYYY-MM`", markup=False)
    for issue in found:
        state = f"published {issue.published_at[:10]}" if issue.status == "published" else "draft"
        out.print(f"{issue.month}  {state:<20} {len(issue.entries):>4} studies  {issue.title}", markup=False)
