"""Finding IMDb's dataset files and streaming their rows: headers checked, lines split in C, a cut-off file refused."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterator
from operator import methodcaller
from pathlib import Path
from typing import BinaryIO

from moviecli.errors import ImdbError

# The files, in the order they are applied (titles and people before what refers to them), by
# their short name for --only, with the exact header each must have.
DATASETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "names": (
        "name.basics",
        ("nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"),
    ),
    "basics": (
        "title.basics",
        (
            "tconst",
            "titleType",
            "primaryTitle",
            "originalTitle",
            "isAdult",
            "startYear",
            "endYear",
            "runtimeMinutes",
            "genres",
        ),
    ),
    "ratings": ("title.ratings", ("tconst", "averageRating", "numVotes")),
    "episode": ("title.episode", ("tconst", "parentTconst", "seasonNumber", "episodeNumber")),
    "crew": ("title.crew", ("tconst", "directors", "writers")),
    "principals": ("title.principals", ("tconst", "ordering", "nconst", "category", "job", "characters")),
    "akas": (
        "title.akas",
        ("titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"),
    ),
}


ALIASES = {"name": "names", "episodes": "episode", "rating": "ratings", "aka": "akas"}
ALIASES.update({stem: short for short, (stem, _) in DATASETS.items()})
BLOCK_BYTES = 1 << 16  # small enough for the allocator to reuse memory: 1 MB blocks cost ~20x the page faults
NULL = "\\N"


def parse_only(text: str | None) -> list[str] | None:
    """'ratings,basics' -> ['basics', 'ratings'] (apply order); None for every file. ImdbError on an unknown name."""
    if not text:
        return None
    wanted = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        name = ALIASES.get(part, part)
        if name not in DATASETS:
            raise ImdbError(f"--only: unknown file {part!r} (one of {', '.join(DATASETS)})")
        wanted.add(name)
    return [name for name in DATASETS if name in wanted]


def find_files(directory: Path, only: list[str] | None = None) -> dict[str, Path]:
    """The dataset files in `directory` (`*.tsv.gz` or `*.tsv`), by short name, in apply order.

    Without `only`, the files present (at least one); with it, exactly those (each must be there).
    """
    if not directory.is_dir():
        raise ImdbError(f"{directory}: not a directory")
    found: dict[str, Path] = {}
    for name in only or DATASETS:
        stem = DATASETS[name][0]
        candidates = [p for p in (directory / f"{stem}.tsv.gz", directory / f"{stem}.tsv") if os.path.lexists(p)]
        for candidate in candidates:
            _check_is_file(candidate)
        if len(candidates) > 1:
            raise ImdbError(f"both {candidates[0].name} and {candidates[1].name} in {directory}: remove one")
        if candidates:
            found[name] = candidates[0]
        elif only:
            raise ImdbError(f"{directory / (stem + '.tsv.gz')}: no such file (nor .tsv)")
    if not found:
        raise ImdbError(f"no IMDb dataset files (*.tsv.gz or *.tsv) in {directory}")
    return found


def _check_is_file(path: Path) -> None:
    """Something named like a dataset file that is none is an error, not a file silently left out."""
    if path.is_file():
        return
    if path.is_dir():
        raise ImdbError(f"{path}: is a directory, not a dataset file")
    if path.is_symlink():
        raise ImdbError(f"{path}: is a symbolic link that leads to no file")
    raise ImdbError(f"{path}: is not a regular file")


def open_file(path: Path) -> BinaryIO:
    """The file as bytes, gunzipped when its name ends in .gz."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # type: ignore[return-value]


def check_header(name: str, path: Path) -> None:
    """The file's first line must be exactly the known columns: a changed layout stops the run before any write."""
    expected = DATASETS[name][1]
    try:
        with open_file(path) as f:
            line = f.readline(4096)
    except (OSError, EOFError, zlib.error) as e:
        raise ImdbError(f"{path}: cannot read ({e})") from e
    header = tuple(line.decode("utf-8", "replace").rstrip("\r\n").split("\t"))
    if header != expected:
        raise ImdbError(
            f"{path}: unexpected header {' '.join(header)[:200]!r}; expected {' '.join(expected)!r}"
            " (has IMDb changed the file layout?)"
        )


class Rows:
    """The data rows of a file, streamed in blocks of lists of fields; counts the rows as it goes.

    Decoding, line splitting and tab splitting run per 64 KB block in C (no per-row Python), which
    is most of what makes the import fast. No CSV quoting: a `"` is part of the text.
    """

    def __init__(self, path: Path, fields: int, maxsplit: int = -1) -> None:
        self.path = path
        self.fields = fields
        self.maxsplit = maxsplit  # fewer splits when the last fields are not needed
        self.count = 0

    def blocks(self) -> Iterator[list[list[str]]]:
        split = methodcaller("split", "\t", self.maxsplit)
        with open_file(self.path) as f:
            f.readline()  # the header, checked before
            tail = b""
            while True:
                try:
                    block = f.read(BLOCK_BYTES)
                except (OSError, EOFError, zlib.error) as e:
                    raise ImdbError(f"{self.path}: cannot read ({e})") from e
                if not block:
                    break
                block = tail + block
                cut = block.rfind(b"\n") + 1
                tail = block[cut:]
                yield self._rows(block[:cut], split)
            if tail.strip():
                if self.path.suffix != ".gz":
                    # gzip checks its own end; a plain file has only its last newline to tell.
                    raise ImdbError(
                        f"{self.path}: the last line has no newline: the file looks cut off"
                        f" (after {self.count} rows); download it again"
                    )
                yield self._rows(tail + b"\n", split)

    def _rows(self, data: bytes, split: Callable[[str], list[str]]) -> list[list[str]]:
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ImdbError(f"{self.path}: not UTF-8 after row {self.count} ({e.reason})") from e
        lines = text.split("\n")
        lines.pop()  # after the last newline
        if "" in lines:
            lines = [line for line in lines if line]
        # Every row has fields - 1 tabs: counted over the whole block at once, row by row only
        # to name the row that has not.
        if text.count("\t") != len(lines) * (self.fields - 1):
            for number, line in enumerate(lines, start=self.count + 2):
                if line.count("\t") != self.fields - 1:
                    raise ImdbError(
                        f"{self.path}: line {number} has {line.count(chr(9)) + 1} fields, expected {self.fields}"
                    )
        self.count += len(lines)
        return list(map(split, lines))
