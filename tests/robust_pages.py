"""Invented title pages made from one template, for the tests that need many of them.

Each page number gives a different film (title, year, cast size, genres, runtime), and `version`
changes its rating, summary and cast, so a second version of a page replaces the first.
"""

from __future__ import annotations

from pathlib import Path

GENRES = ("Drama", "Comedy", "Mystery", "Western", "Romance", "Thriller")
FIRST = ("Ada", "Bruno", "Clara", "Dmitri", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas")
LAST = ("Holm", "Vance", "Okafor", "Reyes", "Lindqvist", "Marsh", "Quist", "Sato", "Brandt", "Nilsen")


def person(n: int) -> str:
    return f"{FIRST[n % 10]} {LAST[(n // 10) % 10]}"


def page_title(i: int) -> str:
    return f"Lantern Case No. {i}"


def page_year(i: int) -> int:
    return 1950 + i % 70


def make_page(i: int, version: int = 1) -> str:
    """The text of page `i` (version 1 or 2)."""
    cast_size = 2 + i % 5 + (version - 1)
    cast = "\n".join(f"{person(i + k)} ... Character {k} of case {i}" for k in range(cast_size))
    trivia = f"Case {i} was shot in {3 + i % 20} days."
    genres = " | ".join(GENRES[(i + k) % len(GENRES)] for k in range(1 + i % 3))
    rating = f"{5 + (i % 40) / 10 + (version - 1) / 10:.1f}"
    return f"""Ratings: {rating}/10 from {1000 + i:,} users
{10 + i} user {i % 30} critic

{page_title(i)}\u00a0({page_year(i)})

R | 1h {10 + i % 50}min | {genres.replace(" | ", ", ")} | 3 April {page_year(i)} (UK)
In version {version} of the story, detective {i} follows a lantern across the harbour town.


Director:
{person(i * 7)}

Writers:
{person(i * 3)} (screenplay by), {person(i * 5)} (novel)

Cast overview, first billed only:
{cast}


A detective in a harbour town investigates case {i}, a lantern that keeps appearing on the pier. Written by Case Writer <cases@example.org>

Plot Summary | Plot Synopsis

Genres:
{genres}

Did You Know?

Trivia
{trivia}

Country:
UK

Language:
English

Box Office

Budget:
${(i + 1) * 1000:,} (estimated)

Technical Specs

Sound Mix:
Dolby
"""


def write_pages(folder: Path, numbers: range | list[int], version: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in numbers:
        path = folder / f"case-{i:05d}.txt"
        path.write_text(make_page(i, version), encoding="utf-8")
        paths.append(path)
    return paths
