"""The moviecli command line: parse arguments, call one library function, print. No SQL, no parsing.

One Typer app; the commands live by family in loading.py, reading.py, catalog.py and upkeep.py, and are
all top-level commands here, each built only when it is asked for (_LazyCommands). The error edge is here:
the project's own errors, raised anywhere below a command, become one line on stderr and exit 1.

Exit codes: 0 success, 1 a failure the user should know of (a page that did not load, no such
title, no database), 2 a usage error. Data goes to stdout, messages to stderr.
"""

import sqlite3
import sys
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo

from moviecli import __version__, db, interrupt
from moviecli.cli import catalog, loading, reading, upkeep
from moviecli.cli.common import DbOption, silence_stdout
from moviecli.errors import MovieCliError


class _LazyCommands(MutableMapping[str, Any]):
    """The commands by name, in their order; typer builds a command's click parameters when it is
    first asked for. A run builds only the command it runs (~0.5 ms each, from its signature and
    annotations); --help and shell completion, which list them all, build them all."""

    def __init__(self, infos: dict[str, CommandInfo]) -> None:
        self._infos: dict[str, CommandInfo | None] = dict(infos)  # None: added built (add_command)
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            info = self._infos[name]  # KeyError: no such command
            assert info is not None
            # Built alone as typer builds it in the whole app: plain help, no completion options.
            alone = typer.Typer(rich_markup_mode=None, add_completion=False)
            alone.registered_commands.append(info)
            self._built[name] = typer.main.get_command(alone)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._infos[name] = None
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._infos[name]
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


def _command_infos() -> dict[str, CommandInfo]:
    """Every family's commands by the name typer gives them (a function's name, _ as -)."""
    return {
        info.name or info.callback.__name__.lower().replace("_", "-"): info  # type: ignore[union-attr]
        for family in (loading, reading, catalog, upkeep)
        for info in family.app.registered_commands
    }


class _Commands(TyperGroup):
    """Turns the project's own errors, raised anywhere below a command, into one line and exit 1.

    A damaged catalog is reported here too, wherever SQLite noticed it: any statement of any
    command can be the first to read a broken page of the file.

    Its commands are built as they are asked for (_LazyCommands): building all of them took ~10 ms
    of every start-up.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands(_command_infos())

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names alone: typer's own builds every command to list them

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (Exception, KeyboardInterrupt) as e:
            signum = interrupt.received()
            if signum is not None and not isinstance(e, typer.Exit):
                # Whatever the signal broke on its way (a statement, a callback), it is the cause.
                typer.echo(f"moviecli: {interrupt.describe(signum)}", err=True)
                raise typer.Exit(interrupt.exit_code(signum)) from None
            if isinstance(e, MovieCliError):
                typer.echo(f"moviecli: {e}", err=True)
                raise typer.Exit(1) from None
            if isinstance(e, sqlite3.DatabaseError) and db.is_damage(e):
                typer.echo(f"moviecli: {db.damaged(e)}", err=True)
                raise typer.Exit(1) from None
            raise


app = typer.Typer(
    cls=_Commands,
    help="A movie catalog over SQLite, loaded from saved IMDb title pages.\n\n"
    "Example: moviecli load seeds/ && moviecli show 'Leaving Las Vegas'",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion
    rich_markup_mode=None,  # plain help: rich formatting costs ~80 ms of start-up
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"moviecli {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    db_option: DbOption = None,
) -> None:
    """A movie catalog over SQLite, loaded from saved IMDb title pages.

    Example: moviecli load seeds/ && moviecli show "Leaving Las Vegas"
    """
    if db_option is not None and ctx.invoked_subcommand:
        # `moviecli --db x.db titles`: the command's own --db defaults to it (and still wins if given).
        ctx.default_map = {ctx.invoked_subcommand: {"db_option": str(db_option)}}


def main() -> None:
    """The command line, run by the `moviecli` command and `python -m moviecli` (moviecli/__main__.py,
    which installs the signal handlers first)."""
    try:
        app()
    except SystemExit:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            silence_stdout()
        raise
