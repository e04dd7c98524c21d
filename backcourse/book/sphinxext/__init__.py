"""Sphinx extensions of the course, loaded through ``sphinx.extra_extensions`` in ``_config.yml``.

Each directive renders something from the course's own data, so no text is copied by hand:
``learning-overview`` renders a page's objectives, time to learn and prerequisites from its metadata;
``emergency``, ``red-flags``, ``pain-rule`` and ``first-days`` render the safety text of backcourse.safety;
the ``routine-rule`` role shows a routine rule's title from backcourse.routine.engine.
"""

from __future__ import annotations

from backcourse.book.sphinxext import overview
from backcourse.book.sphinxext import chapters  # chapter-table directive, learning-time role (instructor guide, syllabi)
from backcourse.book.sphinxext import launch  # launch buttons only on .ipynb pages (chapters' buttons would open raw .md files)
from backcourse.book.sphinxext import bibstyle  # pybtex style 'course': author-year labels, the same for a source on every page
from backcourse.book.sphinxext import htmlfixes  # fixes to Sphinx's HTML found by the browser tests (repeated scripts, citation roles)
from backcourse.book.sphinxext import booklinks  # notebooks' links to the book's address become relative links in the book
from backcourse.book.sphinxext import safety  # emergency, red-flags, pain-rule, first-days: from backcourse.safety
from backcourse.book.sphinxext import review  # "Page last reviewed ... next review due" on every page
from backcourse.book.sphinxext import selfcheck  # self-check boxes read "Question N", numbered on each page
from backcourse.book.sphinxext import library  # exercise-index and exercise-library directives, drawn from data/exercises.yaml
from backcourse.book.sphinxext import head  # meta description, search keywords from front matter, a proper root index.html
from backcourse.book.sphinxext import assets  # each page loads only the scripts/styles it uses (page weight), the reader script
from backcourse.book.sphinxext import livebuilder  # live-routine-builder: the routine builder running in the reader's browser
from backcourse.book.sphinxext import routinerules  # routine-rule role: a rule's plain title with a stable anchor rule-<id>


def setup(app):
    overview.setup(app)
    chapters.setup(app)
    launch.setup(app)
    bibstyle.setup(app)
    htmlfixes.setup(app)
    library.setup(app)
    head.setup(app)
    assets.setup(app)
    booklinks.setup(app)
    safety.setup(app)
    review.setup(app)
    selfcheck.setup(app)
    livebuilder.setup(app)
    routinerules.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
