"""The diary notebook's controls: which diary is shown, the entry form, undo, export, import and the PDF.

Widgets only wire inputs to :mod:`backcourse.diary.store`, :mod:`backcourse.diary.analysis`, :mod:`backcourse.diary.plots` and
:mod:`backcourse.diary.report`; the form's values become an Entry through :func:`entry_from_form`, a plain function.

Which diary the notebook uses (:func:`open_diary`), from the most to the least explicit:

1. ``BACKCOURSE_DIARY_SAMPLE=1`` in the environment (set for the book build and the tests), or
   ``USE_SAMPLE = True`` in the notebook: the charts show the made-up sample, and the form saves to a
   throwaway practice copy in a temporary folder. Nothing is written to the learner's data folder.
2. ``USE_SAMPLE = False``: the learner's own diary, even while it is empty.
3. ``USE_SAMPLE = None`` (the default): the form saves to the learner's own diary; the charts show that diary
   once it has an entry, and the made-up sample (clearly labelled) until then.
"""

from __future__ import annotations

import atexit
import functools
import html
import os
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from backcourse.diary import analysis
from backcourse.diary import store as diary
from backcourse.diary.store import Diary, DiaryBusyError, DiaryParseError, Entry, EntryError
from backcourse.diary.sample import SAMPLE_PATH, load_sample, load_sample_goals
from backcourse.diary import goals as goals_store

SAMPLE_ENV = "BACKCOURSE_DIARY_SAMPLE"
SAMPLE_BANNER = (
    "The charts and tables below show a <strong>MADE-UP SAMPLE</strong> diary (14 weeks, not a real person), "
    "so you can see what a diary looks like over time. When you run this notebook yourself and save an entry, "
    "they show your own diary instead."
)


def sample_forced() -> bool:
    """True when the environment asks for the sample (book build, tests)."""
    return os.environ.get(SAMPLE_ENV, "").strip().lower() in {"1", "true", "yes"}


class SetupNeeded(RuntimeError):
    """A diary view was asked for before the notebook's setup cell ran."""


SETUP_FIRST = ("Run the cell under 'Where your diary is kept' first (the one with open_diary), then run this "
               "cell again.")
#: What a saved notebook keeps of a live view: this sentence only, never the learner's entries.
PRIVATE_REPR = "Diary view: shown while the notebook runs, never saved in the notebook file."


@functools.cache
def private_widget(kind: str, saved_text: str = PRIVATE_REPR):
    """An ipywidgets Output, HTML or VBox class whose plain-text form (what the notebook file keeps) is the fixed
    ``saved_text``, never a learner's data. Also used by the routine notebook's weekly check-in."""
    import ipywidgets as w

    base = {"output": w.Output, "html": w.HTML, "vbox": w.VBox}[kind]
    cls = type(f"Private{base.__name__}", (base,), {"__repr__": lambda self: saved_text})
    return cls


