"""Review bylines: an author given only as an e-mail, and the `See all my reviews` link in all its shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import shown_page

from moviecli.parse.reviews import drop_see_all, read_author

PAGES = Path(__file__).parent / "fixtures" / "pages"


def shown(tmp_path: Path, page: str, title: str) -> dict[str, Any]:
    return shown_page(tmp_path, PAGES / page, title)


def test_an_author_given_only_as_an_e_mail_through_the_cli(tmp_path: Path) -> None:
    r = shown(tmp_path, "b_review_email_author.txt", "The Cinder Bells")
    assert r["reviews"] == [
        {
            "title": "Rings true",
            "author": "bellfan@example.com",
            "date": "2015-06-12",
            "location": None,
            "rating": None,
            "helpful": 4,
            "helpful_total": 4,
            "text": "Lovely for small children and their tired parents.",
        },
        {
            "title": "Too loud",
            "author": "quiet.viewer@example.org",
            "date": "2016-07-02",
            "location": "Leeds, England",
            "rating": None,
            "helpful": 1,
            "helpful_total": 3,
            "text": "Every scene is a bell.",
        },
    ]


@pytest.mark.parametrize(
    ("who", "want"),
    [
        ("(someone@example.com)", ("someone@example.com", None)),
        ("(someone@example.com)See all my reviews", ("someone@example.com", None)),
        ("(someone@example.com) (Houston, TX) – See all my reviews", ("someone@example.com", "Houston, TX")),
        ("kraley (kraley@example.com) (Houston, TX) – See all my reviews", ("kraley", "Houston, TX")),
        ("luke-a-mcgowanSee all my reviews", ("luke-a-mcgowan", None)),
        ("luke - See all my reviews »", ("luke", None)),
        ("Chris Neill (chrisneill)", ("Chris Neill", None)),
        # No e-mail and no name: nothing to call the author.
        ("(Houston, TX) – See all my reviews", (None, "Houston, TX")),
    ],
)
def test_read_author(who: str, want: tuple[str | None, str | None]) -> None:
    assert read_author(who) == want


@pytest.mark.parametrize(
    ("who", "want"),
    [
        ("luke-a-mcgowanSee all my reviews", "luke-a-mcgowan"),
        ("luke \u2013 See all my reviews", "luke"),
        ("luke\u1680\u1680—\u1680See ALL my reviews\u1680»\u1680", "luke"),
        ("luke\vSee all my reviews\v", "luke"),
        ("luke", "luke"),
        ("luke See all my review", "luke See all my review"),
    ],
)
def test_drop_see_all(who: str, want: str) -> None:
    assert drop_see_all(who) == want
