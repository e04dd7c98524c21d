"""Writing a learner's files so that nothing is lost: one atomic-replace mechanism for the whole course.

Why one module: the diary, its exports, the clinician report and the routine handout all promise the same
thing (a crash leaves the old file or the new one, never half of either; an existing file is replaced only
when the learner allows it), so they share one implementation of that promise.
"""

from __future__ import annotations

import csv
import glob
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


#: The first characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Marks the temporary files this module makes (``.<name>.bc-XXXXXXXX.tmp``), so clean-up removes only those.
TEMP_MARK = "bc-"
_TEMP_RANDOM = re.compile(r"[a-z0-9_]{8}")


class FileProblem(OSError):
    """A file cannot be written or read for a reason a person can fix; the message says what and where."""


def refuse_existing(path: Path, overwrite: bool) -> None:
    """Raise FileExistsError naming ``path`` when it exists and the learner did not allow replacing it."""
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; choose another name, or allow replacing it")


def target_of(path: Path | str) -> Path:
    """The file a write to ``path`` must change: the end of a symlink chain (a synced folder), else ``path``."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable(path: Path) -> None:
    """Refuse, with a plain message, a folder where a file should be and a read-only file."""
    if path.is_dir():
        raise FileProblem(f"{path} is a folder, not a file; give a file name inside it instead")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(f"{path} is read-only, so it was not changed; make it writable to save to it")


def _is_own_temp(name: str, path: Path) -> bool:
    prefix = f".{path.name}.{TEMP_MARK}"
    return (name.startswith(prefix) and name.endswith(".tmp")
            and bool(_TEMP_RANDOM.fullmatch(name[len(prefix):-len(".tmp")])))


def temp_files_of(path: Path) -> Iterator[Path]:
    """Temporary files :func:`replacing` may leave beside ``path`` when its writer was killed (only those)."""
    path = target_of(path)
    return (p for p in path.parent.glob(f".{glob.escape(path.name)}.{TEMP_MARK}*.tmp")
            if _is_own_temp(p.name, path))


def fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (POSIX; Windows cannot open a folder and needs no such step)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(path: Path | str, before_replace: Callable[[], None] | None = None) -> Iterator[Path]:
    """Give a temporary path beside ``path``; when the block ends, sync it and move it onto ``path`` in one step.

    Temp file in the same folder -> (the block writes it) -> keep the old file's mode -> fsync -> os.replace ->
    fsync the folder. A symlink is followed, so the link's target is replaced and the link stays. A folder or
    a read-only file is refused before anything is written. If the block raises, the temporary file is removed
    and ``path`` is untouched. ``before_replace`` is a hook for crash tests.
    """
    path = target_of(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    check_writable(path)
    try:
        old_mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        old_mode = None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{TEMP_MARK}", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_folder(folder)


def write_new(path: Path | str, data: str | bytes, overwrite: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically, refusing to replace an existing file unless allowed."""
    path = Path(path).expanduser()
    refuse_existing(path, overwrite)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path) as tmp:
        tmp.write_bytes(raw)
    return path


# --- Files meant for a spreadsheet ----------------------------------------------------------------------------


def spreadsheet_cell(text: str) -> str:
    """A text cell made safe to open in a spreadsheet: a leading ``'`` when it could start a formula.

    The OWASP "CSV injection" advice: a cell starting with = + - @ tab or CR gets a single quote in front,
    which spreadsheets show as text. A cell that already starts with quotes before such a character gets one
    more, so :func:`from_spreadsheet_cell` gives back exactly the original text.
    """
    bare = text.lstrip("'")
    if bare[:1] and bare[0] in FORMULA_STARTS:
        return "'" + text
    return text


def from_spreadsheet_cell(text: str) -> str:
    """Undo :func:`spreadsheet_cell` (the course's own import reads back exactly what was written)."""
    if text.startswith("'"):
        bare = text.lstrip("'")
        if bare[:1] and bare[0] in FORMULA_STARTS:
            return text[1:]
    return text


class SpreadsheetDictWriter(csv.DictWriter):
    """A csv.DictWriter for files meant for a spreadsheet: every text cell goes through :func:`spreadsheet_cell`."""

    def writerow(self, rowdict):
        return super().writerow({k: spreadsheet_cell(v) if isinstance(v, str) else v for k, v in rowdict.items()})
