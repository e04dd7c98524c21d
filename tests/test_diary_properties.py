"""Property tests: any valid diary survives save -> load and export -> import; bad rows never get in or corrupt."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcourse.diary import store as diary
from backcourse.diary.store import COLUMNS, DiaryParseError, Entry, EntryError

KNOWN = ("cat-cow", "bird-dog", "knee-to-chest", "glute-bridge")
TODAY = date(2025, 6, 1)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any character a person can type, including commas, quotes, new lines, NUL and emoji (not lone surrogates,
# which no text box produces and UTF-8 cannot store).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
tag = (
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=";\r\n"), min_size=1, max_size=15)
    .map(str.strip)
    .filter(bool)
)
entries_st = st.builds(
    Entry,
    date=st.dates(min_value=diary.EARLIEST_DATE, max_value=TODAY),
    pain=st.integers(0, 10),
    time=st.none() | st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    minutes_walked=st.none() | st.integers(0, diary.MAX_MINUTES),
    exercises=st.lists(st.sampled_from(KNOWN), max_size=3).map(tuple),
    tags=st.lists(tag, max_size=3).map(tuple),
    notes=any_text,
    flare_up=st.booleans(),
)
diaries = st.lists(entries_st, max_size=8)


@SETTINGS
@given(entries=diaries)
def test_valid_diary_survives_save_then_load(entries):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        diary.write_diary(path, entries, known_ids=KNOWN, today=TODAY)
        assert diary.read_diary(path) == entries


@SETTINGS
@given(entries=diaries, suffix=st.sampled_from([".csv", ".json"]))
def test_valid_diary_survives_export_then_import(entries, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        src = diary.Diary.at(Path(tmp) / "src.csv", known_ids=KNOWN)
        diary.write_diary(src.path, entries, known_ids=KNOWN, today=TODAY)
        exported = src.export(Path(tmp) / f"copy{suffix}")
        dest = diary.Diary.at(Path(tmp) / "dest.csv", known_ids=KNOWN)
        report = dest.import_file(exported, today=TODAY)
        assert report.refused == []
        assert dest.entries() == entries


# One bad value per row, for each field that can be wrong.
bad_values = st.one_of(
    st.tuples(st.just("pain"), st.integers(11, 10**6).map(str) | st.integers(-10**6, -1).map(str)
              | st.sampled_from(["", "seven", "7.5", "1e3", "ten"])),
    st.tuples(st.just("minutes_walked"), st.integers(-10**6, -1).map(str) | st.sampled_from(["lots", "2.5", "1441"])),
    st.tuples(st.just("date"), st.dates(min_value=date(2025, 6, 2), max_value=date(2100, 1, 1)).map(date.isoformat)
              | st.sampled_from(["", "yesterday", "2025-02-30", "01/05/2025", "2025-5-1"])),
    st.tuples(st.just("time"), st.sampled_from(["25:00", "8.30", "noon", "12:60", "08:30:15"])),
    st.tuples(st.just("exercises"), st.sampled_from(["plank", "Cat Cow", "cat-cow; superman", "DROP TABLE"])),
    st.tuples(st.just("flare_up"), st.sampled_from(["maybe", "2", "sometimes"])),
)


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


@SETTINGS
@given(entries=st.lists(entries_st, min_size=1, max_size=4), bad=bad_values, notes=any_text)
def test_bad_rows_are_refused_and_never_corrupt_the_diary(entries, bad, notes):
    field, value = bad
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        diary.write_diary(path, entries, known_ids=KNOWN, today=TODAY)
        before = path.read_bytes()
        row = diary.entry_to_row(Entry(date=date(2025, 5, 1), pain=3, notes=notes))
        row[field] = value

        # 1. Adding it as an entry: refused, naming the field; nothing written.
        with pytest.raises(EntryError) as err:
            diary.append_entry(path, diary.entry_from_mapping(row), known_ids=KNOWN, today=TODAY)
        assert err.value.field == field
        assert path.read_bytes() == before

        # 2. Importing it from a file: refused with a reason naming the field; nothing written.
        src = Path(tmp) / "import.csv"
        src.write_text(_csv([row]), encoding="utf-8")
        report = diary.import_into(path, src, known_ids=KNOWN, today=TODAY)
        assert report.taken == [] and len(report.refused) == 1
        assert field in report.refused[0].reason
        assert path.read_bytes() == before

        # 3. Someone pastes it into the diary file itself: loading names its line; no write touches the file.
        broken = (before.decode("utf-8-sig") + _csv([row]).split("\r\n", 1)[1]).encode("utf-8-sig")
        path.write_bytes(broken)
        try:
            pasted = diary.entry_from_mapping(row)
        except EntryError:
            pasted = None
        if pasted is not None:
            # Only today's date or the library make this row bad (a future date, an id not in the library):
            # a file holding it still loads, since clocks change and ids can be renamed.
            assert diary.read_diary(path) == entries + [pasted]
            return
        with pytest.raises(DiaryParseError) as perr:
            diary.read_diary(path)
        assert perr.value.line >= len(entries) + 2
        with pytest.raises(DiaryParseError):
            diary.append_entry(path, entries[0], known_ids=KNOWN, today=TODAY)
        assert path.read_bytes() == broken
