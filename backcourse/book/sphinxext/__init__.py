"""Sphinx extensions of the course, loaded through ``sphinx.extra_extensions`` in ``_config.yml``.

Each directive renders something from the course's own data, so no text is copied by hand:
``learning-overview`` renders a page's objectives, time to learn and prerequisites from its metadata.
"""

from __future__ import annotations

from backcourse.book.sphinxext import overview
from backcourse.book.sphinxext import chapters  # chapter-table directive, learning-time role (instructor guide, syllabi)
from backcourse.book.sphinxext import launch  # launch buttons only on .ipynb pages (chapters' buttons would open raw .md files)
from backcourse.book.sphinxext import bibstyle  # pybtex style 'course': author-year labels, the same for a source on every page
from backcourse.book.sphinxext import htmlfixes  # fixes to Sphinx's HTML found by the browser tests (repeated scripts, citation roles)
from backcourse.book.sphinxext import library  # exercise-index and exercise-library directives, drawn from data/exercises.yaml
from backcourse.book.sphinxext import livebuilder  # live-routine-builder: the routine builder running in the reader's browser


def setup(app):
    overview.setup(app)
    chapters.setup(app)
    launch.setup(app)
    bibstyle.setup(app)
    htmlfixes.setup(app)
    library.setup(app)
    livebuilder.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
