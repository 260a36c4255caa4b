"""Store and `bib/` are one unit: every writing command, killed (`kill -9`) or interrupted
(Ctrl-C) at each commit and each rename it makes, leaves the library as it was before the
command or as it is after it, never a mix, never a temporary file in `bib/`; the store then
agrees with a store rebuilt from `bib/`, and running the command again finishes the work.

Each run forks this test process (no interpreter start-up: ~0.2 s a run), patches the
child's `Session.commit` and `Path.replace` to count the steps it takes, and has the child
kill or interrupt itself just before step N.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from sqlmodel import Session

from tracker.library import Library

from .conftest import FIXTURES

#: The writing commands, each run on a copy of the same base library.
COMMANDS: dict[str, list[str]] = {
    "import": ["import", "extra.bib"],
    "dedupe": ["dedupe"],
    "merge": ["merge", "cycleA", "cycleB"],
    "split": ["split", "unal2019"],
    "tag": ["tag", "--all"],
    "edit": ["edit", "berg2020citizenship", "year=2021"],
    "screen": ["screen", "berg2020citizenship", "include"],
    "scores import": ["scores", "import", "scores.csv"],
    "digest new": ["digest", "new", "2026-12"],
    "digest summary": ["digest", "summary", "miller2021family", "--text", "One sentence. And two."],
    "digest publish": ["digest", "publish", "2026-11", "--allow-drafts"],
    "undo": ["undo", "6", "--yes"],  # the merge of unal2019 and unal2019-2: the store is rebuilt
}

DUPLICATE_BIB = """@article{berg2020again,
  author = {van der Berg, Jan and {Migration Policy Group}},
  title = {Citizenship and Belonging},
  journal = {Comparative Migration Studies},
  year = {2020},
  volume = {8},
  pages = {1--20},
  doi = {10.1186/s40878-020-00001-x},
}
"""

EXTRA_BIB = """@article{fresh2022,
  author = {Novak, Ana},
  title = {Integration policy and the labour market: evidence from MIPEX},
  journal = {Comparative Migration Studies},
  year = {2022},
}
"""

SCORES_CSV = "country,area,year,score,edition\nSE,health,2019,70,2020\nPT,education,2019,69,2020\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("base")
    library = Library(root)
    (root / "duplicate.bib").write_text(DUPLICATE_BIB)
    fixtures = [FIXTURES / "zotero.json", FIXTURES / "scopus-like.ris", FIXTURES / "awkward.bib"]
    library.import_files([*fixtures, root / "duplicate.bib"])
    library.merge(["unal2019", "unal2019-2"])
    library.digests.new("2026-11")
    for key in ("miller2021family", "unal2019"):
        library.digests.write_summary(key, "It compares policies. It finds effects.")
    (root / "extra.bib").write_text(EXTRA_BIB)
    (root / "scores.csv").write_text(SCORES_CSV)
    library.engine.dispose()
    return root


def _picture(root: Path) -> dict[str, object]:
    """What a user sees of a library: every study as exported, the counts, the digests,
    the scores (opening it finishes or drops an interrupted change first)."""
    library = Library(root)
    try:
        status = library.status()
        return {
            "csl": library.export("csljson"),
            "bibtex": library.export("bibtex"),
            "counts": {name: getattr(status, name) for name in ("sources", "records", "studies", "failed")},
            "screening": [(v.key, v.screening.status) for v in library.views()],
            "digests": [(i.month, i.status, [e.key for e in i.entries]) for i in library.digests.list()],
            "scores": [(s.country, s.area, s.year, s.value) for s in library.scores()],
        }
    finally:
        library.engine.dispose()


def _temporary_files(root: Path) -> list[str]:
    bib = list((root / "bib").rglob(".*"))
    staged = list((root / ".tracker" / "staging").glob("*")) if (root / ".tracker" / "staging").exists() else []
    return [str(p.relative_to(root)) for p in bib + staged]


def _run(root: Path, args: list[str], crash_at: int = 0, how: int = signal.SIGKILL) -> tuple[int, int]:
    """Run the command in a forked child that sends itself `how` just before its
    `crash_at`-th commit or rename (0: never). Returns (exit status, steps taken)."""
    steps_file = root / ".steps"
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 70
        try:
            os.chdir(root)
            steps = 0

            def counted(original):  # type: ignore[no-untyped-def]
                def step(*args, **kwargs):  # type: ignore[no-untyped-def]
                    nonlocal steps
                    steps += 1
                    if steps == crash_at:
                        os.kill(os.getpid(), how)
                    return original(*args, **kwargs)

                return step

            Session.commit = counted(Session.commit)  # type: ignore[method-assign]
            Path.replace = counted(Path.replace)  # type: ignore[method-assign]
            from tracker.cli import main

            try:
                main(["--library", str(root), *args], standalone_mode=False)
                code = 0
            except BaseException:  # Ctrl-C, or the command's own refusal
                code = 1
            steps_file.write_text(str(steps))
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    steps = int(steps_file.read_text()) if steps_file.exists() else -1
    steps_file.unlink(missing_ok=True)
    return os.waitstatus_to_exitcode(status), steps


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_writing_command_interrupted_at_any_step_leaves_store_and_bib_as_one(command, base, tmp_path):
    args = COMMANDS[command]
    before = _picture(base)
    done = tmp_path / "done"
    shutil.copytree(base, done)
    code, steps = _run(done, args)
    assert code == 0, f"{command} failed on the base library"
    after = _picture(done)
    assert after != before, f"{command} changed nothing: the test would prove nothing"
    runs = [(step, signal.SIGKILL) for step in range(1, steps + 1)] + [(steps - 1, signal.SIGINT)]
    for step, how in runs:
        where = f"{command}, {signal.Signals(how).name} before step {step} of {steps}"
        root = tmp_path / f"run-{step}-{how}"
        shutil.copytree(base, root)
        code, _ = _run(root, args, crash_at=step, how=how)
        if how == signal.SIGKILL:
            assert code == -signal.SIGKILL, f"{where}: the child was not killed"
        seen = _picture(root)
        assert seen in (before, after), f"{where}: the library is neither as before nor as after"
        assert not _temporary_files(root), f"{where}: left {_temporary_files(root)}"
        rebuilt = tmp_path / f"rebuilt-{step}-{how}"
        shutil.copytree(root / "bib", rebuilt / "bib")
        for name in ("extra.bib", "scores.csv"):
            shutil.copy(root / name, rebuilt / name)
        assert _picture(rebuilt) == seen, f"{where}: a store rebuilt from bib/ differs from the store"
        if seen == before:  # nothing was lost: the same command now does the work
            assert _run(root, args)[0] == 0, f"{where}: the command cannot be run again"
            assert _picture(root) == after, f"{where}: run again, the command did not do its work"
        shutil.rmtree(root)
        shutil.rmtree(rebuilt)
