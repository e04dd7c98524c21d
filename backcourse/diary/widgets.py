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

import html
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from backcourse.diary import analysis
from backcourse.diary import store as diary
from backcourse.diary.store import Diary, DiaryBusyError, DiaryParseError, Entry, EntryError
from backcourse.diary.sample import SAMPLE_PATH, load_sample

SAMPLE_ENV = "BACKCOURSE_DIARY_SAMPLE"
SAMPLE_BANNER = (
    "The charts and tables below show a <strong>MADE-UP SAMPLE</strong> diary (14 weeks, not a real person), "
    "so you can see what a diary looks like over time. When you run this notebook yourself and save an entry, "
    "they show your own diary instead."
)


def sample_forced() -> bool:
    """True when the environment asks for the sample (book build, tests)."""
    return os.environ.get(SAMPLE_ENV, "").strip().lower() in {"1", "true", "yes"}


@dataclass
class DiaryView:
    """Where the form saves, and whether the charts show the made-up sample."""

    diary: Diary
    mode: str  # "practice" (sample + throwaway copy), "own" (always the learner's), "auto" (own once non-empty)

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
        if own or self.mode == "own":
            return own, False
        return load_sample(), True

    def entries(self) -> list[Entry]:
        return self.shown()[0]

    @property
    def showing_sample(self) -> bool:
        return self.shown()[1]

    def banner(self):
        """An HTML note saying what the charts show (no file paths: those differ between computers)."""
        from IPython.display import HTML

        entries, sample = self.shown()
        if sample:
            text = SAMPLE_BANNER
        elif entries:
            first, last = min(e.date for e in entries), max(e.date for e in entries)
            text = (f"The charts and tables below show <strong>your diary</strong>: {len(entries)} entries from "
                    f"{first:%d %B %Y} to {last:%d %B %Y}.")
        else:
            text = "Your diary has no entries yet. Save one with the form above and run the cells below again."
        style = "border-left:4px solid #E69F00;padding:0.4em 0.9em;margin:0.5em 0"
        return HTML(f'<div class="diary-banner" style="{style}"><p>{text}</p></div>')


def open_diary(use_sample: bool | None = None, path: str | Path | None = None,
               known_ids: Collection[str] | None = None) -> DiaryView:
    """Pick the diary by the rules in the module docstring."""
    if sample_forced() or use_sample is True:
        folder = Path(tempfile.mkdtemp(prefix="backcourse-diary-practice-"))
        practice = folder / "practice-diary.csv"
        shutil.copyfile(SAMPLE_PATH, practice)
        return DiaryView(Diary.at(practice, known_ids), "practice")
    path = path if path not in ("", None) else None  # an empty DIARY_PATH means the default place
    return DiaryView(Diary.at(path, known_ids), "own" if use_sample is False else "auto")


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
        raise EntryError("pain", values.get("pain"), "move the pain slider to your pain right now (0 = no pain, "
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
        self.save_button = w.Button(description="Save entry", button_style="primary", icon="check")
        self.undo_button = w.Button(description="Undo last entry", icon="undo", disabled=True)
        self.message = w.HTML()
        self.charts = w.Output()
        self.save_button.on_click(lambda _b: self.save())
        self.undo_button.on_click(lambda _b: self.undo())

        self.file_path = w.Text(description="File", placeholder="e.g. ~/Documents/diary-copy.csv or report.pdf",
                                layout=wide)
        self.overwrite = w.Checkbox(description="Replace the file if it exists", value=False, indent=False)
        self.export_button = w.Button(description="Export a copy (.csv or .json)")
        self.import_button = w.Button(description="Import entries (.csv or .json)")
        self.report_button = w.Button(description="Make the PDF for your clinician")
        self.file_message = w.HTML()
        self.export_button.on_click(lambda _b: self.export())
        self.import_button.on_click(lambda _b: self.import_())
        self.report_button.on_click(lambda _b: self.report())
        files = w.VBox([self.file_path, self.overwrite,
                        w.HBox([self.export_button, self.import_button, self.report_button],
                               layout=w.Layout(flex_flow="row wrap")),
                        self.file_message])
        self.more = w.Accordion(children=[files], titles=("Export, import, or make a PDF for your clinician",))
        self.widget = w.VBox([
            self.title, self.where, self.date, self.time, self.anchors, self.pain, self.minutes, self.exercises,
            self.tags, self.notes, self.flare, w.HBox([self.save_button, self.undo_button]), self.message,
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
            self.message.value = _message("error", str(exc))
            return None
        self.last_saved = entry
        self.undo_button.disabled = False
        when = f" {entry.time:%H:%M}" if entry.time else ""
        self.message.value = _message("ok", f"{entry.date.isoformat()}{when}, pain {entry.pain}.")
        self.notes.value = ""
        self.flare.value = False
        self.pain_set = False
        self.redraw()
        return entry

    def undo(self) -> None:
        if self.last_saved is None:
            return
        try:
            self.view.diary.undo(self.last_saved)
        except (LookupError, DiaryParseError, DiaryBusyError) as exc:
            self.message.value = _message("error", f"could not undo: {exc}")
            return
        self.message.value = _message("info", f"Removed the entry for {self.last_saved.date.isoformat()}.")
        self.last_saved = None
        self.undo_button.disabled = True
        self.redraw()

    def export(self) -> None:
        try:
            out = self.view.diary.export(self.file_path.value.strip(), overwrite=self.overwrite.value)
        except (OSError, ValueError) as exc:
            self.file_message.value = _message("error", str(exc))
            return
        self.file_message.value = _message("info", f"Wrote a copy of your diary to {out}.")

    def import_(self) -> None:
        try:
            rep = self.view.diary.import_file(self.file_path.value.strip(), today=self.today)
        except (OSError, ValueError) as exc:
            self.file_message.value = _message("error", str(exc))
            return
        self.file_message.value = f"<pre>{html.escape(rep.summary())}</pre>"
        self.redraw()

    def report(self) -> None:
        from backcourse.diary.report import write_report

        entries, sample = self.view.shown()
        names = {ex_id: name for name, ex_id in exercise_options()}
        try:
            out = write_report(entries, self.file_path.value.strip(), overwrite=self.overwrite.value,
                               exercise_names=names, sample=sample)
        except (OSError, ValueError) as exc:
            self.file_message.value = _message("error", str(exc))
            return
        self.file_message.value = _message("info", f"Wrote the report to {out}.")

    def redraw(self) -> None:
        """Replace the charts under the form. Outputs are set on the widget directly (not captured), so they
        never leak into the notebook's stored cell output."""
        from backcourse.diary.plots import pain_over_weeks, walking_and_pain_weeks

        entries, sample = self.view.shown()
        self.charts.outputs = ()
        self.charts.append_display_data(pain_over_weeks(entries, sample=sample))
        self.charts.append_display_data(walking_and_pain_weeks(entries, sample=sample))
        self.charts.append_stdout(analysis.change_from_baseline(analysis.weekly(entries)).message + "\n")
