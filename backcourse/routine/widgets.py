"""The build-your-routine app: ipywidgets wired to :mod:`backcourse.routine.engine` and :mod:`backcourse.routine.handout`.

Why this module holds no rules: every decision (the safety gate included) is made by
:func:`backcourse.routine.engine.build_plan`; the app only reads its controls into a profile and the screen answers,
calls the engine, and shows what comes back. The safety questions come first and start unanswered: no plan
is shown until every one has a yes or no. The plan redraws on every change.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import ipywidgets as widgets

from backcourse import REPO_ROOT, safety
from backcourse.routine import handout
from backcourse.routine import engine as routine
from backcourse.routine.engine import Blocked, Profile, ProfileError

_WIDE = widgets.Layout(width="auto")
#: Short button labels for the phases (the full names from chapter 3 show as tooltips).
PHASE_BUTTONS = {"acute": "Gentle (acute)", "recovering": "Recovering", "maintenance": "Keep strong"}
_STYLE = {"description_width": "initial"}

#: Set when the book is built (and in tests): the notebook then uses a fixed first day and the book's links.
BOOK_ENV = "BACKCOURSE_DIARY_SAMPLE"
#: The fixed first day of the book's worked example (a Monday).
BOOK_START = date(2026, 1, 5)


def first_day(today: date | None = None) -> date:
    """The plan's default first day: the next Monday from today (the fixed book date when the book is built)."""
    if os.environ.get(BOOK_ENV):
        return BOOK_START
    today = date.today() if today is None else today
    return today + timedelta(days=7 - today.weekday())


def book_prefix(root: Path = REPO_ROOT) -> str:
    """Where the plan's links to the book's pages point, seen from notebooks/.

    In the built book the pages sit beside the notebook (``../book/``). When a learner runs the notebook in
    JupyterLab, the online book (``html.baseurl`` in _config.yml) if there is one, else the local build
    (``../_build/html/book/``) if it was built, else the chapter's Markdown source, which JupyterLab opens:
    never a link to a missing file.
    """
    if os.environ.get(BOOK_ENV):
        return "../book/"
    config = (root / "_config.yml").read_text(encoding="utf-8") if (root / "_config.yml").is_file() else ""
    match = re.search(r"^\s+baseurl:\s*['\"]?(https?://[^\s'\"]+)", config, flags=re.M)
    if match:
        return match.group(1).rstrip("/") + "/book/"
    if (root / "_build" / "html" / "book").is_dir():
        return "../_build/html/book/"
    return "../book/"


def book_links(text: str, prefix: str | None = None) -> str:
    """Point the plan's ``../book/<page>.html#anchor`` links at :func:`book_prefix` (``.md`` without a build)."""
    prefix = book_prefix() if prefix is None else prefix
    if prefix == "../book/" and not os.environ.get(BOOK_ENV):
        return re.sub(r'href="\.\./book/([\w-]+)\.html(#[^"]*)?"', r'href="../book/\1.md"', text)
    return text.replace('href="../book/', f'href="{prefix}')


