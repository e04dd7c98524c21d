"""The book builds with zero warnings, every page in the table of contents exists, and figures are crisp."""

from __future__ import annotations

import re

import yaml

from build_support import ROOT


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            files.append(chapter["file"])
            files.extend(section["file"] for section in chapter.get("sections", []))
    return files


def test_build_has_no_warnings_or_errors(book):
    problems = book.problems()
    assert book.returncode == 0 and not problems, (
        f"jupyter-book build failed (exit {book.returncode}) with {len(problems)} problem line(s):\n"
        + "\n".join(problems[:30])
        + f"\nFull log: {book.log_path}\nExecution reports: {book.reports}"
    )


def test_every_toc_entry_becomes_a_page(book):
    missing = [f for f in toc_files() if not (book.html / f"{f}.html").is_file()]
    assert not missing, f"pages missing from {book.html}: {missing}"


def test_notebook_figures_are_vector_graphics(book):
    page = (book.html / "notebooks" / "how-to-use-notebooks.html").read_text(encoding="utf-8")
    images = re.findall(r'<img[^>]+src="(\.\./_images/[^"]+)"', page)
    assert images, "the starter notebook page shows no figure"
    assert all(src.endswith(".svg") for src in images), f"raster figures found: {images}"


def test_every_page_names_its_safety_route(book):
    """The landing page carries the safety box, and it links to the safety chapter."""
    page = (book.html / "book" / "intro.html").read_text(encoding="utf-8")
    assert re.search(r'class="[^"]*\bsafety\b[^"]*\badmonition\b|class="[^"]*\badmonition\b[^"]*\bsafety\b', page)
    assert 'href="safety.html"' in page
