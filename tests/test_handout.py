"""Take-home exports, tested by reading back what was written: the .ics with icalendar, the CSV with the csv
module, the HTML and Markdown as text (and the HTML printed to PDF by Chromium, one page per week)."""

from __future__ import annotations

import csv
import io
import subprocess
import tempfile
from datetime import date, timedelta

import icalendar
import pytest

from backcourse.library.model import default_library as model_library
from backcourse import safety
from backcourse.routine import handout
from backcourse.routine import engine as routine
from backcourse.routine.engine import Profile, build_plan

START = date(2026, 1, 5)


@pytest.fixture(scope="module")
def plan():
    result = build_plan(Profile(phase="recovering", equipment=("mat", "strap"), sessions_per_week=3,
                                aerobic_days_now=1), safety.all_no(), start=START)
    assert isinstance(result, routine.Plan) and result.sessions
    return result


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports") / "new-folder"
    return handout.write_exports(plan, folder, "routine")


def test_write_exports_writes_four_files_where_asked(written):
    assert sorted(written) == ["csv", "html", "ics", "md"]
    assert {p.name for p in written.values()} == {"routine.html", "routine.md", "routine.ics", "routine.csv"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in written.values())
    assert not [p for p in written["html"].parent.iterdir() if p.name.endswith(".tmp")]


def test_ics_has_one_event_per_session_and_per_walk_only_day(plan, written):
    cal = icalendar.Calendar.from_ical(written["ics"].read_bytes())
    events = cal.walk("VEVENT")
    sessions = [e for e in events if str(e["summary"]).startswith("Back routine")]
    walks = [e for e in events if not str(e["summary"]).startswith("Back routine")]
    assert len(sessions) == len(plan.sessions)
    walk_only = [d for d in plan.days if d.aerobic and not d.session]
    assert len(walks) == len(walk_only)
    assert [e.decoded("dtstart") for e in sessions] == [d.date for d in plan.days if d.session]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(days=1) for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)
    first = plan.days[0]
    desc = str(sessions[0]["description"])
    assert all(i.name in desc and i.dose_text in desc for i in first.session.items)
    # the calendar carries the one pain rule and the emergency signs, as plain text from backcourse.safety
    assert safety.PAIN_RULE in desc and safety.emergency_text() in desc and "999" in desc


def test_ics_is_the_same_for_the_same_plan(plan):
    assert handout.plan_ics(plan) == handout.plan_ics(plan)


def test_csv_has_a_row_per_exercise_and_per_walk(plan, written):
    with written["csv"].open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    items = [(d, i) for d in plan.days if d.session for i in d.session.items]
    walks = [d for d in plan.days if d.aerobic]
    assert len(rows) == len(items) + len(walks)
    ex_rows = [r for r in rows if r["kind"] != "aerobic"]
    for row, (day, item) in zip(ex_rows, items):
        assert row["date"] == day.date.isoformat() and row["exercise_id"] == item.exercise_id
        assert row["reps"] == ("" if item.reps is None else str(item.reps))
        assert row["why"] == item.why and row["rules"].split() == list(item.rules)
    walk_rows = [r for r in rows if r["kind"] == "aerobic"]
    assert [int(r["minutes"]) for r in walk_rows] == [d.aerobic.minutes for d in walks]


def test_html_handout_is_printable_one_week_per_page(plan, written):
    text = written["html"].read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "@media print" in text and "break-after: page" in text and "page-break-after: always" in text
    assert text.count('<section class="page week"') == len(plan.weeks)
    # the pain rule and the emergency signs (from backcourse.safety) on the cover and on every week's page
    assert text.count(handout._esc(safety.PAIN_RULE)) == len(plan.weeks) + 1
    assert text.count(handout._esc(safety.emergency_text())) == len(plan.weeks) + 1
    # drawings are inline (one self-contained file): no external images, scripts or style sheets
    assert "<svg" in text and "<img" not in text and "<script" not in text and 'rel="stylesheet"' not in text
    for ex_id in plan.exercise_ids():
        alt = handout.drawing_alt(model_library().get(ex_id))
        assert f'aria-label="{handout._esc(alt, quote=True)}"' in text
    lib = routine.default_library()
    for week in plan.weeks:
        partners: dict[str, list[str]] = {}
        for session in week.sessions:
            for item in session.items:
                # on paper: the phase reason, the dose with "(full dose)" or "(builds to N)", and every
                # partner of a paired exercise that week
                assert handout._esc(item.reasons[0][1]) in text
                assert f"{handout._esc(item.dose_text)}{handout._build_note(item)}" in text
                if item.paired_with:
                    names = partners.setdefault(item.exercise_id, [])
                    if lib.get(item.paired_with).name not in names:
                        names.append(lib.get(item.paired_with).name)
        for names in partners.values():
            assert handout._esc(f"Paired with {' or '.join(names)}:") in text


