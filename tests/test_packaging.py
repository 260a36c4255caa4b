"""The package as users install it: every package listed, templates in the wheel, and a
non-editable install that builds the example site."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_of_the_tree_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    in_tree = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tracker").rglob("__init__.py")}
    data_only = {"tracker.templates.assets", "tracker.publish.styles"}  # folders of data, listed with their files
    assert listed == in_tree | {"tracker.templates"} | data_only


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the tracker installed from its wheel (not editable);
    its dependencies come from the running interpreter's site-packages."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"no wheel could be built here: {built.stderr[-300:]}")
    environment = folder / "venv"
    venv.create(environment, system_site_packages=True, with_pip=False)
    python = environment / "bin" / "python"
    wheel = next(folder.glob("*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)], check=True
    )
    return environment


def test_the_wheel_carries_the_templates_and_builds_the_example_site(installed, tmp_path):
    python = installed / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import tracker.templating as t; print(t.__file__); print(t.TEMPLATES)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.split()
    assert where[0].startswith(str(installed)), "the installed copy is the one imported"
    assert where[1].startswith(str(installed)), "templates are found inside the installed package"
    library = tmp_path / "library"
    shutil.copytree(ROOT / "bib", library / "bib")
    result = subprocess.run(
        [str(installed / "bin" / "mipex-tracker"), "--library", str(library), "build"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    home = (library / "site" / "index.html").read_text(encoding="utf-8")
    assert "MIPEX" in home
    assert (library / "site" / "assets" / "site.css").is_file()
    study = (library / "site" / "studies" / "hainmueller2015naturalization" / "index.html").read_text(encoding="utf-8")
    assert '<figcaption id="style-1">APA 7th</figcaption>' in study  # the citation styles ship in the wheel
