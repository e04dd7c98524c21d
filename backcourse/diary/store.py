"""The pain diary: entries, their checks, and a CSV file on disk that never loses what was written.

Why this module is careful: a diary is weeks of a person's own record. So

* every entry is checked before anything is written, and a refusal names the field and the value;
* every write goes to a temporary file in the same folder, is flushed and synced to disk, then replaces the
  old file in one step (``os.replace``), and the folder is synced too: a crash leaves the old diary or the
  new one, never half of each;
* a lock file beside the diary (``filelock``) lets one writer at a time read-change-write, so two notebooks
  or processes adding entries at once lose nothing;
* a diary file that does not parse is never overwritten: the error names the line and the problem.

File format (schema version 1)
------------------------------
A UTF-8 CSV file (written with a byte-order mark so spreadsheets detect UTF-8) with one header row and one
row per entry, in the order the entries were added::

    date,time,pain,minutes_walked,exercises,tags,flare_up,notes,schema_version
    2025-01-06,08:30,6,10,cat-cow; knee-to-chest,poor sleep; sitting,no,"Stiff, after the ""long"" drive",1

``date`` is YYYY-MM-DD; ``time`` is HH:MM or empty; ``pain`` a whole number 0-10; ``minutes_walked`` a whole
number or empty (not recorded); ``exercises`` and ``tags`` are lists separated by ``;``; ``flare_up`` is
``yes`` or ``no``; ``notes`` is any text (the CSV quoting keeps commas, quotes and new lines). The schema
version sits in its own last column, so the file stays a plain table that any spreadsheet opens; a version
this code does not know is refused rather than guessed at.

Loading checks every value except two things that can change after an entry was written: whether its date
is in the future (clocks and time zones) and whether its exercise ids are still in the library (an id may be
renamed). Adding or importing an entry checks those too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import time as _time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import platformdirs
from filelock import FileLock, Timeout

from backcourse import files
from backcourse.words import counted  # noqa: F401 - also for the diary's views ("1 entry", "2 entries")

SCHEMA_VERSION = 1
#: Columns of the diary CSV, in file order.
COLUMNS = ("date", "time", "pain", "minutes_walked", "exercises", "tags", "flare_up", "notes", "schema_version")
#: The Numeric Rating Scale's anchors, shown wherever pain is asked.
NRS_ANCHORS = {0: "no pain", 10: "worst pain imaginable"}
PAIN_QUESTION = "Pain right now, 0 to 10 (0 = no pain, 10 = worst pain imaginable)"
#: Separator inside the exercises and tags cells.
LIST_SEPARATOR = ";"
#: Environment variable that points the default diary somewhere else (a path to a .csv file).
PATH_ENV = "BACKCOURSE_DIARY"
#: Environment variable used only by the crash tests: pause at a named point of a save ("mid-write",
#: "before-replace" or "after-replace") after printing a marker line to stderr.
TEST_PAUSE_ENV = "BACKCOURSE_DIARY_TEST_PAUSE"
APP_NAME = "backcourse"
DEFAULT_FILE_NAME = "pain-diary.csv"
EARLIEST_DATE = date(1900, 1, 1)
MAX_MINUTES = 24 * 60
LOCK_TIMEOUT_SECONDS = 30

_EXERCISE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_INT = re.compile(r"[+-]?\d+")
_WHOLE_FLOAT = re.compile(r"[+-]?\d+\.0*")
#: Significant digits a whole number may have: far more than any diary value needs. Longer ones are refused
#: before ``int()``, which raises its own error over 4,300 digits (Python's int max str digits).
_MAX_DIGITS = 18
#: Parsed cell values repeat a lot (dates three times a day, a handful of times and lists); caching the pure
#: text -> value parsers makes loading a 10-year diary several times faster. Errors are never cached.
_CACHE_SIZE = 8192
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}


class EntryError(ValueError):
    """An entry value is not allowed; ``field`` and ``value`` say which, the message says why."""

    def __init__(self, field_name: str, value: Any, problem: str):
        self.field = field_name
        self.value = value
        self.problem = problem
        super().__init__(f"{field_name}: {problem}; got {shown(value)}")


#: Longest value an error message repeats; longer ones are cut (a 1 MB note is not shown back in full).
MAX_SHOWN = 80


def shown(value: Any) -> str:
    """``repr(value)``, cut to about MAX_SHOWN characters with the full length said, for error messages."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to write out in decimal (Python's int max str digits)
        return f"a whole number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    if len(text) <= MAX_SHOWN:
        return text
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(text)} characters as text"
    return f"{text[:MAX_SHOWN - 20]}... ({size})"


class DiaryParseError(ValueError):
    """The diary file could not be read; it is left untouched. ``line`` is the file line (1 = header)."""

    def __init__(self, path: Path | str, line: int, problem: str):
        self.path = Path(path)
        self.line = line
        self.problem = problem
        super().__init__(
            f"{path}, line {line}: {problem}. The file was not changed; fix that line (in a text editor or "
            f"spreadsheet) or move the file away to start a new diary."
        )


class DiaryPathError(files.FileProblem):
    """The diary's path cannot hold a diary (a folder is there); nothing was read or written."""


class DiaryBusyError(RuntimeError):
    """Another notebook or process held the diary's lock for too long."""


