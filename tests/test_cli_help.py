"""Every command has help with an example of its use: one test per command, as sqlite-utils' test_docs does."""

from __future__ import annotations

import pytest
import typer.main
from conftest import run

from moviecli.cli import FAMILIES, app, family_commands

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_the_commands_are_all_there() -> None:
    loading = ["load", "reparse", "load-imdb", "remove"]
    reading = ["show", "titles", "people", "filmography", "ratings", "grosses", "reviews", "search"]
    whole = ["sql", "stats", "export", "warnings", "path", "serve"]
    assert sorted([*loading, *reading, *whole, "imports", "check"]) == COMMANDS


def test_the_commands_are_built_as_they_are_asked_for_under_their_own_names() -> None:
    group = typer.main.get_command(app)
    # In the order --help lists them, which is the order of the families' modules and of their code.
    assert group.list_commands(None) == [  # type: ignore[attr-defined, arg-type]
        *["load", "reparse", "load-imdb", "remove"],
        *["show", "titles", "people", "filmography", "ratings", "grosses", "reviews", "search"],
        *["sql", "stats", "export", "warnings", "serve", "path"],
        *["imports", "check"],
    ]
    assert group.commands._built == {}  # type: ignore[attr-defined]  # none built to list them
    titles = group.get_command(None, "titles")  # type: ignore[attr-defined, arg-type]
    assert titles.name == "titles" and group.get_command(None, "titles") is titles  # type: ignore[attr-defined, arg-type]
    assert list(group.commands._built) == ["titles"]  # type: ignore[attr-defined]
    assert group.get_command(None, "titels") is None  # type: ignore[attr-defined, arg-type]
    assert all(command.name == name for name, command in group.commands.items())  # type: ignore[attr-defined]


def test_the_table_of_families_holds_each_module_s_commands_in_their_order() -> None:
    assert {family: tuple(family_commands(family)) for family in FAMILIES} == FAMILIES


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example: moviecli " + command in result.stdout
