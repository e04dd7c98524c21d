"""Reference-list labels that name the source ("Qaseem et al. 2017") instead of counting from 1 on every page.

Why: every chapter ends with its own reference list (``:filter: docname in docnames``) and
``book/references`` lists them all. pybtex's ``plain`` style numbers each list from 1, so the same number
would stand for different sources on different pages and Sphinx warns "duplicate label". An author-year
label is the same for a source wherever it is listed, matches the author-year citations in the text, and
tells a reader which source it is without a lookup.

Registered as the pybtex formatting style ``course`` (``bibtex_default_style: course`` in ``_config.yml``):
pybtex's ``plain`` formatting (sorted by author, year, title) with the ``course-author-year`` label style.
"""

from __future__ import annotations

import re
import unicodedata

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle

_BRACES = re.compile(r"[{}]")
_LATEX_ACCENT = re.compile(r"\\(?P<accent>['`^\"~])\s*\{?\\?(?P<letter>[A-Za-z])\}?")
_COMBINING = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303"}


def _clean(text: str) -> str:
    """Plain text of a BibTeX name part: {\\'a} becomes \u00e1, braces go."""
    text = _LATEX_ACCENT.sub(lambda m: m.group("letter") + _COMBINING[m.group("accent")], text)
    return unicodedata.normalize("NFC", _BRACES.sub("", text)).strip()


def _surname(person) -> str:
    parts = [*person.prelast_names, *person.last_names]
    return _clean(" ".join(parts))


def author_year_label(entry) -> str:
    """'Qaseem et al. 2017', 'Roland and Morris 1983', 'NHS inform' (no year given)."""
    persons = [p for p in entry.persons.get("author", []) if _surname(p).lower() != "others"]
    has_others = any(_surname(p).lower() == "others" for p in entry.persons.get("author", []))
    if not persons:
        name = _clean(entry.fields.get("title", entry.key))
    elif len(persons) == 1 and not has_others:
        name = _surname(persons[0])
    elif len(persons) == 2 and not has_others:
        name = f"{_surname(persons[0])} and {_surname(persons[1])}"
    else:
        name = f"{_surname(persons[0])} et al."
    year = _clean(entry.fields.get("year", ""))
    return f"{name} {year}".strip()


class AuthorYearLabels(BaseLabelStyle):
    """One label per entry from its own fields, so a source has the same label in every list."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield author_year_label(entry)


class CourseStyle(PlainStyle):
    """pybtex's plain style with author-year labels."""

    default_label_style = "course-author-year"


def setup(app) -> None:
    register_plugin("pybtex.style.labels", "course-author-year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "course", CourseStyle)