@dataclass(frozen=True)
class Entry:
    """One diary entry. Constructing it checks every value that does not depend on today or the library."""

    date: date
    pain: int
    time: time | None = None
    minutes_walked: int | None = None
    exercises: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""
    flare_up: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.date, date) or isinstance(self.date, datetime):
            raise EntryError("date", self.date, "must be a calendar date (YYYY-MM-DD)")
        if self.date < EARLIEST_DATE:
            raise EntryError("date", self.date.isoformat(), f"must be on or after {EARLIEST_DATE.isoformat()}")
        if self.time is not None:
            if not isinstance(self.time, time) or self.time.tzinfo is not None:
                raise EntryError("time", self.time, "must be a time of day (HH:MM) or empty")
            if self.time.second or self.time.microsecond:
                raise EntryError("time", self.time.isoformat(), "must be hours and minutes only (HH:MM)")
        if isinstance(self.pain, bool) or not isinstance(self.pain, int) or not 0 <= self.pain <= 10:
            raise EntryError(
                "pain", self.pain, "must be a whole number from 0 (no pain) to 10 (worst pain imaginable)"
            )
        if self.minutes_walked is not None and (
            isinstance(self.minutes_walked, bool)
            or not isinstance(self.minutes_walked, int)
            or not 0 <= self.minutes_walked <= MAX_MINUTES
        ):
            raise EntryError(
                "minutes_walked", self.minutes_walked, f"must be a whole number from 0 to {MAX_MINUTES}, or empty"
            )
        if not isinstance(self.exercises, tuple):
            raise EntryError("exercises", self.exercises, "must be a tuple of exercise ids")
        for ex in self.exercises:
            if not isinstance(ex, str) or not _EXERCISE_ID.match(ex):
                raise EntryError("exercises", ex, "an exercise id is lower-case words joined by '-', like 'cat-cow'")
        if not isinstance(self.tags, tuple):
            raise EntryError("tags", self.tags, "must be a tuple of words")
        for tag in self.tags:
            _check_tag(tag)
        if not isinstance(self.notes, str):
            raise EntryError("notes", self.notes, "must be text")
        try:
            self.notes.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EntryError("notes", self.notes[exc.start : exc.end], "contains a character that cannot be saved") from None
        if not isinstance(self.flare_up, bool):
            raise EntryError("flare_up", self.flare_up, "must be yes or no")

    @property
    def when(self) -> datetime:
        """Date and time for sorting; an entry without a time sorts at the start of its day."""
        return datetime.combine(self.date, self.time or time(0, 0))


def _check_tag(tag: Any) -> None:
    if not isinstance(tag, str) or not tag:
        raise EntryError("tags", tag, "a tag must be a non-empty word or phrase")
    if tag != tag.strip():
        raise EntryError("tags", tag, "a tag must not start or end with a space")
    if LIST_SEPARATOR in tag or "\n" in tag or "\r" in tag:
        raise EntryError("tags", tag, "a tag must not contain ';' or a line break (';' separates tags)")
    try:
        tag.encode("utf-8")
    except UnicodeEncodeError:
        raise EntryError("tags", tag, "contains a character that cannot be saved") from None


def check_entry(entry: Entry, known_ids: Collection[str] | None = None, today: date | None = None) -> Entry:
    """Check what depends on the day and on the exercise library; raise EntryError naming field and value.

    ``known_ids`` is the set of exercise ids allowed (default: every id in the course's exercise library);
    tests pass their own set. ``today`` defaults to the computer's date.
    """
    today = today or date.today()
    if entry.date > today:
        raise EntryError("date", entry.date.isoformat(), f"is in the future (today is {today.isoformat()})")
    if not entry.exercises:
        return entry
    ids = library_ids() if known_ids is None else known_ids
    for ex in entry.exercises:
        if ex not in ids:
            raise EntryError("exercises", ex, "is not an exercise id in the course's library")
    return entry


def library_ids() -> frozenset[str]:
    """Every exercise id in the course's exercise library (``backcourse.library.model.load_library``)."""
    from backcourse.library.model import load_library  # imported here: the library is only needed when checking ids

    return frozenset(load_library().exercises)


# --- Turning text into values (shared by the diary file and imports) --------------------------------------


@lru_cache(maxsize=_CACHE_SIZE)
def parse_date(text: str) -> date:
    text = text.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise EntryError("date", text, "must be a date written YYYY-MM-DD, like 2025-01-31") from None


