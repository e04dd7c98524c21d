"""A PDF summary of the pain diary to bring to a clinician: chart, weekly table, change, exercises done.

Why a PDF from matplotlib: it needs nothing beyond the charting library the course already uses, it prints
on A4 or Letter, and its text stays searchable (TrueType fonts embedded). The report describes; it never
interprets symptoms or suggests a diagnosis.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from backcourse import files
from backcourse.diary import analysis
from backcourse.diary.store import Entry, NRS_ANCHORS, counted
from backcourse.diary.plots import draw_pain_over_weeks
from backcourse.style import PALETTE, RC_PARAMS

A4 = (8.27, 11.69)
TABLE_ROWS_PER_PAGE = 32
#: TrueType fonts in the PDF keep its text selectable and searchable.
PDF_RC = {**RC_PARAMS, "pdf.fonttype": 42}
#: Column heads of the weekly table; the line breaks are for the narrow PDF columns.
TABLE_HEADER = ("Week", "Dates", "Days\nlogged", "Average\npain", "Range\n(daily averages)", "Minutes\nwalked",
                "Flare-up\ndays", "Exercises\nticked")


#: Shown for a week with no entries (an en dash, so it does not read as a minus sign).
NO_VALUE = "\u2013"


def _fmt(x: float | None) -> str:
    return NO_VALUE if x is None else f"{x:.1f}"


def weekly_rows(weeks: Sequence[analysis.Week]) -> list[tuple[str, ...]]:
    """The weekly table as text cells (shared by the PDF and the notebook's HTML table)."""
    rows = []
    for w in weeks:
        rng = NO_VALUE if w.low is None else f"{w.low:.1f} to {w.high:.1f}"
        rows.append((str(w.number), f"{w.start:%d %b} - {w.end:%d %b %Y}", str(w.days_logged), _fmt(w.mean), rng,
                     str(w.minutes_walked), str(w.flare_days), str(w.exercises_done)))
    return rows


def weekly_table_html(weeks: Sequence[analysis.Week]) -> str:
    """The weekly table as HTML for the notebook: cells never wrap, and the table scrolls sideways on a phone."""
    head = "".join(f"<th>{html.escape(h).replace(chr(10), '<br>')}</th>" for h in TABLE_HEADER)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in weekly_rows(weeks)
    )
    return (
        "<p><em>Averages are of each day's average pain (0 = no pain, 10 = worst pain imaginable).</em></p>"
        '<div style="overflow-x:auto" tabindex="0" role="region" aria-label="Week by week table">'
        '<table class="diary-weekly" style="white-space:nowrap">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def flare_up_text(flares: Sequence[analysis.FlareUp]) -> str:
    """One line per flare-up day, or a sentence saying there were none."""
    if not flares:
        return "No flare-up days."
    return "\n".join(f"{f.date:%a %d %b %Y}: average pain {f.mean:.1f}, {f.reason}." for f in flares)


def note_html(*paragraphs: str) -> str:
    """Sentences as HTML paragraphs, so they wrap on a phone (printed text would scroll sideways)."""
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def flare_up_html(flares: Sequence[analysis.FlareUp]) -> str:
    """The flare-up days as an HTML list (one line each), or a sentence saying there were none."""
    if not flares:
        return note_html("No flare-up days.")
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in flare_up_text(flares).splitlines()) + "</ul>"


def for_clinician(text: str) -> str:
    """The learner-facing sentences, reworded for the clinician who reads the PDF ("the patient's baseline")."""
    for learner, clinician in (("Your ", "The patient's "), ("your ", "the patient's "), ("you ", "the patient "),
                               ("You ", "The patient ")):
        text = text.replace(learner, clinician)
    return text


def _wrap(text: str, width: int = 92) -> str:
    return "\n".join(textwrap.fill(par, width) for par in text.split("\n"))


def goals_text(goals: Sequence) -> str:
    """The activity goals for the clinician: first and latest 0-10 rating of each, and the change."""
    from backcourse.diary.goals import GUIDE_TEXT, goal_changes

    changes = goal_changes(goals)
    if not changes:
        return "The patient has not rated any activity goals."
    lines = ["Activities the patient named as hard because of back pain, rated 0 (cannot do it) to 10 (as well "
             "as before), once a week:"]
    lines += [f"- {c.text()}" for c in changes]
    lines.append(GUIDE_TEXT + " (Stratford et al. 1995, Physiotherapy Canada.)")
    return "\n".join(lines)


