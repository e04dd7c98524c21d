"""Which scripts and style sheets a page loads: only those it uses (page weight, tests/test_browser.py budget).

Why: a reader on a phone pays for every file. The extensions jupyter-book loads put their files on every page,
whether the page uses them or not. Here each page keeps
- the copy-button scripts only if it shows a code block;
- sphinx-design's tab script only if it has tabs, and its styles only if it has a card, grid or badge;
- the code colours (pygments.css) only if it shows code;
- sphinx-togglebutton only if it has something to fold (a toggle, a dropdown, a solution);
- sphinx-thebe never: live code is switched off (``launch_buttons.thebe: false`` in _config.yml).
The search page keeps everything search needs; the other pages link to it (the theme's search-as-you-type is
off, so they need no search index; see book/_templates/layout.html).

It also adds the course's small reader script (``static/reader.js``) inline, so it costs no request.
"""

from __future__ import annotations

from pathlib import Path

READER_JS = Path(__file__).parent / "static" / "reader.js"

#: file name -> words of which at least one must be in the page body for the file to be needed.
NEEDED_IF = {
    "clipboard.min.js": ('class="highlight',),
    "copybutton.js": ('class="highlight',),
    "copybutton.css": ('class="highlight',),
    "design-tabs.js": ("sd-tab-set",),
    "togglebutton.js": ("toggle", "dropdown"),
    "togglebutton.css": ("toggle", "dropdown"),
    "sphinx-design.min.css": ("sd-",),
    "pygments.css": ('class="highlight',),
    "sphinx-thebe.js": (),
    "sphinx-thebe.css": (),
}


def _name(asset) -> str:
    return (getattr(asset, "filename", None) or "").rsplit("/", 1)[-1].split("?")[0]


def unneeded(filename: str, body: str) -> bool:
    """True when the page body uses nothing the file is for."""
    words = NEEDED_IF.get(filename)
    return words is not None and not any(word in body for word in words)


def drop_unused_assets(app, pagename, templatename, context, doctree) -> None:
    """Remove from this page the scripts and style sheets listed in NEEDED_IF that it does not use."""
    body = context.get("body")
    body = body if isinstance(body, str) else ""  # search and genindex: no page body of their own
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if isinstance(files, list):
            context[key] = [asset for asset in files if not unneeded(_name(asset), body)]


def setup(app) -> None:
    app.add_js_file(None, body=READER_JS.read_text(encoding="utf-8"))
    # Late (950): after every extension added its files, and after htmlfixes (900).
    app.connect("html-page-context", drop_unused_assets, priority=950)
