"""Commands that bring files in and show what the library holds: import, status, show,
failures, export."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.cli.app import StageBar, console_for, main, pass_library
from tracker.cli.review_view import describe_decision
from tracker.export import DATAMODEL, FLAVOURS, WRITERS
from tracker.ingest import READERS
from tracker.library import Library
from tracker.publish.serve import preview_server
from tracker.screening import SCREEN, STATUSES, UNDECIDED
from tracker.screening.vocabulary import reason_label
from tracker.store.decisions import DIFFERENT, EDIT, MERGE, SPLIT, TAG
from tracker.store.files import write_atomically
from tracker.store.finder import Criteria
from tracker.store.records import FileReport

#: How many warning lines an import prints before pointing at `show`/`failures`.
MAX_WARNING_LINES = 20


def _storing_bar(console: Console, total: int) -> StageBar:
    """The import's bar: one stage, "storing entries", drawn from 500 entries on."""
    bar = StageBar(console, smallest=500)
    bar.update("storing entries", 0, total)
    return bar


def _summary_table(reports: list[FileReport]) -> Table:
    table = Table(title="import summary", title_justify="left")
    for column in ("file", "format", "encoding", "entries", "added", "unchanged", "failed", "warnings"):
        table.add_column(
            column,
            justify="left" if column in ("file", "format", "encoding") else "right",
            overflow="fold",
        )
    for report in reports:
        if report.error:
            continue
        encoding = report.encoding + (" (guessed)" if report.encoding_guessed else "")
        table.add_row(
            report.path,
            report.format,
            encoding,
            str(report.entries),
            str(report.added),
            str(report.unchanged),
            str(len(report.failed)),
            str(len(report.warnings)),
        )
    return table


def _print_report_lines(reports: list[FileReport], out: Console, err: Console) -> None:
    warning_lines = 0
    for report in reports:
        if report.error:
            err.print(f"error: {report.path}: {report.error}", markup=False)
            continue
        if report.already_imported_as is not None:
            out.print(
                f"{report.path}: already imported (as {report.already_imported_as}, read as {report.format}): "
                "nothing added (to read it another way: import it again with --format or --encoding)",
                markup=False,
            )
        elif report.replaced_format:
            out.print(
                f"{report.path}: the earlier import of this file, read as {report.replaced_format}, is withdrawn: "
                "this one replaces it (`mipex-tracker history`)",
                markup=False,
            )
        elif report.entries and report.unchanged == report.entries:
            out.print(f"{report.path}: every entry is already in the library: nothing added", markup=False)
        if report.encoding_guessed:
            out.print(
                f"{report.path}: encoding guessed as {report.encoding}; if the text looks wrong, "
                "import again with --encoding",
                markup=False,
            )
        for line, reason in report.failed:
            err.print(f"{report.path}:{line}: {reason}", markup=False)
        for line, title, key in report.attached:
            out.print(f"{report.path}:{line}: abstract attached to {key} ({title[:60]})", markup=False)
        for line, title, key in report.abstracts_unmatched:
            out.print(
                f"{report.path}:{line}: no record titled like this abstract: stored as new study {key} ({title[:60]})",
                markup=False,
            )
        for line, message in report.warnings:
            warning_lines += 1
            if warning_lines <= MAX_WARNING_LINES:
                err.print(f"{report.path}:{line}: warning: {message}", markup=False)
    if warning_lines > MAX_WARNING_LINES:
        err.print(f"... and {warning_lines - MAX_WARNING_LINES} more warnings (see `mipex-tracker show KEY`)")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(READERS)),
    help="Read every file as this format (default: recognise each).",
)
@click.option("--encoding", help="Decode the files with this encoding (default: detect; e.g. gbk, latin-1).")
@pass_library
def import_command(library: Library, files: tuple[Path, ...], fmt: str | None, encoding: str | None) -> None:
    """Import BibTeX, RIS, CSL-JSON files and pasted abstracts into the library.

    One command is one transaction. Entries that cannot be read are kept as failed
    records and listed as FILE:LINE: reason; re-importing a file adds nothing.
    """
    out, err = console_for(), console_for(stderr=True)
    result = library.import_files(list(files), fmt, encoding, lambda total: _storing_bar(err, total))
    stored = [r for r in result.files if not r.error]
    if stored:
        out.print(_summary_table(stored))
    _print_report_lines(result.files, out, err)
    nothing_from_a_file = [r for r in stored if r.failed and not r.added]
    if result.rejected or nothing_from_a_file:
        sys.exit(1)