def report_pages(
    entries: Sequence[Entry],
    baseline_week: int = 1,
    exercise_names: Mapping[str, str] | None = None,
    title: str = "Pain diary summary",
    sample: bool = False,
    rows_per_page: int = TABLE_ROWS_PER_PAGE,
    goals: Sequence = (),
) -> list[Figure]:
    """The report's pages as matplotlib Figures (A4 portrait); ``goals`` are activity-goal ratings."""
    exercise_names = exercise_names or {}
    days = analysis.daily(entries)
    weeks = analysis.weekly(entries)
    change = analysis.change_from_baseline(weeks, baseline_week)
    flares = analysis.flare_ups(days)
    pages: list[Figure] = []
    with matplotlib.rc_context(PDF_RC):
        # Page 1: summary and chart.
        fig = Figure(figsize=A4)
        y = 0.955
        fig.text(0.07, y, title, fontsize=17, weight="bold", va="top")
        y -= 0.04
        if sample:
            fig.text(0.07, y, "MADE-UP SAMPLE: not a real person's diary", fontsize=13, weight="bold", va="top",
                     color=PALETTE["vermillion"])
            y -= 0.035
        if days:
            period = (f"{days[0].date:%d %B %Y} to {days[-1].date:%d %B %Y}: {counted(len(entries), 'entry')} on "
                      f"{counted(len(days), 'day')} over {counted(len(weeks), 'week')}.")
        else:
            period = "The diary has no entries yet."
        intro = (
            "Kept by the patient with the self-study course 'Moving Again'. Pain is on the 0-10 Numeric Rating "
            f"Scale (0 = {NRS_ANCHORS[0]}, 10 = {NRS_ANCHORS[10]}). This is a record, not a diagnosis.\n" + period
        )
        fig.text(0.07, y, _wrap(intro), fontsize=10.5, va="top", linespacing=1.4)
        y -= 0.085
        fig.text(0.07, y, "Change from the baseline week", fontsize=13, weight="bold", va="top")
        y -= 0.03
        fig.text(0.07, y, _wrap(for_clinician(change.message)), fontsize=10.5, va="top", linespacing=1.4)
        y -= 0.06
        fig.text(0.07, y, "Flare-ups", fontsize=13, weight="bold", va="top")
        y -= 0.03
        if flares:
            listed = "; ".join(f"{f.date:%d %b %Y} ({f.reason})" for f in flares[:8])
            more = f"; and {len(flares) - 8} more" if len(flares) > 8 else ""
            flare_text = f"{len(flares)} day(s): {listed}{more}."
        else:
            flare_text = "None recorded."
        fig.text(0.07, y, _wrap(flare_text), fontsize=10.5, va="top", linespacing=1.4)
        ax = fig.add_axes((0.1, 0.16, 0.85, 0.43))
        ax.set_title("Pain, week by week", loc="left", fontsize=13, weight="bold")
        if draw_pain_over_weeks(ax, entries, baseline_week):
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3, fontsize=8.5)
        fig.text(0.07, 0.025, "Page 1", fontsize=9, color=PALETTE["grey"])
        pages.append(fig)

        # Weekly table, split over pages.
        rows = weekly_rows(weeks) or [(NO_VALUE,) * len(TABLE_HEADER)]
        for i in range(0, len(rows), rows_per_page):
            fig = Figure(figsize=A4)
            fig.text(0.07, 0.955, "Week by week" + (" (continued)" if i else ""), fontsize=15, weight="bold",
                     va="top")
            chunk = rows[i : i + rows_per_page]
            ax = fig.add_axes((0.05, 0.06, 0.9, 0.85))
            ax.set_axis_off()
            table = ax.table(cellText=chunk, colLabels=TABLE_HEADER,
                             loc="upper center", cellLoc="center",
                             colWidths=(0.07, 0.24, 0.09, 0.1, 0.16, 0.1, 0.1, 0.12))
            table.auto_set_font_size(False)
            table.set_fontsize(8.5)
            table.scale(1, 1.45)
            for (r, _c), cell in table.get_celld().items():
                cell.set_edgecolor(PALETTE["grey"])
                if r == 0:
                    cell.set_text_props(weight="bold")
                    cell.set_height(cell.get_height() * 1.6)
            fig.text(0.07, 0.025, f"Page {len(pages) + 1}", fontsize=9, color=PALETTE["grey"])
            pages.append(fig)

        # Exercises done, walking, and how to read the numbers.
        fig = Figure(figsize=A4)
        fig.text(0.07, 0.955, "Exercises done", fontsize=15, weight="bold", va="top")
        counts = analysis.exercise_counts(entries)
        if counts:
            lines = [f"{exercise_names.get(ex, ex)}: ticked on {counted(n, 'entry')}"
                     for ex, n in counts[:30]]
        else:
            lines = ["No exercises were ticked."]
        fig.text(0.07, 0.915, "\n".join(lines), fontsize=10.5, va="top", linespacing=1.5)
        y = 0.915 - 0.0215 * len(lines) - 0.04
        walk = analysis.walking_and_pain(days)
        fig.text(0.07, y, "Walking and pain", fontsize=13, weight="bold", va="top")
        y -= 0.03
        fig.text(0.07, y, _wrap(for_clinician(walk.message + ("\n" + walk.caution if walk.enough_data else ""))), fontsize=10.5,
                 va="top", linespacing=1.4)
        y -= 0.1
        fig.text(0.07, y, "How the numbers are worked out", fontsize=13, weight="bold", va="top")
        y -= 0.03
        notes = (
            f"Week 1 starts on the Monday of the first entry. A week's average is the mean of its daily averages; "
            f"a week is compared only when it has at least {analysis.MIN_DAYS_PER_WEEK} days with an entry.\n"
            "A change of at least 2 points or 30% from the baseline week is the size that usually matters to "
            "people (Farrar et al. 2001, Pain; Ostelo et al. 2008, Spine).\n"
            f"Flare-up (the course's own rule, not a published one): a day marked as a flare-up, or a day whose "
            f"average is at least {analysis.FLARE_POINTS:.0f} points above the average of the previous 7 days "
            f"when at least {analysis.FLARE_MIN_DAYS} of them have an entry."
        )
        fig.text(0.07, y, _wrap(notes), fontsize=10.5, va="top", linespacing=1.4)
        y -= 0.14
        fig.text(0.07, y, "Activity goals (Patient-Specific Functional Scale style)", fontsize=13, weight="bold",
                 va="top")
        y -= 0.03
        fig.text(0.07, y, _wrap(goals_text(goals)), fontsize=10.5, va="top", linespacing=1.4)
        fig.text(0.07, 0.025, f"Page {len(pages) + 1}", fontsize=9, color=PALETTE["grey"])
        pages.append(fig)
    return pages


