"""Small fixes to the HTML that Sphinx and its extensions write, found by the browser tests (tests/test_browser.py).

- Every inline script appears once per page. With Sphinx 7.4 the inline scripts that sphinx-togglebutton and
  sphinx-thebe register (a body, no file) end up twice in every page; sphinx-thebe's declares
  ``const THEBE_JS_URL``, so the second copy throws "Identifier 'THEBE_JS_URL' has already been declared" in the
  reader's browser. Scripts with a file are left to Sphinx, which already keeps one of each.
- Reference lists are proper lists for screen readers. docutils writes citations as
  ``<div role="list"><div role="doc-biblioentry">``; ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1 and is
  not a list item, so the list has no items (axe-core: aria-required-children, critical). Each entry becomes
  ``role="listitem"``.
- No widget renderer where no widget is shown. A notebook whose app cell is tagged ``remove-cell`` still saves
  the widget state, so MyST-NB puts that state (hundreds of KB) and the renderer (embed.js, 1.8 MB) on the page
  although no widget view is left to render. Both are dropped from pages without a widget view.
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


def citations_as_list_items(app, pagename, templatename, context, doctree) -> None:
    """Give each entry of a reference list the list-item role its ``role="list"`` parent needs."""
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def drop_unused_widget_state(app, pagename, templatename, context, doctree) -> None:
    """Remove the saved widget state and the widget renderer from a page that shows no widget view."""
    body, scripts = context.get("body"), context.get("script_files")
    if not isinstance(body, str) or not isinstance(scripts, list) or WIDGET_VIEW in body:
        return
    renderer = {f"_static/{src}" for src in (app.config["nb_ipywidgets_js"] or {}) if "://" not in src}
    renderer |= {src for src in (app.config["nb_ipywidgets_js"] or {}) if "://" in src}

    def is_widget_script(script) -> bool:
        attributes = getattr(script, "attributes", None) or {}
        return attributes.get("type") == WIDGET_STATE or getattr(script, "filename", None) in renderer

    context["script_files"] = [script for script in scripts if not is_widget_script(script)]


def setup(app) -> None:
    # Late (900): after the theme and MyST-NB have added their per-page scripts; Sphinx sorts them afterwards.
    app.connect("html-page-context", drop_repeated_inline_scripts, priority=900)
    app.connect("html-page-context", citations_as_list_items, priority=900)
    app.connect("html-page-context", drop_unused_widget_state, priority=900)