@lru_cache(maxsize=_CACHE_SIZE)
def parse_time(text: str) -> time | None:
    text = text.strip()
    if not text:
        return None
    m = _TIME.fullmatch(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59 or (m.group(3) and int(m.group(3)) > 59):
        raise EntryError("time", text, "must be a time of day written HH:MM (24-hour), like 08:30, or empty")
    if m.group(3) and int(m.group(3)) != 0:
        raise EntryError("time", text, "the diary keeps hours and minutes only (HH:MM)")
    return time(int(m.group(1)), int(m.group(2)))


def _whole_number(field_name: str, value: Any, problem: str) -> int:
    if isinstance(value, bool):
        raise EntryError(field_name, value, problem)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise EntryError(field_name, value, problem)
    text = str(value).strip()
    if _INT.fullmatch(text) or _WHOLE_FLOAT.fullmatch(text):
        whole = text.split(".")[0]
        digits = whole.lstrip("+-").lstrip("0") or "0"
        if len(digits) > _MAX_DIGITS:  # beyond every range here, and int() refuses over 4,300 digits
            raise EntryError(field_name, value, problem)
        return -int(digits) if whole.startswith("-") else int(digits)
    raise EntryError(field_name, value, problem)


def parse_pain(value: Any) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise EntryError("pain", value, "is missing; give a whole number from 0 (no pain) to 10 (worst pain imaginable)")
    return _whole_number("pain", value, "must be a whole number from 0 (no pain) to 10 (worst pain imaginable)")


def parse_minutes(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _whole_number("minutes_walked", value, f"must be a whole number from 0 to {MAX_MINUTES}, or empty")


def parse_list(field_name: str, value: Any) -> tuple[str, ...]:
    """A ``;``-separated cell (or a JSON list) into a tuple of stripped items."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if not isinstance(item, str):
                raise EntryError(field_name, item, "each item must be text")
            items.append(item.strip())
        return tuple(i for i in items if i)
    if not isinstance(value, str):
        raise EntryError(field_name, value, f"must be a list or text separated by '{LIST_SEPARATOR}'")
    return _split_list(value)


@lru_cache(maxsize=_CACHE_SIZE)
def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())


def parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise EntryError("flare_up", value, "must be yes or no")


def entry_from_mapping(row: Mapping[str, Any]) -> Entry:
    """Build an Entry from a mapping of column name to value (CSV text or JSON values)."""
    raw_date = row.get("date")
    if raw_date is None or (isinstance(raw_date, str) and not raw_date.strip()):
        raise EntryError("date", raw_date, "is missing; give a date written YYYY-MM-DD")
    if not isinstance(raw_date, str):
        raise EntryError("date", raw_date, "must be a date written YYYY-MM-DD")
    raw_time = row.get("time")
    if raw_time is not None and not isinstance(raw_time, str):
        raise EntryError("time", raw_time, "must be a time of day written HH:MM, or empty")
    notes = row.get("notes")
    if notes is None:
        notes = ""
    if not isinstance(notes, str):
        raise EntryError("notes", notes, "must be text")
    return Entry(
        date=parse_date(raw_date),
        time=parse_time(raw_time or ""),
        pain=parse_pain(row.get("pain")),
        minutes_walked=parse_minutes(row.get("minutes_walked")),
        exercises=parse_list("exercises", row.get("exercises")),
        tags=parse_list("tags", row.get("tags")),
        notes=notes,
        flare_up=parse_flag(row.get("flare_up")),
    )


def entry_to_row(entry: Entry) -> dict[str, str]:
    """The CSV cells of one entry (schema version included)."""
    sep = f"{LIST_SEPARATOR} "
    return {
        "date": entry.date.isoformat(),
        "time": entry.time.strftime("%H:%M") if entry.time else "",
        "pain": str(entry.pain),
        "minutes_walked": "" if entry.minutes_walked is None else str(entry.minutes_walked),
        "exercises": files.spreadsheet_cell(sep.join(entry.exercises)),
        "tags": files.spreadsheet_cell(sep.join(entry.tags)),
        "flare_up": "yes" if entry.flare_up else "no",
        "notes": files.spreadsheet_cell(entry.notes),
        "schema_version": str(SCHEMA_VERSION),
    }


def entry_to_json(entry: Entry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "time": entry.time.strftime("%H:%M") if entry.time else None,
        "pain": entry.pain,
        "minutes_walked": entry.minutes_walked,
        "exercises": list(entry.exercises),
        "tags": list(entry.tags),
        "flare_up": entry.flare_up,
        "notes": entry.notes,
    }


# --- The diary file ---------------------------------------------------------------------------------------


def default_diary_path() -> Path:
    """Where a learner's diary lives: ``$BACKCOURSE_DIARY`` if set, else the user's data folder.

    Never inside the course checkout, so a diary is not committed or overwritten with the course.
    """
    override = os.environ.get(PATH_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DEFAULT_FILE_NAME


_NEWLINE = re.compile(r"\r\n|\r|\n")
#: Columns whose text is neutralised for spreadsheets when written and restored when read.
TEXT_COLUMNS = ("exercises", "tags", "notes")


@dataclass(frozen=True)
class CsvRecord:
    """One CSV row with the file lines it spans; ``cells`` is None when the row is broken (``problem`` says why)."""

    first_line: int
    last_line: int
    cells: list[str] | None
    problem: str | None = None


@lru_cache(maxsize=8)
def _csv_patterns(delimiter: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    d = re.escape(delimiter)
    quoted = re.compile(r'"((?:[^"]++|"")*+)"')
    unquoted = re.compile(f'[^{d}"\\r\\n]*+')
    # A line inside a quoted cell that starts like a new dated row: a quote is probably missing.
    swallowed = re.compile(r"(?:\r\n|\r|\n)\s*\d{4}-\d{2}-\d{2}[^\r\n" + d + r"]{0,30}" + d)
    return quoted, unquoted, swallowed


def csv_records(text: str, delimiter: str = ",") -> Iterator[CsvRecord]:
    """Split CSV text into rows, strictly: each row-structure problem is reported with its line, never guessed.

    Why not the csv module: it lets an unbalanced quote swallow the following rows into one cell, and long
    cells need its process-wide ``field_size_limit`` changed (not thread-safe). Rules (RFC 4180): a cell is
    either plain text without quotes or line breaks, or wrapped in double quotes with inner quotes doubled.
    A quoted cell that never closes, that has text after its closing quote, a quote inside a plain cell, or a
    quoted cell whose line breaks are followed by what looks like a new dated row, is a problem; reading
    goes on at the line after the problem, so every line of the text is in exactly one record.
    """
    quoted, unquoted, swallowed = _csv_patterns(delimiter)
    n = len(text)
    pos = 0
    line = 1
    while pos < n:
        m = _NEWLINE.search(text, pos)
        eol, nxt = (m.start(), m.end()) if m else (n, n)
        row = text[pos:eol]
        if '"' not in row:  # the fast path: most rows have no quotes
            yield CsvRecord(line, line, row.split(delimiter))
            pos, line = nxt, line + 1
            continue
        first = line
        cells: list[str] = []
        problem = None
        problem_pos = pos
        while True:
            if pos < n and text[pos] == '"':
                qm = quoted.match(text, pos)
                if qm is None:
                    problem, problem_pos = "a quote opens a cell here but is never closed", pos
                    break
                content = qm.group(1)
                breaks = len(_NEWLINE.findall(content)) if ("\n" in content or "\r" in content) else 0
                if breaks and swallowed.search(content):
                    problem, problem_pos = ("a quote opens a cell here and is closed only several rows later, "
                                            "so a closing quote is probably missing"), pos
                    break
                after = qm.end()
                line += breaks
                if after < n and text[after] not in (delimiter, "\r", "\n"):
                    problem, problem_pos = ("there is text after a closing quote (a quote inside a cell is "
                                            'written as two quotes "")'), after
                    break
                cells.append(content.replace('""', '"'))
                pos = after
            else:
                um = unquoted.match(text, pos)
                pos = um.end()
                if pos < n and text[pos] == '"':
                    problem, problem_pos = ("there is a quote in the middle of a cell (put the whole cell in "
                                            'quotes and write the quote as two quotes "")'), pos
                    break
                cells.append(um.group())
            if pos >= n:
                yield CsvRecord(first, line, cells)
                return
            if text[pos] == delimiter:
                pos += 1
                continue
            pos = _NEWLINE.match(text, pos).end()
            yield CsvRecord(first, line, cells)
            line += 1
            break
        if problem is not None:
            yield CsvRecord(first, line, None, problem)
            m = _NEWLINE.search(text, problem_pos)
            pos = m.end() if m else n
            line += 1


def _decode(data: bytes, path: Path | str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DiaryParseError(path, line, "the file is not UTF-8 text (save it as 'CSV UTF-8')") from None


def _from_spreadsheet(row: dict[str, str]) -> dict[str, str]:
    for name in TEXT_COLUMNS:
        value = row.get(name)
        if value and value[0] == "'":
            row[name] = files.from_spreadsheet_cell(value)
    return row


def parse_diary_text(text: str, path: Path | str = "<diary>") -> list[Entry]:
    """Parse the diary CSV text; raise DiaryParseError naming the line and the problem."""
    if not text.strip():
        return []
    records = csv_records(text)
    head = next(records)
    if head.cells is None:
        raise DiaryParseError(path, 1, f"the header row is not valid CSV: {head.problem}")
    header = head.cells
    if tuple(h.strip() for h in header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [h for h in header if h not in COLUMNS]
        detail = []
        if missing:
            detail.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            detail.append(f"unknown column(s) {', '.join(shown(e) for e in extra)} (use import for other files)")
        if not detail:
            detail.append(f"columns must be in this order: {','.join(COLUMNS)}")
        raise DiaryParseError(path, 1, "the header is not a pain diary header: " + "; ".join(detail))
    entries: list[Entry] = []
    for rec in records:
        line, cells = rec.first_line, rec.cells
        if cells is None:
            raise DiaryParseError(path, line, rec.problem)
        if len(cells) == 1 and not cells[0].strip():
            continue  # a blank line, as some editors leave at the end
        if len(cells) != len(COLUMNS):
            raise DiaryParseError(path, line, f"expected {len(COLUMNS)} cells, found {len(cells)}")
        row = _from_spreadsheet(dict(zip(COLUMNS, cells)))
        version = row["schema_version"].strip()
        if version != str(SCHEMA_VERSION):
            raise DiaryParseError(
                path, line, f"schema_version is {shown(version)}; this version of the course reads version "
                f"{SCHEMA_VERSION} (a newer diary needs a newer course package)"
            )
        try:
            entries.append(entry_from_mapping(row))
        except EntryError as exc:
            raise DiaryParseError(path, line, str(exc)) from None
    return entries


def diary_text(entries: Iterable[Entry]) -> str:
    """The whole diary as CSV text (header first)."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow(entry_to_row(entry))
    return buf.getvalue()


def read_diary(path: Path | str) -> list[Entry]:
    """All entries in file order; a missing file is an empty diary."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except IsADirectoryError:
        raise DiaryPathError(
            f"{path} is a folder, not a diary file; give a file name ending in .csv, like {path / DEFAULT_FILE_NAME}"
        ) from None
    return parse_diary_text(_decode(data, path), path)


def _test_pause(point: str) -> None:
    """Crash tests only: stop here (after telling the test) so the writer can be killed at a known point."""
    if os.environ.get(TEST_PAUSE_ENV) == point:
        sys.stderr.write(f"backcourse-diary-paused:{point}\n")
        sys.stderr.flush()
        _time.sleep(60)


def _remove_stale_temps(path: Path) -> None:
    """Temporary files left by a writer that was killed; safe to remove while we hold the lock."""
    for stale in files.temp_files_of(path):
        try:
            stale.unlink()
        except OSError:
            pass


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8-sig") -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old file or the new one (see files.replacing).

    The text goes in two halves with a pause point between them, so the crash test can kill a writer mid-write.
    """
    with files.replacing(Path(path), before_replace=lambda: _test_pause("before-replace")) as tmp:
        with open(tmp, "w", encoding=encoding, newline="") as handle:
            half = len(text) // 2
            handle.write(text[:half])
            handle.flush()
            _test_pause("mid-write")
            handle.write(text[half:])
    _test_pause("after-replace")


def lock_for(path: Path | str) -> FileLock:
    """The lock beside a diary file (``pain-diary.csv.lock``)."""
    path = files.target_of(path)  # one lock per real file, whichever link it is reached through
    return FileLock(str(path.with_name(path.name + ".lock")), timeout=LOCK_TIMEOUT_SECONDS, poll_interval=0.01)


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with lock_for(path):
            _remove_stale_temps(path)
            yield
    except Timeout:
        raise DiaryBusyError(
            f"another notebook or program is writing {path} (its lock is held for over "
            f"{LOCK_TIMEOUT_SECONDS} s); nothing was saved, try again"
        ) from None


def write_diary(
    path: Path | str, entries: Iterable[Entry], known_ids: Collection[str] | None = None, today: date | None = None
) -> None:
    """Replace the whole diary with ``entries`` (atomic, under the lock), after the same checks as ``append``.

    Refuses to replace a file that does not parse, so a diary mangled elsewhere is never overwritten.
    """
    path = Path(path)
    entries = list(entries)
    ids = library_ids() if known_ids is None and any(e.exercises for e in entries) else known_ids
    for entry in entries:
        check_entry(entry, ids, today)
    with _locked(path):
        read_diary(path)  # raises DiaryParseError (and writes nothing) if the current file is broken
        atomic_write_text(path, diary_text(entries))


def append_entry(
    path: Path | str, entry: Entry, known_ids: Collection[str] | None = None, today: date | None = None
) -> list[Entry]:
    """Check ``entry`` and add it at the end of the diary; return the diary as saved."""
    path = Path(path)
    check_entry(entry, known_ids, today)
    with _locked(path):
        entries = read_diary(path)
        entries.append(entry)
        atomic_write_text(path, diary_text(entries))
    return entries


def remove_last(path: Path | str, entry: Entry) -> list[Entry]:
    """Undo: remove the last entry equal to ``entry`` (the one this notebook saved), not whatever is last.

    Another notebook may have added an entry since; that one is kept.
    """
    path = Path(path)
    with _locked(path):
        entries = read_diary(path)
        for i in range(len(entries) - 1, -1, -1):
            if entries[i] == entry:
                del entries[i]
                break
        else:
            raise LookupError(f"that entry ({entry.date.isoformat()}, pain {entry.pain}) is not in {path}")
        atomic_write_text(path, diary_text(entries))
    return entries


# --- Import and export ------------------------------------------------------------------------------------

#: Column names other apps and spreadsheets use, mapped to the diary's (compared in lower case, with
#: spaces, dashes and underscores removed). A few German names, as European spreadsheets write them.
COLUMN_ALIASES = {
    "date": "date", "day": "date", "datetime": "date", "timestamp": "date", "datum": "date",
    "time": "time", "timeofday": "time", "uhrzeit": "time", "zeit": "time",
    "pain": "pain", "painscore": "pain", "painlevel": "pain", "nrs": "pain", "pain010": "pain", "score": "pain",
    "schmerz": "pain", "schmerzen": "pain", "schmerzstärke": "pain",
    "minuteswalked": "minutes_walked", "walkingminutes": "minutes_walked", "walkminutes": "minutes_walked",
    "walked": "minutes_walked", "walking": "minutes_walked", "minutes": "minutes_walked",
    "exercises": "exercises", "exercisesdone": "exercises", "exercise": "exercises",
    "tags": "tags", "tag": "tags", "triggers": "tags",
    "notes": "notes", "note": "notes", "comment": "notes", "comments": "notes", "notiz": "notes",
    "notizen": "notes", "bemerkung": "notes", "kommentar": "notes",
    "flareup": "flare_up", "flare": "flare_up",
    "schemaversion": "schema_version",
}
_STAMP = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?\s*",
                    re.IGNORECASE)
_TWELVE_HOUR = re.compile(r"\s*(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\.?\s*", re.IGNORECASE)
#: Day.month.year with dots, as German, Austrian, Swiss, Scandinavian and other European spreadsheets write dates
#: ("06.01.2025", "6.1.2025"), optionally followed by a time. Dots are read day first: no app writes month.day.year.
_DOTTED = re.compile(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[\s,T]+(\d{1,2}:\d{2}(?::\d{2})?))?\s*")
_DOTTED_SHORT_YEAR = re.compile(r"\s*\d{1,2}\.\d{1,2}\.\d{2}(?:[\s,T].*)?", re.DOTALL)
#: "06/01/2025" or "06-01-2025": day first in most of the world, month first in the USA, so never guessed.
_AMBIGUOUS = re.compile(r"\s*(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})(?:[\s,T].*)?", re.DOTALL)
DOTTED_NOTE = "Dates written day.month.year (like 06.01.2025 for 6 January 2025) were read day first."
ZONE_NOTE = ("Times written with a time zone (Z or an offset like +01:00) were kept as the clock time written, "
             "not converted.")


def _column_key(name: str) -> str | None:
    squashed = re.sub(r"[\s_\-()/]+", "", str(name).strip().lower())
    return COLUMN_ALIASES.get(squashed)


@dataclass(frozen=True)
class Refusal:
    """One imported row that was not taken, and why (``duplicate``: already in the diary)."""

    row: str
    reason: str
    duplicate: bool = False


@dataclass
class ImportReport:
    """What an import took and refused (with reasons), which columns it used, and what became of every line.

    ``lines`` maps each line of a CSV source (1 = header) to "header", "blank", "taken", "refused" or
    "duplicate"; ``taken_rows`` is the row label of each taken entry.
    """

    source: str
    taken: list[Entry] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    used_columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lines: dict[int, str] = field(default_factory=dict)
    taken_rows: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def mark(self, label: str, outcome: str) -> None:
        span = self.spans.get(label)
        if span:
            for n in range(span[0], span[1] + 1):
                self.lines[n] = outcome

    def summary(self) -> str:
        lines = [f"Import from {self.source}: {len(self.taken)} row(s) taken, {len(self.refused)} refused."]
        if self.lines:
            counts = Counter(self.lines.values())
            parts = ", ".join(f"{counts[k]} {k}" for k in ("header", "taken", "refused", "duplicate", "blank")
                              if counts[k])
            lines.append(f"  {len(self.lines)} line(s) read: {parts}.")
        lines += [f"  - {r.row}: {r.reason}" for r in self.refused]
        lines += [f"  {note}" for note in self.notes]
        if self.used_columns:
            lines.append("  Columns used: " + ", ".join(f"{k} (as {v})" for k, v in self.used_columns.items()))
        if self.ignored_columns:
            lines.append("  Columns not used: " + ", ".join(self.ignored_columns))
        return "\n".join(lines)


def _dotted_date(raw: str, m: re.Match) -> str:
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise EntryError("date", raw.strip(), "is not a date in the calendar (read as day.month.year)") from None


def _refuse_unclear_date(raw: str) -> None:
    """Refuse, saying why, a date written in a way that cannot be read without guessing."""
    text = raw.strip()
    if _DOTTED_SHORT_YEAR.fullmatch(text):
        raise EntryError("date", text, "the year has two digits; write it with four digits, like 06.01.2025 "
                                       "or 2025-01-06")
    m = _AMBIGUOUS.fullmatch(text)
    if not m:
        return  # anything else is checked (and refused if need be) as YYYY-MM-DD
    first, sep, second, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
    readings = []
    if len(year) == 4:
        for day, month, order in ((first, second, "day/month/year"), (second, first, "month/day/year")):
            try:
                when = date(int(year), month, day)
                readings.append(f"{when.day} {when:%B %Y} ({order})")
            except ValueError:
                pass
    could_be = f"it could be {' or '.join(readings)}; " if len(readings) == 2 else ""
    raise EntryError("date", text, f"a date written with '{sep}' may be day/month/year or month/day/year, so it is "
                                   f"not guessed: {could_be}write it as YYYY-MM-DD (2025-01-06) or day.month.year "
                                   "(06.01.2025)")


def _normalise_row(row: Mapping[str, Any], report: ImportReport) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        key = _column_key(name) if name is not None else None
        if key is None:
            label = str(name)
            if label not in report.ignored_columns:
                report.ignored_columns.append(label)
            continue
        report.used_columns.setdefault(str(name), key)
        if key in out and out[key] not in (None, ""):
            continue  # the first matching column wins
        out[key] = value
    # A date column holding date and time ("2025-01-06 08:30", "2025-01-06T08:30:00Z", "...+01:00").
    raw = out.get("date")
    if isinstance(raw, str):
        m = _STAMP.fullmatch(raw)
        if m:
            out["date"] = m.group(1)
            if m.group(4) and ZONE_NOTE not in report.notes:
                report.notes.append(ZONE_NOTE)
            given = out.get("time")
            if given is None or (isinstance(given, str) and not given.strip()):
                clock = m.group(2)
                if m.group(3) and int(m.group(3)) != 0:
                    clock = clock + ":01" if clock.count(":") == 1 else clock  # fractions of a second: refused
                out["time"] = clock
        elif (m := _DOTTED.fullmatch(raw)):
            out["date"] = _dotted_date(raw, m)
            if DOTTED_NOTE not in report.notes:
                report.notes.append(DOTTED_NOTE)
            given = out.get("time")
            if m.group(4) and (given is None or (isinstance(given, str) and not given.strip())):
                out["time"] = m.group(4)
        else:
            _refuse_unclear_date(raw)
    # 12-hour times ("9:00 PM", "7 am").
    raw = out.get("time")
    if isinstance(raw, str):
        m = _TWELVE_HOUR.fullmatch(raw)
        if m and 1 <= int(m.group(1)) <= 12 and int(m.group(2) or 0) <= 59:
            hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
            out["time"] = f"{hour:02d}:{m.group(2) or '00'}"
    return out


def import_rows(
    rows: Iterable[tuple[str, Mapping[str, Any]]],
    source: str,
    known_ids: Collection[str] | None = None,
    today: date | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Check each (row label, mapping) pair; every row is either taken or refused with a reason."""
    report = report or ImportReport(source)
    ids = library_ids() if known_ids is None else known_ids
    for label, row in rows:
        if isinstance(row, str):
            report.refused.append(Refusal(label, row))
            continue
        if not isinstance(row, Mapping):
            report.refused.append(Refusal(label, "is not a record with named fields"))
            continue
        try:
            values = _normalise_row(row, report)
        except EntryError as exc:
            report.refused.append(Refusal(label, str(exc)))
            continue
        version = values.pop("schema_version", None)
        if version not in (None, "", SCHEMA_VERSION, str(SCHEMA_VERSION)):
            report.refused.append(Refusal(label, f"schema_version {shown(version)} is not one this course reads"))
            continue
        try:
            entry = check_entry(entry_from_mapping(values), ids, today)
        except EntryError as exc:
            report.refused.append(Refusal(label, str(exc)))
            continue
        report.taken.append(entry)
        report.taken_rows.append(label)
    return report


def _delimiter(text: str) -> str:
    """The separator of a CSV text, from its header line: ',' unless ';' or a tab is clearly used instead."""
    header = _NEWLINE.split(text, maxsplit=1)[0]
    header = re.sub(r'"[^"]*"', "", header)
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_rows(text: str, report: ImportReport) -> list[tuple[str, Any]]:
    """(label, mapping or problem text) per CSV row; marks header and blank lines in ``report.lines``."""
    delimiter = _delimiter(text)
    if delimiter != ",":
        name = {";": "';' (semicolon)", "\t": "a tab"}[delimiter]
        report.notes.append(f"Cells are separated by {name}, as European spreadsheets write CSV.")
    records = csv_records(text, delimiter)
    rows: list[tuple[str, Any]] = []
    header: list[str] | None = None
    for rec in records:
        label = (f"line {rec.first_line}" if rec.first_line == rec.last_line
                 else f"lines {rec.first_line}-{rec.last_line}")
        report.spans[label] = (rec.first_line, rec.last_line)
        if header is None:
            if rec.cells is None:
                raise DiaryParseError(report.source, rec.first_line, f"the header row is not valid CSV: {rec.problem}")
            header = [h.strip() for h in rec.cells]
            report.mark(label, "header")
            continue
        if rec.cells is None:
            rows.append((label, rec.problem))
        elif all(not c.strip() for c in rec.cells):
            report.mark(label, "blank")
        elif len(rec.cells) > len(header):
            rows.append((label, f"has {len(rec.cells) - len(header)} cell(s) more than the header"))
        else:
            row = dict(zip(header, rec.cells))
            for name in header:
                row.setdefault(name, "")
                if _column_key(name) in TEXT_COLUMNS and row[name][:1] == "'":
                    row[name] = files.from_spreadsheet_cell(row[name])
            rows.append((label, row))
    return rows


class _LongJsonNumber:
    """A JSON whole number too long for ``int()`` (over 4,300 digits): kept as its digits, so the item that holds
    it is refused like any other bad value (and is never mistaken for text), instead of the whole file failing."""

    def __init__(self, digits: str):
        self.digits = digits

    def __repr__(self) -> str:
        return self.digits

    __str__ = __repr__


def _json_int(digits: str) -> int | _LongJsonNumber:
    return _LongJsonNumber(digits) if len(digits.lstrip("-").lstrip("0")) > _MAX_DIGITS else int(digits)


def _decode_import(data: bytes, source: Path, report: ImportReport) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise DiaryParseError(source, line, "the file is neither UTF-8 nor Windows-1252 text "
                                                "(save it as 'CSV UTF-8')") from None
        report.notes.append("The file is not UTF-8; it was read as Windows-1252 (the usual Windows encoding). "
                            "Check that accented letters look right.")
        return text


def read_import_file(source: Path | str, known_ids: Collection[str] | None = None, today: date | None = None) -> ImportReport:
    """Read another app's export or a spreadsheet (.csv or .json) into an ImportReport; writes nothing."""
    source = Path(source)
    suffix = source.suffix.lower()
    if suffix not in (".json", ".csv", ".txt"):
        raise ValueError(f"import reads .csv or .json files; got {source.name!r}")
    if source.is_dir():
        raise files.FileProblem(f"{source} is a folder; give the name of a .csv or .json file")
    report = ImportReport(str(source.name))
    text = _decode_import(source.read_bytes(), source, report)
    if suffix == ".json":
        try:
            data = json.loads(text, parse_int=_json_int)
        except json.JSONDecodeError as exc:
            raise DiaryParseError(source, exc.lineno, f"not valid JSON ({exc.msg})") from None
        if isinstance(data, Mapping):
            version = data.get("schema_version", SCHEMA_VERSION)
            if version != SCHEMA_VERSION:
                raise DiaryParseError(source, 1, f"schema_version {shown(version)} is not one this course reads")
            data = data.get("entries")
        if not isinstance(data, list):
            raise DiaryParseError(source, 1, "expected a list of entries (or an object with an 'entries' list)")
        rows: list[tuple[str, Any]] = [(f"item {i}", item) for i, item in enumerate(data, start=1)]
    else:
        rows = _csv_rows(text, report)
    import_rows(rows, report.source, known_ids, today, report)
    taken = set(report.taken_rows)
    for label, _row in rows:
        report.mark(label, "taken" if label in taken else "refused")
    return report


def import_into(
    path: Path | str,
    source: Path | str,
    known_ids: Collection[str] | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import ``source`` into the diary at ``path``: one atomic write of every row taken.

    Rows already in the diary (every field equal) are refused as duplicates, so importing the same file
    twice adds nothing the second time.
    """
    path = Path(path)
    report = read_import_file(source, known_ids, today)
    with _locked(path):
        existing = read_diary(path)
        have = Counter(existing)
        new: list[Entry] = []
        kept: list[Entry] = []
        kept_rows: list[str] = []
        for entry, label in zip(report.taken, report.taken_rows):
            if have[entry] > 0:
                have[entry] -= 1
                report.refused.append(Refusal(label, f"{entry.date.isoformat()} pain {entry.pain} is already in "
                                                     "your diary", duplicate=True))
                report.mark(label, "duplicate")
            else:
                new.append(entry)
                kept.append(entry)
                kept_rows.append(label)
        report.taken, report.taken_rows = kept, kept_rows
        if new:
            atomic_write_text(path, diary_text(existing + new))
    return report


def export_csv(entries: Iterable[Entry], dest: Path | str, overwrite: bool = False) -> Path:
    """Write a copy of the diary as CSV (same format as the diary file)."""
    dest = Path(dest).expanduser()
    files.refuse_existing(dest, overwrite)
    atomic_write_text(dest, diary_text(entries))
    return dest


def json_text(entries: Iterable[Entry], goals: Iterable[Any] | None = None) -> str:
    doc: dict[str, Any] = {
        "format": "backcourse-pain-diary",
        "schema_version": SCHEMA_VERSION,
        "entries": [entry_to_json(e) for e in entries],
    }
    if goals is not None:
        from backcourse.diary.goals import ratings_to_json

        doc["activity_goals"] = ratings_to_json(goals)
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def export_json(entries: Iterable[Entry], dest: Path | str, overwrite: bool = False,
                goals: Iterable[Any] | None = None) -> Path:
    """Write a copy of the diary as JSON: ``{"format", "schema_version", "entries": [...]}``, plus
    ``"activity_goals"`` when ``goals`` are given."""
    dest = Path(dest).expanduser()
    files.refuse_existing(dest, overwrite)
    atomic_write_text(dest, json_text(entries, goals), encoding="utf-8")
    return dest


# --- A diary at a path, as the notebook uses it -----------------------------------------------------------


@dataclass(frozen=True)
class Diary:
    """A diary file and the checks that apply to it; every method re-reads the file (no stale copies)."""

    path: Path
    known_ids: frozenset[str] | None = None

    @classmethod
    def at(cls, path: Path | str | None = None, known_ids: Collection[str] | None = None) -> "Diary":
        p = default_diary_path() if path is None else Path(path).expanduser()
        return cls(p, None if known_ids is None else frozenset(known_ids))

    def entries(self) -> list[Entry]:
        return read_diary(self.path)

    def add(self, entry: Entry, today: date | None = None) -> list[Entry]:
        return append_entry(self.path, entry, self.known_ids, today)

    def undo(self, entry: Entry) -> list[Entry]:
        return remove_last(self.path, entry)

    def import_file(self, source: Path | str, today: date | None = None) -> ImportReport:
        return import_into(self.path, source, self.known_ids, today)

    @property
    def goals_path(self) -> Path:
        from backcourse.diary.goals import goals_path_for

        return goals_path_for(self.path)

    def goals(self) -> list[Any]:
        """The activity-goal ratings kept beside this diary."""
        from backcourse.diary.goals import read_goals

        return read_goals(self.goals_path)

    def rate(self, rating: Any, today: date | None = None) -> list[Any]:
        from backcourse.diary.goals import add_rating

        return add_rating(self.goals_path, rating, today)

    def export(self, dest: Path | str, overwrite: bool = False) -> Path:
        """Export to ``dest``; the suffix (.csv or .json) picks the format. Activity goals go inside the JSON,
        or beside a CSV copy as ``<name>-activity-goals.csv``."""
        from backcourse.diary.goals import goals_path_for, write_goals

        dest = Path(dest).expanduser()
        if dest.suffix.lower() == ".json":
            return export_json(self.entries(), dest, overwrite, goals=self.goals())
        if dest.suffix.lower() == ".csv":
            ratings = self.goals()
            if ratings:
                files.refuse_existing(goals_path_for(dest), overwrite)
            out = export_csv(self.entries(), dest, overwrite)
            if ratings:
                write_goals(goals_path_for(dest), ratings, today=date.max, overwrite=True)
            return out
        raise ValueError(f"export writes .csv or .json files; got {dest.name!r}")
