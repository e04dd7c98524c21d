"""What each page tells browsers, search engines and the book's own search, from the page's front matter.

- ``<meta name="description">`` on every page: the front matter's ``description``, or else the page's first
  paragraph, shortened at a word to at most 160 characters (the length result lists show).
- ``keywords`` in the front matter (a list or a comma-separated string) are the lay words readers search for
  that the page treats under another name ("slipped disc" for a disc bulge, "trapped nerve" for sciatica).
  They go into the page as a keywords meta tag, which Sphinx's search indexes word by word, so the search
  finds the page for them.
- One viewport tag per page: Sphinx's template writes it; the copies the theme and an extension add go (here
  and in book/_templates/layout.html).
- The root ``index.html`` jupyter-book writes is a bare refresh with no title, language or link; it becomes a
  small proper page that still forwards to the course's first page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes

DESCRIPTION_LIMIT = 160


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (with an ellipsis if cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def keyword_words(value) -> list[str]:
    """The single words of a front matter ``keywords`` value, lower case, each once, in order."""
    phrases = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    words: list[str] = []
    for phrase in phrases:
        for word in re.findall(r"[\w'-]+", str(phrase).lower()):
            if word not in words:
                words.append(word)
    return words


def first_paragraph(doctree) -> str:
    """The first paragraph of running text: directly in a section (not in a box, table, figure or overview
    list) and not a lead-in to a list (ending with a colon)."""
    for paragraph in doctree.findall(nodes.paragraph):
        text = paragraph.astext().strip()
        if isinstance(paragraph.parent, nodes.section) and text and not text.endswith(":"):
            return text
    return ""


def add_keywords(app, doctree) -> None:
    """Put the page's front matter keywords into its doctree as a keywords meta node (indexed by search)."""
    words = keyword_words(app.env.metadata.get(app.env.docname, {}).get("keywords"))
    if words:
        doctree.insert(0, nodes.meta(name="keywords", content=", ".join(words)))


def add_description(app, pagename, templatename, context, doctree) -> None:
    """Append the page's meta description to the tags the template writes into the head."""
    metadata = app.env.metadata.get(pagename, {}) if pagename in app.env.all_docs else {}
    text = str(metadata.get("description") or "") or (first_paragraph(doctree) if doctree is not None else "")
    if not text:
        text = f"{app.config.html_title}: {context.get('title', '')}".rstrip(": ")
    tag = f'<meta name="description" content="{html.escape(shorten(text))}" />\n'
    # Sphinx's page template writes the one viewport tag; an extension's second copy in the meta tags goes.
    metatags = re.sub(r'<meta name="viewport"[^>]*>\s*', "", context.get("metatags", ""))
    context["metatags"] = metatags + tag


ROOT_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{title}</title>
<meta name="description" content="{description}" />
<meta http-equiv="refresh" content="0; url={target}" />
</head>
<body>
<p><a href="{target}">{title}: open the course</a></p>
</body>
</html>
"""


def write_root_page(app, exception) -> None:
    """Write the root index.html as a small page that forwards to the course's first page.

    sphinx-external-toc writes a bare refresh there only when the file is missing, so this runs first.
    """
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    title = html.escape(app.config.html_title or app.config.project)
    target = html.escape(f"{app.config.root_doc}.html")
    (Path(app.outdir) / "index.html").write_text(ROOT_PAGE.format(
        lang=html.escape(app.config.language or "en"), title=title, target=target,
        description=f"{title}. This page forwards to the course's first page.",
    ), encoding="utf-8")


def setup(app) -> None:
    app.connect("doctree-read", add_keywords)
    app.connect("html-page-context", add_description)
    # Before sphinx-external-toc's handler (500), which then finds the file and leaves it.
    app.connect("build-finished", write_root_page, priority=400)
