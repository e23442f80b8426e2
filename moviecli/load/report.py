"""What a load or a reparse did: its counts and the pages that failed, each with a reason."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from moviecli import db, runs

# Characters that would break a message's one line or reach the terminal as a command: shown as
# Python writes them in a string literal (\n, \x1b, \u2028).
_ESCAPES = {c: repr(chr(c))[1:-1] for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}


def shown(path: str) -> str:
    """A path as one printable line, the same every time: every message of a load names files this way.

    A file name is bytes: one that is not UTF-8 comes from the OS with surrogates (PEP 383), which
    neither the terminal nor SQLite accepts, so its odd bytes are shown as \xff; a newline in a name
    would forge a second message line, so control characters are escaped.
    """
    try:
        text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate no file name can hold
        text = path.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.translate(_ESCAPES)


@dataclass
class Failure:
    """A file that did not load, and why; its path is kept as shown() spells it, for the terminal and the imports table."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        self.path = shown(self.path)


@dataclass(frozen=True)
class Duplicate:
    """A file left out because another file of the run holds the same title (load/duplicates.py); paths as shown()."""

    path: str
    kept: str
    title: str  # "Smoke, 1995"
    why: str  # "newer", or "as old, first by path"

    def message(self) -> str:
        return f"same title as {self.kept} ({self.title}); kept {self.kept} ({self.why})"


@dataclass
class LoadReport:
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)  # load: files left out for another of their title
    changed_titles: list[str] = field(default_factory=list)  # reparse: titles whose record changed

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return f"{self.loaded} loaded, {self.replaced} replaced, {self.unchanged} unchanged, {self.failed} failed"

    def record(self, conn: sqlite3.Connection, run_id: int, *, stopped: str | None = None) -> None:
        """The run's counts and failures in its row of `imports`, committed.

        A run `stopped` by a signal or a full disk has that reason as its last failure, with no path.
        """
        failures = [(f.path, f.reason) for f in self.failures] + ([("", stopped)] if stopped else [])
        with db.transaction(conn):
            runs.finish(
                conn, run_id, loaded=self.loaded, replaced=self.replaced, unchanged=self.unchanged, failures=failures
            )
