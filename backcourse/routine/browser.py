"""The routine builder in the reader's browser: the online book's form in, the notebook's plan and files out.

Why: the "Build your routine" page runs this module in Pyodide, so the page shows exactly what
:func:`backcourse.routine.engine.build_plan` and :mod:`backcourse.routine.handout` give in the notebook for
the same answers; nothing here decides anything about the plan. It only turns the form's answers (strings,
as a browser sends them) into a :class:`~backcourse.routine.engine.Profile` and safety answers, with errors
that name the field, and it writes no file and opens no connection. Standard library only.

In the page, matplotlib does not exist, so the handout's drawings come from ``data/drawings.json``, rendered
by :mod:`backcourse.library.drawings` when the book was built (:func:`use_prerendered_drawings`).
"""

from __future__ import annotations

import json
import sys
import types
from datetime import date

from backcourse import DATA_DIR, safety
from backcourse.routine import engine, handout

#: Form values for yes and no (the page's radio buttons).
YES, NO = "yes", "no"
INT_FIELDS = ("minutes_per_session", "sessions_per_week", "aerobic_minutes_now", "aerobic_days_now")


class FormError(ValueError):
    """A form value the builder cannot use; the message names the field and the value."""


def _int(name: str, value) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise FormError(f"{name} must be a whole number, got {value!r}") from None


def answers_from_form(raw: dict) -> dict[str, bool | None]:
    """Safety answers: "yes" -> True, "no" -> False, missing or empty -> None (not answered)."""
    out: dict[str, bool | None] = {}
    for q in safety.QUESTIONS:
        value = raw.get(q.id)
        if value in (None, ""):
            out[q.id] = None
        elif value in (YES, NO):
            out[q.id] = value == YES
        else:
            raise FormError(f"safety answer {q.id}: must be yes or no, got {value!r}")
    return out


def read_form(form: dict):
    """The form as the engine's arguments: (profile, answers, clinician_cleared, start, weeks)."""
    p = form.get("profile", {})
    fields = {name: _int(name, p.get(name)) for name in INT_FIELDS}
    profile = engine.Profile(
        phase=p.get("phase", ""), aggravated_by=tuple(p.get("aggravated_by", ())),
        equipment=tuple(p.get("equipment", ())), aerobic=p.get("aerobic", ""), **fields,
    )
    try:
        start = date.fromisoformat(str(form.get("start", "")))
    except ValueError:
        raise FormError(f"start must be a date (year-month-day), got {form.get('start')!r}") from None
    return profile, answers_from_form(form.get("answers", {})), bool(form.get("cleared")), start, \
        _int("weeks", form.get("weeks"))


_last: dict[str, object] = {}


def _plan(form_json: str):
    if _last.get("form") != form_json:
        profile, answers, cleared, start, weeks = read_form(json.loads(form_json))
        _last["plan"] = engine.build_plan(profile, answers, cleared, start=start, weeks=weeks)
        _last["form"] = form_json
    return _last["plan"]


def build(form_json: str) -> str:
    """The page's "Build my plan": JSON with ``status`` (``plan`` or the safety status) and ``html``.

    A form the engine refuses gives ``status`` ``error`` and the engine's message (field and value)."""
    try:
        plan = _plan(form_json)
    except (FormError, engine.ProfileError, safety.ScreenError) as err:
        _last.clear()
        return json.dumps({"status": "error", "message": str(err)})
    if isinstance(plan, engine.Plan):  # said back first, as in the notebook: what was answered, and the pain rule
        return json.dumps({"status": "plan", "html": handout.screen_html(plan) + handout.plan_html(plan)})
    return json.dumps({"status": plan.status, "html": handout.plan_html(plan)})


def export(form_json: str, kind: str):
    """One download for the current form: ``html`` (handout), ``csv`` (text) or ``ics`` (bytes)."""
    plan = _plan(form_json)
    if kind == "html":
        return handout.handout_html(plan, _PrerenderedLibrary())
    if kind == "csv":
        return handout.plan_csv(plan)
    if kind == "ics":
        return handout.plan_ics(plan)
    raise FormError(f"kind must be html, csv or ics, got {kind!r}")


# --- Drawings rendered at build time --------------------------------------------------------------------------

class _Drawn:
    """An exercise of the engine's library whose drawing was rendered at build time (see the module docstring)."""

    def __init__(self, exercise):
        self._exercise = exercise

    def __getattr__(self, name):
        return getattr(self._exercise, name)


class _PrerenderedLibrary:
    """The engine's library, for the handout (which only asks it for exercises by id and draws each one)."""

    def get(self, exercise_id: str):
        return _Drawn(engine.default_library().get(exercise_id))


def use_prerendered_drawings(path=None) -> None:
    """Serve ``backcourse.library.drawings`` from the drawings the build rendered (the page has no matplotlib)."""
    with open(path or DATA_DIR / "drawings.json", encoding="utf-8") as f:
        drawn = json.load(f)
    module = types.ModuleType("backcourse.library.drawings", "Drawings rendered when the book was built.")
    module.exercise_svg = lambda ex, stacked=False: drawn[ex.id]["svg"]
    module.alt_text = lambda ex: drawn[ex.id]["alt"]
    sys.modules[module.__name__] = module