@dataclass
class DiaryView:
    """Where the form saves, whether the charts show the made-up sample, and the live views to redraw."""

    diary: Diary
    mode: str  # "practice" (sample + throwaway copy), "own" (always the learner's), "auto" (own once non-empty)
    panels: list = field(default_factory=list, repr=False)

    @property
    def practice(self) -> bool:
        return self.mode == "practice"

    def own_entries(self) -> list[Entry]:
        return self.diary.entries()

    def shown(self) -> tuple[list[Entry], bool]:
        """(entries the charts show, whether they are the made-up sample)."""
        if self.practice:
            return self.diary.entries(), True
        own = self.diary.entries()
        if own or self.mode == "own" or self.diary.goals():
            return own, False
        return load_sample(), True

    def shown_goals(self) -> list:
        """The activity-goal ratings that go with :meth:`shown`."""
        if self.practice or not self.shown()[1]:
            return self.diary.goals()
        return load_sample_goals()

    def entries(self) -> list[Entry]:
        return self.shown()[0]

    @property
    def showing_sample(self) -> bool:
        return self.shown()[1]

    def banner_html(self) -> str:
        """What the charts show, as HTML (no file paths: those differ between computers)."""
        entries, sample = self.shown()
        if sample and (not self.practice or sample_forced()):
            text = SAMPLE_BANNER
        elif sample:
            text = (SAMPLE_BANNER.split(" When you run")[0] + " Practice mode: what you save goes to a "
                    "throwaway copy, shown here too, and is deleted when the notebook's kernel shuts down.")
        elif entries:
            first, last = min(e.date for e in entries), max(e.date for e in entries)
            text = (f"The charts and tables below show <strong>your diary</strong>: {diary.counted(len(entries), 'entry')} from "
                    f"{first:%d %B %Y} to {last:%d %B %Y}.")
        else:
            text = "Your diary has no entries yet. Save one with the form below; the charts then show it."
        style = "border-left:4px solid #E69F00;padding:0.4em 0.9em;margin:0.5em 0"
        return f'<div class="diary-banner" style="{style}"><p>{text}</p></div>'

    def banner(self):
        """The note saying what the charts show: a live widget that updates after each save (its content is
        never saved in the notebook), or plain HTML when the book or the tests show the sample."""
        if sample_forced():
            from IPython.display import HTML

            return HTML(self.banner_html())
        widget = private_widget("html")()
        self.panels.append((widget, None, False))
        self._render(widget, None, False)
        return widget

    def show(self, render: Callable[..., Any], goals: bool = False, **options: Any):
        """Show ``render(entries, sample=...)`` (or ``render(entries, ratings, sample=...)`` with ``goals``).

        In the book and the tests (the sample forced) the result is returned as ordinary output. When a learner
        runs the notebook it goes into a live widget instead: redrawn after every save, import or undo, and
        never written into the notebook file, so a learner's own entries stay out of it.
        """
        if options:
            render = functools.partial(render, **options)
        if sample_forced():
            entries, sample = self.shown()
            return render(entries, self.shown_goals(), sample=sample) if goals else render(entries, sample=sample)
        widget = private_widget("output")()
        self.panels.append((widget, render, goals))
        self._render(widget, render, goals)
        return widget

    def _render(self, widget, render, goals) -> None:
        if render is None:
            widget.value = self.banner_html()
            return
        entries, sample = self.shown()
        try:
            result = render(entries, self.shown_goals(), sample=sample) if goals else render(entries, sample=sample)
        except (ValueError, OSError) as exc:
            widget.outputs = ()
            widget.append_display_data(_HTMLOut(_message("error", form_message(exc))))
            return
        widget.outputs = ()
        widget.append_display_data(_phone_sized(result))

    def refresh(self) -> None:
        """Redraw every live view (after a save, undo or import)."""
        for widget, render, goals in self.panels:
            self._render(widget, render, goals)


def _phone_sized(result: Any) -> Any:
    """A matplotlib figure as an SVG image that shrinks to the width it has (a phone), with the chart's titles
    as its alt text; anything else unchanged."""
    from matplotlib.figure import Figure

    if not isinstance(result, Figure):
        return result
    import base64
    import io as _io

    buf = _io.BytesIO()
    result.savefig(buf, format="svg")
    titles = " ".join(t for ax in result.axes for t in (ax.get_title(loc="left"), ax.get_title()) if t)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return _HTMLOut(f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(titles or "Chart")}" '
                    'style="max-width:100%;height:auto">')


class _HTMLOut:
    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


_CURRENT: list[DiaryView] = []


def current_view() -> DiaryView:
    """The view the setup cell opened; a clear message, not a NameError, when it has not run yet."""
    if not _CURRENT:
        raise SetupNeeded(SETUP_FIRST)
    return _CURRENT[-1]


def show(render: Callable[..., Any], goals: bool = False, **options: Any):
    """Show a chart or table of the diary the setup cell picked (see :meth:`DiaryView.show`); ``options`` go
    to ``render`` (``show(change_view, baseline_week=2)``)."""
    return current_view().show(render, goals=goals, **options)


def _remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def open_diary(use_sample: bool | None = None, path: str | Path | None = None,
               known_ids: Collection[str] | None = None) -> DiaryView:
    """Pick the diary by the rules in the module docstring. A practice folder is removed when the Python
    process (the notebook's kernel) ends."""
    if sample_forced() or use_sample is True:
        folder = Path(tempfile.mkdtemp(prefix="backcourse-diary-practice-"))
        atexit.register(_remove_folder, folder)
        practice = folder / "practice-diary.csv"
        shutil.copyfile(SAMPLE_PATH, practice)
        goals_store.write_goals(goals_store.goals_path_for(practice), load_sample_goals(), today=date.max)
        view = DiaryView(Diary.at(practice, known_ids), "practice")
    else:
        path = path if path not in ("", None) else None  # an empty DIARY_PATH means the default place
        view = DiaryView(Diary.at(path, known_ids), "own" if use_sample is False else "auto")
    _CURRENT[:] = [view]
    return view


