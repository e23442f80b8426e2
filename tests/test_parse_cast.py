"""Cast rows: a row with notes but no character, and whether the page listed the whole cast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import shown_page

from moviecli.models import CastMember
from moviecli.parse.cast import cast_is_partial, find_cast, parse_cast, read_row, split_notes
from moviecli.parse.lines import page_lines

PAGES = Path(__file__).parent / "fixtures" / "pages"


def shown(tmp_path: Path, page: str, title: str) -> dict[str, Any]:
    return shown_page(tmp_path, PAGES / page, title)


def test_rows_whose_only_character_is_an_episode_note_through_the_cli(tmp_path: Path) -> None:
    r = shown(tmp_path, "b_series_episode_notes.txt", "The Tidewater Line")
    assert r["kind"] == "tv_series"
    assert r["cast"] == [
        {"name": "Maria Darling", "character": None, "note": "19 episodes, 2007-2009"},
        {"name": "Ewan Tolley", "character": "Captain Roe", "note": "19 episodes, 2007-2009"},
        {"name": "Priya Sethi", "character": None, "note": "uncredited; 4 episodes, 2008"},
        {"name": "Jory Bell", "character": "Young Tam / ...", "note": "12 episodes, 2007-2008"},
    ]


@pytest.mark.parametrize(
    ("row", "want"),
    [
        # The doubled name (photo alt text, then link), then the note: no ` ... `, no character.
        (
            "Maria Darling Maria Darling (19 episodes, 2007-2009)",
            CastMember("Maria Darling", None, "19 episodes, 2007-2009"),
        ),
        ("Maria Darling (19 episodes, 2007-2009)", CastMember("Maria Darling", None, "19 episodes, 2007-2009")),
        ("Bo Lind Bo Lind (voice) (3 episodes, 2001)", CastMember("Bo Lind", None, "voice; 3 episodes, 2001")),
        ("Bo Lind", CastMember("Bo Lind")),
        ("Bo Lind Bo Lind ...", CastMember("Bo Lind")),
        ("Bo Lind ... (uncredited)", CastMember("Bo Lind", None, "uncredited")),
        ("Kim Adams Kim Adams ... Sheila", CastMember("Kim Adams", "Sheila")),
        (
            "Albert Henderson ... Man at Strip Bar (as Al Henderson)",
            CastMember("Albert Henderson", "Man at Strip Bar", "as Al Henderson"),
        ),
        # A parenthesis inside the character that does not end it stays in the character.
        ("Ann Ray ... Jo (the elder) Smith", CastMember("Ann Ray", "Jo (the elder) Smith")),
        # A row not cleaned yet (a block reader called on raw text) reads as its clean form does;
        # a name is doubled only word for word.
        ("Kim\u1680Adams  Kim\vAdams ... Sheila\u3000 (voice)", CastMember("Kim Adams", "Sheila", "voice")),
        ("Kim Adams Kim Adam ... Sheila", CastMember("Kim Adams Kim Adam", "Sheila")),
        ("Kim Adams  Kim Adams", CastMember("Kim Adams")),
        ("Bo Bo", CastMember("Bo")),
    ],
)
def test_read_row(row: str, want: CastMember) -> None:
    assert read_row(row) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Nurse (voice) (as B. Lind)", ("Nurse", ["voice", "as B. Lind"])),
        ("Nurse", ("Nurse", [])),
        ("Nurse (voice", ("Nurse (voice", [])),
        ("Nurse (a (b))", ("Nurse (a (b))", [])),
        ("(voice)", ("", ["voice"])),
        ("Nurse\u1680(voice)", ("Nurse", ["voice"])),
    ],
)
def test_split_notes(text: str, want: tuple[str, list[str]]) -> None:
    assert split_notes(text) == want


@pytest.mark.parametrize(
    ("block", "partial"),
    [
        ("Cast overview, first billed only:\nAnn Ray ... Jo\n\nStoryline", True),
        ("Series cast summary:\nAnn Ray ... Jo\nSee full cast »\n", True),
        ("Credited cast:\nAnn Ray ... Jo\nBo Lind ... Al\n\nStoryline", False),
        ("Complete credited cast:\nAnn Ray ... Jo\nSee complete cast & crew »", True),
    ],
)
def test_cast_is_partial(block: str, partial: bool) -> None:
    lines = page_lines("Some Film (2001)\n\n" + block)
    start = find_cast(lines)
    assert start is not None
    cast, end = parse_cast(lines, start)
    assert cast[0] == CastMember("Ann Ray", "Jo")
    assert cast_is_partial(lines, start, end) is partial
