"""Views of a routine plan: HTML for the notebook, the printable take-home handout (HTML and Markdown), a
calendar file (.ics), a CSV, and the chart of weekly minutes.

Why one module: every view must say the same thing about the same plan (dose, "why this is here", the
course's pain rule), so they are all rendered here from :class:`backcourse.routine.engine.Plan` and nothing else.
The handout is one self-contained file (CSS and drawings inline) so it can be printed or mailed as is; its
print CSS puts each week on its own page. Files are written where the learner asks and never replace an
existing file unless ``overwrite=True`` is given (atomic writes: a crash never leaves half a file).
"""

from __future__ import annotations

import base64
import csv
import functools
import html
import io
import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from backcourse import files, safety
from backcourse.routine import engine as routine
from backcourse.routine.engine import Blocked, Plan, PlanItem
from backcourse.style import PALETTE, RC_PARAMS

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn: the online book's live builder has none
    from matplotlib.figure import Figure

#: How to change the dose, printed on the handout (rule reps-by-pain and walk-build).
PROGRESS_RULE = (
    "Add 1 or 2 repetitions only if your pain was no worse the day after your last session. "
    "If your pain was worse the next day, go back to the last dose. Build your walks the same way: "
    "a little more each week, never a big jump."
)

#: Kinds of exercise in the weekly chart, in stacking order, with their colours and plain names.
CATEGORIES = {
    "mobility": (PALETTE["green"], "Easy movement"),
    "stretch": (PALETTE["sky"], "Stretching"),
    "strengthen": (PALETTE["blue"], "Strengthening"),
    "self-massage": (PALETTE["purple"], "Self-massage"),
    "aerobic": (PALETTE["orange"], "Walking or other aerobic"),
}
EXPORT_SUFFIXES = ("html", "md", "ics", "csv")

_esc = html.escape


# --------------------------------------------------------------------------------------------------------------
# Drawings (from backcourse.library.drawings), cached: one drawing per exercise is rendered once per process
# --------------------------------------------------------------------------------------------------------------

_SVG_CACHE: dict[tuple[str, str], str] = {}


def _drawable(library):
    """The library the handout draws from: the checked (pydantic) one, whose exercises carry drawable poses."""
    from backcourse.library import plain

    if library is None or isinstance(library, plain.Library):
        from backcourse.library.model import default_library  # only here: the live builder passes its own

        return default_library()
    return library


def _checked(ex):
    """The checked (pydantic) record of an exercise given as plain data: only it carries a drawable pose."""
    from backcourse.library import plain

    if isinstance(ex, plain.Exercise):
        from backcourse.library.model import default_library

        return default_library().get(ex.id)
    return ex


def drawing_svg(ex) -> str:
    """The exercise's start-and-end drawing as inline SVG (no XML prologue), rendered once per process."""
    ex = _checked(ex)
    key = (ex.id, repr(getattr(ex, "pose", None)))
    if key not in _SVG_CACHE:
        from backcourse.library.drawings import exercise_svg

        svg = exercise_svg(ex)
        start = svg.find("<svg")
        _SVG_CACHE[key] = compact_svg(svg[start:] if start >= 0 else svg)
    return _SVG_CACHE[key]


_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
_LONG_DECIMAL = re.compile(r"(\d+\.\d)\d+")
_BETWEEN_TAGS = re.compile(r">\s+<")


def compact_svg(svg: str) -> str:
    """A drawing inlined a dozen times on a page, made smaller: no metadata block, no indentation, and
    coordinates to a tenth of a point (invisible at any zoom a reader uses). The routine page stays within the
    page-weight budget of the reader-experience tests."""
    return _BETWEEN_TAGS.sub("><", _LONG_DECIMAL.sub(r"\1", _METADATA.sub("", svg)))


def drawing_alt(ex) -> str:
    from backcourse.library.drawings import alt_text

    return alt_text(_checked(ex))