@main.command()
@pass_library
def status(library: Library) -> None:
    """Counts: sources, records, studies, failed entries."""
    found = library.status()
    table = Table(title=f"library {found.root}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("sources (imported files)", str(found.sources))
    table.add_row("records (entries read)", str(found.records))
    table.add_row("  of which pasted abstracts", str(found.abstracts))
    table.add_row("  of which failed", str(found.failed))
    table.add_row("studies", str(found.studies))
    for status in STATUSES:
        table.add_row(f"  {status}", str(found.screening.get(status, 0)))
    table.add_row("warnings", str(found.warnings))
    out = console_for()
    out.print(table)
    out.print(f"store: {found.store}", markup=False)
    if found.failed:
        out.print(f"{found.failed} entries could not be read: see `mipex-tracker failures`", markup=False)
    if found.screening.get(UNDECIDED):
        out.print(
            f"{found.screening[UNDECIDED]} studies wait for screening (only included ones are published): "
            "`mipex-tracker screen`",
            markup=False,
        )


@main.command()
@click.argument("key")
@pass_library
def show(library: Library, key: str) -> None:
    """One study: its fields, its records, and where each came from."""
    view, provenance = library.show(key)
    out = console_for()
    out.print(Text.assemble((view.key, "bold"), f" ({view.entry_type})"))
    if view.aliases:
        out.print(f"  also known as: {', '.join(view.aliases)}", markup=False)
    if view.authors:
        out.print(f"  author: {'; '.join(n.sort_form() for n in view.authors)}", markup=False)
    if view.editors:
        out.print(f"  editor: {'; '.join(n.sort_form() for n in view.editors)}", markup=False)
    for name, value in view.fields.items():
        text = ", ".join(value) if isinstance(value, list) else str(value)
        source = view.field_sources.get(name, "")
        origin = f"  [from {source}]" if source and len(provenance) > 1 else ""
        out.print(f"  {name}: {text}{origin}", markup=False)
    out.print("records:")
    for item in provenance:
        label = item.key or "(pasted abstract)"
        out.print(f"  {label}: {item.path}:{item.line} ({item.kind}, imported {item.imported_at})", markup=False)
        for message in item.warnings:
            out.print(f"    warning: {message}", markup=False)
    for record_key, label in view.early_versions:
        out.print(
            f"  {record_key} is an early version ({label}); the fields above prefer the published one", markup=False
        )
    decisions, pending = library.grouping_history(key)
    screening = view.screening
    why = reason_label(screening) or ", ".join(screening.evidence) or screening.note
    by = {"auto": " on evidence", "curator": " by a curator"}.get(screening.origin, "")
    out.print(f"screening: {screening.status}{by}{f' ({why})' if why else ''}", markup=False)
    sections = (
        ("why these records are one study:", (MERGE, DIFFERENT, SPLIT)),
        ("curator edits:", (EDIT,)),
        ("curator tag changes:", (TAG,)),
        ("screening answers:", (SCREEN,)),
    )
    for heading, actions in sections:
        chosen = [d for d in decisions if d.action in actions]
        if chosen:
            out.print(heading)
        for decision in chosen:
            out.print(f"  {describe_decision(decision)}", markup=False)
    for pair in pending:
        out.print(
            f"  waiting for review: {pair.key_a} ~ {pair.key_b} (score {pair.score:.0f}: {', '.join(pair.reasons)})",
            markup=False,
        )


@main.command()
@click.option("--raw", is_flag=True, help="Also print each failed entry's text.")
@pass_library
def failures(library: Library, raw: bool) -> None:
    """Entries that could not be read, as FILE:LINE: reason (they are kept, with their text)."""
    found = library.failures()
    out = console_for()
    if not found:
        out.print("no failed entries")
        return
    for failure in found:
        key = f" [{failure.key}]" if failure.key else ""
        out.print(f"{failure.path}:{failure.line}:{key} {failure.error}", markup=False)
        if raw:
            out.print(failure.raw, markup=False)
            out.print("")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(sorted(WRITERS)), default="bibtex", show_default=True, help="Output format."
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (default: standard output)."
)
@click.option(
    "--flavour",
    type=click.Choice(FLAVOURS),
    default="biblatex",
    show_default=True,
    help="BibTeX for biber and biblatex, or for classic BibTeX (plain, natbib: @techreport, @phdthesis, month macros).",
)
@click.option("--key", "keys", multiple=True, help="Only this study (repeatable; a record's key finds its study).")
@click.option("--year", "years", multiple=True, help="Only studies of this year (repeatable).")
@pass_library
def export(
    library: Library, *, fmt: str, output: Path | None, flavour: str, keys: tuple[str, ...], years: tuple[str, ...]
) -> None:
    """Export the library (or the chosen studies) as BibTeX, RIS, CSL-JSON or CSV.

    BibTeX for biblatex written to a file comes with mipex.dbx beside it, which declares
    the tracker's own fields to biber (\\usepackage[backend=biber,datamodel=mipex]{biblatex}).
    """
    text = library.export(fmt, list(keys), list(years), flavour=flavour)  # type: ignore[arg-type]
    if output is not None and not output.parent.is_dir():
        raise click.ClickException(f"{output.parent}: no such folder (create it first, or name another file)")
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomically(output, text.encode())
    said = console_for(stderr=True)
    said.print(f"wrote {output}", markup=False)
    if fmt == "bibtex" and flavour == "biblatex":
        datamodel = output.with_name(DATAMODEL.name)
        write_atomically(datamodel, DATAMODEL.read_bytes())
        said.print(
            f"wrote {datamodel}: biber reads the tracker's fields with "
            "\\usepackage[backend=biber,datamodel=mipex]{biblatex}",
            markup=False,
        )


