"""Every command has help text and is in the README's reference (docs cannot rot)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from tracker.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _walk(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    """Every command by its full name, subcommands of groups included ("digest new")."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        found[full] = command
        if isinstance(command, click.Group):
            found.update(_walk(command, f"{full} "))
    return found


COMMANDS = _walk(main)


def _commands() -> list[str]:
    return sorted(COMMANDS)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help(name):
    command = COMMANDS[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"{name} {parameter.opts} has no help text"


@pytest.mark.parametrize("name", _commands())
def test_every_command_is_in_the_readme_reference(name):
    assert f"`mipex-tracker {name}" in README


def test_readme_names_the_two_commands():
    assert "pip install -e . && mipex-tracker" in README
    assert "python -m pytest" in README