def _svg_with_title(ex) -> str:
    """Inline SVG with an accessible name (role="img" and aria-label from the drawing's alt text)."""
    svg = drawing_svg(ex)
    alt = _esc(drawing_alt(ex), quote=True)
    return svg.replace("<svg", f'<svg role="img" aria-label="{alt}"', 1)


# --------------------------------------------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------------------------------------------


def _long_date(d) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _short_date(d) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def week_range(week) -> str:
    return f"{_short_date(week.days[0].date)} to {_short_date(week.days[-1].date)}"


def profile_summary(profile: routine.Profile) -> list[tuple[str, str]]:
    """The profile in words, as (label, value) pairs."""
    worse = ", ".join(routine.AGGRAVATOR_LABELS[a].lower() for a in profile.aggravated_by) or "nothing in particular"
    kit = ", ".join(routine.EQUIPMENT_LABELS[e].lower() for e in profile.equipment if e != "none") or "nothing"
    return [
        ("Phase", routine.PHASE_LABELS[profile.phase]
         + (", at a low dose that rises by a planned step each week" if profile.low_dose else "")),
        ("Makes pain worse", worse),
        ("Equipment", kit),
        ("Session", f"{profile.minutes_per_session} minutes, {profile.sessions_per_week} times a week"),
        ("Aerobic", f"{profile.aerobic}, now {profile.aerobic_minutes_now} minutes on "
                    f"{routine._days(profile.aerobic_days_now)} a week"),
    ]


def _rule_titles(ids: Iterable[str]) -> str:
    return ", ".join(routine.RULES[i].title for i in ids)


# --------------------------------------------------------------------------------------------------------------
# HTML for the notebook (links to the book) and for the handout (self-contained)
# --------------------------------------------------------------------------------------------------------------


def blocked_html(blocked: Blocked) -> str:
    """The safety block, shown instead of a plan."""
    kind = {safety.BLOCK_EMERGENCY: "Warning sign", safety.BLOCK_CLEARANCE: "Before you start"}.get(
        blocked.status, "Safety check first")
    flagged = "".join(f"<li>{_esc(safety.QUESTIONS_BY_ID[q].text)}</li>" for q in blocked.screen.flagged)
    flagged_html = f"<p>You said yes to:</p><ul>{flagged}</ul>" if flagged else ""
    return (f'{PLAN_CSS}<div class="routine-blocked routine-{_esc(blocked.status)}" role="alert">'
            f"<p><strong>{kind}.</strong> {_esc(blocked.message)}</p>{flagged_html}"
            "<p>No plan is made until this is sorted out.</p></div>")


def _item_html(item: PlanItem, links: bool) -> str:
    name = _esc(item.name)
    if links:
        name = f'<a href="{_esc(item.library_url)}">{name}</a>'
    rules_link = f' <a href="{routine.RULES_URL}">(rules)</a>' if links else ""
    return (f'<li><strong>{name}</strong>: {_esc(item.dose_text)}'
            f'<br><span class="why">Why: {_esc(item.why)}{rules_link}</span></li>')


def _aerobic_html(day, links: bool) -> str:
    a = day.aerobic
    if a is None:
        return ""
    name = _esc(a.name)
    if links:
        name = f'<a href="{_esc(a.library_url)}">{name}</a>'
    return f'{name}: {a.minutes} minutes'


def week_table_html(week, links: bool = True) -> str:
    """One week as a table: a row per day with its session (exercises, dose and why) and its walk.

    Two columns only (day, what to do), so the table reads on a phone."""
    rows = []
    for day in week.days:
        parts = []
        if day.session and day.session.items:
            items = "".join(_item_html(i, links) for i in day.session.items)
            parts.append(f'<p class="session">Session {day.session.number}, about {round(day.session.minutes)} '
                         f"minutes</p><ol>{items}</ol>")
        elif day.session:
            parts.append("<p>Session: nothing fits your answers (see the notes).</p>")
        if day.aerobic:
            parts.append(f'<p class="walk">{_aerobic_html(day, links)}</p>')
        todo = "".join(parts) or '<p class="rest">Nothing planned: keep moving as usual.</p>'
        rows.append(f'<tr><th scope="row">{_esc(_short_date(day.date))}</th><td>{todo}</td></tr>')
    walk = ""
    if week.aerobic:
        first = next(d.aerobic for d in week.days if d.aerobic)
        walk = f'<p class="why">{_esc(first.name)}: {_esc(first.why)}</p>'
    return (f'<table class="routine-week"><caption>Week {week.number}: {_esc(week_range(week))}</caption>'
            '<thead><tr><th scope="col">Day</th><th scope="col">What to do</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{walk}')


