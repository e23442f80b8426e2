"""The benchmark's page generator writes pages the parser reads back to the values it intended.

Otherwise the benchmark would time a parser failing fast on pages it cannot read, not real parsing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from moviecli.models import BoxOffice, CastMember, Writer
from moviecli.parse import parse_page

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import pages  # benchmarks/ is a folder of scripts, not a package

N = 24


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return pages.generate(tmp_path_factory.mktemp("corpus"), N)


def test_generation_is_deterministic(generated: list[Path], tmp_path: Path) -> None:
    again = pages.generate(tmp_path, 3)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in generated[:3]]


def test_corpus_has_both_forms_both_layouts_and_several_currencies() -> None:
    specs = list(pages.specs(N))
    assert {s.form for s in specs} == {"labeled", "stripped"}
    assert {s.layout for s in specs} == {"modern", "old"}
    assert len({b[2] for s in specs for b in s.box_office}) >= 3
    assert any(ch in "".join(s.cast[0][0] for s in specs) for ch in "áéíóúöøåäñšž")


@pytest.mark.parametrize("i", range(N))
def test_parser_reads_the_intended_values(generated: list[Path], i: int) -> None:
    s = pages.spec(i)
    t = parse_page(generated[i].read_text(encoding="utf-8"))
    assert (t.title, t.year, t.kind, t.original_title) == (s.title, s.year, "movie", s.original_title)
    assert (t.rating, t.votes, t.user_reviews, t.critic_reviews) == (
        s.rating,
        s.votes,
        s.user_reviews,
        s.critic_reviews,
    )
    assert (t.metascore, t.runtime_minutes, t.certificate) == (s.metascore, s.runtime_minutes, s.certificate)
    assert (t.release_date, t.release_country) == (s.release_date, s.release_country)
    assert t.summary == s.summary
    assert t.directors == s.directors
    assert t.writers == [Writer(name, credit) for name, credit in s.writers]
    assert t.stars == s.stars
    assert len(t.cast) == len(s.cast)
    assert t.cast == [CastMember(*c) for c in s.cast]
    assert (t.storyline, t.storyline_author) == (s.storyline, s.storyline_author)
    assert t.keywords == s.keywords
    assert t.genres == s.genres
    assert (t.countries, t.languages) == (s.countries, s.languages)
    assert t.box_office == [BoxOffice(*b) for b in s.box_office]
    assert [
        (r.title, r.author, r.date, r.location, r.rating, r.helpful, r.helpful_total, r.text) for r in t.reviews
    ] == [
        (r["title"], r["author"], r["date"][1], r["location"], r["rating"], r["helpful"], r["helpful_total"], r["text"])  # type: ignore[index]
        for r in s.reviews
    ]
    assert t.trivia == s.trivia
    assert t.warnings == []