#: The form's own words for each field, used in every message the form shows.
FORM_LABELS = {
    "date": "Date", "time": "Time", "pain": "Pain", "minutes_walked": "Walked (minutes)", "exercises": "Exercises",
    "tags": "Tags", "notes": "Notes", "flare_up": "This is a flare-up", "activity": "Activity", "score": "Score",
}


def form_message(exc: BaseException) -> str:
    """An error in the form's words: field labels instead of code names, no error numbers, no option names."""
    if isinstance(exc, EntryError):
        label = FORM_LABELS.get(exc.field, exc.field)
        if exc.value is None:
            return f"{label}: {exc.problem}."
        return f"{label}: {exc.problem}; you entered {diary.shown(exc.value)}."
    if isinstance(exc, FileExistsError):
        name = exc.filename or str(exc).split(" already exists")[0]
        return f"{name} already exists; choose another name, or tick 'Replace the file if it exists'."
    if isinstance(exc, OSError) and exc.errno is not None:
        where = f" {exc.filename}" if exc.filename else ""
        if isinstance(exc, FileNotFoundError):
            return f"there is no file or folder called{where}; check the name."
        if isinstance(exc, PermissionError):
            return f"this computer does not allow the notebook to use{where}."
        return f"could not use{where}: {exc.strerror or 'the file could not be used'}."
    return str(exc)


# --- The form, as plain values ----------------------------------------------------------------------------


def split_tags(text: str) -> tuple[str, ...]:
    """Tags typed as words separated by commas ("sitting, poor sleep")."""
    return tuple(t.strip() for t in (text or "").split(",") if t.strip())


def entry_from_form(values: dict[str, Any]) -> Entry:
    """Turn the form's values into an Entry, or raise EntryError naming the field and the value.

    ``values``: date (a date or None), time (text "HH:MM" or ""), pain (int), pain_set (bool: the slider was
    moved), minutes_walked (text), exercises (tuple of ids), tags (text, comma-separated), notes, flare_up.
    """
    if values.get("date") is None:
        raise EntryError("date", None, "pick the day this entry is for")
    if not values.get("pain_set", True):
        raise EntryError("pain", None, "move the pain slider to your pain right now (0 = no pain, "
                         "10 = worst pain imaginable)")
    return Entry(
        date=values["date"],
        time=diary.parse_time(values.get("time") or ""),
        pain=values["pain"],
        minutes_walked=diary.parse_minutes(values.get("minutes_walked") or ""),
        exercises=tuple(values.get("exercises") or ()),
        tags=split_tags(values.get("tags", "")),
        notes=values.get("notes") or "",
        flare_up=bool(values.get("flare_up")),
    )


def exercise_options() -> list[tuple[str, str]]:
    """(name, id) pairs for the exercises list; empty when the library cannot be read."""
    try:
        from backcourse.library.model import load_library

        return [(ex.name, ex.id) for ex in load_library().exercises.values()]
    except Exception:  # the form still works; ids are then checked when saving
        return []


# --- The app ----------------------------------------------------------------------------------------------


def _message(kind: str, text: str) -> str:
    colour = {"ok": "#009E73", "error": "#D55E00", "info": "#000000"}[kind]
    prefix = {"ok": "Saved", "error": "Not saved", "info": ""}[kind]
    lead = f"<strong>{prefix}:</strong> " if prefix else ""
    return f'<p style="color:{colour}" role="status">{lead}{html.escape(text)}</p>'


