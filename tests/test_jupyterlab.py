"""The notebooks as a learner meets them: opened in a real JupyterLab, Run All from the menu, looked at.

JupyterLab renders the notebooks' MyST with jupyterlab-myst (pinned in requirements.txt): these tests fail if a
safety box, a role or a self-check shows up as raw source, if an answer sits in plain view under its question,
if a link to the book leads to a file JupyterLab cannot open, or if a cell writes an error. Screenshots of each
notebook after Run All go to _build/screenshots/jupyterlab/.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from backcourse import REPO_ROOT
from backcourse.book.links import book_url
from jupyterlab_support import RENDERED, JupyterLab, markdown_text, open_notebook, raw_myst, run_all

pytestmark = [pytest.mark.browser]

NOTEBOOKS = sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
SHOTS = REPO_ROOT / "_build" / "screenshots" / "jupyterlab"
SOLUTION = re.compile(r"^(`{3,}|:{3,})\{solution\}[^\n]*\n(?P<body>.*?)^\1\s*$", re.M | re.S)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with JupyterLab(tmp_path_factory.mktemp("jupyterlab"), env={"BACKCOURSE_DIARY_SAMPLE": "1"}) as server:
        yield server


@dataclass
class Ran:
    """What a learner's JupyterLab showed after Run All of one notebook."""

    text: str
    stderr: list[str]
    page_errors: list[str]
    hrefs: list[tuple[str, str]]
    visible_answers: list[str]
    not_run: int


@pytest.fixture(scope="module")
def ran(lab, browser):
    """Each notebook opened, run from the menu and looked at, one after the other in one tab."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    SHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in NOTEBOOKS:
        errors.clear()
        open_notebook(page, lab, f"notebooks/{name}")
        run_all(page)
        page.screenshot(path=str(SHOTS / f"{name.removesuffix('.ipynb')}.png"))
        visible = []
        for snippet in solution_snippets(name):
            shown = page.get_by_text(snippet, exact=False)
            if any(shown.nth(i).is_visible() for i in range(shown.count())):
                visible.append(snippet)
        results[name] = Ran(
            text=markdown_text(page),
            stderr=page.eval_on_selector_all(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", "els => els.map(e => e.innerText)"),
            page_errors=list(errors),
            hrefs=[tuple(pair) for pair in page.eval_on_selector_all(
                f"{RENDERED.split(',')[0]} a[href]", "els => els.map(e => [e.innerText, e.getAttribute('href')])")],
            visible_answers=visible,
            not_run=page.eval_on_selector_all('.jp-CodeCell .jp-InputPrompt',
                                              "els => els.filter(e => !/\\[\\d+\\]/.test(e.textContent)).length"),
        )
    context.close()
    return results


def solution_snippets(name: str) -> list[str]:
    """The first words of each self-check answer in the notebook's source."""
    nb = json.loads((REPO_ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    snippets = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for match in SOLUTION.finditer("".join(cell["source"])):
                body = [line for line in match.group("body").splitlines() if line.strip() and not line.startswith(":")]
                if body:
                    snippets.append(re.sub(r"[*_`]", "", body[0])[:40])
    return snippets


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_myst_renders_instead_of_showing_source(ran, name):
    text = ran[name].text
    assert text.strip(), f"{name}: no rendered Markdown found"
    assert raw_myst(text) == [], f"{name} shows raw MyST in JupyterLab: {raw_myst(text)}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_cell_runs_without_errors(ran, name):
    assert ran[name].stderr == [], f"{name}: cells wrote errors: {ran[name].stderr[:2]}"
    assert ran[name].not_run == 0, f"{name}: {ran[name].not_run} code cells did not run"
    assert ran[name].page_errors == [], f"{name}: the page threw: {ran[name].page_errors[:2]}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_answers_stay_folded(ran, name):
    assert ran[name].visible_answers == [], f"{name}: answers shown before the learner opens them"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_links_to_the_book_open_the_book(ran, name):
    hrefs = ran[name].hrefs
    broken = [(text, href) for text, href in hrefs if "/files/" in href or not href]
    assert broken == [], f"{name}: links JupyterLab cannot open: {broken}"
    assert any(href.startswith(book_url()) for _, href in hrefs), f"{name}: no link to the book at {book_url()}"
