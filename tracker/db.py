"""Engine, schema and the writer lock, for SQLite and PostgreSQL alike.

Writers are serialised: one import (or any change) at a time per library, held across the
transaction and the rewrite of the text image, so two processes never interleave their
keys or their `bib/` files. On SQLite a file lock in the library does it; on PostgreSQL
an advisory lock does it for every client of the shared database.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine, select

from tracker.models import SCHEMA_VERSION, Meta

T = TypeVar("T")


class StoreUnavailableError(RuntimeError):
    """The database cannot be reached or opened; the message says which and why."""


def make_engine(url: str) -> Engine:
    """An engine for the URL, with SQLite set up for a safe single-file store."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()  # per-connection settings only: they take no lock
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith("sqlite"):
        return create_engine(url)
    if not url.startswith("postgresql"):
        raise StoreUnavailableError(
            f"unsupported database URL {url.partition('://')[0]}://...: use postgresql://user@host/db, "
            "or leave --db out for the SQLite file in the library"
        )
    try:
        return create_engine(url, pool_pre_ping=True)
    except ImportError as error:  # psycopg is an extra: the default install has SQLite only
        raise StoreUnavailableError(
            f"PostgreSQL support is not installed ({error.name} is missing): pip install 'mipex-tracker[postgres]'"
        ) from error


#: Values of one `IN (...)` list: below every driver's limit on bound parameters.
IN_LIST_SIZE = 2000


def in_chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    """`values` in slices small enough for one `IN (...)` list."""
    for start in range(0, len(values), IN_LIST_SIZE):
        yield values[start : start + IN_LIST_SIZE]


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def in_code_point_order(column: Any, dialect_name: str) -> Any:
    """The column compared by code point, as Python sorts strings, on every database:
    PostgreSQL would otherwise sort keys by its locale and the text image would differ."""
    return column.collate("C") if dialect_name == "postgresql" else column


def store_state(engine: Engine) -> str:
    """`missing` (no tables), `old` (an older schema) or `current`."""
    try:
        tables = set(inspect(engine).get_table_names())
    except OperationalError as error:
        url = engine.url.render_as_string(hide_password=True)
        reason = " ".join(str(error.orig).split())
        raise StoreUnavailableError(f"cannot open the store at {url}: {reason}") from error
    if "meta" not in tables:
        return "missing" if not tables & {"record", "study", "source"} else "old"
    with Session(engine) as session:
        row = session.exec(select(Meta).where(Meta.name == "schema_version")).first()
    if row is None or int(row.value) < SCHEMA_VERSION:
        return "old"
    return "current"


def create_schema(engine: Engine, *, drop_first: bool = False) -> None:
    """Create every table (dropping the old ones first when the schema changed)."""
    if drop_first:
        SQLModel.metadata.drop_all(engine)
        with engine.begin() as connection:  # tables of an older schema may have other names
            for name in inspect(connection).get_table_names():
                connection.execute(
                    text(
                        f'DROP TABLE IF EXISTS "{name}" CASCADE'
                        if is_postgres(engine)
                        else f'DROP TABLE IF EXISTS "{name}"'
                    )
                )
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:  # WAL is kept in the file: set once, under the writer lock
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.merge(Meta(name="schema_version", value=str(SCHEMA_VERSION)))
        session.commit()


#: Who tells the user that a command waits for another one's lock (the CLI sets one).
WaitNotice = Callable[[str], None]


def _holder(lock_file: Path) -> str:
    """What the command holding the lock wrote about itself."""
    try:
        return lock_file.read_text(encoding="utf-8").strip() or "another mipex-tracker command"
    except OSError:
        return "another mipex-tracker command"


@contextmanager
def writer_lock(engine: Engine, lock_file: Path, on_wait: WaitNotice | None = None) -> Iterator[None]:
    """Hold the library's write lock (file lock, plus an advisory lock on PostgreSQL). A
    command that must wait says at once for whom (`on_wait`), then waits."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"waiting for {_holder(lock_file)} to finish writing to this library ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"`{' '.join(sys.argv[1:3]) or 'a command'}` (process {os.getpid()}, since {time.strftime('%H:%M:%S')})"
        )
        handle.flush()
        try:
            if is_postgres(engine):
                lock_id = zlib.crc32(b"mipex-tracker-writer")
                with engine.connect() as connection:
                    got = connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": lock_id}).scalar()
                    if not got:
                        if on_wait:
                            on_wait("waiting for a colleague's command writing to the shared store to finish ...")
                        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
                    connection.commit()
                    try:
                        yield
                    finally:
                        connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
                        connection.commit()
            else:
                yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