#: Styles of the plan's HTML in the notebook and the book (scoped to .routine-plan, so nothing else changes).
PLAN_CSS = """<style>
.routine-plan table.routine-week { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; }
.routine-plan .routine-week th, .routine-plan .routine-week td { border: 1px solid #bbb; padding: .25rem .45rem;
  vertical-align: top; text-align: left; }
.routine-plan .routine-week th[scope=row] { white-space: nowrap; }
.routine-plan .routine-week caption { text-align: left; font-weight: bold; }
.routine-plan .routine-week p { margin: .1rem 0; }
.routine-plan .routine-week ol { margin: .1rem 0 .2rem 1.1rem; padding: 0; }
.routine-plan .why { color: #555; font-size: .88em; }
.routine-plan .session { font-weight: bold; }
.routine-plan details > summary { cursor: pointer; font-weight: bold; margin: .3rem 0; }
.routine-gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .6rem; }
.routine-gallery .routine-card { margin: 0; }
.routine-gallery .drawing svg { width: 100%; height: auto; }
.routine-blocked { border-left: .4rem solid #D55E00; background: #fbe3d5; color: #222; padding: .5rem .8rem; }
</style>"""


def notes_html(plan: Plan, links: bool = True) -> str:
    """Notes the learner should read, and the exercises left out with the rule that left them out."""
    parts = []
    if plan.notes:
        parts.append('<div class="routine-notes"><p><strong>Please note:</strong></p><ul>'
                     + "".join(f"<li>{_esc(n)}</li>" for n in plan.notes) + "</ul></div>")
    shown = [lo for lo in plan.left_out if lo.rule in ("leave-out-aggravating", "equipment-at-hand")]
    if shown:
        items = "".join(f"<li>{_esc(lo.name)}: {_esc(lo.detail)} ({_esc(routine.RULES[lo.rule].title)})</li>"
                        for lo in shown)
        parts.append(f"<details{'' if links else ' open'}><summary>Left out for you ({len(shown)})</summary>"
                     f"<ul>{items}</ul></details>")
    return "".join(parts)


def screen_html(plan: Plan) -> str:
    """What the learner answered, said back above their plan (never a bare "no warning signs"), and the pain rule.

    One function, so the notebook's builder and the book's live builder say the same.
    """
    return f'<p class="routine-screen">{_esc(safety.cleared_message(plan.screen))}</p>' + safety.pain_rule_html()


def plan_html(plan: Plan | Blocked, links: bool = True, week: int | None = None) -> str:
    """The plan for the notebook: notes, then a table per week (week 1 open, the rest folded).

    ``week`` shows only that week (the app redraws one week at a time, so a change sends little HTML).
    """
    if isinstance(plan, Blocked):
        return blocked_html(plan)
    shown = plan.weeks if week is None else [w for w in plan.weeks if w.number == week]
    weeks = "".join(
        f'<details{" open" if w.number == (week or 1) else ""}><summary>Week {w.number} ({_esc(week_range(w))})'
        f"</summary>{week_table_html(w, links)}</details>"
        for w in shown
    )
    return f'{PLAN_CSS}<div class="routine-plan">{notes_html(plan, links)}{weeks}</div>'


def gallery_html(plan: Plan, library, links: bool = True, steps: bool = False, css: bool = True) -> str:
    """Every exercise in the plan with its drawing (and, for the handout, its steps)."""
    cards = [card_html(library.get(ex_id), links, steps) for ex_id in plan.exercise_ids()]
    return f'{PLAN_CSS if css else ""}<div class="routine-gallery">{"".join(cards)}</div>'