class RoutineApp:
    """The app: safety questions, then profile controls, then the plan, the chart and the exercises.

    ``start`` is the plan's first day (the notebook passes a fixed date, so its stored output never
    changes; the learner can pick another). ``folder`` is where the take-home files go by default.
    """

    def __init__(self, start: date | None = None, library=None, profile: Profile | None = None, weeks: int = 6,
                 folder: str = "~/back-routine", plan_file: Path | str | None = None):
        self.library = routine.default_library() if library is None else library
        start = first_day() if start is None else start
        #: Where "Save" also keeps the plan for the weekly check-in (beside the diary), if given.
        self.plan_file = None if plan_file is None else Path(plan_file).expanduser()
        profile = profile or Profile(equipment=("mat",))
        self.plan: routine.Plan | Blocked | None = None
        self.error: str | None = None

        # 1. Safety questions, unanswered at first.
        self.questions: dict[str, widgets.ToggleButtons] = {}
        rows = []
        for level, title, questions in (
            (safety.EMERGENCY, "Signs that need help now", safety.EMERGENCY_QUESTIONS),
            (safety.SEE_SOON, "Signs that need a check soon", safety.SEE_SOON_QUESTIONS),
        ):
            rows.append(widgets.HTML(f"<strong>{title}</strong>"))
            for q in questions:
                toggle = widgets.ToggleButtons(options=[("No", False), ("Yes", True)], value=None,
                                               style={"button_width": "4rem"})
                self.questions[q.id] = toggle
                rows.append(widgets.HBox([toggle, widgets.HTML(q.text)]))
        self.cleared = widgets.Checkbox(value=False, description=safety.CLEARANCE_STATEMENT, indent=False,
                                        layout=_WIDE)
        rows.append(self.cleared)
        self.safety_box = widgets.VBox([widgets.HTML("<h3>1. Safety check</h3>"), *rows])

        # 2. Profile controls, with the phase helper.
        self.weeks_since = widgets.BoundedIntText(value=6, min=0, max=520, description="Weeks since the pain started",
                                                  style=_STYLE)
        self.pain_today = widgets.IntSlider(value=3, min=0, max=10, description="Pain today (0-10)", style=_STYLE)
        self.settling = widgets.Checkbox(value=True, description="My pain is settling", indent=False)
        self.suggestion = widgets.HTML()
        self.use_suggestion = widgets.Button(description="Use this suggestion", icon="check")
        self.phase = widgets.ToggleButtons(
            options=[(PHASE_BUTTONS[p], p) for p in routine.PHASES], value=profile.phase,
            tooltips=[routine.PHASE_LABELS[p] for p in routine.PHASES], description="Phase", style=_STYLE)
        # Long-lasting pain that is high (or not settling) today: the same kind of plan at a low dose
        # (rule low-dose-start); the suggestion sets it, the learner can change it.
        self.low_dose = widgets.Checkbox(value=profile.low_dose, indent=False, layout=_WIDE,
                                         description=f"Start at a low dose ({routine.RULES['low-dose-start'].title})")
        self.aggravators = {a: widgets.Checkbox(value=a in profile.aggravated_by, description=label, indent=False)
                            for a, label in routine.AGGRAVATOR_LABELS.items()}
        self.equipment = {e: widgets.Checkbox(value=e in profile.equipment, description=label, indent=False)
                          for e, label in routine.EQUIPMENT_LABELS.items()}
        self.minutes = widgets.IntSlider(value=profile.minutes_per_session, min=routine.MINUTES_RANGE[0],
                                         max=routine.MINUTES_RANGE[1], step=5, description="Minutes per session",
                                         style=_STYLE)
        self.sessions = widgets.IntSlider(value=profile.sessions_per_week, min=routine.SESSIONS_RANGE[0],
                                          max=routine.SESSIONS_RANGE[1], description="Sessions per week",
                                          style=_STYLE)
        self.aerobic = widgets.Dropdown(options=[(a.capitalize(), a) for a in routine.AEROBIC],
                                        value=profile.aerobic, description="Aerobic activity", style=_STYLE)
        self.aerobic_minutes = widgets.IntSlider(value=profile.aerobic_minutes_now, min=0, max=120, step=5,
                                                 description="Minutes each time, now", style=_STYLE)
        self.aerobic_days = widgets.IntSlider(value=profile.aerobic_days_now, min=0, max=7,
                                              description="Days a week, now", style=_STYLE)
        self.start = widgets.DatePicker(value=start, description="First day", style=_STYLE)
        self.weeks = widgets.IntSlider(value=weeks, min=routine.WEEKS_RANGE[0], max=routine.WEEKS_RANGE[1],
                                       description="Weeks", style=_STYLE)
        self.profile_box = widgets.VBox([
            widgets.HTML("<h3>2. About you</h3>"),
            widgets.HBox([self.weeks_since, self.pain_today, self.settling]),
            widgets.HBox([self.suggestion, self.use_suggestion]),
            self.phase, self.low_dose,
            widgets.HTML("<strong>What makes your pain worse?</strong> (tick none for nothing in particular)"),
            widgets.HBox(list(self.aggravators.values())),
            widgets.HTML("<strong>What do you have at hand?</strong>"),
            widgets.GridBox(list(self.equipment.values()),
                            layout=widgets.Layout(grid_template_columns="repeat(auto-fill, minmax(14rem, 1fr))")),
            self.minutes, self.sessions, self.aerobic, self.aerobic_minutes, self.aerobic_days,
            widgets.HBox([self.start, self.weeks]),
        ])

        # 3. The plan, redrawn on every change: one week at a time (a change sends little HTML).
        self.week = widgets.Dropdown(options=[("Week 1", 1)], value=1, description="Show week", style=_STYLE)
        self.output = widgets.HTML()
        # The chart and the drawings change less often than the week's table: each is its own widget, and a
        # widget whose text is unchanged sends nothing to the browser.
        self.chart = widgets.HTML()
        # One widget per exercise card, made once: a change that swaps exercises sends only the new cards.
        self.gallery = widgets.GridBox(layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(10rem, 1fr))", grid_gap="0.6rem"))
        self._cards: dict[str, widgets.HTML] = {}

        # 4. Take-home files.
        self.folder = widgets.Text(value=folder, description="Save in folder", style=_STYLE)
        self.filename = widgets.Text(value="my-back-routine", description="File name", style=_STYLE)
        self.overwrite = widgets.Checkbox(value=False, description="Replace files with the same name",
                                          indent=False)
        self.save = widgets.Button(description="Save handout, calendar and CSV", icon="download", layout=_WIDE)
        self.save_status = widgets.HTML()
        self.save_box = widgets.VBox([
            widgets.HTML("<h3>4. Take it with you</h3>"),
            widgets.HBox([self.folder, self.filename]), self.overwrite, self.save, self.save_status,
        ])

        self.view = widgets.VBox([self.safety_box, self.profile_box, widgets.HTML("<h3>3. Your plan</h3>"),
                                  self.week, self.output, widgets.HTML("<h4>Minutes each week</h4>"), self.chart,
                                  widgets.HTML("<h4>Your exercises</h4>"), self.gallery, self.save_box])
        self.view.add_class("routine-app")

        controls = [*self.questions.values(), self.cleared, self.phase, self.low_dose, *self.aggravators.values(),
                    *self.equipment.values(), self.minutes, self.sessions, self.aerobic, self.aerobic_minutes,
                    self.aerobic_days, self.start, self.weeks, self.week]
        for control in controls:
            control.observe(self._changed, names="value")
        for control in (self.weeks_since, self.pain_today, self.settling):
            control.observe(self._suggest, names="value")
        self.use_suggestion.on_click(self._use_suggestion)
        self.save.on_click(self._save)
        self._suggest()
        self.redraw()

    # --- reading the controls --------------------------------------------------------------------------------

    def answers(self) -> dict[str, bool | None]:
        return {qid: toggle.value for qid, toggle in self.questions.items()}

    def profile(self) -> Profile:
        """The profile the controls describe (ProfileError if a value is not usable)."""
        return Profile(
            phase=self.phase.value,
            aggravated_by=tuple(a for a, box in self.aggravators.items() if box.value),
            equipment=tuple(e for e, box in self.equipment.items() if box.value),
            minutes_per_session=self.minutes.value,
            sessions_per_week=self.sessions.value,
            aerobic=self.aerobic.value,
            aerobic_minutes_now=self.aerobic_minutes.value,
            aerobic_days_now=self.aerobic_days.value,
            low_dose=self.low_dose.value,
        )

    # --- reacting ----------------------------------------------------------------------------------------------

    def _changed(self, _change=None) -> None:
        self.redraw()

    def _suggest(self, _change=None) -> None:
        try:
            s = routine.suggest_phase(self.weeks_since.value, self.pain_today.value, self.settling.value)
        except ProfileError as exc:
            self.suggestion.value = f"<em>{exc}</em>"
            self._suggested = None
            return
        self._suggested = s
        self.suggestion.value = book_links(f'{s.reason} <a href="{routine.RULES_URL}">How this works</a>')

    def _use_suggestion(self, _button=None) -> None:
        """Apply the suggestion: its phase and whether it starts at a low dose (one redraw)."""
        s = self._suggested
        if s is None:
            return
        for control in (self.phase, self.low_dose):
            control.unobserve(self._changed, names="value")
        try:
            self.phase.value, self.low_dose.value = s.phase, s.low_dose
        finally:
            for control in (self.phase, self.low_dose):
                control.observe(self._changed, names="value")
        self.redraw()

    def redraw(self) -> None:
        """Build the plan from the controls and show it (or the safety block, or what is wrong)."""
        self.error = None
        try:
            profile = self.profile()
            if self.start.value is None:
                raise ProfileError("First day: pick a date for the plan to start")
            self.plan = routine.build_plan(profile, self.answers(), self.cleared.value, start=self.start.value,
                                           weeks=self.weeks.value, library=self.library)
            options = [(f"Week {n}", n) for n in range(1, self.weeks.value + 1)]
            if self.week.options != tuple(options):
                keep = min(self.week.value or 1, self.weeks.value)
                with self.week.hold_trait_notifications():
                    self.week.unobserve(self._changed, names="value")
                    self.week.options = options
                    self.week.value = keep
                    self.week.observe(self._changed, names="value")
        except ProfileError as exc:
            self.plan, self.error = None, str(exc)
            self.output.value = f'<div class="routine-blocked" role="alert">{handout._esc(self.error)}</div>'
            self.chart.value = ""
            self.gallery.children = ()
            return
        self.output.value = self.render(self.plan)
        if isinstance(self.plan, Blocked):
            self.chart.value = ""
            self.gallery.children = ()
        else:
            self.chart.value = handout.chart_svg(self.plan)
            self.gallery.children = tuple(self._card(i) for i in self.plan.exercise_ids())
        self.save.disabled = isinstance(self.plan, Blocked)

    def _card(self, ex_id: str) -> widgets.HTML:
        if ex_id not in self._cards:
            card = book_links(handout.card_html(self.library.get(ex_id)))
            self._cards[ex_id] = widgets.HTML(f'<div class="routine-gallery" style="display:block">{card}</div>')
        return self._cards[ex_id]

    def render(self, plan) -> str:
        if isinstance(plan, Blocked):
            return handout.blocked_html(plan)
        # what the learner answered (issue 16), never a bare "no warning signs"; the plan came from this screen
        return book_links(handout.screen_html(plan) + handout.plan_html(plan, week=self.week.value))

    def _save(self, _button=None) -> None:
        if not isinstance(self.plan, routine.Plan):
            self.save_status.value = "There is no plan to save yet."
            return
        try:
            paths = handout.write_exports(self.plan, Path(self.folder.value), self.filename.value,
                                          overwrite=self.overwrite.value, library=self.library)
        except (FileExistsError, handout.ExportError, OSError) as exc:
            self.save_status.value = f'<span role="alert">Not saved. {handout._esc(str(exc))}</span>'
            return
        if self.plan_file is not None:
            from backcourse.routine import checkin

            try:
                checkin.save_plan(self.plan, self.plan_file, overwrite=self.overwrite.value)
            except (FileExistsError, checkin.CheckInError, OSError) as exc:
                self.save_status.value = (f'<span role="alert">Handout saved, plan for the check-in not saved. '
                                          f'{handout._esc(str(exc))}</span>')
                return
            paths = {**paths, "plan": self.plan_file}
        names = ", ".join(p.name for p in paths.values())
        self.save_status.value = f"Saved {handout._esc(names)} in {handout._esc(str(paths['html'].parent))}."

    # --- display -----------------------------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        """Show the app's widgets, with a short fixed text form (stored notebook output stays the same)."""
        bundle = self.view._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = "Build-your-routine app (run this notebook to use the controls)"
        return bundle


