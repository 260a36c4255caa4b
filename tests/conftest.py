"""Shared fixtures: a library folder, its store on SQLite and on PostgreSQL, the CLI.

Every test that takes `library` or `cli` runs twice: on the SQLite file and on a real
PostgreSQL server that this session starts itself (Debian's PostgreSQL 15: initdb and
pg_ctl in a temporary folder). Set MIPEX_TEST_POSTGRES_URL to use a server of your own.
Where no server can be started, the PostgreSQL runs skip and say why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from tracker.cli import main
from tracker.library import Library

# Property tests: 300 examples each by default; HYPOTHESIS_PROFILE=thorough for 5,000.
settings.register_profile("default", max_examples=300)
settings.register_profile("thorough", max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "data" / "bib-corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


class _PrivateCluster:
    """A throw-away PostgreSQL cluster: trust auth, loopback only, its own port."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="mipex-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> str:
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        done = self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()[-300:]}")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        done = self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()[-300:]}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_base_url() -> Iterator[str]:
    """`postgresql+psycopg://user@host:port` of a running server, or a skip with the reason."""
    explicit = os.environ.get("MIPEX_TEST_POSTGRES_URL")
    if explicit:
        yield explicit.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0]
        return
    bindir = _postgres_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb): apt-get install postgresql")
    cluster = _PrivateCluster(bindir)
    try:
        url = cluster.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        cluster.stop()
        pytest.skip(f"a PostgreSQL server could not be started here: {error}")
    try:
        yield url
    finally:
        cluster.stop()


def _admin(base_url: str, statement: str) -> None:
    import psycopg

    plain = base_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for the default SQLite store; a fresh PostgreSQL database URL otherwise."""
    if request.param == "sqlite":
        yield None
        return
    base = request.getfixturevalue("postgres_base_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    _admin(base, f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        _admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


@pytest.fixture
def library(library_dir: Path, db_url: str | None) -> Library:
    return Library(library_dir, db_url)


@dataclass
class Cli:
    """Runs `mipex-tracker` on one library, as a user would type it."""

    library_dir: Path
    db_url: str | None

    def __call__(self, *args: str, input: str | None = None) -> Result:
        options = ["--library", str(self.library_dir)]
        if self.db_url:
            options += ["--db", self.db_url]
        return CliRunner().invoke(main, [*options, *args], input=input, catch_exceptions=True)


@pytest.fixture
def cli(library_dir: Path, db_url: str | None) -> Cli:
    return Cli(library_dir, db_url)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write(name, text or bytes) -> path of a new input file in the test's folder."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / "inbox" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


def drop_store(library_dir: Path, db_url: str | None) -> None:
    """Throw the store away (the SQLite file, or every table on PostgreSQL), as a user who
    deletes `.tracker/` does: the next command rebuilds it from `bib/`."""
    if db_url is None:
        shutil.rmtree(library_dir / ".tracker")
    else:
        from sqlmodel import SQLModel

        SQLModel.metadata.drop_all(Library(library_dir, db_url).engine)


def wait_for(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def include_all(library: Library) -> None:
    """The curator's screening step for a test library of studies that use MIPEX (only
    included studies are published and proposed for the digest): include every study not
    included yet."""
    for view in library.views():
        if view.screening.status != "included":
            library.screen(view.key, "include")
