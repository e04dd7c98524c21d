"""Trust signals (issue 16 section 7): every page carries its review dates, shows them, and reader pages speak
to readers (no "seed", no "post 002")."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from backcourse import REPO_ROOT
from backcourse.book import pages
from backcourse.book.sphinxext import review


def toc_pages() -> list[str]:
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]
    for part in toc.get("parts", []):
        found += [c["file"] for c in part.get("chapters", [])]
    return found


def test_toc_lists_the_new_trust_pages():
    assert "book/about" in toc_pages() and "book/instructors/sources" in toc_pages()


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_has_review_dates(page):
    info = pages.review(page)
    assert info.next_review > info.reviewed
    # a review date is a person's date, not the build's: it cannot lie in the future
    assert info.reviewed <= dt.date.today()


def test_missing_or_wrong_review_dates_are_errors_naming_the_field(tmp_path):
    (tmp_path / "a.md").write_text("---\nreviewed: 2026-12-02\n---\n# A\n", encoding="utf-8")
    with pytest.raises(pages.PageMetadataError, match="next_review"):
        pages.review("a", tmp_path)
    (tmp_path / "b.md").write_text("---\nreviewed: soon\nnext_review: 2027-01-01\n---\n# B\n", encoding="utf-8")
    with pytest.raises(pages.PageMetadataError, match="reviewed.*'soon'"):
        pages.review("b", tmp_path)
    (tmp_path / "c.md").write_text("---\nreviewed: 2026-12-02\nnext_review: 2026-01-01\n---\n# C\n")
    with pytest.raises(pages.PageMetadataError, match="must come after"):
        pages.review("c", tmp_path)
    nb = {"cells": [], "metadata": {"reviewed": "2026-12-02", "next_review": "2027-12-02"}}
    (tmp_path / "d.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert pages.review("d", tmp_path).next_review == dt.date(2027, 12, 2)


def test_review_line_shows_the_page_dates_and_links_to_about(tmp_path):
    (tmp_path / "p.md").write_text("---\nreviewed: 2026-03-05\nnext_review: 2027-03-05\n---\n# P\n")
    line = review.review_line("p", tmp_path)
    text = line.astext()
    assert "Page last reviewed: 5 March 2026." in text and "Next review due: 5 March 2027." in text
    assert "How this course is made and checked" in text
    assert review.review_line("missing", tmp_path) is None


def test_issues_url_comes_from_the_configured_repository():
    class Config:
        html_theme_options = {"repository_url": "https://github.com/o/r/"}
    assert review.issues_url(Config()) == "https://github.com/o/r/issues"
    Config.html_theme_options = {}
    assert review.issues_url(Config()) == ""


def test_footer_states_both_licences():
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    footer = config["html"]["extra_footer"]
    assert "CC BY 4.0" in footer and "MIT" in footer


def _page_file(page: str) -> Path:
    return pages.page_path(page)


def _reader_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


READER_PAGES = [p for p in toc_pages() if not p.startswith("book/instructors/")]


#: Provenance a reader should not meet: the course's seeds, its numbered posts, "the posts the course started
#: from", "one of the course's source posts". Reader pages state facts ("a common claim", "you may read that");
#: where the course came from is told on book/instructors/sources.md only.
PROVENANCE = re.compile(
    r"\bseeds?\b|\bposts? \d{3}\b|\bsource posts?\b"
    r"|\bposts?\b[^.]{0,40}\b(course|we) (started|began|drew|came|was built)\b", re.I)


@pytest.mark.parametrize("sample", [
    "Some of the posts the course started from got exercises wrong.",
    "This follows a rule (one of the course's source posts suggests it too), not a trial.",
    "One of the course's source posts says belly exercises should be done this way.",
    "seed 002 says so", "as post 003 claims",
])
def test_the_provenance_pattern_catches_the_old_wordings(sample):
    assert PROVENANCE.search(sample)


def test_the_provenance_pattern_lets_readers_post_and_read_claims():
    assert not PROVENANCE.search("Please do not post your own health details. You may read that ice helps.")


@pytest.mark.parametrize("page", READER_PAGES)
def test_reader_pages_never_say_seed_or_post_numbers(page):
    text = _reader_text(_page_file(page))
    found = PROVENANCE.search(text)
    assert not found, f"{page}: {found.group(0)!r}: say 'a common claim' or 'you may read that'"


def test_exercise_cards_shown_to_readers_never_say_seed():
    from backcourse.library import default_library

    for ex in default_library().exercises.values():
        for text in (ex.correction or "", *ex.cautions, *ex.steps):
            assert not PROVENANCE.search(text), ex.id