def test_markdown_handout_has_every_week_the_rule_and_drawings(plan, written):
    text = written["md"].read_text(encoding="utf-8")
    for week in plan.weeks:
        assert f"## Week {week.number}: " in text
    assert text.count(safety.PAIN_RULE) == len(plan.weeks) + 1
    assert text.count(safety.emergency_text()) == len(plan.weeks) + 1
    assert text.count("](data:image/svg+xml;base64,") == len(plan.exercise_ids())
    assert "| Exercise | Dose | Why this is here |" in text


def test_existing_files_are_never_overwritten_without_asking(plan, tmp_path):
    first = handout.write_exports(plan, tmp_path, "mine")
    before = {k: p.read_bytes() for k, p in first.items()}
    other = build_plan(Profile(phase="acute", equipment=("mat",)), safety.all_no(), start=START)
    with pytest.raises(FileExistsError) as err:
        handout.write_exports(other, tmp_path, "mine")
    assert str(first["html"]) in str(err.value) and str(first["csv"]) in str(err.value)
    assert {k: p.read_bytes() for k, p in first.items()} == before
    handout.write_exports(other, tmp_path, "mine", overwrite=True)
    assert first["csv"].read_bytes() != before["csv"]


def test_one_existing_file_stops_all_four(plan, tmp_path):
    (tmp_path / "mine.ics").write_text("my own calendar", encoding="utf-8")
    with pytest.raises(FileExistsError, match="mine.ics"):
        handout.write_exports(plan, tmp_path, "mine")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.ics"]
    assert (tmp_path / "mine.ics").read_text(encoding="utf-8") == "my own calendar"


def test_write_file_refuses_and_names_the_path(tmp_path):
    target = tmp_path / "a.txt"
    handout.write_file(target, "one")
    with pytest.raises(FileExistsError, match=str(target)):
        handout.write_file(target, "two")
    assert target.read_text(encoding="utf-8") == "one"


@pytest.mark.parametrize("name", ["", "../up", "a/b", ".hidden"])
def test_bad_file_names_are_refused(plan, tmp_path, name):
    with pytest.raises(handout.ExportError, match="file name"):
        handout.write_exports(plan, tmp_path, name)


def test_a_blocked_plan_cannot_be_exported(tmp_path):
    blocked = build_plan(Profile(), safety.all_no() | {"fever": True}, start=START)
    with pytest.raises(handout.ExportError, match="no plan to save"):
        handout.write_exports(blocked, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_chart_bars_show_the_weekly_minutes(plan):
    fig = handout.weekly_minutes_chart(plan)
    (ax,) = fig.axes
    for container in ax.containers:
        category = next(k for k, (_, lab) in handout.CATEGORIES.items() if lab == container.get_label())
        heights = [bar.get_height() for bar in container]
        assert heights == pytest.approx([w.minutes_by_category().get(category, 0) for w in plan.weeks])
    alt = handout.weekly_minutes_alt(plan)
    assert alt.startswith("Stacked bar chart") and "week 6" in alt


@pytest.mark.browser
def test_printed_handout_has_a_page_per_week(plan, written):
    """Chromium prints the HTML: the cover, then exactly one page per week, then the exercise steps."""
    from pypdf import PdfReader

    from browser_support import find_chromium, missing_chromium_message

    chromium = find_chromium()
    assert chromium, missing_chromium_message()
    pdf = written["html"].with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile_dir:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        f"--user-data-dir={profile_dir}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                        written["html"].as_uri()], check=True, capture_output=True, timeout=120)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages]
    starts = [n for n, text in enumerate(pages) if text.lstrip().startswith("Week ")]
    assert starts == list(range(1, len(plan.weeks) + 1)), [t[:30] for t in pages]
    assert pages[len(plan.weeks) + 1].lstrip().startswith("How to do each exercise")
