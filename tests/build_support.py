"""The book build shared by the tests: where the repository is, how to build the book, how to read its log.

Why a module of its own (not conftest.py): notebooks/ has a conftest.py too, and two modules both named
``conftest`` cannot both be imported by name; tests import these helpers from here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The book and nbval always show the synthetic sample diary, never the diary of whoever runs the tests:
# set before any kernel starts, so nbval's kernels and the build's kernels inherit it.
os.environ["BACKCOURSE_DIARY_SAMPLE"] = "1"

# Sphinx prints warnings as "path:line: WARNING: text" (or "ERROR"/"CRITICAL"); kernels print their own
# "[IPKernelApp] WARNING" lines on stderr, which are not about the book.
SPHINX_PROBLEM = re.compile(r"(?:^|: )(?:WARNING|ERROR|CRITICAL|SEVERE): ")
KERNEL_NOISE = re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class BookBuild:
    """The outcome of one `jupyter-book build`: where it went, what it said, how it ended."""

    returncode: int
    log: str
    log_path: Path
    build_dir: Path

    @property
    def html(self) -> Path:
        return self.build_dir / "html"

    @property
    def reports(self) -> Path:
        return self.html / "reports"

    def problems(self) -> list[str]:
        return [
            line.strip()
            for line in self.log.splitlines()
            if SPHINX_PROBLEM.search(KERNEL_NOISE.sub("", line))
        ]


def build_book(build_parent: Path, extra_args: tuple[str, ...] = ()) -> BookBuild:
    """Run the README's build (`jupyter-book build . -n -W --keep-going`) into ``build_parent/_build``."""
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    cmd = [jb, "build", str(ROOT), "-n", "-W", "--keep-going", *extra_args]
    if build_parent.resolve() != ROOT:
        cmd += ["--path-output", str(build_parent)]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", BACKCOURSE_DIARY_SAMPLE="1")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=1800)
    build_dir = build_parent / "_build"
    build_dir.mkdir(parents=True, exist_ok=True)
    log = ANSI.sub("", proc.stdout + "\n" + proc.stderr)
    log_path = build_dir / "build.log"
    log_path.write_text(log, encoding="utf-8")
    return BookBuild(proc.returncode, log, log_path, build_dir)
