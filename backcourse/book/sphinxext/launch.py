"""Launch buttons only where they work: on pages built from a ``.ipynb`` notebook.

Why: sphinx-book-theme also gives launch buttons to chapters written as MyST Markdown notebooks (a ``.md`` file
with code cells that draw figures). Those buttons open the raw ``.md`` file: JupyterLab shows it as text and
Colab cannot open it at all. Chapters are meant to be read in the book (``python -m backcourse.teach.assign`` links a
chapter to its book page for the same reason), so their launch buttons are removed; notebooks keep theirs.
"""

from __future__ import annotations

from pathlib import Path


def drop_launch_buttons_on_chapters(app, pagename, templatename, context, doctree):
    """After the theme has added its buttons, remove the launch group from pages whose source is not .ipynb."""
    if pagename not in app.env.all_docs:
        return
    if Path(app.env.doc2path(pagename)).suffix == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]


def setup(app):
    # sphinx-book-theme adds its launch buttons at priority 501; run after it.
    app.connect("html-page-context", drop_launch_buttons_on_chapters, priority=502)
