"""What the online book's live routine builder loads in the reader's browser, packed by the book build.

Why: the "Build your routine" page runs the course's own Python engine in Pyodide (Python compiled to
WebAssembly), so the page and the notebook give the same plan from one code path. Nothing is fetched from
another host and no large binary is committed: Pyodide comes from the npm registry (``package.json``,
installed by ``npm ci``), and the build copies from ``node_modules/pyodide`` only the files the runtime needs.
Three things are written into ``_static/`` of the built book:

- ``pyodide/``: the runtime (:data:`RUNTIME_FILES`);
- ``live/engine.zip``: the engine's modules (:data:`ENGINE_MODULES`), the library's JSON, and each exercise's
  drawing and alt text, rendered here by :mod:`backcourse.library.drawings` (matplotlib does not run in the
  page), so the printable handout has the same drawings as the notebook's;
- ``live/calendar.zip``: ``icalendar`` and what it imports (:data:`CALENDAR_DISTRIBUTIONS`), taken from the
  installed packages (pure Python, pinned in ``requirements.txt``), loaded only when a reader asks for the .ics.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import shutil
import zipfile
from pathlib import Path

from backcourse import DATA_DIR, REPO_ROOT

PYODIDE_DIR = REPO_ROOT / "node_modules" / "pyodide"
#: The runtime files a page needs (the rest of the npm package is type stubs, source maps and demo consoles).
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
#: Where the build puts things, inside the HTML output's _static folder.
RUNTIME_DIR = "pyodide"
LIVE_DIR = "live"
ENGINE_ZIP = "engine.zip"
CALENDAR_ZIP = "calendar.zip"
DRAWINGS_JSON = "data/drawings.json"

#: The modules the page imports (the engine and what it imports), relative to the repository root.
ENGINE_MODULES = (
    "backcourse/__init__.py",
    "backcourse/_lazy.py",
    "backcourse/evidence.py",
    "backcourse/files.py",
    "backcourse/safety.py",
    "backcourse/style.py",
    "backcourse/words.py",
    "backcourse/library/__init__.py",
    "backcourse/library/plain.py",
    "backcourse/routine/__init__.py",
    "backcourse/routine/engine.py",
    "backcourse/routine/handout.py",
    "backcourse/routine/browser.py",
)
ENGINE_DATA = ("exercises.json", "red-flags.json")
#: icalendar 7 imports python-dateutil (which imports six) and needs tzdata for its time zones.
CALENDAR_DISTRIBUTIONS = ("icalendar", "python-dateutil", "six", "tzdata")


class BundleError(RuntimeError):
    """Something the live builder needs is missing; the message says how to get it."""


def _zip(entries: dict[str, bytes]) -> bytes:
    """A deflated zip of ``entries`` with fixed dates, so the same input always gives the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, entries[name])
    return buf.getvalue()


def drawings(written: Path | None = None) -> dict[str, dict[str, str]]:
    """Each exercise's drawing (inline SVG) and alt text, from the course's drawing code (needs matplotlib).

    ``written`` is a folder where the library chapter's build already wrote ``<id>.svg`` with the same function;
    those files are reused instead of drawing every exercise again."""
    from backcourse.library import drawings as draw
    from backcourse.library.model import default_library

    out = {}
    for ex in default_library().exercises.values():
        path = Path(written) / f"{ex.id}.svg" if written else None
        svg = path.read_text(encoding="utf-8") if path and path.is_file() else draw.exercise_svg(ex)
        out[ex.id] = {"svg": svg[svg.find("<svg"):], "alt": draw.alt_text(ex)}
    return out


def engine_zip(root: Path = REPO_ROOT, written_drawings: Path | None = None) -> bytes:
    """The engine's modules, the library's JSON and the drawings, as one zip to unpack in Pyodide's file system."""
    entries = {name: (root / name).read_bytes() for name in ENGINE_MODULES}
    for name in ENGINE_DATA:
        path = DATA_DIR / name
        if not path.is_file():
            raise BundleError(f"{path} is missing: run python -m backcourse.library.export")
        entries[f"data/{name}"] = path.read_bytes()
    entries[DRAWINGS_JSON] = json.dumps(drawings(written_drawings), sort_keys=True, separators=(",", ":")).encode()
    return _zip(entries)


def calendar_zip() -> bytes:
    """``icalendar`` and its dependencies, from the installed (pinned) distributions; tests and caches left out."""
    entries = {}
    for name in CALENDAR_DISTRIBUTIONS:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError as err:
            raise BundleError(f"the package {name!r} is not installed: run make install") from err
        for f in dist.files or ():
            path = str(f)
            if path.startswith("..") or ".dist-info/" in path or "__pycache__" in path or "/tests/" in path:
                continue
            entries[path] = Path(dist.locate_file(f)).read_bytes()
    return _zip(entries)


def copy_runtime(static: Path, source: Path = PYODIDE_DIR) -> list[Path]:
    """Copy Pyodide's runtime files into ``static/pyodide``; a file is rewritten only when it changed."""
    missing = [name for name in RUNTIME_FILES if not (source / name).is_file()]
    if missing:
        raise BundleError(f"Pyodide is not installed ({', '.join(missing)} missing in {source}): run npm ci "
                          "(make install does)")
    target = Path(static) / RUNTIME_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in RUNTIME_FILES:
        src, dst = source / name, target / name
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
        written.append(dst)
    meta = json.loads((source / "package.json").read_text(encoding="utf-8"))
    notice = (f"Pyodide {meta['version']} ({meta['license']}), copied unchanged from the npm package 'pyodide'.\n"
              f"Source code: {meta['homepage']}\n")
    written.append(_write_if_changed(target / "NOTICE.txt", notice.encode()))
    return written


def _write_if_changed(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def write_bundle(static: Path, written_drawings: Path | None = None) -> list[Path]:
    """Write the runtime, the engine zip and the calendar zip into the book's ``_static`` folder."""
    static = Path(static)
    written = copy_runtime(static)
    written.append(_write_if_changed(static / LIVE_DIR / ENGINE_ZIP, engine_zip(written_drawings=written_drawings)))
    written.append(_write_if_changed(static / LIVE_DIR / CALENDAR_ZIP, calendar_zip()))
    return written
