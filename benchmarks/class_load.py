"""Class load on a real JupyterHub: N learners log in, open an assign link, run the four notebooks, save a diary entry.

Everything goes through the hub (REST API, nbgitpuller, kernel websocket); this process never imports the course
logic. Prints per-learner memory (server + kernel RSS), time to first notebook (login until the assigned
notebook's first cell has run; median and 95th percentile), failures and the machine's peak memory, then stops
the hub. The sizing rule in book/instructors/class-scale.md and deploy/z2jh/config.yaml come from these figures.

    python benchmarks/class_load.py --learners 30 [--workers 6] [--port 18000]
    python benchmarks/class_load.py --learners 3 --notebooks 1    # the short version tests/test_hub.py runs

Exits 1 if any learner failed, so the short version can hold the benchmark itself working.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from backcourse.teach.hubclient import Learner, code_cells, wait_for_hub  # noqa: E402  (a client, no course logic)

NOTEBOOKS = ["notebooks/how-to-use-notebooks.ipynb", "notebooks/pain-diary.ipynb",
             "notebooks/build-your-routine.ipynb", "notebooks/exercise-explorer.ipynb"]
SAVE = ("from datetime import date\nfrom backcourse.diary.store import Entry, append_entry, default_diary_path\n"
        "p = default_diary_path(); p.parent.mkdir(parents=True, exist_ok=True)\n"
        "append_entry(p, Entry(date=date.today(), pain=4, notes='class load'))")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def learner_rss(state: Path, name: str) -> int:
    """Bytes resident in the learner's processes (their server and kernels): those whose HOME is their home."""
    home = f"HOME={state / 'homes' / name}".encode()
    total = 0
    for proc in psutil.process_iter(["pid"]):
        try:
            if home in Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0"):
                total += proc.memory_info().rss
        except (OSError, psutil.Error):
            continue
    return total


def one_learner(base: str, name: str, password: str, links: list[str]) -> dict:
    started = time.monotonic()
    learner = Learner(base, name)
    result = {"name": name, "first": None, "error": "", "cells": 0}
    try:
        learner.login(password)
        learner.start_server(timeout=600)
        for index, link in enumerate(links):
            path = learner.open_assign_link(link)
            kernel = learner.start_kernel(path)
            cells = code_cells(learner.read_notebook(path))
            outcomes = learner.run(kernel, cells[:1], cwd=f"~/{path.rsplit('/', 1)[0]}", timeout=600)
            if index == 0:
                result["first"] = time.monotonic() - started
            outcomes += learner.run(kernel, cells[1:], cwd=f"~/{path.rsplit('/', 1)[0]}", timeout=600)
            result["cells"] += len(outcomes)
            bad = [o["error"] for o in outcomes if o["status"] != "ok"]
            if bad:
                raise RuntimeError(f"{path}: {bad[0]}")
            if index == min(1, len(links) - 1):
                saved = learner.run(kernel, [SAVE])[0]
                if saved["status"] != "ok":
                    raise RuntimeError(f"diary entry not saved: {saved['error']}")
    except Exception as exc:  # a failure is a figure, not a crash of the benchmark
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
        traceback.print_exc(limit=1)
    result["total"] = time.monotonic() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--workers", type=int, default=6, help="learners acting at the same time")
    parser.add_argument("--port", type=int, default=18000)
    parser.add_argument("--notebooks", type=int, default=len(NOTEBOOKS), choices=range(1, len(NOTEBOOKS) + 1),
                        help="run only the first N of the four notebooks (default: all)")
    args = parser.parse_args()
    notebooks = NOTEBOOKS[: args.notebooks]

    top = Path(tempfile.mkdtemp(prefix="backcourse-class-load-", dir="/tmp"))
    os.chmod(top, 0o755)
    repo = top / "moving-again"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(repo)], check=True)
    subprocess.run(["chmod", "-R", "a+rX", str(top)], check=True)
    branch = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    base, password = f"http://127.0.0.1:{args.port}", secrets.token_urlsafe(12)
    links = subprocess.run(
        [sys.executable, "-m", "backcourse.teach.assign", "--hub", base, "--repo", f"file://{repo}", "--branch", branch,
         *[a for n in notebooks for a in ("--page", n)]],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    baseline = psutil.virtual_memory().used
    peak = [baseline]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], psutil.virtual_memory().used)
            time.sleep(0.5)

    names = [f"learner{i:02d}" for i in range(1, args.learners + 1)]
    hub = subprocess.Popen([sys.executable, "-m", "backcourse.teach.hub", "--port", str(args.port), "--learners",
                            str(args.learners), "--password", password, "--state", str(top / "state")],
                           cwd=ROOT, stdout=open(top / "hub.log", "w"), stderr=subprocess.STDOUT)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        wait_for_hub(base, timeout=300)
        with ThreadPoolExecutor(args.workers) as pool:
            results = list(pool.map(lambda n: one_learner(base, n, password, links), names))
        rss = [learner_rss(top / "state", n) for n in names]
    finally:
        wall = time.monotonic() - started
        hub.send_signal(signal.SIGINT)
        hub.wait(timeout=300)
        stop.set()
        sampler.join()
    ok = [r for r in results if not r["error"]]
    firsts = [r["first"] for r in results if r["first"] is not None]
    mib = [b / 2**20 for b in rss if b]
    print(f"class load: {args.learners} learners, {args.workers} at a time, {len(notebooks)} notebooks each, "
          f"{os.cpu_count()} CPU cores, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM (shared machine)")
    print(f"  failures: {len(results) - len(ok)} of {len(results)}")
    for r in results:
        if r["error"]:
            print(f"    {r['name']}: {r['error']}")
    if firsts:
        print(f"  time to first notebook: median {statistics.median(firsts):.1f} s, "
              f"95th percentile {percentile(firsts, 0.95):.1f} s")
    if mib:
        print(f"  per-learner memory (server + {len(notebooks)} kernels, RSS): median {statistics.median(mib):.0f} MiB, "
              f"max {max(mib):.0f} MiB")
    print(f"  machine memory: peak {(peak[0] - baseline) / 2**30:.2f} GiB above the {baseline / 2**30:.2f} GiB in use "
          f"before the hub started")
    print(f"  wall time {wall:.0f} s; hub stopped (exit {hub.returncode})")
    shutil.rmtree(top, ignore_errors=True)
    return 0 if len(ok) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
