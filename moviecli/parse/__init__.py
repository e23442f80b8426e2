"""The page parser: the visible text of one IMDb title page in, a `Title` record out.

Pure (no I/O, no database). Reads both forms of a page — with section labels, and "stripped" with
label-only lines removed — to the same record: labels are read where they exist and position and
shape decide only where they don't. A value the parser is unsure of is left out and a warning added,
because a wrong value is worse than a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from moviecli.errors import ParseError
from moviecli.models import CastMember, Review, Title
from moviecli.parse.cast import cast_complete, find_cast, is_cast_header, parse_cast
from moviecli.parse.credits import Credits, parse_credits
from moviecli.parse.details import Details, parse_details
from moviecli.parse.didyouknow import DidYouKnow, parse_did_you_know
from moviecli.parse.header import header_end, parse_header
from moviecli.parse.lines import page_lines
from moviecli.parse.reviews import parse_reviews
from moviecli.parse.storyline import Storyline, parse_storyline

__all__ = ["PARSER_VERSION", "ParseError", "parse_page"]

# Bump whenever the records produced for the same text change, so stored pages can be re-parsed.
PARSER_VERSION = "3"

T = TypeVar("T")


def parse_page(text: str) -> Title:
    """Parse one page's text into a Title; raises ParseError when there is no recognisable title."""
    lines = page_lines(text)
    cast_at = find_cast(lines)
    end = header_end(lines)
    if cast_at is not None and cast_at < end:
        end = cast_at + 1 if not is_cast_header(lines[cast_at]) else cast_at
    head = parse_header(lines, end)
    warnings: list[str] = []

    credits = _safely(warnings, "credits", lambda: parse_credits(lines, head), Credits())
    no_cast: tuple[list[CastMember], int] = ([], end)
    cast, cast_end = (
        _safely(warnings, "cast", lambda: parse_cast(lines, cast_at), no_cast) if cast_at is not None else no_cast
    )
    story = _safely(warnings, "storyline", lambda: parse_storyline(lines, max(cast_end, end)), Storyline())
    dyk = _safely(warnings, "did you know", lambda: parse_did_you_know(lines), DidYouKnow())
    no_reviews: list[Review] = []
    reviews = _safely(warnings, "reviews", lambda: parse_reviews(lines), no_reviews)
    details = _safely(warnings, "details", lambda: parse_details(lines, end), Details())

    # A date of reduced precision (`February 2008`, `2008`) is kept as such, apart: release_date is a day.
    release = details.release_date or head.release_date
    partial = release is not None and len(release) < len("yyyy-mm-dd")
    warnings.extend(head.warnings + credits.warnings + dyk.warnings + details.warnings)
    # One constructor call with every field: setting them one by one after a default construction
    # built every default list first.
    return Title(
        title=head.title,
        year=head.year,
        year_index=head.year_index,
        end_year=head.end_year,
        kind=head.kind or ("tv_series" if head.ranged else "short" if "Short" in head.genres else "movie"),
        original_title=head.original_title,
        runtime_minutes=details.runtime_minutes or head.runtime_minutes,
        summary=credits.summary,
        storyline=story.storyline,
        storyline_author=story.storyline_author,
        directors=credits.directors,
        director_notes={n: c for n, c in zip(credits.directors, credits.director_notes, strict=False) if c},
        directors_more=credits.directors_more,
        writers=credits.writers,
        writers_more=credits.writers_more,
        creators=credits.creators,
        stars=credits.stars,
        cast=cast,
        cast_complete=cast_complete(lines, cast_at, cast_end) if cast and cast_at is not None else None,
        # The Genres block is the full list; the subtext may show only the first few.
        genres=story.genres or head.genres,
        certificate=story.certificate or head.certificate,
        certificate_reason=story.certificate_reason,
        rating=head.rating,
        votes=head.votes,
        metascore=head.metascore,
        user_reviews=head.user_reviews,
        critic_reviews=head.critic_reviews,
        metacritic_reviews=head.metacritic_reviews,
        popularity=head.popularity,
        awards=head.awards,
        keywords=story.keywords,
        taglines=story.taglines,
        trivia=dyk.trivia,
        goofs=dyk.goofs,
        quotes=dyk.quotes,
        crazy_credits=dyk.crazy_credits,
        alternate_versions=dyk.alternate_versions,
        connections=dyk.connections,
        soundtracks=dyk.soundtracks,
        reviews=reviews,
        official_sites=details.official_sites,
        countries=details.countries,
        languages=details.languages,
        release_date=None if partial else release,
        release_date_partial=release if partial else None,
        release_country=details.release_country or head.release_country,
        akas=details.akas,
        filming_locations=details.filming_locations,
        box_office=details.box_office,
        companies=details.companies,
        sound_mix=details.sound_mix,
        color=details.color,
        aspect_ratio=details.aspect_ratio,
        warnings=warnings,
    )


def _safely(warnings: list[str], block: str, read: Callable[[], T], default: T) -> T:
    """Run one block's parser; a bug in one block must not lose the whole page, so record it instead.

    The fuzz tests assert this never fires; it is a safety net for pages nobody has seen yet.
    """
    try:
        return read()
    except Exception as exc:
        warnings.append(f"internal error in {block} block: {type(exc).__name__}: {exc}")
        return default
