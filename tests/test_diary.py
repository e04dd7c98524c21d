"""The diary file: entries are checked, refusals name field and value, writes are atomic, broken files are kept."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest

from backcourse.diary import store as diary
from backcourse.diary.store import COLUMNS, DiaryParseError, Entry, EntryError

KNOWN = frozenset({"cat-cow", "bird-dog", "knee-to-chest"})
TODAY = date(2025, 6, 1)


def entry(**kw) -> Entry:
    base = dict(date=date(2025, 5, 1), pain=4)
    base.update(kw)
    return Entry(**base)


def add(path: Path, e: Entry):
    return diary.append_entry(path, e, known_ids=KNOWN, today=TODAY)


# --- Refusals name the field and the value --------------------------------------------------------------


@pytest.mark.parametrize(
    "kw, field, value",
    [
        (dict(pain=11), "pain", 11),
        (dict(pain=-1), "pain", -1),
        (dict(pain=True), "pain", True),
        (dict(pain=4.5), "pain", 4.5),
        (dict(minutes_walked=-5), "minutes_walked", -5),
        (dict(minutes_walked=2000), "minutes_walked", 2000),
        (dict(exercises=("Cat Cow",)), "exercises", "Cat Cow"),
        (dict(tags=("a;b",)), "tags", "a;b"),
        (dict(tags=(" sitting",)), "tags", " sitting"),
        (dict(tags=("",)), "tags", ""),
        (dict(time=time(8, 30, 15)), "time", "08:30:15"),
        (dict(date=date(1850, 1, 1)), "date", "1850-01-01"),
        (dict(notes="bad \ud800 surrogate"), "notes", "\ud800"),
    ],
)
def test_bad_values_are_refused_naming_field_and_value(kw, field, value):
    with pytest.raises(EntryError) as err:
        entry(**kw)
    assert err.value.field == field
    assert err.value.value == value
    assert field in str(err.value) and repr(value) in str(err.value)


def test_future_date_and_unknown_exercise_are_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "d.csv"
    add(path, entry())
    before = path.read_bytes()
    with pytest.raises(EntryError, match=r"date: is in the future .*'2025-06-02'"):
        add(path, entry(date=date(2025, 6, 2)))
    with pytest.raises(EntryError, match=r"exercises: .*'superman'"):
        add(path, entry(exercises=("superman",)))
    assert path.read_bytes() == before


def test_today_is_allowed(tmp_path):
    path = tmp_path / "d.csv"
    assert add(path, entry(date=TODAY)) == [entry(date=TODAY)]


# --- Storage ----------------------------------------------------------------------------------------------


def test_file_is_a_spreadsheet_friendly_csv_with_header_and_schema_version(tmp_path):
    path = tmp_path / "d.csv"
    add(path, entry(time=time(8, 5), minutes_walked=20, exercises=("cat-cow", "bird-dog"),
                    tags=("poor sleep", "sitting"), notes='Stiff, "very"\nstiff', flare_up=True))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark so spreadsheets read accents correctly"
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert text.splitlines()[1].startswith("2025-05-01,08:05,4,20,cat-cow; bird-dog,poor sleep; sitting,yes,")
    assert text.rstrip().endswith(f",{diary.SCHEMA_VERSION}")
    # The standard csv module (as a spreadsheet would) reads one record per entry.
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 1 and rows[0]["notes"] == 'Stiff, "very"\nstiff'


def test_entries_keep_the_order_they_were_added(tmp_path):
    path = tmp_path / "d.csv"
    a, b, c = entry(date=date(2025, 5, 3)), entry(date=date(2025, 5, 1)), entry(date=date(2025, 5, 2), pain=0)
    for e in (a, b, c):
        add(path, e)
    assert diary.read_diary(path) == [a, b, c]


def test_several_entries_a_day_and_duplicates_are_kept(tmp_path):
    path = tmp_path / "d.csv"
    e = entry()
    add(path, e)
    add(path, e)
    add(path, entry(time=time(20, 0), pain=6))
    assert len(diary.read_diary(path)) == 3


def test_missing_file_is_an_empty_diary_and_reading_creates_nothing(tmp_path):
    path = tmp_path / "sub" / "d.csv"
    assert diary.read_diary(path) == []
    assert not (tmp_path / "sub").exists()


def test_save_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "d.csv"
    for i in range(3):
        add(path, entry(pain=i))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "d.csv.lock"]


def test_stale_temp_files_from_a_killed_writer_are_cleaned_on_next_save(tmp_path):
    path = tmp_path / "d.csv"
    (tmp_path / ".d.csv.bc-abc12345.tmp").write_text("half a diary")
    add(path, entry())
    assert not (tmp_path / ".d.csv.bc-abc12345.tmp").exists()


def test_undo_removes_the_entry_this_notebook_saved_not_a_later_one(tmp_path):
    path = tmp_path / "d.csv"
    mine, theirs = entry(pain=3), entry(pain=7)
    add(path, entry(pain=1))
    add(path, mine)
    add(path, theirs)  # another notebook saved after us
    assert diary.remove_last(path, mine) == [entry(pain=1), theirs]
    with pytest.raises(LookupError):
        diary.remove_last(path, mine)


# --- A file that fails to parse is never overwritten -----------------------------------------------------


GOOD_HEADER = ",".join(COLUMNS)


@pytest.mark.parametrize(
    "lines, line_no, problem",
    [
        ([GOOD_HEADER, "2025-05-01,,4,,,,no,,1", "2025-05-02,,11,,,,no,,1"], 3, "pain"),
        ([GOOD_HEADER, "02/05/2025,,4,,,,no,,1"], 2, "YYYY-MM-DD"),
        ([GOOD_HEADER, "2025-05-01,,4,,,,no,1"], 2, "expected 9 cells, found 8"),
        ([GOOD_HEADER, "2025-05-01,,4,,,,maybe,,1"], 2, "flare_up"),
        ([GOOD_HEADER, "2025-05-01,,4,,,,no,,2"], 2, "schema_version is '2'"),
        ([GOOD_HEADER + ",mood", "2025-05-01,,4,,,,no,,1,ok"], 1, "unknown column(s) 'mood'"),
        (["date,pain", "2025-05-01,4"], 1, "missing column(s)"),
        ([GOOD_HEADER, '2025-05-01,,4,,,,no,"a\nb\nc",1', "2025-05-01,,x,,,,no,,1"], 5, "pain"),
    ],
)
def test_broken_file_error_names_the_line_and_the_file_is_never_overwritten(tmp_path, lines, line_no, problem):
    path = tmp_path / "d.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(DiaryParseError) as err:
        diary.read_diary(path)
    assert err.value.line == line_no
    assert problem in str(err.value) and f"line {line_no}" in str(err.value)
    for write in (lambda: add(path, entry()), lambda: diary.write_diary(path, [entry()])):
        with pytest.raises(DiaryParseError):
            write()
        assert path.read_bytes() == before


def test_non_utf8_file_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes((GOOD_HEADER + "\r\n2025-05-01,,4,,,,no,caf\xe9,1\r\n").encode("latin-1"))
    with pytest.raises(DiaryParseError, match="line 2: the file is not UTF-8"):
        diary.read_diary(path)


def test_spreadsheet_saved_file_without_bom_and_with_blank_last_line_reads(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(GOOD_HEADER + "\n2025-05-01,,4,,,,no,,1\n\n", encoding="utf-8")
    assert diary.read_diary(path) == [entry()]


def test_very_long_notes_round_trip(tmp_path):
    path = tmp_path / "d.csv"
    long = "x, \"y\"\n" * 40_000  # well past the csv module's default 128 KiB cell limit
    add(path, entry(notes=long))
    assert diary.read_diary(path)[0].notes == long


# --- Default location ------------------------------------------------------------------------------------


def test_default_path_is_in_the_user_data_folder_not_the_checkout(monkeypatch):
    monkeypatch.delenv(diary.PATH_ENV, raising=False)
    import platformdirs

    from backcourse import REPO_ROOT

    path = diary.default_diary_path()
    assert path.parent == platformdirs.user_data_path("backcourse", appauthor=False)
    assert REPO_ROOT not in path.parents


def test_default_path_can_be_changed_with_an_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(diary.PATH_ENV, str(tmp_path / "mine.csv"))
    assert diary.default_diary_path() == tmp_path / "mine.csv"
    assert diary.Diary.at().path == tmp_path / "mine.csv"


# --- Import and export -----------------------------------------------------------------------------------


def test_import_csv_from_another_app_reports_rows_taken_and_refused(tmp_path):
    src = tmp_path / "other-app.csv"
    src.write_text(
        "Date,Pain Score,Walking minutes,Comment,Mood\n"
        "2025-05-01 08:30,5,20,\"Fine, mostly\",ok\n"
        "2025-05-02,11,10,,ok\n"
        "2025-05-03,4,-3,,ok\n"
        "2025-07-01,4,,,ok\n"
        "03/05/2025,4,,,ok\n"
        "2025-05-04,7.5,,,ok\n"
        "2025-05-05,3.0,,,ok\n",
        encoding="utf-8",
    )
    dest = tmp_path / "d.csv"
    report = diary.import_into(dest, src, known_ids=KNOWN, today=TODAY)
    assert [e.date.day for e in report.taken] == [1, 5]
    assert report.taken[0] == entry(time=time(8, 30), pain=5, minutes_walked=20, notes="Fine, mostly")
    reasons = {r.row: r.reason for r in report.refused}
    assert set(reasons) == {"line 3", "line 4", "line 5", "line 6", "line 7"}
    assert "pain" in reasons["line 3"] and "11" in reasons["line 3"]
    assert "minutes_walked" in reasons["line 4"] and "-3" in reasons["line 4"]
    assert "future" in reasons["line 5"]
    assert "YYYY-MM-DD" in reasons["line 6"]
    assert "7.5" in reasons["line 7"]
    assert report.ignored_columns == ["Mood"]
    assert diary.read_diary(dest) == report.taken
    summary = report.summary()
    assert "2 row(s) taken, 5 refused" in summary and "line 3" in summary


def test_import_json_list_and_duplicates_are_not_added_twice(tmp_path):
    src = tmp_path / "export.json"
    src.write_text(json.dumps([
        {"date": "2025-05-01", "pain": 4, "tags": ["stress"], "flare_up": True},
        {"date": "2025-05-02", "pain": "6", "exercises": "cat-cow; bird-dog"},
        {"date": "2025-05-03", "pain": 4, "exercises": ["plank"]},
        "not a record",
    ]), encoding="utf-8")
    dest = tmp_path / "d.csv"
    first = diary.import_into(dest, src, known_ids=KNOWN, today=TODAY)
    assert len(first.taken) == 2
    assert {r.row for r in first.refused} == {"item 3", "item 4"}
    assert "'plank'" in [r.reason for r in first.refused if r.row == "item 3"][0]
    second = diary.import_into(dest, src, known_ids=KNOWN, today=TODAY)
    assert second.taken == []
    assert sum("already in your diary" in r.reason for r in second.refused) == 2
    assert len(diary.read_diary(dest)) == 2


def test_import_that_refuses_everything_writes_nothing(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("date,pain\n2025-05-01,12\n", encoding="utf-8")
    dest = tmp_path / "d.csv"
    report = diary.import_into(dest, src, known_ids=KNOWN, today=TODAY)
    assert report.taken == [] and len(report.refused) == 1
    assert not dest.exists()


def test_import_into_a_broken_diary_writes_nothing(tmp_path):
    src = tmp_path / "ok.csv"
    src.write_text("date,pain\n2025-05-01,2\n", encoding="utf-8")
    dest = tmp_path / "d.csv"
    dest.write_text("this is not a diary\n", encoding="utf-8")
    with pytest.raises(DiaryParseError):
        diary.import_into(dest, src, known_ids=KNOWN, today=TODAY)
    assert dest.read_text(encoding="utf-8") == "this is not a diary\n"


def test_export_refuses_to_overwrite_unless_asked(tmp_path):
    d = diary.Diary.at(tmp_path / "d.csv", known_ids=KNOWN)
    d.add(entry(), today=TODAY)
    out = tmp_path / "copy.json"
    d.export(out)
    with pytest.raises(FileExistsError, match="allow replacing it"):
        d.export(out)
    d.add(entry(pain=9), today=TODAY)
    d.export(out, overwrite=True)
    assert len(json.loads(out.read_text(encoding="utf-8"))["entries"]) == 2
    with pytest.raises(ValueError, match=".csv or .json"):
        d.export(tmp_path / "copy.xlsx")


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_export_then_import_gives_the_same_diary(tmp_path, suffix):
    entries = [
        entry(time=time(7, 0), minutes_walked=0, exercises=("cat-cow",), tags=("stress",), notes="a,b\n\"c\""),
        entry(pain=0, flare_up=True),
        entry(pain=0, flare_up=True),
        entry(date=date(2025, 4, 1), pain=10, notes="Ünïcödé ✓ 😀"),
    ]
    src = diary.Diary.at(tmp_path / "src.csv", known_ids=KNOWN)
    diary.write_diary(src.path, entries, known_ids=KNOWN, today=TODAY)
    out = src.export(tmp_path / f"export{suffix}")
    dest = diary.Diary.at(tmp_path / "dest.csv", known_ids=KNOWN)
    report = dest.import_file(out, today=TODAY)
    assert report.refused == []
    assert dest.entries() == entries


def test_entry_without_exercises_saves_even_if_the_library_cannot_be_read(tmp_path, monkeypatch):
    def broken_library():
        raise ValueError("library file is broken")

    monkeypatch.setattr(diary, "library_ids", broken_library)
    path = tmp_path / "d.csv"
    diary.append_entry(path, entry(), today=TODAY)  # default known_ids: the library, not needed here
    assert diary.read_diary(path) == [entry()]
    with pytest.raises(ValueError, match="library file is broken"):
        diary.append_entry(path, entry(exercises=("cat-cow",)), today=TODAY)
    assert diary.read_diary(path) == [entry()]
