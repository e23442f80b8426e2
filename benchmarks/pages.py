"""A deterministic generator of synthetic title pages in the page format (FORMAT.md), for the benchmark.

The pages copy the layout of the invented fixtures in tests/fixtures/pages/ (a 2012-style page and
an older table layout), in labeled and stripped forms: the stripped form is the labeled page with
its label-only lines removed, as the real extractor does. Values vary with a seeded random
generator: accented names shared across titles (some people have many credits, most a few), cast
sizes from 1 to 40 with doubled names and notes, 0-3 reviews, box office in USD, GBP, EUR, JPY, CAD
and INR with empty labels, keywords, trivia. The same seed always gives the same bytes, so every
run of the benchmark measures the same corpus; `spec(i)` says what page i must parse to, which
tests/test_bench_generator.py checks against the real parser.

    python benchmarks/pages.py OUT_DIR --pages 1000 [--seed 5]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SEED = 5
NBSP = "\u00a0"
PER_FOLDER = 1000  # files per sub-folder: huge flat folders are slow for every tool, not just moviecli


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Ada Ángel Anja Bram Chloé Colm Dagny Della Émile Esme Farah Greta Hugo Inès Ivo Jonas Jörg Kofi Lars Léa "
    "Lucía Maeve Malik Marta Mei Niamh Noor Oren Pål Petra Rafael Renée Sanna Søren Tess Théo Ugo Wendell Yara "
    "Zoë Åsa Ólafur Nicolás Björn François Ingrid Kenji Sayuri Ryo Priya Arjun Wei Li Joaquín Małgorzata Dušan "
    "Eliška Tomás Siobhán Ngozi Amara Kwame Hana Yusuf Leila Mateo Valentina Nils Oona Pia Rui Saoirse Tobias"
)
LAST = _words(
    "Abernathy Arakawa Ashby Ballard Brandt Castellanos Crane Dunmore Dvořák Farrow Ferrán García Haddad Hattori "
    "Johansson Kestrel Lefèvre Lindqvist Marlowe Mensah Moravec Müller Núñez O'Rourke Okafor Onoda Ortega Osei "
    "Price Quill Renshaw Rossi Sørensen Tanabe Tolland Walsh Whitlock Novak Björk Kowalski Nakamura Popescu "
    "Horváth Jansen Kaur Mbeki Oyelaran Petrović Quispe Rahman Salonen Takahashi Umarov Villanueva Wójcik Xu "
    "Yilmaz Zieliński Álvarez Öztürk Ødegaard Ní Bhriain Çelik Šimek Żak Fitzgerald McAllister"
)
# Two-word surnames and particles make names like "Pim de Vries": spaces inside a last name.
PARTICLES = ("", "", "", "", "", "", "de ", "van ", "da ", "von ", "Mac ")
WORDS = _words(
    "map orchard letter river night summer winter salt road station radio city harbour lantern glass island "
    "storm mountain valley train mirror garden secret promise stranger brother sister mother father daughter "
    "son friend enemy ghost king queen soldier doctor teacher thief detective singer painter farmer sailor "
    "pilot widow orphan village desert forest ocean bridge tower house window door clock bell fire water "
    "stone iron silver golden shadow light dark silent lost last first broken hidden wild quiet"
)
VERBS = _words(
    "finds loses follows hides chases remembers forgets builds burns crosses maps leaves returns waits "
    "discovers betrays protects answers questions steals sings paints drives"
)
GENRE_NAMES = _words(
    "Action Adventure Animation Biography Comedy Crime Documentary Drama Family Fantasy History Horror Music "
    "Musical Mystery Romance Sci-Fi Sport Thriller War Western"
)
COUNTRIES = _words("USA UK France Germany Japan India Canada Ireland Spain Italy Mexico Sweden Norway Poland Nigeria")
LANGUAGES = _words("English French German Japanese Hindi Spanish Italian Swedish Norwegian Polish Irish Yoruba")
CERTIFICATES = ("G", "PG", "PG-13", "R")
MONTHS = _words("January February March April May June July August September October November December")
# (symbol or code prefix, ISO code): `$` is always USD on IMDb pages; others are written as codes.
CURRENCIES = (("$", "USD"), ("$", "USD"), ("£", "GBP"), ("€", "EUR"), ("JPY ", "JPY"), ("CAD ", "CAD"), ("INR ", "INR"))
WRITER_CREDITS = ("screenplay by", "written by", "story", "based on the novel by", "screenplay", "novel")
NOTES = ("voice", "uncredited", "as {alias}")
ROLES = _words("Postman Nurse Bartender Reporter Waitress Guard Priest Taxi Driver Neighbour Clerk")
# A few rare words, each used on about one page in RARE_EVERY: `search WORD` finds a handful, not thousands.
RARE_EVERY = 5000


@dataclass
class Spec:
    """What one generated page says: the values the parser must read back."""

    title: str
    year: int
    form: str  # "labeled" or "stripped"
    layout: str  # "modern" (2012) or "old" (table layout)
    original_title: str | None
    rating: float
    votes: int
    user_reviews: int
    critic_reviews: int
    metascore: int | None
    runtime_minutes: int
    certificate: str | None
    genres: list[str]
    release_date: str  # ISO
    release_country: str
    summary: str
    directors: list[str]
    writers: list[tuple[str, str]]
    stars: list[str]
    cast: list[tuple[str, str | None, str | None]]  # (name, character, note)
    doubled: set[int] = field(default_factory=set)  # cast rows whose name appears twice (no photo)
    storyline: str | None = None
    storyline_author: str | None = None
    keywords: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    box_office: list[tuple[str, int, str, str | None, str | None, bool]] = field(default_factory=list)
    reviews: list[dict[str, object]] = field(default_factory=list)
    trivia: list[str] = field(default_factory=list)
    # How the page writes some values (dates and money are read back as ISO dates and integers).
    release_date_text: str = ""
    budget_text: str | None = None
    opening_text: str | None = None
    gross_text: str | None = None


def person(rng: random.Random) -> str:
    """A name from ~40,000, skewed so that a few people have many credits and most have a handful."""
    i = int(40_000 * rng.random() ** 1.6)
    first = FIRST[i % len(FIRST)]
    j = i // len(FIRST)
    last = LAST[j % len(LAST)]
    particle = PARTICLES[(j // len(LAST)) % len(PARTICLES)]
    initial = (j // len(LAST) // len(PARTICLES)) % 8
    middle = "" if initial == 0 else f"{'ABCDEFGHJ'[initial]}. "
    return f"{first} {middle}{particle}{last}"


def _people(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    """n different people, none already in `taken` (a person is credited once per role list)."""
    out: list[str] = []
    while len(out) < n:
        name = person(rng)
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _sentence(rng: random.Random, words: int, rare: str | None = None) -> str:
    picked = [rng.choice(WORDS if k % 3 else VERBS) for k in range(words)]
    if rare:
        picked.insert(rng.randrange(len(picked)), rare)
    return " ".join(picked).capitalize() + "."


def rare_word(n: int) -> str:
    """The n-th rare word: letters only, so FTS reads it as one token."""
    syllables = ("ka", "lo", "mi", "ru", "sen", "tav", "qu", "zel", "bo", "dri")
    out = ""
    n += 1
    while n:
        n, r = divmod(n, len(syllables))
        out += syllables[r]
    return "vel" + out


def _date(rng: random.Random, year: int) -> tuple[str, str]:
    """A release date as the page writes it and as ISO."""
    month, day = rng.randrange(12), rng.randrange(1, 29)
    return f"{day} {MONTHS[month]} {year}", f"{year}-{month + 1:02d}-{day:02d}"


def _money(rng: random.Random, low: int, high: int) -> tuple[str, int, str]:
    prefix, code = rng.choice(CURRENCIES)
    amount = rng.randrange(low, high)
    if code in ("JPY", "INR"):
        amount *= 100
    return f"{prefix}{amount:,}", amount, code


def spec(i: int, seed: int = SEED) -> Spec:
    """The values of page i: the same for the same (i, seed) on every machine and Python version."""
    rng = random.Random(f"{seed}:{i}")
    # Unique titles: (title, year) is a title's identity, and a repeated one would replace, not add.
    title = f"The {rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} {_roman(i + 1)}"
    year = 1950 + i % 70
    form = "labeled" if rng.random() < 0.5 else "stripped"
    layout = "modern" if rng.random() < 0.7 else "old"
    taken: set[str] = set()
    directors = _people(rng, 1 if rng.random() < 0.85 else 2, taken)
    writers = [(w, rng.choice(WRITER_CREDITS)) for w in _people(rng, rng.choice((1, 2, 2, 3)), set())]
    cast_size = min(40, max(1, int(rng.expovariate(1 / 12))))
    cast_names = _people(rng, cast_size, set())
    cast: list[tuple[str, str | None, str | None]] = []
    doubled = set()
    for k, name in enumerate(cast_names):
        character: str | None = f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.7 else rng.choice(ROLES)
        note = None
        r = rng.random()
        if r < 0.05:
            character = None
        elif r < 0.15:
            note = rng.choice(NOTES).format(alias=name.split()[0] + " " + rng.choice(LAST))
        if rng.random() < 0.3:
            doubled.add(k)
        cast.append((name, character, note))
    stars = cast_names[: min(3, len(cast_names))]
    genres = sorted(rng.sample(GENRE_NAMES, rng.choice((1, 2, 2, 3))), key=GENRE_NAMES.index)
    release_text, release_iso = _date(rng, year)
    rare = rare_word(rng.randrange(RARE_EVERY)) if rng.random() < 0.5 else None
    s = Spec(
        title=title,
        year=year,
        form=form,
        layout=layout,
        original_title=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}" if rng.random() < 0.2 else None,
        rating=round(rng.uniform(1.5, 9.6), 1),
        votes=rng.randrange(5, 900_000),
        user_reviews=rng.randrange(1, 2000),
        critic_reviews=rng.randrange(1, 400),
        metascore=rng.randrange(10, 100) if layout == "modern" else None,
        runtime_minutes=rng.randrange(70, 190),
        certificate=rng.choice(CERTIFICATES) if layout == "modern" else None,
        genres=genres,
        release_date=release_iso,
        release_country=rng.choice(COUNTRIES),
        summary=_sentence(rng, rng.randrange(8, 20)),
        directors=directors,
        writers=writers,
        stars=stars,
        cast=cast,
        doubled=doubled,
    )
    s.release_date_text = release_text
    if rng.random() < 0.85:
        s.storyline = " ".join(_sentence(rng, rng.randrange(8, 25), rare if k == 0 else None) for k in range(3))
        s.storyline_author = person(rng)
    s.keywords = list(dict.fromkeys(rng.choice(WORDS) for _ in range(rng.randrange(1, 6))))
    s.countries = rng.sample(COUNTRIES, rng.choice((1, 1, 2, 3)))
    s.languages = rng.sample(LANGUAGES, rng.choice((1, 1, 2)))
    if rng.random() < 0.8:
        text, amount, code = _money(rng, 100_000, 200_000_000)
        s.box_office.append(("budget", amount, code, None, None, True))
        s.budget_text = text
    if rng.random() < 0.7:
        text, amount, code = _money(rng, 10_000, 90_000_000)
        date_text, date_iso = _date(rng, year)
        s.box_office.append(("opening_weekend", amount, code, "USA", date_iso, False))
        s.opening_text = f"{text}, {date_text}" if layout == "modern" else f"{text} (USA) ({date_text})"
    if rng.random() < 0.6:
        text, amount, code = _money(rng, 50_000, 900_000_000)
        kind = "worldwide_gross" if layout == "modern" else "gross"
        s.box_office.append((kind, amount, code, None, None, False))
        s.gross_text = text
    for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):
        rating = rng.randrange(1, 11) if rng.random() < 0.6 else None
        total = rng.randrange(1, 300)
        s.reviews.append(
            {
                "title": _sentence(rng, rng.randrange(2, 5))[:-1],
                "author": f"{rng.choice(WORDS)}-{rng.choice(WORDS)}{rng.randrange(100)}",
                "date": _date(rng, year + rng.randrange(0, 5)),
                "location": f"{rng.choice(LAST)}, {rng.choice(COUNTRIES)}" if rng.random() < 0.5 else None,
                "rating": rating,
                "helpful": rng.randrange(0, total + 1),
                "helpful_total": total,
                "text": "\n\n".join(_sentence(rng, rng.randrange(6, 30)) for _ in range(rng.randrange(1, 4))),
            }
        )
    s.trivia = [_sentence(rng, rng.randrange(6, 18))] if rng.random() < 0.6 else []
    return s


def _roman(n: int) -> str:
    """Titles end with a roman numeral, so 100,000 titles never repeat and still read like names."""
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out += letters * count
    return out


def render(s: Spec) -> str:
    """The page text of a spec. Lines that are labels are marked, so the stripped form drops them."""
    label = "\x00"  # marks a label-only line; never in the output
    lines: list[str] = []
    add = lines.extend
    if s.layout == "modern":
        add([f"{s.rating}/10", f"{s.votes:,}", f"{s.user_reviews} user {s.critic_reviews} critic", ""])
        add([f"{s.title}{NBSP}({s.year})", ""])
        if s.original_title:
            add([f"{s.original_title} (original title)"])
        add(
            [
                f"{s.certificate} | {s.runtime_minutes // 60}h {s.runtime_minutes % 60}min | {', '.join(s.genres)} "
                f"| {s.release_date_text} ({s.release_country})"
            ]
        )
        add([f"{s.title} Poster", "Trailer", "2:11 | Trailer", "4 VIDEOS | 22 IMAGES", s.summary, ""])
    else:
        add([f"{s.title} ({s.year}) Poster", "Contact the Filmmakers on IMDbPro »", ""])
        add([f"{s.title}{NBSP}({s.year})"])
        if s.original_title:
            add([f'"{s.original_title}" (original title)'])
        add(["", f"{s.runtime_minutes} min - {' | '.join(s.genres)} - {s.release_date_text} ({s.release_country})"])
        add([f"{s.rating}", "Your rating:", "-/10 X", f"Ratings: {s.rating}/10 from {s.votes:,} users"])
        add([f"Reviews: {s.user_reviews} user | {s.critic_reviews} critic", "", "", s.summary, "", ""])
    add([label + ("Director:" if len(s.directors) == 1 else "Directors:"), "", ", ".join(s.directors), ""])
    writers = ", ".join(f"{name} ({credit})" for name, credit in s.writers)
    add([label + ("Writer:" if len(s.writers) == 1 else "Writers:"), "", writers, ""])
    add([label + "Stars:", "", ", ".join(s.stars) + f" | See full cast & crew{NBSP}»"])
    if s.layout == "modern":
        add([f"{s.metascore}", label + "Metascore", label + "From metacritic.com", label + "Reviews"])
        add([f"{s.user_reviews} user | {s.critic_reviews} critic", "Popularity", "2,318 ( 104)"])
        add([f"Another 3 wins & 7 nominations. See more awards{NBSP}»", "", "Videos", "", "", "Photos", ""])
    else:
        add(["Watch Trailer 0Share...", "", f"2 wins & 1 nomination. See more awards{NBSP}»", "", "Photos", ""])
    add([label + "Edit", "", "Cast", ""])
    add(["Cast overview, first billed only:" if s.layout == "modern" else "Credited cast:"])
    for k, (name, character, note) in enumerate(s.cast):
        shown = f"{name} {name}" if k in s.doubled else name
        if character is None:
            lines.append(shown)
            continue
        lines.append(f"{shown} ... {character}" + (f" ({note})" if note else ""))
    add([f"See full cast{NBSP}»", label + "Edit", "", label + "Storyline", "", ""])
    if s.storyline:
        add([f"{s.storyline} Written by {s.storyline_author}", "", "Plot Summary | Plot Synopsis", "", ""])
    else:
        add(["Add Full Plot | Add Synopsis", "", ""])
    add([label + "Plot Keywords:", "", " | ".join(s.keywords) + f" | See All (24){NBSP}»", "", ""])
    add([label + "Genres:", "", " | ".join(s.genres), ""])
    if s.certificate:
        add(["Motion Picture Rating (MPAA)", "", f"Rated {s.certificate} for some reason | See all certifications »"])
    add(["", label + "Edit", "", label + "Details", "", ""])
    add([label + "Country:", "", " | ".join(s.countries), "", ""])
    add([label + "Language:", "", " | ".join(s.languages), ""])
    add(["Release Date:", "", f"{s.release_date_text} ({s.release_country}) See more »", ""])
    add(["Box Office", "", ""])
    if s.budget_text:
        add([label + "Budget:", "", f"{s.budget_text} (estimated)", ""])
    if s.opening_text:
        add(["Opening Weekend USA:" if s.layout == "modern" else "Opening Weekend:", "", s.opening_text, ""])
    if s.layout == "modern":
        add(["Gross USA:", "", ""])  # a label with no value: the parser must not read the next label
    if s.gross_text:
        add(["Cumulative Worldwide Gross:" if s.layout == "modern" else "Gross:", "", s.gross_text])
    add(["See more on IMDbPro »", "", "Technical Specs", "", ""])
    add([label + "Runtime:", "", f"{s.runtime_minutes} min", "", label + "Color:", "", "Color", ""])
    if s.trivia:
        add(["Did You Know?", "", "", label + "Trivia", "", s.trivia[0] + " See more »", ""])
    add(["User Reviews", ""])
    for r in s.reviews:
        add([str(r["title"])])
        if r["rating"]:
            add([f"{r['rating']}/10"])
        date = r["date"][0]  # type: ignore[index]
        where = f" ({r['location']})" if r["location"] else ""
        if r["location"] or len(str(r["author"])) % 2:
            add([f"{date} | by {r['author']}{where} – See all my reviews", ""])
        else:
            add([f"{date} | by {r['author']}See all my reviews", ""])  # the glued link of FORMAT.md
        add([*str(r["text"]).split("\n"), ""])
        add(
            [
                f"{r['helpful']} of {r['helpful_total']} people found this review helpful. "
                "Was this review helpful to you? Yes No",
                "",
            ]
        )
    add([f"Review this title | See all {s.user_reviews} user reviews »", "", "Message Boards", ""])
    add([f"Discuss {s.title} ({s.year}) on the IMDb message boards »", "", "Contribute to This Page", "", "Edit page"])
    if s.form == "stripped":
        return "\n".join(line for line in lines if not line.startswith(label)) + "\n"
    return "\n".join(line.lstrip(label) for line in lines) + "\n"


def page_path(folder: Path, i: int) -> Path:
    return folder / f"{i // PER_FOLDER:04d}" / f"{i:06d}.txt"


def generate(folder: Path, n: int, seed: int = SEED, start: int = 0) -> list[Path]:
    """Write pages start..n-1 under `folder` (PER_FOLDER a sub-folder); existing identical files are kept."""
    written = []
    for i in range(start, n):
        path = page_path(folder, i)
        if i % PER_FOLDER == 0 or i == start:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(spec(i, seed)), encoding="utf-8")
        written.append(path)
    return written


def specs(n: int, seed: int = SEED) -> Iterator[Spec]:
    return (spec(i, seed) for i in range(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    generate(args.out, args.pages, args.seed)


if __name__ == "__main__":
    main()
