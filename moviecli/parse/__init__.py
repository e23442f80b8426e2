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
    title = Title(
        title=head.title,
        year=head.year,
        year_index=head.year_index,
        end_year=head.end_year,
        original_title=head.original_title,
    )
    warnings = title.warnings

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

    title.kind = head.kind or ("tv_series" if head.ranged else "short" if "Short" in head.genres else "movie")
    title.runtime_minutes = details.runtime_minutes or head.runtime_minutes
    title.summary = credits.summary
    title.directors, title.writers = credits.directors, credits.writers
    title.director_notes = {n: c for n, c in zip(credits.directors, credits.director_notes, strict=False) if c}
    title.directors_more, title.writers_more = credits.directors_more, credits.writers_more
    title.creators, title.stars = credits.creators, credits.stars
    title.cast = cast
    title.cast_complete = cast_complete(lines, cast_at, cast_end) if cast and cast_at is not None else None
    title.storyline, title.storyline_author = story.storyline, story.storyline_author
    title.keywords, title.taglines = story.keywords, story.taglines
    # The Genres block is the full list; the subtext may show only the first few.
    title.genres = story.genres or head.genres
    title.certificate = story.certificate or head.certificate
    title.certificate_reason = story.certificate_reason
    title.rating, title.votes, title.metascore = head.rating, head.votes, head.metascore
    title.user_reviews, title.critic_reviews = head.user_reviews, head.critic_reviews
    title.metacritic_reviews = head.metacritic_reviews
    title.popularity, title.awards = head.popularity, head.awards
    for name in ("trivia", "goofs", "quotes", "crazy_credits", "alternate_versions", "connections", "soundtracks"):
        setattr(title, name, getattr(dyk, name))
    title.reviews = reviews
    title.official_sites, title.akas = details.official_sites, details.akas
    title.countries, title.languages = details.countries, details.languages
    # A date of reduced precision (`February 2008`, `2008`) is kept as such, apart: release_date is a day.
    release = details.release_date or head.release_date
    if release is not None and len(release) < len("yyyy-mm-dd"):
        title.release_date_partial = release
    else:
        title.release_date = release
    title.release_country = details.release_country or head.release_country
    title.filming_locations, title.box_office = details.filming_locations, details.box_office
    title.companies, title.sound_mix = details.companies, details.sound_mix
    title.color, title.aspect_ratio = details.color, details.aspect_ratio
    warnings.extend(head.warnings + credits.warnings + dyk.warnings + details.warnings)
    return title


def _safely(warnings: list[str], block: str, read: Callable[[], T], default: T) -> T:
    """Run one block's parser; a bug in one block must not lose the whole page, so record it instead.

    The fuzz tests assert this never fires; it is a safety net for pages nobody has seen yet.
    """
    try:
        return read()
    except Exception as exc:
        warnings.append(f"internal error in {block} block: {type(exc).__name__}: {exc}")
        return default