_ACTION_MARK = {"progress": "Step up", "hold": "Stay", "step back": "Step back"}


def checkin_html(result) -> str:
    """The weekly check-in as the learner reads it: notes first, then one line per exercise and walking."""
    notes = "".join(f"<p>{_esc(n)}</p>" for n in result.notes)
    rows = "".join(
        f"<tr><th scope=\"row\">{_esc(d.name)}</th><td>{_esc(_ACTION_MARK.get(d.action, d.action))}</td>"
        f"<td>{_esc(d.before)}</td><td>{_esc(d.after)}</td>"
        f"<td>{_esc(d.reason[0].upper() + d.reason[1:])} <em>({_esc(routine.RULES[d.rule].title)})</em></td></tr>"
        for d in result.decisions)
    table = ("<table class=\"routine-checkin\"><thead><tr><th scope=\"col\">Exercise</th><th scope=\"col\">Next week"
             "</th><th scope=\"col\">This week</th><th scope=\"col\">Next week's dose</th><th scope=\"col\">Why"
             f"</th></tr></thead><tbody>{rows}</tbody></table>") if rows else ""
    extra = f"<p><strong>{_esc(result.reassess)}</strong></p>" if result.reassess else ""
    css = ("<style>.routine-checkin th, .routine-checkin td { text-align: left; vertical-align: top; }"
           "</style>")
    return (f'{PLAN_CSS}{css}<div class="routine-plan"><h4>Week {result.week} check-in</h4>{notes}{table}{extra}'
            "</div>")


def card_html(ex, links: bool = True, steps: bool = False) -> str:
    """One exercise's card: drawing, name (linked to the library) and, for the handout, steps and cautions."""
    name = _esc(ex.name)
    if links:
        name = f'<a href="{_esc(routine.LIBRARY_URL.format(id=ex.id))}">{name}</a>'
    body = ""
    if steps:
        body = "<ol>" + "".join(f"<li>{_esc(s)}</li>" for s in ex.steps) + "</ol>"
        if ex.cautions:
            body += "<p><strong>Take care:</strong> " + _esc(" ".join(ex.cautions)) + "</p>"
    return (f'<figure class="routine-card"><div class="drawing">{_svg_with_title(ex)}</div>'
            f"<figcaption>{name}</figcaption>{body}</figure>")


HANDOUT_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 1.5rem;
       line-height: 1.35; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 0 0 .4rem; }
