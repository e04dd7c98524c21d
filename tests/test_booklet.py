"""The whole course as one PDF booklet (``make pdf``, backcourse/book/pdf.py), checked as a reader's PDF viewer and
screen reader would meet it: tagged, with a bookmark per page of the book, and links that stay inside the PDF.

The booklet is printed once per session from the book the other tests build, into a temporary folder, so the
built book itself is not changed.
"""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from backcourse.book import pdf as booklet

TITLE = "Test booklet title"


def _page_title(path) -> str:
    """The page's own title as the built HTML has it: the first h1 inside the article, without its # link."""
    text = path.read_text(encoding="utf-8")
    article = text[text.index('<article class="bd-article">'):]
    inner = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S).group(1)
    inner = re.sub(r'<a class="headerlink".*?</a>', "", inner, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())


@pytest.fixture(scope="module")
def printed(book, browser):
    pages = booklet.toc_pages()
    data = booklet.print_booklet(browser, book.html, pages, TITLE)
    return pages, PdfReader(BytesIO(data)), {page: _page_title(book.html / page) for page in pages}


def _outline(reader):
    top = [item for item in reader.outline if not isinstance(item, list)]
    return [(item.title, reader.get_destination_page_number(item)) for item in top]


def test_the_booklet_is_tagged_for_screen_readers(printed):
    _, reader, _ = printed
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject, not the bool itself
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/K"], "an empty structure tree"
    assert root.get("/Lang") == "en"
    assert reader.metadata.title == TITLE


def test_one_bookmark_per_book_page_in_reading_order(printed):
    pages, reader, titles = printed
    outline = _outline(reader)
    assert [title for title, _ in outline] == [titles[page] for page in pages]
    starts = [start for _, start in outline]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "each page starts on new paper"
    assert reader.trailer["/Root"].get("/PageMode") == "/UseOutlines"


def test_bookmarks_keep_the_spaces_of_wrapped_headings(printed):
    """Chromium names bookmarks from the laid-out lines; long titles wrap on A4 and must not lose their spaces."""
    _, reader, titles = printed
    names = {title for title, _ in _outline(reader)}
    long_titles = [t for t in titles.values() if len(t) > 30]
    assert long_titles and all(t in names for t in long_titles)


def test_links_between_pages_stay_inside_the_pdf(printed):
    pages, reader, titles = printed
    starts = dict(zip([titles[p] for p in pages], [start for _, start in _outline(reader)]))
    named = reader.named_destinations
    inside, outside = [], []
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                outside.append((number, str(action.get_object()["/URI"])))
            elif "/Dest" in annot:
                inside.append((number, str(annot["/Dest"])))
    assert not [u for u in outside if not u[1].startswith(("https://", "http://", "mailto:"))], outside
    assert not [u for u in outside if "127.0.0.1" in u[1] or "localhost" in u[1]], "links to the print server"
    assert len(inside) > 100
    missing = {dest for _, dest in inside if dest not in named}
    assert not missing, f"links to places the PDF does not have: {sorted(missing)[:5]}"
    # The landing page's "Start here" button and the safety page: links land on the page they name.
    safety = [reader.get_destination_page_number(named[d]) for _, d in inside if d == "/book-safety"]
    assert safety and set(safety) == {starts[titles["book/safety.html"]]}
