"""Commands about tags: the vocabularies (and, next, tagging studies)."""

from __future__ import annotations

import click
from rich.table import Table

from tracker.cli.app import console_for, main, user_errors
from tracker.vocab import FACETS, VocabularyError, load_vocabulary


@main.command()
@click.argument("facet", required=False, type=click.Choice(FACETS))
@click.option("--cities", is_flag=True, help="Also list the cities that count for each country.")
@user_errors
def vocab(facet: str | None, cities: bool) -> None:
    """The tag vocabularies: each facet's codes, or one facet's codes with their synonyms."""
    out = console_for()
    try:
        vocabularies = {f: load_vocabulary(f) for f in ([facet] if facet else FACETS)}
    except VocabularyError as error:
        raise click.ClickException(str(error)) from error
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
