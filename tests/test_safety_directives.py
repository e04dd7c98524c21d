"""The safety directives render exactly the text of backcourse.safety: built in a tiny Sphinx project."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from backcourse import REPO_ROOT, safety

PAGE = """# Safety test page

```{emergency}
```

```{red-flags}
:level: see-soon
```

```{red-flags}
```

```{pain-rule}
```

```{first-days}
```

```{bibliography}
```
"""


class _Boxes(HTMLParser):
    """Collect the visible text of each ``course-safety`` admonition, and its links."""

    def __init__(self):
        super().__init__()
        self.boxes: list[dict] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._depth:
            self._depth += tag not in ("br", "img", "hr")
            if tag == "a":
                self.boxes[-1]["links"].append(attrs.get("href", ""))
        elif "course-safety" in (attrs.get("class") or "").split():
            self.boxes.append({"class": attrs["class"], "text": [], "links": []})
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth and tag not in ("br", "img", "hr"):
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.boxes[-1]["text"].append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from sphinx.application import Sphinx

    src = tmp_path_factory.mktemp("src")
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinxcontrib.bibtex', 'backcourse.book.sphinxext.safety']\n"
        f"bibtex_bibfiles = [{str(REPO_ROOT / 'book' / 'references.bib')!r}]\n"
        "bibtex_reference_style = 'author_year'\n", encoding="utf-8")
    (src / "index.md").write_text(PAGE + "\n```{toctree}\nbook/safety\n```\n", encoding="utf-8")
    (src / "book").mkdir()
    (src / "book" / "safety.md").write_text("# Safety\n\nThe safety page.\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    warnings = out / "warnings.txt"
    with warnings.open("w") as stream:
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "html", warning=stream,
                     status=None, freshenv=True)
        app.build()
    parser = _Boxes()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    return parser.boxes, warnings.read_text()


def _words(parts) -> str:
    # Sphinx's smart quotes turn ' into a typographic apostrophe: the same character to a reader
    text = " ".join(" ".join(parts).replace("\u2019", "'").split()).replace(" .", ".")
    # the sources line ends the box ("Sources: [Author, Year, ...]"): drop it to compare the words of the source
    return re.sub(r"\s*Sources: \[[^\]]*\]\s*$", "", text).strip()


def test_the_tiny_page_builds_without_warnings(built):
    _, warnings = built
    assert warnings.strip() == "", warnings


def test_each_directive_renders_the_source_text_exactly(built):
    boxes, _ = built
    expected = [safety.emergency_block(), safety.see_soon_block(), safety.emergency_block(),
                safety.see_soon_block(), safety.pain_rule_block(), safety.first_days_block()]
    assert len(boxes) == len(expected)
    for box, block in zip(boxes, expected):
        got = _words(box["text"])
        want = safety.block_words(block)
        if block.link:  # the book adds a link to the safety page after the sentence
            want += " See Safety."
        assert got == want, (got, want)
        assert block.kind in box["class"].split()


def test_emergency_boxes_give_the_numbers_and_cite_their_sources(built):
    boxes, _ = built
    text = " ".join(boxes[0]["text"])
    for number in ("999", "911", "112", "000"):
        assert number in text
    assert "Finucane" in text  # a citation from safety.SOURCES resolved to its author-year label


def test_pain_rule_box_cites_evidence_9(built):
    boxes, _ = built
    text = " ".join(boxes[4]["text"])
    assert "Smith" in text and "Silbernagel" in text


def test_first_days_links_to_the_safety_page(built):
    boxes, _ = built
    assert any(link.endswith("book/safety.html") for link in boxes[5]["links"])


def test_an_unknown_level_is_a_build_error(tmp_path):
    from sphinx.application import Sphinx

    (tmp_path / "conf.py").write_text("extensions = ['myst_parser', 'backcourse.book.sphinxext.safety']\n")
    (tmp_path / "index.md").write_text("# T\n\n```{red-flags}\n:level: soon\n```\n")
    warnings = tmp_path / "w.txt"
    with warnings.open("w") as stream:
        Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "o"), str(tmp_path / "d"), "html", warning=stream,
               status=None, freshenv=True).build()
    assert "soon" in warnings.read_text() and "red-flags" in warnings.read_text()


def test_advice_comes_before_the_sources_in_every_box(built):
    boxes, _ = built
    for box in boxes:
        text = " ".join(box["text"])
        assert text.rstrip().rfind("Sources:") > len(text) // 2, text[:80]