class DiaryApp:
    """The entry form, the charts it redraws, undo, and the export / import / PDF controls."""

    def __init__(self, view: DiaryView, today: date | None = None):
        import ipywidgets as w

        self.view = view
        self.today = today
        self.last_saved: Entry | None = None
        sample_end = max((e.date for e in load_sample()), default=date(2025, 1, 1))
        default_day = sample_end + timedelta(days=1) if view.practice else (today or date.today())
        where = (
            "Practice mode: entries go to a throwaway copy of the made-up sample and disappear when the notebook "
            "closes. Set <code>USE_SAMPLE = None</code> above to keep your own diary."
            if view.practice else
            f"Saving to your diary file: <code>{html.escape(str(view.diary.path))}</code> (change it with "
            "<code>DIARY_PATH</code> above)."
        )
        # A fixed first line: the notebook's stored output shows the start of this text, whatever the mode.
        self.title = w.HTML("<h3>Add an entry to your pain diary</h3><p>Fill in what you know; only the date and "
                            "your pain are needed.</p>")
        self.where = w.HTML(f"<p>{where}</p>")
        wide = w.Layout(width="100%", max_width="32em")
        self.date = w.DatePicker(description="Date", value=default_day, layout=wide)
        self.time = w.Text(description="Time", placeholder="HH:MM, e.g. 08:30 (optional)", layout=wide)
        self.pain = w.IntSlider(description="Pain", min=0, max=10, value=0, layout=wide,
                                style={"description_width": "initial"})
        self.pain_set = False
        self.pain.observe(self._pain_moved, names="value")
        self.anchors = w.HTML(f"<p><em>{html.escape(diary.PAIN_QUESTION)}</em></p>")
        self.minutes = w.Text(description="Walked", placeholder="minutes walked today (optional)", layout=wide)
        options = exercise_options()
        if options:
            self.exercises = w.SelectMultiple(description="Exercises", options=options, rows=6, layout=wide)
        else:
            self.exercises = w.Text(description="Exercises", placeholder="exercise ids, separated by ;", layout=wide)
        self.tags = w.Text(description="Tags", placeholder="e.g. sitting, lifting, poor sleep, stress", layout=wide)
        self.notes = w.Textarea(description="Notes", placeholder="anything you want to remember", layout=wide)
        self.flare = w.Checkbox(description="This is a flare-up", value=False, indent=False)
        self.save_button = w.Button(description="Save entry", button_style="primary", icon="check",
                                    layout=w.Layout(width="auto"))
        self.undo_button = w.Button(description="Undo last entry", icon="undo", disabled=True,
                                    layout=w.Layout(width="auto"))
        self.message = w.HTML()
        self.charts = w.Output()
        self.save_button.on_click(lambda _b: self.save())
        self.undo_button.on_click(lambda _b: self.undo())

        self.file_path = w.Text(description="File", placeholder="e.g. ~/Documents/diary-copy.csv or report.pdf",
                                layout=wide)
        self.overwrite = w.Checkbox(description="Replace the file if it exists", value=False, indent=False)
        fit = dict(layout=w.Layout(width="auto", max_width="100%"))  # labels are never cut off
        self.export_button = w.Button(description="Export a copy (.csv or .json)", **fit)
        self.import_button = w.Button(description="Import entries (.csv or .json)", **fit)
        self.report_button = w.Button(description="Make the PDF for your clinician", **fit)
        self.file_message = w.HTML()
        self.export_button.on_click(lambda _b: self.export())
        self.import_button.on_click(lambda _b: self.import_())
        self.report_button.on_click(lambda _b: self.report())
        files = w.VBox([self.file_path, self.overwrite,
                        w.HBox([self.export_button, self.import_button, self.report_button],
                               layout=w.Layout(flex_flow="row wrap")),
                        self.file_message])
        self.more = w.Accordion(children=[files], titles=("Export, import, or make a PDF for your clinician",))
        self.widget = private_widget("vbox")([
            self.title, self.where, self.date, self.time, self.anchors, self.pain, self.minutes, self.exercises,
            self.tags, self.notes, self.flare,
            w.HBox([self.save_button, self.undo_button], layout=w.Layout(flex_flow="row wrap")),
            self.message,
            self.more, self.charts,
        ])
        self.redraw()

    def _pain_moved(self, _change) -> None:
        self.pain_set = True

    def values(self) -> dict[str, Any]:
        ex = self.exercises.value
        exercises = tuple(ex) if isinstance(ex, (tuple, list)) else diary.parse_list("exercises", ex)
        return {
            "date": self.date.value, "time": self.time.value, "pain": self.pain.value, "pain_set": self.pain_set,
            "minutes_walked": self.minutes.value, "exercises": exercises, "tags": self.tags.value,
            "notes": self.notes.value, "flare_up": self.flare.value,
        }

    def save(self) -> Entry | None:
        try:
            entry = entry_from_form(self.values())
            self.view.diary.add(entry, today=self.today)
        except (ValueError, OSError, DiaryBusyError) as exc:  # EntryError and DiaryParseError are ValueErrors
            self.message.value = _message("error", form_message(exc))
            return None
        self.last_saved = entry
        self.undo_button.disabled = False
        when = f" {entry.time:%H:%M}" if entry.time else ""
        self.message.value = _message("ok", f"{entry.date.isoformat()}{when}, pain {entry.pain}.")
        self.notes.value = ""
        self.flare.value = False
        # The slider keeps this entry's value; the next entry may have the same pain, so it need not move again.
        self.redraw()
        return entry

    def undo(self) -> None:
        if self.last_saved is None:
            return
        try:
            self.view.diary.undo(self.last_saved)
        except (LookupError, DiaryParseError, DiaryBusyError) as exc:
            self.message.value = _message("error", f"could not undo: {form_message(exc)}")
            return
        self.message.value = _message("info", f"Removed the entry for {self.last_saved.date.isoformat()}.")
        self.last_saved = None
        self.undo_button.disabled = True
        self.redraw()

    def export(self) -> None:
        try:
            out = self.view.diary.export(self.file_path.value.strip(), overwrite=self.overwrite.value)
        except (OSError, ValueError) as exc:
            self.file_message.value = _message("error", form_message(exc))
            return
        self.file_message.value = _message("info", f"Wrote a copy of your diary to {out}.")

    def import_(self) -> None:
        try:
            rep = self.view.diary.import_file(self.file_path.value.strip(), today=self.today)
        except (OSError, ValueError, DiaryBusyError) as exc:
            self.file_message.value = _message("error", form_message(exc))
            return
        self.file_message.value = f'<pre style="white-space:pre-wrap">{html.escape(rep.summary())}</pre>'
        self.redraw()

    def report(self) -> None:
        from backcourse.diary.report import write_report

        entries, sample = self.view.shown()
        names = {ex_id: name for name, ex_id in exercise_options()}
        try:
            out = write_report(entries, self.file_path.value.strip(), overwrite=self.overwrite.value,
                               exercise_names=names, sample=sample, goals=self.view.shown_goals())
        except (OSError, ValueError) as exc:
            self.file_message.value = _message("error", form_message(exc))
            return
        self.file_message.value = _message("info", f"Wrote the report to {out}.")

    def redraw(self) -> None:
        """Replace the charts under the form. Outputs are set on the widget directly (not captured), so they
        never leak into the notebook's stored cell output."""
        from backcourse.diary.plots import pain_over_weeks, walking_and_pain_weeks

        self.view.refresh()
        entries, sample = self.view.shown()
        self.charts.outputs = ()
        self.charts.append_display_data(_phone_sized(pain_over_weeks(entries, sample=sample)))
        self.charts.append_display_data(_phone_sized(walking_and_pain_weeks(entries, sample=sample)))
        self.charts.append_stdout(analysis.change_from_baseline(analysis.weekly(entries)).message + "\n")


