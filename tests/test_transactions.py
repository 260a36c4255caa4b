"""An import is all or nothing, even when the process is killed; writers never lose each other's work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from tracker.library import Library
from tracker.synthetic import bibtex_library

from .conftest import FIXTURES, wait_for


def _command(library_dir: Path, db_url: str | None, *args: str) -> list[str]:
    options = ["--library", str(library_dir)] + (["--db", db_url] if db_url else [])
    return [sys.executable, "-m", "tracker", *options, *args]


def _writing_started(library: Library, db_url: str | None) -> bool:
    """True once the import's transaction has begun inserting rows."""
    if db_url is None:
        wal = library.paths.store_file.with_name("library.sqlite-wal")
        return wal.exists() and wal.stat().st_size > 8_000_000  # well into the import
    with library.engine.connect() as connection:
        active = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND query ILIKE 'INSERT INTO record%' AND pid <> pg_backend_pid()"
            )
        ).scalar()
    return bool(active)


def _processes_running(argument: str) -> bool:
    """Whether any process has `argument` on its command line (Linux /proc)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if argument.encode() in cmdline.read_bytes():
                return True
        except OSError:
            continue
    return False


def test_killed_midway_the_store_is_as_before(library_dir, db_url, tmp_path):
    library = Library(library_dir, db_url)
    library.import_files([FIXTURES / "zotero.json"])
    before_status = library.status()
    before_export = library.export("bibtex")
    big = tmp_path / "big.bib"
    big.write_text(bibtex_library(30_000))
    process = subprocess.Popen(
        _command(library_dir, db_url, "import", str(big)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: _writing_started(library, db_url), timeout=120), "the import never started writing"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # the reader process (forked, same command line) notices and exits: nothing lingers
    assert wait_for(lambda: not _processes_running(str(big)), timeout=30), "a reader process outlived its parent"
    time.sleep(0.2)
    after = Library(library_dir, db_url)
    assert after.status() == before_status
    assert after.export("bibtex") == before_export
    assert after.import_files([FIXTURES / "scopus-like.ris"]).added == 2  # the store still works


def test_two_processes_importing_at_once_lose_nothing(library_dir, db_url, tmp_path):
    first, second = tmp_path / "first.bib", tmp_path / "second.bib"
    first.write_text(bibtex_library(3_000, seed=1))
    second.write_text(bibtex_library(3_000, seed=2).replace("@article{rec", "@article{other"))
    processes = [
        subprocess.Popen(
            _command(library_dir, db_url, "import", str(path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for path in (first, second)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()[-500:]
    status = Library(library_dir, db_url).status()
    assert (status.sources, status.records, status.studies) == (2, 6_000, 6_000)
    exported = Library(library_dir, db_url).export("bibtex")
    assert exported.count("@article{rec") == 3_000
    assert exported.count("@article{other") == 3_000


def test_a_command_that_must_wait_for_the_lock_says_so_at_once(cli, library, write):
    import threading

    from tracker.db import writer_lock

    assert cli("import", str(write("a.bib", "@article{a, title={A}}"))).exit_code == 0
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer_lock(library.engine, library.paths.lock_file):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    threading.Timer(1.5, release.set).start()
    started = time.perf_counter()
    result = cli("screen", "a", "include")
    holder.join()
    assert result.exit_code == 0, result.output
    assert "waiting for" in result.output and "to finish writing to this library" in result.output
    assert time.perf_counter() - started >= 1.0  # it waited, then did its work
    assert library.views(["a"])[0].screening.status == "included"
