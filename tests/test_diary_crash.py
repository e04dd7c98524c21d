"""A writer killed mid-save leaves the old or the new diary, never a broken one; two writers lose nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from backcourse.diary import store as diary
from backcourse.diary.store import Entry

KNOWN = ["cat-cow", "bird-dog"]

# A child process that replaces the diary with `n` new entries (notes say "new").
WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, timedelta
    from backcourse.diary import store as diary
    path, n = sys.argv[1], int(sys.argv[2])
    new = [diary.Entry(date=date(2020, 1, 1) + timedelta(days=i % 1500), pain=i % 11, notes="new, " + "x" * 50)
           for i in range(n)]
    print("start", flush=True)
    diary.write_diary(path, new, known_ids=())
    print("done", flush=True)
    """
)

# A child process that appends `n` entries one at a time, each named by the child's label.
APPENDER = textwrap.dedent(
    """
    import os, sys, time
    from datetime import date
    from backcourse.diary import store as diary
    path, label, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    print("ready", flush=True)
    while not os.path.exists(go):  # start both writers at the same moment
        time.sleep(0.005)
    for i in range(n):
        entry = diary.Entry(date=date(2025, 1, 1), pain=i % 11, exercises=("cat-cow",), notes=f"{label} {i}")
        diary.append_entry(path, entry, known_ids={"cat-cow"}, today=date(2025, 6, 1))
        time.sleep(0.003)  # like a person pressing Save again: gives the other writer a turn at the lock
    print("done", flush=True)
    """
)


def old_diary(n: int = 50) -> list[Entry]:
    return [Entry(date=date(2024, 1, 1) + timedelta(days=i), pain=i % 11, notes='old "entry", line\nbreak')
            for i in range(n)]


def start_writer(path: Path, n: int, pause: str | None) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop(diary.TEST_PAUSE_ENV, None)
    if pause:
        env[diary.TEST_PAUSE_ENV] = pause
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_pause(proc: subprocess.Popen, point: str) -> None:
    line = proc.stderr.readline()
    assert line.strip() == f"backcourse-diary-paused:{point}", f"writer did not reach {point}: {line!r}"


@pytest.mark.parametrize(
    "point, expect",
    [("mid-write", "old"), ("before-replace", "old"), ("after-replace", "new")],
)
def test_writer_killed_at_each_point_of_a_save_leaves_old_or_new_diary(tmp_path, point, expect):
    path = tmp_path / "d.csv"
    old = old_diary()
    diary.write_diary(path, old, known_ids=KNOWN)
    proc = start_writer(path, 200, pause=point)
    try:
        wait_for_pause(proc, point)
        if point == "mid-write":
            temps = list(tmp_path.glob(".d.csv.*.tmp"))
            assert len(temps) == 1 and 0 < temps[0].stat().st_size, "the temp file holds half the new diary"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    loaded = diary.read_diary(path)
    if expect == "old":
        assert loaded == old
    else:
        assert len(loaded) == 200 and all(e.notes.startswith("new, ") for e in loaded)
    # The dead writer's lock is gone (the OS drops it with the process) and its temp file is cleaned up.
    diary.append_entry(path, Entry(date=date(2025, 1, 1), pain=1), known_ids=KNOWN, today=date(2025, 6, 1))
    assert list(tmp_path.glob(".d.csv.*.tmp")) == []
    assert diary.read_diary(path)[:-1] == loaded


def test_writer_killed_at_random_moments_never_leaves_a_broken_diary(tmp_path):
    path = tmp_path / "d.csv"
    old = old_diary()
    diary.write_diary(path, old, known_ids=KNOWN)
    rng = random.Random(6)
    outcomes = set()
    for _ in range(4):
        current = diary.read_diary(path)
        proc = start_writer(path, 60_000, pause=None)
        assert proc.stdout.readline().strip() == "start"
        time.sleep(rng.uniform(0.0, 0.35))  # somewhere in building the text, writing, syncing or replacing
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
        loaded = diary.read_diary(path)  # never raises: the file is always a whole diary
        assert loaded == current or len(loaded) == 60_000
        outcomes.add("old" if loaded == current else "new")
    assert outcomes  # the kill landed somewhere; which side depends on timing, both are fine


def test_two_processes_appending_at_once_lose_nothing(tmp_path):
    path = tmp_path / "d.csv"
    n = 80
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(path), label, str(n), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for label in ("A", "B")
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    notes = [e.notes for e in diary.read_diary(path)]
    assert len(notes) == 2 * n
    first_b = next(i for i, x in enumerate(notes) if x.startswith("B "))
    first_a = next(i for i, x in enumerate(notes) if x.startswith("A "))
    assert max(first_a, first_b) < n, "the two writers really did run at the same time (their entries interleave)"
    for label in ("A", "B"):
        mine = [x for x in notes if x.startswith(label + " ")]
        assert mine == [f"{label} {i}" for i in range(n)], "every entry kept, in the order its writer added it"
