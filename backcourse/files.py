"""Writing a learner's files so that nothing is lost: one atomic-replace mechanism for the whole course.

Why one module: the diary, its exports, the clinician report and the routine handout all promise the same
thing (a crash leaves the old file or the new one, never half of either; an existing file is replaced only
when the learner allows it), so they share one implementation of that promise.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def refuse_existing(path: Path, overwrite: bool) -> None:
    """Raise FileExistsError naming ``path`` when it exists and the learner did not allow replacing it."""
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; choose another name, or allow overwriting (overwrite=True)")


def temp_files_of(path: Path) -> Iterator[Path]:
    """Temporary files :func:`replacing` may leave beside ``path`` when its writer was killed."""
    return path.parent.glob(f".{path.name}.*.tmp")


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

    Temp file in the same folder -> (the block writes it) -> fsync -> os.replace -> fsync the folder. If the
    block raises, the temporary file is removed and ``path`` is untouched. ``before_replace`` is a hook for
    crash tests.
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
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
