"""The exercise explorer: ipywidgets wired to :meth:`backcourse.library.model.Library.filter` and the drawings.

Why this module holds no rules: which exercises match is decided by the library's own filter (a pure
function the tests check); the app only reads its controls into filter criteria, shows the matching
exercises as cards, and draws the chosen one at the point of the movement the slider is on. The cards are
plain HTML from :func:`cards_html`, so the book can show the same cards as static output.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from IPython.display import HTML

from backcourse.library import drawings
from backcourse.library.model import (CATEGORIES, CORE_ROLES, EQUIPMENT, PHASES, POSITIONS, Exercise, Library,
                                      default_library, label, phase_names)

#: Where a notebook's link to an exercise's entry in the book points (see docs/architecture.md).
LIBRARY_URL = "../book/exercise-library.html#ex-{id}"

#: Movements a learner may want to leave out, in their words (keys are the library's spine motions).
LEAVE_OUT = {"flexion": "bending forward", "extension": "arching back", "rotation": "twisting"}

CARD_CSS = """<style>
.explorer-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .5rem; }
.explorer-card { border: 1px solid #c8c8c8; border-left: .3rem solid #0072B2; border-radius: .3rem;
                 padding: .4rem .6rem; line-height: 1.35; }
.explorer-card.care { border-left-color: #D55E00; }
.explorer-card h3 { margin: 0 0 .2rem; font-size: 1rem; }
.explorer-card p { margin: .15rem 0; }
.explorer-card .facts { color: #444; font-size: .9em; }
</style>"""

_WIDE = widgets.Layout(width="auto")
_STYLE = {"description_width": "initial"}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def card_html(ex: Exercise, link: bool = True) -> str:
    """One exercise as a small card: name (linked to its entry in the book), summary, facts and dose."""
    name = _esc(ex.name)
    if link:
        name = f'<a href="{_esc(LIBRARY_URL.format(id=ex.id))}">{name}</a>'
    needs = ", ".join(label(e) for e in ex.equipment if e != "none") or "nothing"
    if ex.comfort:
        needs += f" ({', '.join(label(c) for c in ex.comfort)} for comfort)"
    care = '<p><strong>Use with care:</strong> it loads the lower back.</p>' if ex.use_with_care else ""
    return (
        f'<div class="explorer-card{" care" if ex.use_with_care else ""}">'
        f"<h3>{name}</h3>"
        f"<p>{_esc(ex.summary)}</p>{care}"
        f'<p class="facts">{_esc(label(ex.category).capitalize())} · {_esc(label(ex.position))} · '
        f"needs {_esc(needs)} · core: {_esc(label(ex.core_role))} · phases: {_esc(phase_names(ex.phases))}</p>"
        f'<p class="facts">Dose: {_esc(ex.dose.describe())}.</p>'
        "</div>"
    )


def cards_html(exercises: list[Exercise], link: bool = True, css: bool = True) -> str:
    """A count line and a card per exercise (or a note that nothing matches)."""
    count = len(exercises)
    head = f"<p><strong>{count} exercise{'s' if count != 1 else ''}</strong> match.</p>"
    if not exercises:
        head = "<p><strong>No exercise matches.</strong> Set one of the filters back to “any”.</p>"
    cards = "".join(card_html(ex, link) for ex in exercises)
    return f'{CARD_CSS if css else ""}{head}<div class="explorer-cards">{cards}</div>'


def cards_view(exercises: list[Exercise]) -> HTML:
    """The cards as notebook output (the book's static example of the explorer)."""
    return HTML(cards_html(exercises))


def drawing_html(ex: Exercise, t: float) -> str:
    """The figure at point ``t`` of the movement, as inline SVG with an accessible name."""
    svg = drawings.figure_svg(drawings.draw_exercise(ex, t))
    svg = svg[svg.find("<svg"):]
    where = "start" if t == 0 else "end" if t == 1 else f"{round(t * 100)}% of the way from start to end"
    alt = _esc(f"{drawings.alt_text(ex)} Shown at the {where}.")
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{alt}" style="max-width:100%;height:auto"', 1)
    return f'<div class="explorer-drawing">{svg}</div>'


#: The value of an "Any …" choice. Not None: a Dropdown whose value is None has nothing selected and shows a blank.
ANY = ""


def _choices(values: tuple[str, ...], any_label: str) -> list[tuple[str, str]]:
    return [(any_label, ANY)] + [(label(v).capitalize(), v) for v in values]


class ExplorerApp:
    """Filters (phase, category, equipment, position, core role, movements to leave out), the matching
    cards, and a drawing of one of them with a slider from start to end."""

    def __init__(self, library: Library | None = None, phase: str | None = None, t_steps: int = 10):
        self.library = default_library() if library is None else library
        self.phase = widgets.Dropdown(options=_choices(PHASES, "Any phase"), value=phase or ANY, description="Phase",
                                      style=_STYLE)
        self.category = widgets.Dropdown(options=_choices(CATEGORIES, "Any category"), description="Category",
                                         style=_STYLE)
        self.position = widgets.Dropdown(options=_choices(POSITIONS, "Any position"), description="Position",
                                         style=_STYLE)
        self.core_role = widgets.Dropdown(options=_choices(CORE_ROLES, "Any core role"), description="Core role",
                                          style=_STYLE)
        self.limit_equipment = widgets.Checkbox(value=False, indent=False, layout=_WIDE,
                                                description="Only what I can do with the equipment I tick (floor exercises need only floor space)")
        self.equipment = {
            e: widgets.Checkbox(value=False, description=label(e), indent=False, layout=widgets.Layout(width="auto"))
            for e in EQUIPMENT if e != "none"
        }
        self.leave_out = {
            m: widgets.Checkbox(value=False, description=f"Leave out {words}", indent=False, layout=_WIDE)
            for m, words in LEAVE_OUT.items()
        }
        self.cards = widgets.HTML()
        self.choice = widgets.Dropdown(description="Drawing of", style=_STYLE, layout=_WIDE)
        self.t = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=1 / t_steps, description="Start → end",
                                     readout_format=".0%", style=_STYLE, continuous_update=False)
        self.drawing = widgets.HTML()

        for control in (self.phase, self.category, self.position, self.core_role, self.limit_equipment,
                        *self.equipment.values(), *self.leave_out.values()):
            control.observe(self._refresh, names="value")
        self.choice.observe(self._redraw, names="value")
        self.t.observe(self._redraw, names="value")

        filters = widgets.VBox([
            widgets.HTML("<strong>Filter the library</strong>"),
            widgets.HBox([self.phase, self.category], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.position, self.core_role], layout=widgets.Layout(flex_flow="row wrap")),
            self.limit_equipment,
            widgets.HBox(list(self.equipment.values()), layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox(list(self.leave_out.values()), layout=widgets.Layout(flex_flow="row wrap")),
        ])
        stepper = widgets.VBox([widgets.HTML("<strong>Step through a drawing</strong>"), self.choice, self.t,
                                self.drawing])
        self.view = widgets.VBox([filters, self.cards, stepper])
        self._refresh()

    def criteria(self) -> dict:
        """The controls as keyword arguments of :meth:`Library.filter`."""
        have = [e for e, box in self.equipment.items() if box.value]
        return {
            "phase": self.phase.value or None,
            "category": self.category.value or None,
            "position": self.position.value or None,
            "core_role": self.core_role.value or None,
            "equipment_available": have if self.limit_equipment.value else None,
            "exclude_motions": tuple(m for m, box in self.leave_out.items() if box.value),
        }

    def matches(self) -> list[Exercise]:
        return self.library.filter(**self.criteria())

    def _refresh(self, change=None) -> None:
        found = self.matches()
        self.cards.value = cards_html(found)
        current = self.choice.value
        options = [(ex.name, ex.id) for ex in found]
        self.choice.options = options
        ids = [i for _, i in options]
        self.choice.value = current if current in ids else (ids[0] if ids else None)
        self._redraw()

    def _redraw(self, change=None) -> None:
        if self.choice.value is None:
            self.drawing.value = "<p>No exercise to draw: no exercise matches the filters.</p>"
            return
        self.drawing.value = drawing_html(self.library.get(self.choice.value), self.t.value)

    def _repr_mimebundle_(self, **kwargs):
        """Show the app's widgets, with a short fixed text form (stored notebook output stays the same)."""
        bundle = self.view._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = "Exercise explorer (run this notebook to use the controls)"
        return bundle


__all__ = ["ExplorerApp", "LIBRARY_URL", "card_html", "cards_html", "cards_view", "drawing_html"]
