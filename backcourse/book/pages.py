"""What each page of the book says about itself: learning objectives, time to learn, prerequisites, and
when it was last reviewed and is next due for review.

Why: the chapters' Overview boxes, the instructor guide's chapter table and the tests must all read one
source. A Markdown chapter keeps it in its front matter and a notebook in its metadata, under ``learning``::

    learning:
      time: 20                 # minutes to work through the page
      objectives:              # 3-5, each starting with a verb
        - Explain why most back pain is not a sign of damage
      prerequisites:           # pages (paths without suffix, from the repository root) or plain words
        - book/start-here

Every page also carries its review dates at the top level of its front matter (or notebook metadata), as
the NHS website does: the date a person last checked it against the evidence, never the build date::

    reviewed: 2026-12-02       # last checked against the evidence brief
    next_review: 2027-12-02    # when it is due to be checked again
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from backcourse import REPO_ROOT


class PageMetadataError(ValueError):
    """A page's ``learning`` block is missing a field or has a wrong value; the message names both."""


@dataclass(frozen=True)
class Learning:
    """The ``learning`` block of one page."""

    page: str
    title: str
    time: int
    objectives: tuple[str, ...]
    prerequisites: tuple[str, ...] = field(default_factory=tuple)


def _front_matter(text: str) -> dict:
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end == -1:
        return {}
    return yaml.safe_load(text[3:end]) or {}


def _title(text_lines: list[str]) -> str:
    for line in text_lines:
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def read_raw(path: Path) -> tuple[dict, str]:
    """Return (metadata dict, title) for a .md or .ipynb page."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        title = ""
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                title = _title("".join(cell["source"]).splitlines())
                if title:
                    break
        return nb.get("metadata", {}), title
    text = path.read_text(encoding="utf-8")
    return _front_matter(text), _title(text.splitlines())


def page_path(page: str, root: Path = REPO_ROOT) -> Path:
    """The file behind a page name such as ``book/phases`` or ``notebooks/pain-diary``."""
    for suffix in (".md", ".ipynb"):
        candidate = root / f"{page}{suffix}"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no .md or .ipynb file for page {page!r} under {root}")


def learning(page: str, root: Path = REPO_ROOT) -> Learning:
    """Read and check the ``learning`` block of ``page``; raise PageMetadataError naming field and value."""
    meta, title = read_raw(page_path(page, root))
    block = meta.get("learning")
    if not isinstance(block, dict):
        raise PageMetadataError(f"{page}: no 'learning' block in its front matter or notebook metadata")
    time = block.get("time")
    if not isinstance(time, int) or isinstance(time, bool) or not 1 <= time <= 240:
        raise PageMetadataError(f"{page}: learning.time must be whole minutes from 1 to 240, got {time!r}")
    objectives = block.get("objectives")
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
        raise PageMetadataError(f"{page}: learning.objectives must be a list of sentences, got {objectives!r}")
    prerequisites = block.get("prerequisites") or []
    if not isinstance(prerequisites, list) or not all(isinstance(p, str) for p in prerequisites):
        raise PageMetadataError(f"{page}: learning.prerequisites must be a list, got {prerequisites!r}")
    return Learning(page, title, time, tuple(objectives), tuple(prerequisites))


def is_page(name: str, root: Path = REPO_ROOT) -> bool:
    """True when ``name`` names a page file (so a prerequisite can be linked rather than printed)."""
    try:
        page_path(name, root)
    except FileNotFoundError:
        return False
    return True


@dataclass(frozen=True)
class Review:
    """When a page was last reviewed and when its next review is due (shown on the page)."""

    page: str
    reviewed: dt.date
    next_review: dt.date


def _date(page: str, name: str, value) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PageMetadataError(f"{page}: {name} must be a date like 2026-12-02, got {value!r}")


def review(page: str, root: Path = REPO_ROOT) -> Review:
    """Read and check the review dates of ``page``; raise PageMetadataError naming the field and value."""
    meta, _ = read_raw(page_path(page, root))
    for name in ("reviewed", "next_review"):
        if name not in meta:
            raise PageMetadataError(f"{page}: no {name!r} date in its front matter or notebook metadata")
    reviewed = _date(page, "reviewed", meta["reviewed"])
    next_review = _date(page, "next_review", meta["next_review"])
    if next_review <= reviewed:
        raise PageMetadataError(f"{page}: next_review {next_review} must come after reviewed {reviewed}")
    return Review(page, reviewed, next_review)


def long_date(day: dt.date) -> str:
    """A date as people write it: 2 December 2026."""
    return f"{day.day} {day:%B %Y}"
