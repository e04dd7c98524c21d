"""The routine notebook as the online book shows it: the live app is hidden (no control that looks live but
does nothing), the launch note is there, and the worked example is static output whose links all resolve."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from build_support import ROOT
from backcourse import safety

pytestmark = pytest.mark.build

NOTEBOOK = ROOT / "notebooks" / "build-your-routine.ipynb"


@pytest.fixture(scope="module")
def page(book) -> str:
    return (book.html / "notebooks" / "build-your-routine.html").read_text(encoding="utf-8")


def test_the_app_cell_is_removed_and_the_note_says_how_to_use_it(page):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    app_cells = [c for c in nb["cells"] if "RoutineApp(" in "".join(c["source"])]
    assert len(app_cells) == 1 and "remove-cell" in app_cells[0]["metadata"].get("tags", [])
    assert "RoutineApp" not in page
    # no widget view is rendered (the page may still carry the executed notebook's widget state)
    assert '<script type="application/vnd.jupyter.widget-view+json">' not in page
    assert "Run this notebook" in page and "launch button" in page


def test_worked_example_is_static_html_with_every_week(page):
    # the worked example's 6 weeks, and the first week of next week's plan after the check-in
    assert page.count('class="routine-week"') == 6 + 1
    assert "Week 1 check-in" in page and "Made-up sample diary and sample plan" in page
    assert "Why: " in page and html.escape(safety.PAIN_RULE) in page  # the safety box holds the one pain rule
    assert "Warning sign." in page  # the blocked example


def test_chart_has_the_alt_text_of_the_notebook(page):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    alts = [c["metadata"]["mystnb"]["image"]["alt"] for c in nb["cells"] if "mystnb" in c["metadata"]]
    assert len(alts) == 1 and alts[0].startswith("Stacked bar chart")
    assert f'alt="{html.escape(alts[0], quote=True)}"' in page


def test_links_to_the_library_and_the_rules_resolve(page, book):
    links = set(re.findall(r'href="(\.\./book/[^"#]+\.html)(?:#([^"]+))?"', page))
    assert any(a.startswith("ex-") for _, a in links) and ("../book/phases.html", "routine-rules") in links
    for path, anchor in links:
        target = (book.html / "notebooks" / path).resolve()
        assert target.is_file(), path
        if anchor:
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), f"{path}#{anchor}"
