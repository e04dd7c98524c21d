"""The ``{live-routine-builder}`` directive: the routine builder as a plain HTML form that runs in the book.

Why: most readers meet the course as the online book, often on a phone, with nothing installed. The form is
rendered here from the course's own data (the safety questions from :data:`backcourse.safety.QUESTIONS`, the
choices and limits from :mod:`backcourse.routine.engine`), so it can never drift from the notebook. The page
loads only ``live-builder.js`` and ``live-builder.css`` (a few kilobytes); when the reader presses "Build my
plan here", the script loads Pyodide and the course's engine from the book's own files
(:mod:`backcourse.book.bundle`, written by this extension when the build finishes) and shows the plan.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from backcourse import safety
from backcourse.book import bundle
from backcourse.routine import engine

STATIC = Path(__file__).parent / "static"
CLASS = "live-builder"
LOG = logging.getLogger(__name__)

_e = html.escape

PRIVACY = (
    "Your answers stay on this device. The page sends nothing to anyone: the plan is made by Python running "
    "in your browser. If you press \"Keep my answers\", they are kept in this browser's storage until you "
    "press \"Delete kept answers\"."
)


def _radio_question(q) -> str:
    name = f"q-{q.id}"
    options = "".join(
        f'<label class="live-choice"><input type="radio" name="{name}" value="{value}" required> {word}</label>'
        for value, word in (("yes", "Yes"), ("no", "No"))
    )
    return (f'<fieldset class="live-question live-{_e(q.level)}" data-question="{_e(q.id)}">'
            f"<legend>{_e(q.text)}</legend>{options}</fieldset>")


def _checkboxes(name: str, labels: dict[str, str], checked=()) -> str:
    return "".join(
        f'<label class="live-choice"><input type="checkbox" name="{name}" value="{_e(value)}"'
        f'{" checked" if value in checked else ""}> {_e(label)}</label>'
        for value, label in labels.items()
    )


def _number(name: str, label: str, low: int, high: int, value: int, hint: str = "") -> str:
    hint_html = f' <span class="live-hint" id="{name}-hint">{_e(hint)}</span>' if hint else ""
    described = f' aria-describedby="{name}-hint"' if hint else ""
    return (f'<p class="live-field"><label for="live-{name}">{_e(label)}</label>{hint_html}'
            f'<input type="number" id="live-{name}" name="{name}" min="{low}" max="{high}" step="1" '
            f'value="{value}" inputmode="numeric" required{described}></p>')


def form_html(static_prefix: str) -> str:
    """The whole builder: safety questions first, then the profile, the button, the status and the result."""
    d = engine.Profile()
    emergency = [q for q in safety.QUESTIONS if q.level == safety.EMERGENCY]
    see_soon = [q for q in safety.QUESTIONS if q.level != safety.EMERGENCY]
    phases = "".join(f'<option value="{_e(p)}"{" selected" if p == d.phase else ""}>{_e(engine.PHASE_LABELS[p])}'
                     "</option>" for p in engine.PHASES)
    aerobic = "".join(f'<option value="{_e(a)}"{" selected" if a == d.aerobic else ""}>{_e(a.capitalize())}</option>'
                      for a in engine.AEROBIC)
    return f"""<section class="{CLASS}" id="live-builder" aria-labelledby="live-builder-title"
 data-static="{_e(static_prefix)}">
<h3 id="live-builder-title">Build your plan in this page</h3>
<p class="live-privacy">{_e(PRIVACY)}</p>
<p class="live-nojs">This builder needs JavaScript. You can still run the notebook instead.</p>
<form class="live-form" novalidate>
<fieldset class="live-group"><legend>1. Safety questions first</legend>
<p>Answer yes or no to each one.</p>
<p class="live-subhead">Signs that need help now</p>
{"".join(_radio_question(q) for q in emergency)}
<p class="live-subhead">Signs that need a check soon</p>
{"".join(_radio_question(q) for q in see_soon)}
<p class="live-field"><label class="live-choice"><input type="checkbox" name="cleared">
 {_e(safety.CLEARANCE_STATEMENT)}</label></p>
