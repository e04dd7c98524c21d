"""Page assets: every inline script appears once per page.

Why: with Sphinx 7.4 the inline scripts that sphinx-togglebutton and sphinx-thebe register (a body, no file)
end up twice in every page. sphinx-thebe's copy declares ``const THEBE_JS_URL``, so the second one throws
"Identifier 'THEBE_JS_URL' has already been declared" in the reader's browser (tests/test_browser.py fails
any page with a console error). Dropping exact repeats changes nothing else: scripts with a file are left to
Sphinx, which already keeps one of each.
"""

from __future__ import annotations


def drop_repeated_inline_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first of each identical inline script in ``script_files``."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple] = set()
    kept = []
    for script in scripts:
        attributes = getattr(script, "attributes", None)
        if attributes is not None and not getattr(script, "filename", None) and "body" in attributes:
            key = tuple(sorted((name, str(value)) for name, value in attributes.items()))
            if key in seen:
                continue
            seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def setup(app) -> None:
    # Late (900): after the theme and MyST-NB have added their per-page scripts; Sphinx sorts them afterwards.
    app.connect("html-page-context", drop_repeated_inline_scripts, priority=900)
