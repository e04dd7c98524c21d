"""Trust signals on every page: when it was last reviewed, when the next review is due, and how the course is
made and checked (issue 16 section 7).

The dates come from each page's own front matter or notebook metadata (:func:`backcourse.book.pages.review`),
never from the build date. A page without them gets no line here; ``tests/test_review_dates.py`` fails instead,
so a new page cannot slip through.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.util.docutils import SphinxDirective

from backcourse.book import pages

#: The page that explains how the course is made and checked, linked from every page's review line.
ABOUT_DOC = "book/about"


def review_line(docname: str, srcdir: Path) -> nodes.container | None:
    """The 'Page last reviewed ... Next review due ...' line of one page, or None if it has no dates."""
    try:
        info = pages.review(docname, srcdir)
    except (pages.PageMetadataError, FileNotFoundError):
        return None
    box = nodes.container(classes=["page-review"])
    para = nodes.paragraph()
    para += nodes.Text(f"Page last reviewed: {pages.long_date(info.reviewed)}. "
                       f"Next review due: {pages.long_date(info.next_review)}. ")
    if docname != ABOUT_DOC:
        xref = pending_xref("", refdomain="std", reftype="doc", reftarget="/" + ABOUT_DOC, refexplicit=True,
                            refwarn=True, refdoc=docname)
        xref += nodes.inline("", "How this course is made and checked", classes=["xref", "std", "std-doc"])
        para += xref
    box += para
    return box


def add_review_line(app, doctree) -> None:
    line = review_line(app.env.docname, Path(app.srcdir))
    if line is None:
        return
    sections = [n for n in doctree.children if isinstance(n, nodes.section)]
    (sections[0] if sections else doctree).append(line)


def issues_url(config) -> str:
    """The issue tracker of the repository named in _config.yml (jupyter-book passes it to the theme)."""
    repo = (getattr(config, "html_theme_options", None) or {}).get("repository_url", "") or ""
    return repo.rstrip("/") + "/issues" if repo else ""


class ReportMistake(SphinxDirective):
    """How to report a mistake, with the issue tracker's address from _config.yml (or a plain note if none)."""

    has_content = False

    def run(self):
        url = issues_url(self.config)
        para = nodes.paragraph()
        if url:
            para += nodes.Text("Report it on the course's public list of problems: ")
            para += nodes.reference(url, url, refuri=url)
            para += nodes.Text(". Choose \"New issue\". You need a free GitHub account to post.")
        else:
            para += nodes.Text("This copy of the course has no public list of problems set up. Tell the person "
                               "or the group that gave you the course.")
        return [para]


def setup(app):
    app.connect("doctree-read", add_review_line)
    app.add_directive("report-mistake", ReportMistake)
