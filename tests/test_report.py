"""The clinician report: a PDF whose pages hold the chart, weekly table, change and exercises; never overwritten."""

from __future__ import annotations

from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from backcourse.diary import report  # noqa: E402
from backcourse.diary.store import Entry  # noqa: E402

MON = date(2025, 1, 6)


def diary_of(weeks: int) -> list[Entry]:
    entries = []
    for i in range(weeks * 7):
        pain = 6 if i < 7 else 3
        entries.append(Entry(date=MON + timedelta(days=i), pain=pain, minutes_walked=20,
                             exercises=("bird-dog",) if i % 2 else ("cat-cow", "bird-dog")))
    return entries


def page_texts(path) -> list[str]:
    reader = PdfReader(path)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_report_pages_hold_summary_chart_table_and_exercises(tmp_path):
    out = report.write_report(diary_of(4), tmp_path / "report.pdf",
                              exercise_names={"bird-dog": "Bird dog", "cat-cow": "Cat-cow"})
    pages = page_texts(out)
    assert len(pages) == 3  # summary + chart, one table page, exercises and notes
    first, table, last = pages
    assert "Pain diary summary" in first
    assert "0 = no pain, 10 = worst pain imaginable" in first
    assert "06 January 2025 to 02 February 2025: 28 entries on 28 days over 4 weeks" in first
    assert "Average pain in week 4 was 3.0, 3.0 points (50%) lower than in week 1 (6.0)" in first
    assert "A change this size usually matters to people" in first
    assert "Week of the diary" in first and "7-day average" in first  # the chart's own labels
    assert "MADE-UP" not in first
    assert "Week by week" in table
    assert "1 06 Jan - 12 Jan 2025 7 6.0 6.0 to 6.0 140 0 11" in table
    assert "4 27 Jan - 02 Feb 2025 7 3.0" in table
    assert "Bird dog: ticked on 28 entries" in last and "Cat-cow: ticked on 14 entries" in last
    assert "Farrar" in last and "Ostelo" in last and "course's own rule" in last


def test_a_one_entry_diary_is_counted_in_the_singular(tmp_path):
    first = page_texts(report.write_report(diary_of(4)[:1], tmp_path / "one.pdf"))[0]
    assert "06 January 2025 to 06 January 2025: 1 entry on 1 day over 1 week." in first


def test_long_diary_table_continues_over_pages(tmp_path):
    out = report.write_report(diary_of(10), tmp_path / "long.pdf", rows_per_page=4)
    pages = page_texts(out)
    assert len(pages) == 1 + 3 + 1  # 10 weeks at 4 rows a page
    assert "Week by week (continued)" in pages[2]
    assert "10 10 Mar - 16 Mar 2025" in pages[3] and "Exercises done" in pages[4]


def test_sample_report_is_labelled_made_up(tmp_path):
    out = report.write_report(diary_of(2), tmp_path / "s.pdf", sample=True)
    assert "MADE-UP SAMPLE" in page_texts(out)[0]


def test_empty_diary_still_gives_a_readable_report(tmp_path):
    pages = page_texts(report.write_report([], tmp_path / "empty.pdf"))
    assert "no entries yet" in pages[0].lower()


def test_existing_file_is_never_overwritten_without_saying_so(tmp_path):
    dest = tmp_path / "report.pdf"
    dest.write_bytes(b"the learner's earlier report")
    with pytest.raises(FileExistsError, match="allow replacing it"):
        report.write_report(diary_of(2), dest)
    assert dest.read_bytes() == b"the learner's earlier report"
    report.write_report(diary_of(2), dest, overwrite=True)
    assert dest.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no temp file left behind


def test_report_must_be_a_pdf_name(tmp_path):
    with pytest.raises(ValueError, match=".pdf"):
        report.write_report(diary_of(1), tmp_path / "report.png")


def test_same_diary_gives_the_same_pdf_bytes(tmp_path):
    a = report.write_report(diary_of(1), tmp_path / "a.pdf").read_bytes()
    b = report.write_report(diary_of(1), tmp_path / "b.pdf").read_bytes()
    assert a == b


def test_notebook_html_helpers_escape_and_wrap():
    from backcourse.diary import analysis

    assert report.note_html("a < b", "c") == "<p>a &lt; b</p><p>c</p>"
    days = analysis.daily([Entry(date=MON, pain=2, flare_up=True)])
    assert report.flare_up_html(analysis.flare_ups(days)) == (
        "<ul><li>Mon 06 Jan 2025: average pain 2.0, marked as a flare-up.</li></ul>"
    )
    assert report.flare_up_html([]) == "<p>No flare-up days.</p>"
    table = report.weekly_table_html(analysis.weekly(diary_of(2)))
    assert table.count("<tr>") == 3 and "Days<br>logged" in table and "white-space:nowrap" in table


def test_report_speaks_to_a_clinician_and_shows_a_dash_for_weeks_without_entries(tmp_path):
    # Weeks 1 and 2 logged, week 3 empty, week 4 logged: the clinician reads about "the patient".
    days = [MON + timedelta(days=i) for i in (0, 1, 7, 8, 9, 21, 22, 23)]  # week 1 too short for a baseline
    entries = [Entry(date=d, pain=6 if d < MON + timedelta(days=7) else 3) for d in days]
    pages = page_texts(report.write_report(entries, tmp_path / "r.pdf"))
    text = " ".join(pages)
    assert "the patient's baseline" in text
    assert " your " not in f" {text.lower()} "
    week3 = next(line for line in pages[1].split(" 4 ") if "20 Jan" in line)
    assert "\u2013" in week3