def write_report(
    entries: Sequence[Entry],
    dest: Path | str,
    overwrite: bool = False,
    baseline_week: int = 1,
    exercise_names: Mapping[str, str] | None = None,
    sample: bool = False,
    rows_per_page: int = TABLE_ROWS_PER_PAGE,
    goals: Sequence = (),
) -> Path:
    """Write the clinician report to ``dest`` (a .pdf); an existing file is replaced only with overwrite=True.

    The PDF is written to a temporary file beside ``dest`` and moved into place, so a failure never leaves
    half a report (or a half-replaced old one).
    """
    dest = Path(dest).expanduser()
    if dest.suffix.lower() != ".pdf":
        raise ValueError(f"the report is a PDF; give a file name ending in .pdf, got {dest.name!r}")
    files.refuse_existing(dest, overwrite)
    pages = report_pages(entries, baseline_week, exercise_names, sample=sample, rows_per_page=rows_per_page,
                         goals=goals)
    with files.replacing(dest) as tmp, matplotlib.rc_context(PDF_RC):
        with PdfPages(tmp, metadata={"Title": "Pain diary summary", "Creator": "backcourse",
                                     "CreationDate": None}) as pdf:
            for page in pages:
                pdf.savefig(page)
    return dest


# --- The notebook's views: (entries, sample=...) -> HTML, for ``show`` ------------------------------------------


class HTMLView:
    """HTML that Jupyter displays as it is (what ``IPython.display.HTML`` does, without importing IPython here)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


def weekly_table_view(entries: Sequence[Entry], sample: bool = False) -> HTMLView:
    """The week-by-week table of ``entries``."""
    return HTMLView(weekly_table_html(analysis.weekly(entries)))


def change_view(entries: Sequence[Entry], sample: bool = False, baseline_week: int = 1) -> HTMLView:
    """The change from the baseline week, in words."""
    return HTMLView(note_html(analysis.change_from_baseline(analysis.weekly(entries), baseline_week).message))


def flare_up_view(entries: Sequence[Entry], sample: bool = False) -> HTMLView:
    """The flare-up days as a list."""
    return HTMLView(flare_up_html(analysis.flare_ups(analysis.daily(entries))))


def walking_view(entries: Sequence[Entry], sample: bool = False, min_minutes: int = 20) -> HTMLView:
    """Pain after walking days against other days, with its caution."""
    walk = analysis.walking_and_pain(analysis.daily(entries), min_minutes=min_minutes)
    return HTMLView(note_html(walk.message, walk.caution))
