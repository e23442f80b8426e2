"""Directors, writers and stars lines: inline labels, colons in credits, notes, and incomplete lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import shown_page

from moviecli.models import Writer
from moviecli.parse import parse_page
from moviecli.parse.credits import credited, has_writing_credit, names, parse_credits, split_more, split_top, writers
from moviecli.parse.header import header_end, parse_header
from moviecli.parse.lines import page_lines

PAGES = Path(__file__).parent / "fixtures" / "pages"


def shown(tmp_path: Path, page: str, title: str) -> dict[str, Any]:
    return shown_page(tmp_path, PAGES / page, title)


def test_inline_labels_and_a_colon_inside_a_credit_through_the_cli(tmp_path: Path) -> None:
    r = shown(tmp_path, "b_inline_credit_labels.txt", "The Glass Orchard")
    # The label's colon splits the line; the credit's own colon stays in the credit.
    assert r["directors"] == ["Wren Halloway", "Osric Penn"]
    assert r["writers"] == [
        {"name": "Tamsin Vale", "credit": "adapted by: English version"},
        {"name": "Wren Halloway", "credit": "screenplay"},
    ]
    assert r["stars"] == ["Ottilie March", "Bede Farrant", "Suki Amano"]
    assert (
        r["summary"]
        == "A glassblower's apprentice finds that the orchard behind the workshop grows whatever she breaks."
    )
    assert r["warnings"] == []


def test_inline_labels_fill_the_private_notes_and_counts() -> None:
    # Not in the record yet: the parser keeps them for the fields the record will gain.
    lines = page_lines((PAGES / "b_inline_credit_labels.txt").read_text(encoding="utf-8"))
    found = parse_credits(lines, parse_header(lines, header_end(lines)))
    assert found.director_notes == [None, "uncredited"]
    assert (found.writers_more, found.directors_more) == (3, None)


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Neil Gaiman (adapted by: English version)", [Writer("Neil Gaiman", "adapted by: English version")]),
        (
            "Neil Gaiman (adapted by: English version), Hayao Miyazaki (screenplay)",
            [Writer("Neil Gaiman", "adapted by: English version"), Writer("Hayao Miyazaki", "screenplay")],
        ),
        ("Ann Lee (story, characters), Bo Park", [Writer("Ann Lee", "story, characters"), Writer("Bo Park")]),
        ("Ann Lee (novel) (as A. Lee)", [Writer("Ann Lee", "novel; as A. Lee")]),
    ],
)
def test_writers_keep_their_credit_whole(line: str, want: list[Writer]) -> None:
    assert writers(line) == want


def test_an_unlabeled_writers_line_with_a_colon_is_still_the_writers_line() -> None:
    page = (
        "The Quiet Wire (2011)\n\nA linesman hears voices on a dead telephone line.\n\n\n"
        "Ilse Brandt\n\n\nTamsin Vale (adapted by: English version), Ilse Brandt (screenplay by)\n"
    )
    t = parse_page(page)
    assert t.directors == ["Ilse Brandt"]
    assert t.writers == [Writer("Tamsin Vale", "adapted by: English version"), Writer("Ilse Brandt", "screenplay by")]


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Wayne Wang, Paul Auster (uncredited)", [("Wayne Wang", None), ("Paul Auster", "uncredited")]),
        ("Paul Auster (uncredited), Wayne Wang", [("Paul Auster", "uncredited"), ("Wayne Wang", None)]),
        (
            "Wayne Wang (co-director, uncredited), Paul Auster",
            [("Wayne Wang", "co-director, uncredited"), ("Paul Auster", None)],
        ),
        (
            "Wayne Wang, Paul Auster (uncredited) | 1 more credit »",
            [("Wayne Wang", None), ("Paul Auster", "uncredited")],
        ),
        # A parenthesis never closed: its text is no part of the name, and the names after it are kept.
        ("Wayne Wang (uncredited, Paul Auster", [("Wayne Wang", None), ("Paul Auster", None)]),
    ],
)
def test_a_directors_note_is_never_in_the_name_and_no_name_is_dropped(
    line: str, want: list[tuple[str, str | None]]
) -> None:
    assert credited(line) == want
    assert names(line) == [name for name, _ in want]


def test_directors_with_a_note_on_a_stripped_page() -> None:
    page = (
        "Blue Smoke Room (1995)\n\nA cigar shop keeps a neighbourhood's stories.\n\n\n"
        "Wayne Wang, Paul Auster (uncredited)\n\n\nPaul Auster (screenplay by)\n\n\n"
        "Ruth Sale, Ode Kim | See full cast & crew »\n"
    )
    t = parse_page(page)
    assert t.directors == ["Wayne Wang", "Paul Auster"]
    assert t.writers == [Writer("Paul Auster", "screenplay by")]
    assert t.stars == ["Ruth Sale", "Ode Kim"]


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Ann Lee (screenplay by) | 5 more credits »", ("Ann Lee (screenplay by)", 5)),
        ("Ann Lee (screenplay by) | 5 more credits\u00a0»", ("Ann Lee (screenplay by)", 5)),
        ("Ann Lee | 1 more credit »", ("Ann Lee", 1)),
        ("Ann Lee 12 more credits", ("Ann Lee", 12)),
        ("Ann Lee |\u1680 5 more credits \u1680»\u1680", ("Ann Lee", 5)),
        ("Ann Lee", ("Ann Lee", None)),
        ("Ann Lee | more credits »", ("Ann Lee | more credits »", None)),
    ],
)
def test_split_more(line: str, want: tuple[str, int | None]) -> None:
    assert split_more(line) == want


@pytest.mark.parametrize(
    "line",
    [
        "Ann Lee (screenplay by), Bo Park (novel) | 5 more credits »",
        "Ann Lee (screenplay by), Bo Park (novel) | 5 more credits",
        "Ann Lee (screenplay by), Bo Park (novel) 1 more credit »",
        "Ann Lee (screenplay by), Bo Park (novel) |\u1680\u16805 more credits\u1680»",
        "Ann Lee (screenplay by), Bo Park (novel) | See full cast & crew »",
        "Ann Lee (screenplay by), Bo Park (novel) | See full cast and crew",
        "Ann Lee (screenplay by), Bo Park (novel) | SEE FULL CAST & CREW\u1680»",
    ],
)
def test_incomplete_list_links_never_become_a_name(line: str) -> None:
    assert writers(line) == [Writer("Ann Lee", "screenplay by"), Writer("Bo Park", "novel")]


def test_a_stripped_stars_line_is_found_by_its_link_and_the_link_is_no_star() -> None:
    page = (
        "Low Tide Radio (2009)\n\nA pirate station broadcasts from a sandbar.\n\n\n"
        "Ines Moor\n\n\nInes Moor (written by) | 2 more credits »\n\n\n"
        "Kit Dane, Ro Lamb |\u1680See full cast and crew\u1680»\n"
    )
    t = parse_page(page)
    assert (t.directors, t.writers) == (["Ines Moor"], [Writer("Ines Moor", "written by")])
    assert t.stars == ["Kit Dane", "Ro Lamb"]


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("John O'Brien (based upon the novel by), Mike Figgis (screenplay by)", True),
        ("Ann Lee (Screenplay)", True),
        ("Ann Lee (characters)", True),
        ("Wayne Wang, Paul Auster (uncredited)", False),
        ("Ann Lee (co-director)", False),
        ("John ), (By" + ", By" * 20, False),  # `by` in a parenthesis never closed is no credit
        ("Ann Lee", False),
    ],
)
def test_has_writing_credit(line: str, want: bool) -> None:
    assert has_writing_credit(line) is want


def test_split_top_keeps_commas_inside_a_parenthesis() -> None:
    assert split_top("A (x, y), B, C (z)") == ["A (x, y)", "B", "C (z)"]
    assert split_top("A (x, B, C") == ["A (x", "B", "C"]
