"""What one load-imdb run did, per file and in all."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileCounts:
    """What one run did with one file: rows read, catalog rows inserted/updated/deleted, rows skipped."""

    dataset: str
    path: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    seconds: float = 0.0


@dataclass
class ImdbReport:
    files: list[FileCounts] = field(default_factory=list)
    merged_titles: int = 0
    merged_people: int = 0
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def summary(self) -> str:
        return (
            f"{len(self.files)} files, {self.total('read')} rows read: {self.total('inserted')} inserted,"
            f" {self.total('updated')} updated, {self.total('deleted')} deleted, {self.total('skipped')} skipped;"
            f" {self.merged_titles} page titles merged; {self.seconds:.1f} s"
        )
