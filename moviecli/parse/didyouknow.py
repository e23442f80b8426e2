"""The "Did You Know?" section: trivia, goofs, quotes, crazy credits, alternate versions, connections,
soundtracks — one item each, each ending with `See more »`.

Stripped pages drop the `Trivia`, `Goofs`, `Quotes` and `Soundtracks` labels. The items still come in
that order, and their shape tells quotes (`Name: line`, `[action]`) and soundtracks (a title, then
`Written by` / `Performed by` lines) from prose; prose fills trivia, then goofs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from moviecli.models import Soundtrack
from moviecli.parse.lines import clean, find_in, find_line, strip_links

SLOTS = ("trivia", "goofs", "quotes", "crazy_credits", "alternate_versions", "connections", "soundtracks")
_LABELS = {
    "Trivia": "trivia",
    "Goofs": "goofs",
    "Quotes": "quotes",
    "Crazy Credits": "crazy_credits",
    "Alternate Versions": "alternate_versions",
    "Connections": "connections",
    "Soundtracks": "soundtracks",
    "Soundtrack": "soundtracks",
}
_ENDS = frozenset(
    {
        "Frequently Asked Questions",
        "User Reviews",
        "Message Boards",
        "Details",
        "Official Sites:",
        "Box Office",
        "Company Credits",
        "Technical Specs",
        "Contribute to This Page",
        "Country:",
        "Release Date:",
        "Recently Viewed",
    }
)
# An item's closing link: what see_more_at() finds.
SEE_MORE = re.compile(r"\s*See more\s*»?\s*$")
# A quote line is `[action]` or `Speaker: words`, the speaker being a name (capitalised words, maybe `#1,`),
# so that trivia such as `The sign reads: "..."` is not taken for a quote.
_WORD = r"(?:[A-Z0-9#'\"(.][^\s:]*|of|the|de|van|von|du|la|le|da|di|del|for|and)"
_SPEAKER = re.compile(rf"^(?:\[.*\]|{_WORD}(?: {_WORD}){{0,7}}: \S.*)$")
_SONG_CREDIT = re.compile(r"\bby\b|^Courtesy\b|^Traditional\b|^\(|Records\b|^Used by permission", re.IGNORECASE)


@dataclass
class DidYouKnow:
    trivia: list[str] = field(default_factory=list)
    goofs: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    crazy_credits: list[str] = field(default_factory=list)
    alternate_versions: list[str] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)
    soundtracks: list[Soundtrack] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_did_you_know(lines: list[str]) -> DidYouKnow:
    out = DidYouKnow()
    start = find_line(lines, "Did You Know?")
    if start is None:
        return out
    end = find_in(lines, _ENDS, start + 1) or len(lines)
    pos = -1  # the slot of the previous item: unlabeled items can only come later
    for label, item in _items(lines, start + 1, end):
        slot = _LABELS.get(label) if label else _guess_slot(item, pos)
        if slot is None:
            out.warnings.append(f"'Did You Know?' item not placed: {item[0][:60]!r}")
            continue
        pos = max(pos, SLOTS.index(slot))
        _store(out, slot, item)
    return out


def _items(lines: list[str], start: int, end: int) -> list[tuple[str | None, list[str]]]:
    """Group lines into items: runs of non-empty lines, each closed by `See more »` or a blank line."""
    items: list[tuple[str | None, list[str]]] = []
    label: str | None = None
    cur: list[str] = []

    def close() -> None:
        nonlocal label, cur
        body = [x for x in map(strip_links, map(_without_see_more, cur)) if x]
        if body:
            items.append((label, body))
            label = None
        cur = []

    for line in lines[start:end]:
        if line in _LABELS:
            close()
            label = line
        elif not line:
            close()
        else:
            cur.append(line)
            if see_more_at(line) is not None:
                close()
    close()
    return items


def see_more_at(s: str) -> int | None:
    """Where SEE_MORE's match starts in s (the `See more »` ending it and the whitespace before), or None.

    By string methods from the end: searched, the pattern was tried at every position of the line.
    rstrip() drops exactly what `\\s` matches; the match, leftmost, starts where the whitespace
    before the last `See more` does.
    """
    t = s.rstrip()
    if t.endswith("»"):
        t = t[:-1].rstrip()
    if not t.endswith("See more"):
        return None
    k = len(t) - len("See more")
    while k and s[k - 1].isspace():
        k -= 1
    return k


def _without_see_more(s: str) -> str:
    """s without the `See more »` that ends it, as SEE_MORE.sub("", s) gives it."""
    k = see_more_at(s)
    return s if k is None else s[:k]


def _guess_slot(item: list[str], pos: int) -> str | None:
    slot: str | None
    if len(item) >= 2 and any(_SONG_CREDIT.search(x) for x in item[1:]) and not _SPEAKER.match(item[0]):
        slot = "soundtracks"
    elif all(_SPEAKER.match(x) for x in item) and any(":" in x for x in item):
        slot = "quotes"
    else:
        slot = next((s for s in ("trivia", "goofs") if SLOTS.index(s) > pos), None)
    if slot is None or SLOTS.index(slot) <= pos:
        return None
    return slot


def _store(out: DidYouKnow, slot: str, item: list[str]) -> None:
    if slot == "soundtracks":
        out.soundtracks.append(Soundtrack(title=item[0], credits=item[1:]))
    elif slot == "quotes":
        out.quotes.append("\n".join(item))
    else:
        getattr(out, slot).append(clean(" ".join(item)))
