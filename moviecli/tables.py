"""Where each field of a title record lives in the catalog: the one storage map.

save.py writes a Title by this map and record.py reads the record back by it, so a field cannot
be stored without being shown, or the other way round; tests/test_tables.py checks the map
against schema.sql and against the fields of models.Title and its parts. Adding a scalar field is
one entry in FIELDS (and its column in schema.sql).

Plain tuples and dicts, no dataclasses: `show` imports this, and creating the record dataclasses
costs ~14 ms of start-up (measured with python -X importtime).
"""

from __future__ import annotations

# How a field is stored; FIELDS gives each field one of these and where.
COLUMN = "column"  # titles.<where>
AWARDS = "awards"  # titles.<where><part>, one column per part of Awards (AWARD_PARTS)
CREDITS = "credits"  # credits rows of role <where>; a person's name, or the parts in CREDIT_PARTS
VALUES = "values"  # <table>(title_id, position, <column>), where = "table.column"
ITEMS = "items"  # title_items rows of list <where>
ROWS = "rows"  # a table of its own, <where>, one row per item; item field -> column in ROW_COLUMNS
NOTES = "notes"  # {name: credit} of the credits rows of role <where>, a names-only field elsewhere in FIELDS

# Every field of models.Title, in its order (which is the record's key order).
FIELDS: dict[str, tuple[str, str]] = {
    "title": (COLUMN, "title"),
    "year": (COLUMN, "year"),
    "year_index": (COLUMN, "year_index"),
    "end_year": (COLUMN, "end_year"),
    "kind": (COLUMN, "kind"),
    "original_title": (COLUMN, "original_title"),
    "runtime_minutes": (COLUMN, "runtime_minutes"),
    "summary": (COLUMN, "summary"),
    "storyline": (COLUMN, "storyline"),
    "storyline_author": (COLUMN, "storyline_author"),
    "directors": (CREDITS, "director"),
    "director_notes": (NOTES, "director"),
    "directors_more": (COLUMN, "directors_more"),
    "writers": (CREDITS, "writer"),
    "writers_more": (COLUMN, "writers_more"),
    "creators": (CREDITS, "creator"),
    "stars": (CREDITS, "star"),
    "cast": (CREDITS, "actor"),
    "cast_complete": (COLUMN, "cast_complete"),
    "genres": (VALUES, "genres.genre"),
    "certificate": (COLUMN, "certificate"),
    "certificate_reason": (COLUMN, "certificate_reason"),
    "rating": (COLUMN, "rating"),
    "votes": (COLUMN, "votes"),
    "metascore": (COLUMN, "metascore"),
    "user_reviews": (COLUMN, "user_reviews"),
    "critic_reviews": (COLUMN, "critic_reviews"),
    "metacritic_reviews": (COLUMN, "metacritic_reviews"),
    "popularity": (COLUMN, "popularity"),
    "awards": (AWARDS, "awards_"),
    "keywords": (ITEMS, "keywords"),
    "taglines": (ITEMS, "taglines"),
    "trivia": (ITEMS, "trivia"),
    "goofs": (ITEMS, "goofs"),
    "quotes": (ITEMS, "quotes"),
    "crazy_credits": (ITEMS, "crazy_credits"),
    "alternate_versions": (ITEMS, "alternate_versions"),
    "connections": (ITEMS, "connections"),
    "soundtracks": (ROWS, "soundtracks"),
    "reviews": (ROWS, "reviews"),
    "official_sites": (ITEMS, "official_sites"),
    "countries": (VALUES, "countries.country"),
    "languages": (VALUES, "languages.language"),
    "release_date": (COLUMN, "release_date"),
    "release_date_partial": (COLUMN, "release_date_partial"),
    "release_country": (COLUMN, "release_country"),
    "akas": (ITEMS, "akas"),
    "filming_locations": (ITEMS, "filming_locations"),
    "box_office": (ROWS, "box_office"),
    "companies": (ITEMS, "companies"),
    "sound_mix": (ITEMS, "sound_mix"),
    "color": (ITEMS, "color"),
    "aspect_ratio": (COLUMN, "aspect_ratio"),
    "warnings": (ITEMS, "warnings"),  # what the parser saw but could not place
}

# The parts of models.Awards, each in titles.awards_<part>.
AWARD_PARTS = ("oscars", "wins", "nominations", "text")
# Credits whose items are objects (models.Writer, models.CastMember): their parts, in field order;
# `name` is the person's name (people.name), the others are credits columns of the same name.
CREDIT_PARTS: dict[str, tuple[str, ...]] = {"writer": ("name", "credit"), "actor": ("name", "character", "note")}
# Item field -> column of the ROWS tables, in the order of the item's dataclass fields
# (models.Soundtrack, models.Review, models.BoxOffice).
ROW_COLUMNS: dict[str, dict[str, str]] = {
    "soundtracks": {"title": "song", "credits": "credits"},
    "reviews": {
        "title": "review_title",
        "author": "author",
        "date": "date",
        "location": "location",
        "rating": "rating",
        "helpful": "helpful",
        "helpful_total": "helpful_total",
        "text": "text",
    },
    "box_office": {
        "kind": "kind",
        "amount": "amount",
        "currency": "currency",
        "country": "country",
        "date": "date",
        "estimated": "estimated",
    },
}
# Columns stored as JSON text (a list of lines), and as 0/1 for a bool.
JSON_COLUMNS = frozenset({("soundtracks", "credits")})
BOOL_COLUMNS = frozenset({("box_office", "estimated"), ("titles", "cast_complete")})

TITLE_COLUMNS = tuple(where for how, where in FIELDS.values() if how == COLUMN)
ITEM_LISTS = tuple(where for how, where in FIELDS.values() if how == ITEMS)
# Every table holding a title's child rows (search_docs cascades into search_index by trigger).
CHILD_TABLES = (
    "credits",
    *(where.split(".")[0] for how, where in FIELDS.values() if how == VALUES),
    *ROW_COLUMNS,
    "title_items",
    "search_docs",
)
# Texts of a Title that full-text search covers besides its titles, summary, storyline and reviews.
SEARCHED_LISTS = ("trivia", "goofs", "quotes")
