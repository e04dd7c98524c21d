"""Notebook links to the book's own address become relative links in the built book.

Why: the notebooks link to the book by its address (``backcourse.book.links``) so that the links work in
JupyterLab too. Inside the book the same links must stay inside this build (the local build, the student
edition, a copy on a USB stick), so each one becomes a relative link, and a link to a page that is not in the
book is a build warning (the build runs with ``-W``, so it fails).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

from backcourse.book.links import LOCAL_BOOK_URL

logger = logging.getLogger(__name__)


def book_bases(app) -> list[str]:
    bases = [LOCAL_BOOK_URL]
    configured = (app.config.html_baseurl or "").strip()
    if configured:
        bases.insert(0, configured if configured.endswith("/") else configured + "/")
    return bases


def relative_book_links(app, doctree, fromdocname) -> None:
    bases = book_bases(app)
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        base = next((b for b in bases if uri.startswith(b)), None)
        if base is None:
            continue
        path, _, anchor = uri[len(base):].partition("#")
        docname = path[: -len(".html")] if path.endswith(".html") else path
        if docname not in app.env.all_docs:
            logger.warning("link to %s: no page %r in the book", uri, docname, location=ref)
            continue
        target = app.builder.get_relative_uri(fromdocname, docname)
        ref["refuri"] = target + (f"#{anchor}" if anchor else "")
        ref["internal"] = True
        ref["classes"] = [c for c in ref.get("classes", []) if c != "external"]


def setup(app) -> None:
    app.connect("doctree-resolved", relative_book_links)