.stop { border-left: .35rem solid #D55E00; background: #fbe3d5; padding: .4rem .6rem; margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .25rem .4rem; vertical-align: top; text-align: left; }
caption { text-align: left; font-weight: bold; padding: .2rem 0; }
ol { margin: .1rem 0 .1rem 1.2rem; padding: 0; }
.why { color: #444; font-size: .85em; }
.session { margin: 0; font-weight: bold; }
.routine-gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .4rem; }
.routine-card { margin: 0; break-inside: avoid; page-break-inside: avoid; }
.routine-card figcaption { font-weight: bold; font-size: .9em; }
.drawing svg { width: 100%; height: auto; max-height: 7rem; }
.handout-details .routine-card .drawing svg { max-height: 9rem; }
.week-grid { font-size: .9em; }
.week-grid { table-layout: fixed; font-size: .85em; }
.week-grid th, .week-grid td { padding: .1rem .3rem; line-height: 1.2; }
.week-grid th:nth-child(1) { width: 4.2rem; }
.week-grid th:nth-child(2) { width: 9.5rem; }
.week-grid td.thumb { padding: .05rem; }
.week-grid td.thumb svg { max-height: 2.2rem; }
.week-grid .day { text-align: center; width: 2.7rem; }
.week-grid td.why { font-size: .85em; }
.week .stop, .cover .stop { font-size: .85em; padding: .25rem .5rem; }
.profile th { width: 11rem; }
@page { size: A4; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  .page { break-after: page; page-break-after: always; }
  .page:last-child { break-after: auto; page-break-after: auto; }
  a { color: inherit; text-decoration: none; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
}
"""


def handout_html(plan: Plan, library=None) -> str:
    """The printable handout: a cover page (profile, safety, how to progress), then one page per week, then a
    page with the steps of every exercise. Self-contained: CSS and drawings inline, no links to follow."""
    library = _drawable(library)
    _require_plan(plan)
    first, last = plan.weeks[0].days[0].date, plan.weeks[-1].days[-1].date
    profile = "".join(f"<tr><th scope=\"row\">{_esc(k)}</th><td>{_esc(v)}</td></tr>"
                      for k, v in profile_summary(plan.profile))
    # Titles only: with every rule's reason the cover ran onto a second page (the reasons are in the book).
    rules = " · ".join(_esc(routine.RULES[i].title) for i in plan.rules_used())
    cover = (
        '<section class="page cover">'
        f"<h1>My back routine</h1><p>{len(plan.weeks)} weeks, from {_esc(_long_date(first))} "
        f"to {_esc(_long_date(last))}.</p>"
        f"{_safety_html()}"
        f"<p><strong>How to build up.</strong> {_esc(PROGRESS_RULE)}</p>"
        f'<table class="profile"><caption>What you told the routine builder</caption>{profile}</table>'
        f"{notes_html(plan, links=False)}"
        f"<p><strong>How this plan was chosen:</strong> {rules}.</p>"
        "<p>This plan is general advice from a self-study course. It is not a diagnosis. "
        "Ask a doctor or physio if you are unsure.</p></section>"
    )
    weeks = "".join(
        f'<section class="page week" id="week-{w.number}"><h2>Week {w.number}</h2>'
        f"{_safety_html()}"
        f"<p>{_esc(week_range(w))}. {len(w.sessions)} sessions of up to {plan.profile.minutes_per_session} "
        f"minutes.</p>{week_grid_html(w, library)}</section>"
        for w in plan.weeks
    )
    details = (f'<section class="page handout-details"><h2>How to do each exercise</h2>'
               f"{gallery_html(plan, library, links=False, steps=True, css=False)}</section>")
    title = f"My back routine from {_short_date(first)}"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)}</title><style>{HANDOUT_CSS}</style></head>"
            f"<body>{cover}{weeks}{details}</body></html>\n")


def _build_note(item: PlanItem) -> str:
    """"(full dose)" or "(builds to 8)": the reps part of the why, short enough for the printed grid."""
    if item.reps is None or item.target_reps is None:
        return ""
    return " (full dose)" if item.reps >= item.target_reps else f" (builds to {item.target_reps})"


def week_grid_html(week, library) -> str:
    """One printed week: a row per exercise (drawing, dose, why) with a tick box on each day it is planned,
    and a row for the walks. One row per exercise, not per day, so a week fits on one page."""
    days = [d for d in week.days if (d.session and d.session.items) or d.aerobic]
    rows: dict[str, tuple[PlanItem, set[int], dict[str, str]]] = {}
    for day in days:
        for item in day.session.items if day.session else ():
            first, on, partners = rows.setdefault(item.exercise_id, (item, set(), {}))
            on.add(day.index)
            if item.paired_with:
                partners.setdefault(item.paired_with, next(
                    t for r, t in item.reasons if r == "pair-front-back").split(":", 1)[0][len("Paired with "):])
    head = "".join(f'<th scope="col" class="day">{d.date:%a}<br>{d.date.day} {d.date:%b}</th>' for d in days)
    body = []
    for ex_id, (item, on, partners) in rows.items():
        ex = library.get(ex_id)
        reasons = []
        for rule, text in item.reasons:
            if rule == "pair-front-back":   # every partner of the week, not only the first session's
                text = f"Paired with {' or '.join(partners.values())}:{text.split(':', 1)[1]}"
            if rule != "reps-by-pain":      # the dose column and the cover say how reps build up
                reasons.append(text)
        ticks = "".join(f'<td class="day">{"&#9744;" if d.index in on else ""}</td>' for d in days)
        body.append(
            f'<tr><td class="thumb"><div class="drawing">{_svg_with_title(ex)}</div></td>'
            f"<td><strong>{_esc(item.name)}</strong>: {_esc(item.dose_text)}{_build_note(item)}</td>"
            f'<td class="why">{_esc(" ".join(reasons))}</td>{ticks}</tr>'
        )
    if week.aerobic and any(d.aerobic for d in days):
        first = next(d.aerobic for d in days if d.aerobic)
        ticks = "".join(f'<td class="day">{f"{d.aerobic.minutes}&nbsp;min<br>&#9744;" if d.aerobic else ""}</td>'
                        for d in days)
        body.append(f'<tr><td class="thumb"><div class="drawing">{_svg_with_title(library.get(first.exercise_id))}'
                    f"</div></td><td><strong>{_esc(first.name)}</strong>: {first.minutes} minutes</td>"
                    f'<td class="why">{_esc(first.why)}</td>{ticks}</tr>')
    return (f'<table class="week-grid"><caption>Tick each box when you have done it.</caption><thead><tr>'
            f'<th scope="col">Drawing</th><th scope="col">Exercise and dose</th><th scope="col">Why this is here</th>'
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


# --------------------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _safety_html() -> str:
    """The pain rule and the emergency signs, rendered from backcourse.safety on every page of the handout."""
    return (f'<p class="stop"><strong>{_esc(safety.PAIN_RULE_TITLE)}.</strong> {_esc(safety.PAIN_RULE)}<br>'
            f"{_esc(safety.emergency_text())}</p>")


def handout_markdown(plan: Plan, library=None) -> str:
    """The handout as Markdown: the same content as the HTML, drawings embedded as data URIs."""
    library = _drawable(library)
    _require_plan(plan)
    first, last = plan.weeks[0].days[0].date, plan.weeks[-1].days[-1].date
    out = ["# My back routine", "",
           f"{len(plan.weeks)} weeks, from {_long_date(first)} to {_long_date(last)}.", "",
           f"> **{safety.PAIN_RULE_TITLE}.** {safety.PAIN_RULE}", ">", f"> {safety.emergency_text()}", "",
           f"**How to build up.** {PROGRESS_RULE}", "",
           "## What you told the routine builder", ""]
    out += [f"- **{k}:** {v}" for k, v in profile_summary(plan.profile)]
    if plan.notes:
        out += ["", "**Please note:**", ""] + [f"- {n}" for n in plan.notes]
    out += ["", "## How this plan was chosen", ""]
    out += [f"- **{routine.RULES[i].title}.** {routine.RULES[i].reason}" for i in plan.rules_used()]
    for week in plan.weeks:
        out += ["", "---", "", f"## Week {week.number}: {week_range(week)}", "",
                f"> **{safety.PAIN_RULE_TITLE}.** {safety.PAIN_RULE}", ">", f"> {safety.emergency_text()}", ""]
        for day in week.days:
            if day.session and day.session.items:
                out += [f"### {_short_date(day.date)}: session {day.session.number} "
                        f"(about {round(day.session.minutes)} minutes)", "",
                        "| Exercise | Dose | Why this is here |", "| --- | --- | --- |"]
                out += [f"| {_md_cell(i.name)} | {_md_cell(i.dose_text)} | {_md_cell(i.why)} |"
                        for i in day.session.items]
                out.append("")
            if day.aerobic:
                if not (day.session and day.session.items):
                    out += [f"### {_short_date(day.date)}", ""]
                out += [f"- **{day.aerobic.name}:** {day.aerobic.minutes} minutes. {day.aerobic.why}", ""]
    out += ["", "---", "", "## How to do each exercise", ""]
    for ex_id in plan.exercise_ids():
        ex = library.get(ex_id)
        data = base64.b64encode(drawing_svg(ex).encode("utf-8")).decode("ascii")
        out += [f"### {ex.name}", "", f"![{drawing_alt(ex)}](data:image/svg+xml;base64,{data})", ""]
        out += [f"{n}. {s}" for n, s in enumerate(ex.steps, 1)]
        if ex.cautions:
            out += ["", "**Take care:** " + " ".join(ex.cautions)]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------------------------------------------
# Calendar and CSV
# --------------------------------------------------------------------------------------------------------------


def plan_ics(plan: Plan) -> bytes:
    """An iCalendar file: one all-day event per exercise session, and one per aerobic-only day.

    Ids and time stamps come from the plan's start date, so the same plan gives the same file.
    """
    from icalendar import Calendar, Event

    _require_plan(plan)
    cal = Calendar()
    cal.add("prodid", "-//backcourse//Moving Again routine builder//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "My back routine")
    stamp = datetime.combine(plan.start, time(0, 0), tzinfo=timezone.utc)
    for day in plan.days:
        lines = []
        if day.session and day.session.items:
            summary = f"Back routine: week {day.week}, session {day.session.number}"
            lines += [f"- {i.name}: {i.dose_text}" for i in day.session.items]
            kind = "session"
            if day.aerobic:
                lines.append(f"- {day.aerobic.name}: {day.aerobic.minutes} minutes")
        elif day.aerobic:
            summary = f"{day.aerobic.name}: {day.aerobic.minutes} minutes"
            kind = "aerobic"
        else:
            continue
        lines += ["", safety.pain_rule_text(), safety.emergency_text()]
        event = Event()
        event.add("uid", f"{plan.start:%Y%m%d}-w{day.week}-d{day.index}-{kind}@backcourse.routine.engine")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", "\n".join(lines))
        event.add("categories", ["Exercise session" if kind == "session" else "Aerobic"])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


CSV_FIELDS = ("week", "date", "kind", "session", "order", "exercise_id", "name", "sets", "reps", "hold_seconds",
              "each_side", "minutes", "dose", "why", "rules")


def plan_csv(plan: Plan) -> str:
    """The plan as CSV, one row per exercise in a session and one row per walk."""
    _require_plan(plan)
    buf = io.StringIO()
    writer = files.SpreadsheetDictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")  # formula-safe cells
    writer.writeheader()
    for day in plan.days:
        if day.session:
            for n, item in enumerate(day.session.items, 1):
                writer.writerow({
                    "week": day.week, "date": day.date.isoformat(), "kind": item.category,
                    "session": day.session.number, "order": n, "exercise_id": item.exercise_id, "name": item.name,
                    "sets": item.sets, "reps": "" if item.reps is None else item.reps,
                    "hold_seconds": item.hold_seconds or "", "each_side": "yes" if item.per_side else "no",
                    "minutes": round(item.seconds / 60, 1), "dose": item.dose_text, "why": item.why,
                    "rules": " ".join(item.rules),
                })
        if day.aerobic:
            a = day.aerobic
            writer.writerow({
                "week": day.week, "date": day.date.isoformat(), "kind": "aerobic", "session": "", "order": "",
                "exercise_id": a.exercise_id, "name": a.name, "sets": "", "reps": "", "hold_seconds": "",
                "each_side": "", "minutes": a.minutes, "dose": f"{a.minutes} minutes", "why": a.why,
                "rules": " ".join(a.rules),
            })
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------------------
# Writing files
# --------------------------------------------------------------------------------------------------------------


class ExportError(ValueError):
    """There is nothing to export (the safety screen blocked the plan), or a target is not usable."""


def _require_plan(plan) -> None:
    if isinstance(plan, Blocked):
        raise ExportError(f"There is no plan to save: {plan.message}")
    if not isinstance(plan, Plan):
        raise ExportError(f"expected a Plan, got {type(plan).__name__}")
    if plan.screen is None or not plan.screen.clear:
        raise ExportError("This plan has no passed safety screen, so it cannot be saved: build it again.")


def write_file(path: Path | str, data: str | bytes, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; refuse to replace an existing file unless ``overwrite``."""
    path = Path(path).expanduser()
    if path.exists() and not path.is_file():
        raise ExportError(f"{path} exists and is not a file")
    return files.write_new(path, data, overwrite=overwrite)


def export_paths(folder: Path | str, name: str = "my-back-routine") -> dict[str, Path]:
    """Where :func:`write_exports` puts each file."""
    if not name or any(c in name for c in '/\\:*?"<>|') or name.startswith("."):
        raise ExportError(f"file name {name!r}: use letters, numbers and dashes, without a folder or a dot first")
    folder = Path(folder).expanduser()
    return {suffix: folder / f"{name}.{suffix}" for suffix in EXPORT_SUFFIXES}


def write_exports(plan: Plan, folder: Path | str, name: str = "my-back-routine", overwrite: bool = False,
                  library=None) -> dict[str, Path]:
    """Write the handout (.html and .md), the calendar (.ics) and the CSV into ``folder``.

    Nothing is written if any of the four files already exists and ``overwrite`` is False: the error names
    every such file. Returns the paths written, by suffix.
    """
    _require_plan(plan)
    paths = export_paths(folder, name)
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(
            "These files already exist: " + ", ".join(existing)
            + ". Choose another name or folder, or allow overwriting."
        )
    library = _drawable(library)
    contents = {
        "html": handout_html(plan, library),
        "md": handout_markdown(plan, library),
        "ics": plan_ics(plan),
        "csv": plan_csv(plan),
    }
    for suffix, path in paths.items():
        write_file(path, contents[suffix], overwrite=overwrite)
    return paths


# --------------------------------------------------------------------------------------------------------------
# Chart
# --------------------------------------------------------------------------------------------------------------


def weekly_totals(plan: Plan) -> tuple[tuple[tuple[str, float], ...], ...]:
    """Minutes per kind of exercise for each week, in the chart's order (what the chart draws)."""
    _require_plan(plan)
    return tuple(tuple((c, round(w.minutes_by_category().get(c, 0.0), 6)) for c in CATEGORIES) for w in plan.weeks)


def weekly_minutes_chart(plan: Plan) -> Figure:
    """Stacked bars: planned minutes each week, by kind of exercise."""
    return _chart(weekly_totals(plan))


def _chart(totals) -> Figure:
    import matplotlib
    from matplotlib.figure import Figure

    weeks = list(range(1, len(totals) + 1))
    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=(4.6, 3.6), layout="constrained")
        ax = fig.add_subplot()
        bottom = [0.0] * len(weeks)
        for n, (cat, (colour, label)) in enumerate(CATEGORIES.items()):
            values = [dict(t)[cat] for t in totals]
            if not any(values):
                continue
            ax.bar(weeks, values, bottom=bottom, color=colour, label=label, width=0.7)
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_xticks(weeks, [str(n) for n in weeks])
        ax.set_xlabel("Week of the plan")
        ax.set_ylabel("Minutes planned in the week")
        ax.set_title("Your plan week by week")
        fig.legend(loc="outside lower center", ncols=2)
    return fig


def weekly_minutes_alt(plan: Plan) -> str:
    """Alt text for :func:`weekly_minutes_chart`, with the numbers of the first and last week."""
    _require_plan(plan)

    def describe(week) -> str:
        t = week.minutes_by_category()
        parts = [f"{round(t[c])} minutes of {CATEGORIES[c][1].lower()}" for c in CATEGORIES if t.get(c)]
        return f"week {week.number}: " + ", ".join(parts)

    first, last = plan.weeks[0], plan.weeks[-1]
    text = "Stacked bar chart of the minutes planned each week by kind of exercise. " + describe(first).capitalize()
    if last is not first:
        text += "; " + describe(last)
    return text + "."


def chart_svg(plan: Plan) -> str:
    """The weekly chart as inline SVG text (for the widget's HTML view); the same totals are drawn once."""
    return _chart_svg(weekly_totals(plan))


@functools.lru_cache(maxsize=64)
def _chart_svg(totals) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(RC_PARAMS):
        _chart(totals).savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    return svg[svg.find("<svg"):]