@main.command()
@click.argument("key")
@click.argument("changes", nargs=-1, metavar="FIELD=VALUE...")
@click.option("--remove", "removed", multiple=True, metavar="FIELD", help="Remove this field (repeatable).")
@click.option("--new-field", is_flag=True, help="Allow a field name neither the study nor BibTeX/biblatex knows.")
@pass_library
def edit(library: Library, key: str, changes: tuple[str, ...], removed: tuple[str, ...], new_field: bool) -> None:
    """Set a study's fields by hand; a curator's value stands above its records for good.

    FIELD=VALUE sets a field (author="Family, Given and Family, Given"; keywords="a; b";
    entrytype=report); --remove FIELD takes one away.
    """
    values: dict[str, str | None] = {}
    for change in changes:
        name, sep, value = change.partition("=")
        if not sep:
            raise click.UsageError(f"{change!r}: write FIELD=VALUE")
        values[name] = value
    values.update((name, None) for name in removed)
    view = library.edit(key, values, new_fields=new_field)
    console_for().print(f"{view.key}: {', '.join(values)} set by a curator", markup=False)


@main.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Build into DIR (default: site/ in the library).",
)
@click.option(
    "--base-url", metavar="URL", help="Where the site will live (https://...): adds sitemap.xml, absolute feed links."
)
@pass_library
def build(library: Library, out: Path | None, base_url: str | None) -> None:
    """Build the static website: study, country and area pages with the MIPEX scores, the
    evidence map, downloads and feeds."""
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise click.UsageError(f"--base-url {base_url!r}: give an http(s) address")
    bar = StageBar(console_for(stderr=True), smallest=500)
    try:
        report = library.build(out, base_url, progress=bar.update)
    finally:
        bar.close()
    out_console = console_for()
    out_console.print(
        f"built {report.pages} pages: {report.written} files written, {report.unchanged} unchanged, "
        f"{report.removed} removed",
        markup=False,
    )
    out_console.print(report.search, markup=False)
    if not report.base_url:
        out_console.print(
            "feeds link relative to themselves and no sitemap.xml was written: give the site's address with "
            'base_url = "https://..." in bib/site.toml (or --base-url) for absolute links and a sitemap',
            markup=False,
        )
    for warning in report.warnings:
        console_for(stderr=True).print(f"warning: {warning}", markup=False)


@main.command()
@click.option("--port", default=8000, show_default=True, help="The port on localhost.")
@click.option(
    "--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="The built site (default: site/)."
)
@pass_library
def serve(library: Library, port: int, directory: Path | None) -> None:
    """Preview the built site on http://127.0.0.1:PORT/ (Ctrl-C stops it)."""
    folder = directory or library.paths.root / "site"
    if not (folder / "index.html").exists():
        raise click.ClickException(f"no site in {folder}: run `mipex-tracker build` first")
    try:
        server = preview_server(folder, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on port {port}: {error.strerror}") from error
    console_for().print(
        f"serving {folder} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", markup=False
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command("list")
@click.argument("words", nargs=-1)
@click.option("--year", "years", multiple=True, help="Only studies of this year (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only studies with this tag, as facet:code (repeatable).")
@click.option("--status", type=click.Choice(STATUSES), help="Only studies with this screening status.")
@click.option("--limit", type=int, default=50, show_default=True, help="Print at most this many (0: all).")
@pass_library
def list_studies(
    library: Library,
    *,
    words: tuple[str, ...],
    years: tuple[str, ...],
    tags: tuple[str, ...],
    status: str | None,
    limit: int,
) -> None:
    """Find studies by words (title, authors, keywords, abstract, venue), year, tag and
    screening status: one line each, key first (for `show`, `edit`, `screen`...)."""
    found = library.find(Criteria(words, years, tags, status))
    out = console_for()
    shown = found if limit <= 0 else found[:limit]
    for view in shown:
        year = str(view.fields.get("year", "")) or "n.d."
        title = " ".join(str(view.fields.get("title", "(no title)")).split())
        out.print(f"{view.key}  {year}  [{view.screening.status}]  {title}", markup=False)
    more = f" (the first {len(shown)} shown: --limit 0 for all)" if len(shown) < len(found) else ""
    out.print(f"{len(found)} {'study' if len(found) == 1 else 'studies'}{more}", markup=False)