</fieldset>
<fieldset class="live-group"><legend>2. About you</legend>
<p class="live-field"><label for="live-phase">Your phase</label>
<select id="live-phase" name="phase">{phases}</select></p>
<fieldset class="live-choices"><legend>What makes your pain worse?</legend>
{_checkboxes("aggravated_by", engine.AGGRAVATOR_LABELS, d.aggravated_by)}</fieldset>
<fieldset class="live-choices"><legend>What do you have?</legend>
{_checkboxes("equipment", engine.EQUIPMENT_LABELS, d.equipment)}</fieldset>
{_number("minutes_per_session", "Minutes for each session", *engine.MINUTES_RANGE, d.minutes_per_session)}
{_number("sessions_per_week", "Sessions each week", *engine.SESSIONS_RANGE, d.sessions_per_week)}
<p class="live-field"><label for="live-aerobic">Aerobic activity</label>
<select id="live-aerobic" name="aerobic">{aerobic}</select></p>
{_number("aerobic_minutes_now", "Minutes you do it now, each time", *engine.AEROBIC_MINUTES_RANGE,
         d.aerobic_minutes_now)}
{_number("aerobic_days_now", "Days a week you do it now", 0, 7, d.aerobic_days_now)}
{_number("weeks", "Weeks in the plan", *engine.WEEKS_RANGE, 6)}
<p class="live-field"><label for="live-start">First day</label>
<input type="date" id="live-start" name="start" required></p>
</fieldset>
<p><button type="submit" class="live-build">Build my plan here</button></p>
<p class="live-status" role="status" aria-live="polite"></p>
<progress class="live-progress" max="3" value="0" hidden aria-label="Loading the builder"></progress>
</form>
<div class="live-result" tabindex="-1" aria-live="polite"></div>
<div class="live-actions" hidden>
<p><button type="button" data-download="html">Download the handout (.html)</button>
<button type="button" data-download="ics">Download the calendar (.ics)</button>
<button type="button" data-download="csv">Download the spreadsheet (.csv)</button></p>
</div>
<p class="live-keep"><button type="button" class="live-save">Keep my answers in this browser</button>
<button type="button" class="live-forget">Delete kept answers</button>
<span class="live-kept" role="status"></span></p>
</section>"""


class live_builder(nodes.General, nodes.Element):
    """Placeholder for the form; written as raw HTML by the HTML builder."""


def _visit_html(self, node):
    prefix = "../" * self.builder.current_docname.count("/") + "_static/"
    self.body.append(form_html(prefix))
    raise nodes.SkipNode


def _skip(self, node):
    raise nodes.SkipNode


class LiveRoutineBuilder(SphinxDirective):
    has_content = False

    def run(self):
        for path in (Path(safety.__file__), Path(engine.__file__), Path(__file__)):
            self.env.note_dependency(str(path))
        return [live_builder()]


def _add_static(app) -> None:
    if app.builder.format == "html" and str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    """The builder's script and styles load only on the page that shows it (a few kilobytes)."""
    if doctree is not None and any(True for _ in doctree.findall(live_builder)):
        app.add_js_file("live-builder.js", loading_method="defer")
        app.add_css_file("live-builder.css")


def _write_bundle(app, exception) -> None:
    """Copy Pyodide and pack the engine into ``_static`` (every HTML build, also from cached pages)."""
    if exception is not None or app.builder.format != "html":
        return
    try:
        # The library chapter's extension has written the drawings by now (its build-finished runs first).
        bundle.write_bundle(Path(app.outdir) / "_static", Path(app.outdir) / "_images" / "exercises")
    except bundle.BundleError as err:
        LOG.warning("live routine builder: %s", err)


def setup(app):
    app.add_node(live_builder, html=(_visit_html, None), latex=(_skip, None), text=(_skip, None),
                 man=(_skip, None), texinfo=(_skip, None))
    app.add_directive("live-routine-builder", LiveRoutineBuilder)
    app.connect("builder-inited", _add_static)
    app.connect("html-page-context", _page_assets)
    app.connect("build-finished", _write_bundle)
