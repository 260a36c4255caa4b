"""How a queued pair looks: both studies side by side, the fields that differ highlighted.

A curator decides in seconds when the eye goes straight to what differs, so equal fields
are dimmed and differing ones stand out; the score and the matcher's reasons come last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rich.console import Group
from rich.table import Table
from rich.text import Text

from tracker.library import ReviewItem
from tracker.models import DEDUPE, Decision
from tracker.screening import SCREEN, Screening
from tracker.screening.vocabulary import reason_label
from tracker.store.decisions import EDIT, MERGE, SPLIT, TAG
from tracker.store.views import StudyView
from tracker.textkeys import fold

ANSWER_KEYS = {"s", "d", "k", "q"}
PROMPT = "[bold]s[/bold]ame  [bold]d[/bold]ifferent  s[bold]k[/bold]ip  [bold]q[/bold]uit ? "
TAG_PROMPT = "[bold]a[/bold]ccept  [bold]r[/bold]eject  s[bold]k[/bold]ip  [bold]q[/bold]uit ? "
#: The fields a curator compares, in the order they read them.
SHOWN_FIELDS = (
    "author",
    "title",
    "year",
    "container",
    "series",
    "volume",
    "number",
    "pages",
    "doi",
    "publisher",
    "institution",
    "type",
    "url",
)


def _value(view: StudyView, name: str) -> str:
    if name == "author":
        return "; ".join(n.sort_form() for n in view.authors)
    value = view.fields.get(name, "")
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def pair_table(item: ReviewItem, number: int, total: int) -> Group:
    """The side-by-side view of one queued pair."""
    table = Table(title=f"pair {number} of {total}", title_justify="left", show_lines=False)
    table.add_column("field", style="bold")
    table.add_column(f"{item.study_a.key}", overflow="fold", ratio=1)
    table.add_column(f"{item.study_b.key}", overflow="fold", ratio=1)
    table.add_row("type", *_cells(item.study_a.entry_type, item.study_b.entry_type))
    for name in SHOWN_FIELDS:
        a, b = _value(item.study_a, name), _value(item.study_b, name)
        if a or b:
            table.add_row(name, *_cells(a, b))
    table.add_row("records", *_cells(_records(item.study_a), _records(item.study_b), compare=False))
    reasons = Text(f"score {item.score:.0f}: {', '.join(item.reasons)}")
    return Group(table, reasons)


def _records(view: StudyView) -> str:
    return ", ".join(r.key or f"record {r.id}" for r in view.records)


def _cells(a: str, b: str, compare: bool = True) -> tuple[Text, Text]:
    """Equal values dimmed, differing ones highlighted (compared with case, accents and
    punctuation folded away, so only real differences stand out)."""
    if not compare:
        return Text(a), Text(b)
    if fold(a) == fold(b):
        return Text(a, style="dim"), Text(b, style="dim")
    return Text(a or "—", style="bold yellow"), Text(b or "—", style="bold yellow")


def queue_lines(queue: Sequence[ReviewItem]) -> list[str]:
    """The queue as plain lines: the pair, its score and reasons, and both titles."""
    lines = [f"{len(queue)} pairs waiting for review"]
    for item in queue:
        lines.append(f"{item.key_a} ~ {item.key_b}  score {item.score:.0f}: {', '.join(item.reasons)}")
        for view in (item.study_a, item.study_b):
            year = view.fields.get("year", "")
            lines.append(f"    {view.key} ({year}): {view.fields.get('title', '')}")
    return lines


def describe_decision(decision: Decision) -> str:
    """One decision in words, for `show`."""
    who = "automatically (dedupe)" if decision.by == DEDUPE else "by a curator"
    when = decision.made_at[:10]
    keys = " + ".join(decision.keys)
    why = f": {', '.join(decision.reasons)}" if decision.reasons else ""
    if decision.action == MERGE:
        return f"merged {who} on {when}: {keys}{why}"
    if decision.action == EDIT:
        changed = ", ".join(
            f"{name} removed" if value in (None, []) else name for name, value in decision.values.items()
        )
        return f"edited {who} on {when}: {changed}"
    if decision.action == TAG:
        added = ", ".join(decision.values.get("add", [])) or "-"
        removed = ", ".join(decision.values.get("remove", [])) or "-"
        return f"tags changed {who} on {when}: added {added}; removed {removed}"
    if decision.action == SCREEN:
        if "undo" in decision.values:
            return f"screening answer {decision.values['undo']} taken back {who} on {when}"
        answer = Screening(decision.values.get("status", ""), reason=decision.values.get("reason", ""))
        note = reason_label(replace(answer, note=decision.values.get("note", ""))) or decision.values.get("note", "")
        return f"{decision.values.get('status')} {who} on {when}{f' ({note})' if note else ''}"
    if decision.action == SPLIT:
        return f"{decision.keys[0]} split off {who} on {when}, kept apart from {', '.join(decision.keys[1:])}"
    return f"{' and '.join(decision.keys)} judged different works {who} on {when}{why}"
