"""What a load or a reparse did: its counts and the pages that failed, each with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field


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
