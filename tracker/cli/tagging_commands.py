"""Commands about tags: tag studies, show a study's tags and why, change them, the vocabularies."""

from __future__ import annotations

from collections import Counter

import click
from rich.table import Table

from tracker.cli.app import StageBar, console_for, main, pass_library, user_errors
from tracker.library import Library
from tracker.models import AUTO
from tracker.vocab import FACETS, load_vocabulary


@main.command()
@click.argument("facet", required=False, type=click.Choice(FACETS))
@click.option("--cities", is_flag=True, help="Also list the cities that count for each country.")
@user_errors
def vocab(facet: str | None, cities: bool) -> None:
    """The tag vocabularies: each facet's codes, or one facet's codes with their synonyms."""
    out = console_for()
    vocabularies = {f: load_vocabulary(f) for f in ([facet] if facet else FACETS)}  # a broken file: `user_errors`
    if facet is None:
        table = Table(title="vocabularies (tracker/vocab/)", title_justify="left")
        for column in ("facet", "codes", "phrases"):
            table.add_column(column, justify="left" if column == "facet" else "right")
        for name, vocabulary in vocabularies.items():
            phrases = sum(len(t.all_phrases()) for t in vocabulary.terms.values())
            table.add_row(name, str(len(vocabulary.terms)), str(phrases))
        out.print(table)
        out.print("`mipex-tracker vocab FACET` lists a facet's codes with their synonyms", markup=False)
        return
    vocabulary = vocabularies[facet]
    out.print(f"{facet}: {len(vocabulary.terms)} codes, from {vocabulary.source}", markup=False)
    for code, term in vocabulary.terms.items():
        out.print(f"{code}  {term.label}", markup=False)
        for origin, phrases in term.phrases.items():
            if origin == "cities" and not cities:
                if phrases:
                    out.print(f"    cities: {len(phrases)} (--cities lists them)", markup=False)
                continue
            if phrases:
                out.print(f"    {origin}: {', '.join(phrases)}", markup=False)


# `-h` is not help here: click would read it inside a removal such as `-area:health`.
@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("key", required=False)
@click.argument("changes", nargs=-1, type=click.UNPROCESSED, metavar="[+facet:code|-facet:code|facet:code]...")
@click.option("--all", "everything", is_flag=True, help="Tag every study again (after a vocabulary changed).")
@pass_library
def tag(library: Library, key: str | None, changes: tuple[str, ...], everything: bool) -> None:
    """Tag the studies not tagged yet; or, with KEY, change a study's tags by hand.

    A curator's change (+area:health, -country:TR, use:explains_outcomes) wins over the
    tagger for good: re-tagging, importing, rebuilding never undoes it.
    """
    if key == "-h" and not changes:  # `-h` alone still asks for help
        click.echo(click.get_current_context().get_help())
        return
    out = console_for()
    if key is not None:
        view = library.change_tags(key, list(changes))
        for facet, codes in view.tags.items():
            shown = ", ".join(
                f"{code}{'' if origin == 'auto' else ' (curator)'}" for code, origin in sorted(codes.items())
            )
            out.print(f"{view.key} {facet}: {shown or '-'}", markup=False)
        return
    bar = StageBar(console_for(stderr=True), smallest=500)
    try:
        report = library.tag(everything=everything, progress=bar.update)
    finally:
        bar.close()
    out.print(f"tagged {report.studies} studies ({report.untouched} already tagged, left as they were)", markup=False)
    review = library.tag_review()
    unpublished = ", ".join(
        f"{count} {words}"
        for status, words in (("undecided", "not screened yet"), ("excluded", "excluded"))
        if (count := review.unpublished.get(status, 0))
    )
    # the counts are of every study tagged: say so where some will not be published as they stand
    title = "tags proposed, counted over every study"
    title += f" ({unpublished}: the site leaves them out)" if unpublished else ""
    table = Table(title=title, title_justify="left")
    table.add_column("facet")
    table.add_column("studies per code")
    for facet in FACETS:
        counts = report.codes.get(facet, Counter())
        table.add_row(facet, ", ".join(f"{code} {count}" for code, count in counts.most_common()) or "-")
    out.print(table)
    if report.low_confidence:
        asking = "answer them with `review tags` (`review tags --list` counts them by code; `--accept facet:code`"
        asking += " answers one code at once)"
        later = f"{review.awaiting_screening} of studies not screened yet wait until `screen` includes them"
        if not review.awaiting_screening:
            waiting = f"{len(review.queue)} proposals have low confidence: {asking}"
        elif review.queue:
            waiting = f"{len(review.queue)} proposals of published studies have low confidence: {asking}; {later}"
        else:
            waiting = f"{review.awaiting_screening} proposals have low confidence, all of studies not screened yet:"
            waiting += " `review tags` asks about them once `screen` includes them"
        out.print(waiting, markup=False)


@main.command()
@click.argument("key")
@click.option("--why", is_flag=True, help="Also the phrases and the rule behind each tag.")
@pass_library
def tags(library: Library, key: str, why: bool) -> None:
    """A study's tags per facet, whose they are (tagger or curator), and why."""
    view, proposals, changes = library.tag_evidence(key)
    out = console_for()
    out.print(f"{view.key}: {view.fields.get('title', '')}", markup=False)
    by_code = {(p.facet, p.code): p for p in proposals}
    for facet in FACETS:
        codes = view.tags.get(facet, {})
        if not codes:
            out.print(f"  {facet}: -", markup=False)
            continue
        for code, origin in sorted(codes.items()):
            proposal = by_code.get((facet, code))
            confidence = f", confidence {proposal.confidence:.2f}" if proposal and origin == AUTO else ""
            out.print(f"  {facet}: {code} ({'tagger' if origin == 'auto' else 'curator'}{confidence})", markup=False)
            if why and proposal and origin == AUTO:
                out.print(f"      rule: {proposal.rule}; found: {', '.join(proposal.evidence) or '-'}", markup=False)
    for facet, label in (("place", "places named"), ("other_country", "countries outside MIPEX")):
        if view.tags.get(facet):
            out.print(f"  {label}: {'; '.join(sorted(view.tags[facet]))}", markup=False)
    if why:
        for decision in changes:
            added = ", ".join(decision.values.get("add", []))
            removed = ", ".join(decision.values.get("remove", []))
            out.print(
                f"  curator on {decision.made_at[:10]}: added {added or '-'}; removed {removed or '-'}", markup=False
            )
        if not proposals:
            out.print("  (not tagged yet: run `mipex-tracker tag`)", markup=False)
