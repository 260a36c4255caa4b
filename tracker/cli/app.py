"""The `mipex-tracker` command group and what every command shares.

Nothing in `tracker.cli` decides anything about the data: commands parse arguments, call
`tracker.library`, and print what comes back. A mistake a user can make becomes one line
on standard error and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from tracker.config import DB_URL_VARIABLE
from tracker.db import StoreUnavailableError
from tracker.digest.issues import DigestError
from tracker.library import Library, LibraryError
from tracker.vocab import VocabularyError


def console_for(stderr: bool = False) -> Console:
    # No markup: keys, titles and paths come from users' files ("k[/x]", "[in press]"), and
    # rich would read them as tags (or crash on them). Styles are given as Text objects.
    console = Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)
    if not console.is_terminal:  # pipes and logs: wide enough that tables never cut paths
        console.width = 160
    return console


def library_of(ctx: click.Context) -> Library:
    return ctx.obj["library"]


def pass_library(command: Callable[..., Any]) -> Callable[..., Any]:
    """A command that acts on the library the invocation names: it gets the `Library` as
    its first argument, and the mistakes a user can make become one-line messages."""
    checked = user_errors(command)

    @functools.wraps(command)
    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return checked(library_of(ctx), *args, **kwargs)

    return wrapper


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can cause into one-line messages."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (LibraryError, StoreUnavailableError, DigestError, VocabularyError) as error:
            raise click.ClickException(str(error)) from error
        except OperationalError as error:
            raise click.ClickException(f"the store cannot be used: {' '.join(str(error.orig).split())}") from error
        except SQLAlchemyError as error:
            raise click.ClickException(f"the store failed: {error.__class__.__name__}: {error}") from error

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--library",
    "library_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The library folder (holds bib/ and the store).",
)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help=f"Database URL for the store, e.g. postgresql://user@host/db (or set {DB_URL_VARIABLE}). "
    "Default: a SQLite file in the library's .tracker/ folder.",
)
@click.version_option(package_name="mipex-tracker")
@click.pass_context
def main(ctx: click.Context, library_dir: Path, db_url: str | None) -> None:
    """Keep the bibliography of research that uses MIPEX, and publish it as evidence.

    Commands act on the library in the current folder (or --library DIR); the first
    command that writes creates it there.
    """
    ctx.ensure_object(dict)
    library = Library(library_dir, db_url)
    library.on_wait = lambda message: console_for(stderr=True).print(message)
    library.on_notice = lambda message: console_for(stderr=True).print(message)
    ctx.obj["library"] = library


class StageBar:
    """A progress bar with counts for work in stages ("comparing candidate pairs 4000/9000"),
    on standard error, drawn only on a terminal and only for work worth watching."""

    def __init__(self, console: Console, smallest: int = 2000) -> None:
        self.smallest = smallest
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task: TaskID | None = None
        self.stage = ""
        self.done = 0

    def update(self, stage: str, done: int, total: int) -> None:
        if total < self.smallest and self.task is None:  # once drawn, every later stage shows
            return
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(stage, total=total)
        if stage != self.stage:
            self.stage = stage
            self.progress.reset(self.task, total=total, description=stage)
        self.done = done
        self.progress.update(self.task, completed=done)

    def advance(self, count: int) -> None:
        """One more step of the present stage (an import counts entries this way)."""
        if self.task is not None:
            self.done += count
            self.progress.update(self.task, completed=self.done)

    def close(self) -> None:
        self.progress.stop()


def read_key() -> str:
    """One key press on a terminal; from a pipe (`printf sdk | ... review`), the next
    character. '' at the end of the input."""
    try:
        if sys.stdin.isatty():
            return click.getchar().lower()
        return sys.stdin.read(1).lower()
    except (EOFError, OSError):
        return ""


def ask_key(out: Console, prompt: str, keys: set[str]) -> str:
    """Ask until one of `keys` is pressed; "q" at the end of the input."""
    while True:
        out.print(prompt, end="", markup=True)  # the prompts are the program's own text
        key = read_key()
        while key.isspace():  # a newline after a typed answer, or a stray space
            key = read_key()
        out.print(key)
        if key in keys:
            return key
        if not key:
            return "q"
        out.print(f"'{key}' is not an answer", markup=False)
