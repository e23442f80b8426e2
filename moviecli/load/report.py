"""What a load or a reparse did: its counts and the pages that failed, each with a reason."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from moviecli import db, runs


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class LoadReport:
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    changed_titles: list[str] = field(default_factory=list)  # reparse: titles whose record changed

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return f"{self.loaded} loaded, {self.replaced} replaced, {self.unchanged} unchanged, {self.failed} failed"

    def record(self, conn: sqlite3.Connection, run_id: int) -> None:
        """The run's counts and failures in its row of `imports`, committed."""
        with db.transaction(conn):
            runs.finish(
                conn,
                run_id,
                loaded=self.loaded,
                replaced=self.replaced,
                unchanged=self.unchanged,
                failures=[(f.path, f.reason) for f in self.failures],
            )
