"""Importing what people actually have: other apps' exports and spreadsheets (made-up fixtures in
tests/fixtures/diary-import/). Every line of a source is accounted for; every column is named as used or not."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcourse.diary import store as diary

FIXTURES = Path(__file__).parent / "fixtures" / "diary-import"
KNOWN = frozenset({"cat-cow", "bird-dog"})
TODAY = date(2025, 6, 1)


def read(name: str) -> diary.ImportReport:
    return diary.read_import_file(FIXTURES / name, KNOWN, TODAY)


def physical_lines(name: str) -> int:
    return len((FIXTURES / name).read_bytes().splitlines())


def assert_every_line_accounted(report: diary.ImportReport, name: str) -> None:
    assert sorted(report.lines) == list(range(1, physical_lines(name) + 1))
    assert sum(1 for v in report.lines.values() if v == "taken") >= len(report.taken)


def test_iso_timestamps_with_z_or_offset_keep_the_written_clock_time():
    rep = read("iso-timestamps.csv")
    assert [(e.date, e.time, e.pain) for e in rep.taken] == [
        (date(2025, 1, 6), time(8, 30), 5), (date(2025, 1, 7), time(21, 15), 4), (date(2025, 1, 8), time(7, 5), 3)]
    assert rep.refused == []
    assert rep.used_columns == {"Timestamp": "date", "Pain level": "pain", "Comment": "notes"}
    assert rep.ignored_columns == ["App version"]
    assert "time zone" in rep.summary()
    assert_every_line_accounted(rep, "iso-timestamps.csv")


def test_twelve_hour_times():
    rep = read("twelve-hour.csv")
    assert [e.time for e in rep.taken] == [time(21, 0), time(0, 15), time(12, 0), time(7, 0)]
    assert_every_line_accounted(rep, "twelve-hour.csv")


def test_semicolon_csv_with_german_column_names():
    rep = read("semicolon-schmerz.csv")
    assert [(e.pain, e.notes) for e in rep.taken] == [(5, "steif, nach der Fahrt"), (4, "besser")]
    assert rep.used_columns == {"Datum": "date", "Uhrzeit": "time", "Schmerz": "pain", "Notiz": "notes"}
    assert rep.ignored_columns == ["Wetter"]
    assert "';'" in rep.summary()
    assert_every_line_accounted(rep, "semicolon-schmerz.csv")


def test_windows_1252_file_is_read_and_the_report_says_so():
    rep = read("windows-1252.csv")
    assert [e.notes for e in rep.taken] == ["caf\u00e9 \u2013 sore after the \u201clong\u201d drive", "na\u00efve stretch"]
    assert "Windows-1252" in rep.summary()


def test_json_list_with_list_values_and_unused_keys():
    rep = read("list.json")
    assert [(e.pain, e.tags, e.exercises, e.notes) for e in rep.taken] == [
        (5, ("sitting", "stress"), ("cat-cow",), ""), (4, (), (), "=not a formula")]
    assert rep.ignored_columns == ["mood"]
    assert "mood" in rep.summary() and "Columns used" in rep.summary()


def test_unterminated_quote_refuses_its_line_and_keeps_reading():
    rep = read("unterminated-quote.csv")
    assert [e.pain for e in rep.taken] == [4, 3]
    assert [r.row for r in rep.refused] == ["line 2"]
    assert "quote" in rep.refused[0].reason
    assert_every_line_accounted(rep, "unterminated-quote.csv")
    assert "2 row(s) taken, 1 refused" in rep.summary()


def test_row_problems_are_each_refused_with_their_line():
    rep = read("row-problems.csv")
    refused = {r.row: r.reason for r in rep.refused}
    assert set(refused) == {"line 2", "line 3", "line 7"}
    assert "quote" in refused["line 2"]
    assert "more" in refused["line 3"]
    assert "pain" in refused["line 7"]
    assert [e.notes for e in rep.taken] == ["two\nlines"]
    assert rep.lines[4] == "blank" and rep.lines[5] == rep.lines[6] == "taken"
    assert_every_line_accounted(rep, "row-problems.csv")


def test_import_into_a_diary_accounts_for_duplicates(tmp_path):
    path = tmp_path / "d.csv"
    d = diary.Diary.at(path, KNOWN)
    first = d.import_file(FIXTURES / "twelve-hour.csv", today=TODAY)
    again = d.import_file(FIXTURES / "twelve-hour.csv", today=TODAY)
    assert len(first.taken) == 4 and again.taken == []
    assert [v for k, v in sorted(again.lines.items())] == ["header"] + ["duplicate"] * 4
    assert len(diary.read_diary(path)) == 4


def test_a_number_with_thousands_of_digits_refuses_its_line_and_the_others_are_taken(tmp_path):
    source = tmp_path / "export.csv"
    source.write_text("date,pain,minutes walked\n2025-01-06,5,10\n2025-01-07," + "9" * 5000 + ",\n"
                      "2025-01-08,3," + "1" * 4400 + "\n2025-01-09,2,\n", encoding="utf-8")
    rep = diary.read_import_file(source, KNOWN, TODAY)
    assert [e.date.day for e in rep.taken] == [6, 9]
    refused = {r.row: r.reason for r in rep.refused}
    assert set(refused) == {"line 3", "line 4"}
    assert refused["line 3"].startswith("pain: must be a whole number") and "'9999" in refused["line 3"]
    assert refused["line 4"].startswith("minutes_walked: must be a whole number") and "'1111" in refused["line 4"]
    assert all(len(reason) < 300 for reason in refused.values())
    assert [rep.lines[n] for n in range(1, 6)] == ["header", "taken", "refused", "refused", "taken"]


def test_a_json_number_with_thousands_of_digits_refuses_its_item(tmp_path):
    source = tmp_path / "export.json"
    source.write_text('[{"date": "2025-01-06", "pain": 5},\n {"date": "2025-01-07", "pain": ' + "9" * 5000
                      + '},\n {"date": "2025-01-08", "pain": 3, "notes": ' + "7" * 4400 + "}]", encoding="utf-8")
    rep = diary.read_import_file(source, KNOWN, TODAY)
    assert [e.pain for e in rep.taken] == [5]
    refused = {r.row: r.reason for r in rep.refused}
    assert set(refused) == {"item 2", "item 3"}
    assert refused["item 2"].startswith("pain: must be a whole number") and "9999" in refused["item 2"]
    assert refused["item 3"].startswith("notes: must be text")  # a number is never taken as a note
    assert all(len(reason) < 300 for reason in refused.values())


def test_european_day_month_year_dates_with_dots_are_read():
    rep = read("semicolon-dotted-dates.csv")
    assert [(e.date, e.time, e.pain) for e in rep.taken] == [
        (date(2025, 1, 6), None, 5), (date(2025, 1, 7), None, 4), (date(2025, 1, 13), time(21, 15), 3)]
    refused = {r.row: r.reason for r in rep.refused}
    assert set(refused) == {"line 5", "line 6"}
    assert refused["line 5"].startswith("date:") and "'31.02.2025'" in refused["line 5"]  # as written, not rewritten
    assert refused["line 6"].startswith("date:") and "four digits" in refused["line 6"] and "'06.01.25'" in refused["line 6"]
    assert "day.month.year" in rep.summary()
    assert_every_line_accounted(rep, "semicolon-dotted-dates.csv")


def test_dotted_dates_in_a_json_import_too():
    rows = [("item 1", {"date": "06.01.2025", "pain": 5}), ("item 2", {"date": "1.2.2025", "pain": 4})]
    rep = diary.import_rows(rows, "x.json", KNOWN, TODAY)
    assert [e.date for e in rep.taken] == [date(2025, 1, 6), date(2025, 2, 1)]


def test_slash_dates_are_refused_as_ambiguous_not_guessed():
    rep = read("slash-dates.csv")
    assert [e.date for e in rep.taken] == [date(2025, 1, 14)]
    refused = {r.row: r.reason for r in rep.refused}
    assert set(refused) == {"line 2", "line 3"}
    # Both readings are named when both are calendar dates.
    assert "6 January 2025" in refused["line 2"] and "1 June 2025" in refused["line 2"]
    for reason in refused.values():
        assert reason.startswith("date:") and "day/month/year" in reason and "month/day/year" in reason
        assert "YYYY-MM-DD" in reason


@settings(max_examples=200, deadline=None)
@given(day=st.dates(date(1900, 1, 1), TODAY), pad=st.booleans())
def test_any_dotted_date_reads_as_the_same_day_as_iso(day, pad):
    text = f"{day.day:02d}.{day.month:02d}.{day.year}" if pad else f"{day.day}.{day.month}.{day.year}"
    rep = diary.import_rows([("line 2", {"Datum": text, "Schmerz": "3"})], "x.csv", KNOWN, TODAY)
    assert rep.refused == [] and [e.date for e in rep.taken] == [day]


@pytest.mark.parametrize("written", ["06-01-2025", "06/01/2025 08:30", "6/1/25"])
def test_other_day_month_orders_are_refused_and_say_why(written):
    rep = diary.import_rows([("line 2", {"date": written, "pain": "3"})], "x.csv", KNOWN, TODAY)
    assert rep.taken == [] and len(rep.refused) == 1
    reason = rep.refused[0].reason
    assert reason.startswith("date:") and "day/month/year or month/day/year" in reason and repr(written) in reason
