"""The dataclasses of one title record: what the parser produces and the database stores.

Field names follow the JSON contract in docs/record.md (`moviecli show --format json`), so that
`dataclasses.asdict(record)` is already most of that JSON. A value the page does not give is
`None` (scalars) or an empty list; never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Writer:
    name: str
    credit: str | None = None  # "screenplay by", "novel", ... : the parenthesis after the name


@dataclass
class CastMember:
    name: str
    character: str | None = None
    note: str | None = None  # "as Al Henderson", "voice", "uncredited", "60 episodes, 2002-2008"


@dataclass
class Awards:
    oscars: int | None = None
    wins: int | None = None
    nominations: int | None = None
    text: str | None = None


@dataclass
class Soundtrack:
    title: str
    credits: list[str] = field(default_factory=list)


@dataclass
class Review:
    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    location: str | None = None
    rating: int | None = None  # the reviewer's own n/10
    helpful: int | None = None
    helpful_total: int | None = None
    text: str | None = None  # paragraphs joined by a blank line


@dataclass
class BoxOffice:
    kind: str  # one of vocabulary.BOX_OFFICE_KINDS
    amount: int
    currency: str  # ISO 4217; never converted
    country: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    estimated: bool = False


@dataclass
class Title:
    """Everything one page says about one title."""

    title: str
    year: int | None = None
    # IMDb's numeral for titles of one name and year, `Crash (2004/II)` → "II": part of the identity.
    year_index: str | None = None
    end_year: int | None = None
    kind: str = "movie"
    original_title: str | None = None
    runtime_minutes: int | None = None
    summary: str | None = None
    storyline: str | None = None
    storyline_author: str | None = None
    directors: list[str] = field(default_factory=list)
    # The note of a director's credit, by name (`Paul Auster (uncredited)`); `directors` stays names only.
    director_notes: dict[str, str] = field(default_factory=dict)
    directors_more: int | None = None  # `| 5 more credits »`: directors the page did not list
    writers: list[Writer] = field(default_factory=list)
    writers_more: int | None = None  # `| 5 more credits »`: writers the page did not list
    creators: list[str] = field(default_factory=list)
    stars: list[str] = field(default_factory=list)
    cast: list[CastMember] = field(default_factory=list)
    # False when the page listed only some of the cast (`See full cast »`), True when it says the
    # list is complete, None when it does not say.
    cast_complete: bool | None = None
    genres: list[str] = field(default_factory=list)
    certificate: str | None = None
    certificate_reason: str | None = None
    rating: float | None = None
    votes: int | None = None
    metascore: int | None = None
    user_reviews: int | None = None
    critic_reviews: int | None = None
    metacritic_reviews: int | None = None  # `13 from Metacritic.com`: a count of reviews, not the metascore
    popularity: int | None = None
    awards: Awards | None = None
    keywords: list[str] = field(default_factory=list)
    taglines: list[str] = field(default_factory=list)
    trivia: list[str] = field(default_factory=list)
    goofs: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    crazy_credits: list[str] = field(default_factory=list)
    alternate_versions: list[str] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)
    soundtracks: list[Soundtrack] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    official_sites: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    release_date: str | None = None  # ISO yyyy-mm-dd, a full date only
    release_date_partial: str | None = None  # ISO yyyy-mm or yyyy when the page gives no day: never a made-up one
    release_country: str | None = None
    akas: list[str] = field(default_factory=list)
    filming_locations: list[str] = field(default_factory=list)
    box_office: list[BoxOffice] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    sound_mix: list[str] = field(default_factory=list)
    color: list[str] = field(default_factory=list)
    aspect_ratio: str | None = None
    warnings: list[str] = field(default_factory=list)  # what the parser saw but could not place
