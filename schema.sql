-- moviecli's catalog: every table and index of a new one (older catalogs get them from the steps).
-- Makes a new catalog (moviecli/migrations.py, which stamps PRAGMA user_version). An existing catalog
-- never sees this file: every change here also needs its step in moviecli/migrations.py.
-- Child rows of a title go with it (ON DELETE CASCADE), so replacing a title never leaves strays.
-- CHECKs are written as OR chains: `x IN (...)` builds a temporary table per row checked (~4x slower inserts).

-- The original text of every page ever loaded: nothing is lost, and pages can be re-parsed later.
CREATE TABLE IF NOT EXISTS pages (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,
    sha256         TEXT NOT NULL UNIQUE,
    text           TEXT NOT NULL,
    encoding       TEXT NOT NULL DEFAULT 'utf-8',
    loaded_at      TEXT NOT NULL,
    parser_version TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS titles (
    id                 INTEGER PRIMARY KEY,
    imdb_id            TEXT UNIQUE,             -- tt0113627; set by merges with other sources
    page_id            INTEGER REFERENCES pages(id) ON DELETE SET NULL,  -- the page the data came from
    title              TEXT NOT NULL,
    year               INTEGER,
    end_year           INTEGER,
    kind               TEXT NOT NULL,
    original_title     TEXT,
    runtime_minutes    INTEGER,
    summary            TEXT,
    storyline          TEXT,
    storyline_author   TEXT,
    certificate        TEXT,
    certificate_reason TEXT,
    rating             REAL,
    votes              INTEGER,
    metascore          INTEGER,
    user_reviews       INTEGER,
    critic_reviews     INTEGER,
    popularity         INTEGER,
    awards_oscars      INTEGER,
    awards_wins        INTEGER,
    awards_nominations INTEGER,
    awards_text        TEXT,
    release_date       TEXT,                    -- ISO yyyy-mm-dd, full dates only
    release_country    TEXT,
    aspect_ratio       TEXT,
    updated_at         TEXT NOT NULL,
    -- Added by catalog version 5 (so last: where ALTER TABLE puts them in an older catalog).
    year_index           TEXT,                  -- `Crash (2004/II)` -> II
    directors_more       INTEGER,               -- `| 5 more credits »` on the directors line
    writers_more         INTEGER,               -- the same on the writers line
    cast_complete        INTEGER,               -- 0: the page listed only some cast; 1: it says complete
    metacritic_reviews   INTEGER,               -- `13 from Metacritic.com`
    release_date_partial TEXT                   -- ISO yyyy-mm or yyyy: a date the page gives without its day
);
-- A title's identity is its title, year, year numeral and kind: one page title per identity, ever.
CREATE UNIQUE INDEX IF NOT EXISTS titles_page_identity
    ON titles (title, ifnull(year, 0), ifnull(year_index, ''), kind) WHERE page_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS titles_by_title ON titles (title COLLATE NOCASE, year);
-- `reviews TITLE` and `show` match the original title too: with this index the OR is two searches.
CREATE INDEX IF NOT EXISTS titles_by_original_title ON titles (original_title COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS titles_by_year ON titles (year, title);
CREATE INDEX IF NOT EXISTS titles_by_rating ON titles (rating);
CREATE INDEX IF NOT EXISTS titles_by_votes ON titles (votes);
CREATE INDEX IF NOT EXISTS titles_by_page ON titles (page_id);

CREATE TABLE IF NOT EXISTS people (
    id         INTEGER PRIMARY KEY,
    imdb_id    TEXT UNIQUE,                     -- nm0000115; set by merges with other sources
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,                   -- casefolded, accents removed: "zoe" finds "Zoë"
    birth_year INTEGER,
    death_year INTEGER
);
CREATE INDEX IF NOT EXISTS people_by_name ON people (name);
CREATE INDEX IF NOT EXISTS people_by_key ON people (name_key);

-- Every credit of a person on a title, in billing order within its role.
CREATE TABLE IF NOT EXISTS credits (
    title_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (
                  role = 'director' OR role = 'writer' OR role = 'creator' OR role = 'star' OR role = 'actor'
                  OR role = 'self' OR role = 'archive_footage' OR role = 'archive_sound' OR role = 'producer'
                  OR role = 'composer' OR role = 'cinematographer' OR role = 'editor'
                  OR role = 'production_designer' OR role = 'casting_director'),
    position  INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    character TEXT,                             -- cast only
    note      TEXT,                             -- cast: "as Al Henderson", "voice"
    credit    TEXT,                             -- writers: "screenplay by"; directors: "uncredited"; the dataset's job
    PRIMARY KEY (title_id, role, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS credits_by_person ON credits (person_id, role);

CREATE TABLE IF NOT EXISTS genres (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    genre    TEXT NOT NULL,
    PRIMARY KEY (title_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS genres_by_genre ON genres (genre COLLATE NOCASE, title_id);

CREATE TABLE IF NOT EXISTS countries (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    country  TEXT NOT NULL,
    PRIMARY KEY (title_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS countries_by_country ON countries (country COLLATE NOCASE, title_id);

CREATE TABLE IF NOT EXISTS languages (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    language TEXT NOT NULL,
    PRIMARY KEY (title_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS languages_by_language ON languages (language COLLATE NOCASE, title_id);

-- Money stays in its own currency as an integer: never converted, never summed across currencies.
CREATE TABLE IF NOT EXISTS box_office (
    title_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind = 'budget' OR kind = 'opening_weekend' OR kind = 'gross' OR kind = 'worldwide_gross'),
    amount    INTEGER NOT NULL,
    currency  TEXT NOT NULL,
    country   TEXT,
    date      TEXT,
    estimated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (title_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS box_office_by_amount ON box_office (kind, amount);
CREATE INDEX IF NOT EXISTS box_office_by_currency ON box_office (currency, amount);
-- `grosses --sort amount --desc` orders by currency ascending, amount descending: an index in that
-- mixed order lets a LIMIT stop after a few rows instead of sorting a whole currency (2.3x -> 1.0x).
CREATE INDEX IF NOT EXISTS box_office_by_currency_desc ON box_office (currency, amount DESC);

CREATE TABLE IF NOT EXISTS reviews (
    id            INTEGER PRIMARY KEY,
    title_id      INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    review_title  TEXT,
    author        TEXT,
    date          TEXT,
    location      TEXT,
    rating        INTEGER,
    helpful       INTEGER,
    helpful_total INTEGER,
    text          TEXT
);
CREATE INDEX IF NOT EXISTS reviews_by_title ON reviews (title_id, position);
CREATE INDEX IF NOT EXISTS reviews_by_author ON reviews (author COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS reviews_by_helpful ON reviews (helpful);

CREATE TABLE IF NOT EXISTS soundtracks (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    song     TEXT NOT NULL,
    credits  TEXT NOT NULL DEFAULT '[]',        -- JSON array of lines: "Performed by Sting"
    PRIMARY KEY (title_id, position)
) WITHOUT ROWID;

-- The other lists of a page, one row per item: trivia, goofs, quotes, crazy_credits,
-- alternate_versions, connections, keywords, taglines, akas, filming_locations, companies,
-- official_sites, sound_mix, color, and the parser's warnings.
CREATE TABLE IF NOT EXISTS title_items (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    list     TEXT NOT NULL CHECK (
                 list = 'trivia' OR list = 'goofs' OR list = 'quotes' OR list = 'crazy_credits'
                 OR list = 'alternate_versions' OR list = 'connections' OR list = 'keywords' OR list = 'taglines'
                 OR list = 'akas' OR list = 'filming_locations' OR list = 'companies' OR list = 'official_sites'
                 OR list = 'sound_mix' OR list = 'color' OR list = 'warnings'),
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (title_id, list, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS title_items_by_text ON title_items (list, text COLLATE NOCASE);

-- Full-text search over titles, AKAs, people, summaries, storylines, reviews, trivia, goofs and quotes.
-- search_docs holds each indexed text and what it is; search_index is an external-content FTS5
-- table over it (datasette and sqlite-utils find it from its declaration), written explicitly in
-- bulk. The index holds the text with letters like ł ø æ ß folded (db.LETTER_FOLDS): `folded` keeps
-- that text when folding changed it, so the delete trigger removes exactly what was indexed.
-- Deleting a title cascades to search_docs, and the trigger keeps the index in step.
CREATE TABLE IF NOT EXISTS search_docs (
    id       INTEGER PRIMARY KEY,
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    field    TEXT NOT NULL CHECK (field = 'title' OR field = 'aka' OR field = 'person' OR field = 'summary' OR field = 'storyline' OR field = 'review' OR field = 'trivia' OR field = 'goofs' OR field = 'quotes'),
    text     TEXT NOT NULL,
    folded   TEXT                              -- the indexed text when it differs from text (ł -> l ...)
);
CREATE INDEX IF NOT EXISTS search_docs_by_title ON search_docs (title_id);
CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5 (
    text,
    -- Written `content="search_docs"`, no spaces: how sqlite-utils and datasette recognise it.
    content="search_docs",
    content_rowid="id",
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS search_docs_delete AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_index (search_index, rowid, text) VALUES ('delete', old.id, coalesce(old.folded, old.text));
END;

-- One row per `moviecli load` run: what it read and what came of it.
CREATE TABLE IF NOT EXISTS imports (
    id          INTEGER PRIMARY KEY,
    command     TEXT NOT NULL,                  -- 'load', 'reparse', 'load-imdb', 'remove'
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    sources     TEXT NOT NULL DEFAULT '[]',     -- JSON array of the paths given
    loaded      INTEGER NOT NULL DEFAULT 0,
    replaced    INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    failures    TEXT NOT NULL DEFAULT '[]'      -- JSON array of {path, reason}
);
CREATE INDEX IF NOT EXISTS imports_by_start ON imports (started_at);

-- IMDb dataset import (`moviecli load-imdb`, moviecli/imdb.py) -------------------------------

-- A TV episode's place in its series (title.episode); both are titles. Only the dataset writes it.
CREATE TABLE IF NOT EXISTS episodes (
    episode_id INTEGER PRIMARY KEY REFERENCES titles(id) ON DELETE CASCADE,
    series_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    season     INTEGER,
    episode    INTEGER
);
CREATE INDEX IF NOT EXISTS episodes_by_series ON episodes (series_id, season, episode);

-- Fields load-imdb filled in on a page title because its page had none (rating, votes, runtime...),
-- with the value it wrote: later runs keep those current and leave every other value (the page's) alone.
CREATE TABLE IF NOT EXISTS imdb_fills (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    field    TEXT NOT NULL,
    value,
    PRIMARY KEY (title_id, field)
) WITHOUT ROWID;

-- One row per file a load-imdb run read: rows read, catalog rows it inserted, updated and deleted,
-- rows it skipped (ids of nothing, categories outside credits' roles, a credit listed twice), and the seconds it took.
CREATE TABLE IF NOT EXISTS import_files (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    dataset   TEXT NOT NULL,                    -- 'title.basics', 'name.basics', ...
    path      TEXT NOT NULL,
    read      INTEGER NOT NULL,
    inserted  INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    deleted   INTEGER NOT NULL,
    skipped   INTEGER NOT NULL,
    seconds   REAL NOT NULL,
    PRIMARY KEY (import_id, dataset)
) WITHOUT ROWID;

-- `moviecli load` (moviecli/load.py) -------------------------------------------------------------

-- What each page file was when a load last read it. A re-run takes a file whose size, mtime,
-- ctime and inode are all unchanged for the same content without reading it -- only if both times
-- are older than the start of the run that read it, and its content is still a title's current
-- page (the rule and why: moviecli/load.py). Anything else is read and hashed as ever.
CREATE TABLE IF NOT EXISTS page_files (
    path           TEXT PRIMARY KEY,            -- absolute
    size           INTEGER NOT NULL,
    mtime_ns       INTEGER NOT NULL,
    ctime_ns       INTEGER NOT NULL,
    inode          INTEGER NOT NULL,
    sha256         TEXT NOT NULL,               -- of the bytes read (pages.sha256)
    run_started_ns INTEGER NOT NULL             -- when the run that read it started
) WITHOUT ROWID;
