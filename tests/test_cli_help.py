"""Every command has help with an example of its use: one test per command, as sqlite-utils' test_docs does."""

from __future__ import annotations

import pytest
import typer.main
from conftest import run

from moviecli.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_the_commands_are_all_there() -> None:
    loading = ["load", "reparse", "load-imdb", "remove"]
    reading = ["show", "titles", "people", "filmography", "ratings", "grosses", "reviews", "search"]
    whole = ["sql", "stats", "export", "warnings", "path", "serve"]
    assert sorted([*loading, *reading, *whole, "imports", "check"]) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example: moviecli " + command in result.stdout