class GoalsApp:
    """Activity goals: name up to five activities and rate each 0-10 once a week."""

    def __init__(self, view: DiaryView, today: date | None = None):
        import ipywidgets as w

        self.view = view
        self.today = today
        names = list(dict.fromkeys(r.activity for r in view.diary.goals()))
        wide = w.Layout(width="100%", max_width="32em")
        self.title = w.HTML("<h3>Rate your activity goals</h3><p>Name an activity your back makes hard, then rate "
                            "it once a week: 0 = cannot do it, 10 = can do it as well as before.</p>")
        self.activity = w.Combobox(description="Activity", options=names, placeholder="e.g. lift my toddler",
                                   ensure_option=False, layout=wide)
        self.date = w.DatePicker(description="Date", value=today or date.today(), layout=wide)
        self.score = w.IntSlider(description="Score", min=0, max=10, value=5, layout=wide)
        self.save_button = w.Button(description="Save rating", button_style="primary", icon="check",
                                    layout=w.Layout(width="auto"))
        self.message = w.HTML()
        self.save_button.on_click(lambda _b: self.save())
        self.widget = private_widget("vbox")([self.title, self.activity, self.date, self.score, self.save_button,
                                              self.message])

    def save(self):
        rating = goals_store.Rating(self.date.value, self.activity.value.strip(), self.score.value)
        try:
            if rating.date is None:
                raise EntryError("date", None, "pick the day of this rating")
            saved = self.view.diary.rate(rating, today=self.today)
        except (ValueError, OSError, DiaryBusyError) as exc:
            self.message.value = _message("error", form_message(exc))
            return None
        self.activity.options = tuple(dict.fromkeys(r.activity for r in saved))
        self.message.value = _message("ok", f"{rating.activity}: {rating.score} on {rating.date.isoformat()}.")
        self.view.refresh()
        return rating