# --- The notebook's weekly check-in ---------------------------------------------------------------------------

#: The book's worked check-in: a plan made for the made-up sample diary, starting on its first Monday.
SAMPLE_PROFILE = Profile(phase="acute", equipment=("mat",), minutes_per_session=10, sessions_per_week=3)
SAMPLE_WEEK = 1
#: What a saved notebook keeps of a learner's own check-in: this sentence only, never their diary or plan.
PRIVATE_CHECKIN = "Your weekly check-in: shown while the notebook runs, never saved in the notebook file."


def diary_plan_file(use_sample: bool | None = None, path: str | Path | None = None) -> Path:
    """Where the plan is kept for the weekly check-in: beside the diary the diary notebook uses.

    With the made-up sample (``BACKCOURSE_DIARY_SAMPLE=1``: the book build and the tests) that is the diary's
    throwaway practice folder, so nothing is written into the learner's data folder or the repository.
    """
    from backcourse.diary.widgets import open_diary
    from backcourse.routine.checkin import plan_path

    return plan_path(open_diary(use_sample, path).diary.path)


class WeeklyCheckIn:
    """The check-in section of the builder notebook, end to end (the decisions are :func:`checkin.check_in`'s).

    Which plan and diary: the learner's saved plan (beside the diary) and diary, with their activity goals;
    otherwise (the made-up sample forced, or no saved plan yet) the made-up sample diary and a sample plan in a
    throwaway practice folder. The check-in reads the last full plan week; next week's plan is saved as JSON
    beside that diary (replacing the plan it came from, so next week's check-in starts from it), with its
    handout, calendar and CSV. Nothing is saved before a plan week has ended, or when the diary records a
    warning sign.
    """

    def __init__(self, use_sample: bool | None = None, diary_path: str | Path | None = None,
                 today: date | None = None, folder: str | Path = "~/back-routine"):
        from backcourse.diary.widgets import open_diary
        from backcourse.routine import checkin

        self.plan = self.result = self.next_plan = None
        self.week: int | None = None
        self.saved: dict[str, Path] = {}
        self.notes: list[str] = []
        view = open_diary(use_sample, diary_path)
        self.plan_file = checkin.plan_path(view.diary.path)
        self.sample = view.practice
        if not self.sample and not self.plan_file.exists():
            self.notes.append("You have no saved plan yet: build one above and save it under 'Take it with you' "
                              "(it is kept beside your diary). Until then, here is the made-up sample.")
            view, self.sample = open_diary(True), True
            self.plan_file = checkin.plan_path(view.diary.path)
        if self.sample:
            from backcourse.diary.sample import START

            if not self.plan_file.exists():
                sample_plan = routine.build_plan(SAMPLE_PROFILE, safety.all_no(), start=START)
                checkin.save_plan(sample_plan, self.plan_file)
            folder = self.plan_file.parent          # the practice folder, removed when the kernel ends
        try:
            self.plan = checkin.load_plan(self.plan_file)
        except checkin.CheckInError as exc:
            self.notes.append(str(exc))
            return
        if self.sample:
            self.week = SAMPLE_WEEK
        else:
            done = ((today or date.today()) - self.plan.start).days // 7
            if done < 1:
                end = self.plan.start + timedelta(days=6)
                self.notes.append(f"Your plan's first week ends on {end:%A %d %B}: come back after that for its "
                                  "check-in.")
                return
            self.week = min(done, len(self.plan.weeks))
        goals = view.diary.goals()
        self.result = checkin.check_in(self.plan, view.diary.entries(), self.week, goals=goals)
        self.next_plan = checkin.next_plan(self.plan, self.result)
        if not isinstance(self.next_plan, routine.Plan):
            return
        checkin.save_plan(self.next_plan, self.plan_file, overwrite=True)
        self.saved["plan"] = self.plan_file
        name = f"my-back-routine-from-{self.next_plan.start:%Y-%m-%d}"
        try:
            self.saved.update(handout.write_exports(self.next_plan, Path(folder).expanduser(), name))
        except FileExistsError:
            self.notes.append(f"The handout, calendar and CSV named {name} were already saved, so they were kept.")

    def html(self) -> str:
        """What the learner reads: which diary, the check-in, and what was saved (file names, never paths)."""
        parts = []
        if self.sample:
            parts.append(f"<p><strong>Made-up sample diary and sample plan</strong>, week {self.week}.</p>")
        parts += [f"<p>{handout._esc(n)}</p>" for n in self.notes]
        if self.result is not None:
            parts.append(handout.checkin_html(self.result))
        if self.saved:
            names = ", ".join(sorted(p.name for p in self.saved.values()))
            where = "the practice folder" if self.sample else "beside your diary and in your handout folder"
            parts.append(f"<p>Saved next week's plan and its files ({handout._esc(names)}) in {where}. Next "
                         "week's check-in starts from this plan.</p>")
        return book_links("".join(parts))

    def next_week_html(self) -> str:
        """The first week of next week's plan (or the safety block, or nothing yet)."""
        if self.next_plan is None:
            return "<p>No new plan this time.</p>"
        return book_links(handout.plan_html(self.next_plan, week=1))

    def show(self, part: str = "check-in"):
        """The check-in (or ``part="next week"``): ordinary output for the made-up sample; for a learner's own
        diary a live widget that is never written into the notebook file."""
        text = self.next_week_html() if part == "next week" else self.html()
        if self.sample:
            from IPython.display import HTML

            return HTML(text)
        from backcourse.diary.widgets import private_widget  # the diary's way to keep a learner's data out

        return private_widget("html", PRIVATE_CHECKIN)(value=text)


def weekly_check_in(use_sample: bool | None = None, diary_path: str | Path | None = None,
                    today: date | None = None, folder: str | Path = "~/back-routine") -> WeeklyCheckIn:
    """Run this week's check-in for the notebook (see :class:`WeeklyCheckIn`)."""
    return WeeklyCheckIn(use_sample, diary_path, today, folder)
