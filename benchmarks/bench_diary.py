"""How long the pain diary takes with ten years of entries, three a day: load, analyse, plot (aim: under 1 s of CPU).

Why: a learner who keeps the diary for years should not wait for the notebook. The script writes a synthetic
diary of 10 x 365 days x 3 entries (notes with commas, quotes and line breaks included) to a temporary folder,
then times, best of ``--repeat`` runs:

* load    - read and check the CSV file (``diary.read_diary``);
* analyse - daily means, 7-day rolling mean, weekly summary, change from baseline, flare-ups, walking;
* plot    - draw both charts and render them to SVG, as the notebook does;
* save    - append one entry (lock, read, check, atomic write of the whole file), shown for information.

Run from the repository root:  python benchmarks/bench_diary.py [--years 10] [--per-day 3] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from datetime import date, time as clock, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from backcourse.diary import analysis  # noqa: E402
from backcourse.diary import store as diary
from backcourse.diary import plots
from backcourse.diary.store import Entry  # noqa: E402
from backcourse.style import RC_PARAMS  # noqa: E402


def synthetic(years: int, per_day: int, seed: int = 1) -> list[Entry]:
    rng = random.Random(seed)
    start = date(2015, 1, 5)
    entries = []
    level = 5.0
    for d in range(365 * years):
        day = start + timedelta(days=d)
        level = min(8.0, max(1.0, level + rng.gauss(0, 0.3)))  # pain drifts slowly, as in a real diary
        for k in range(per_day):
            entries.append(Entry(
                date=day, time=clock(8 + 6 * k, 0), pain=max(0, min(10, round(level + rng.gauss(0, 1)))),
                minutes_walked=rng.randint(0, 60) if k == 0 else None,
                exercises=("cat-cow", "bird-dog") if k == 0 else (),
                tags=("sitting",) if rng.random() < 0.2 else (),
                notes='Stiff, "very"\nbetter later' if rng.random() < 0.1 else "",
                flare_up=rng.random() < 0.01,
            ))
    return entries


def best(fn, repeat: int) -> tuple[float, float, object]:
    """Fastest wall-clock and CPU time over ``repeat`` runs (CPU time is steadier on a shared machine)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), result


def analyse(entries):
    days = analysis.daily(entries)
    weeks = analysis.weekly(entries)
    return (analysis.rolling_mean(days), weeks, analysis.change_from_baseline(weeks), analysis.flare_ups(days),
            analysis.walking_and_pain(days), analysis.exercise_counts(entries))


def plot(entries):
    with matplotlib.rc_context(RC_PARAMS):
        for fig in (plots.pain_over_weeks(entries), plots.walking_and_pain_weeks(entries)):
            fig.savefig(io.BytesIO(), format="svg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--per-day", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    entries = synthetic(args.years, args.per_day)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pain-diary.csv"
        diary.write_diary(path, entries)
        size = path.stat().st_size
        load = best(lambda: diary.read_diary(path), args.repeat)
        assert load[2] == entries
        loaded = load[2]
        steps = {
            "load": load,
            "analyse": best(lambda: analyse(loaded), args.repeat),
            "plot": best(lambda: plot(loaded), args.repeat),
        }
        extra = Entry(date=date(2025, 1, 1), pain=3)
        save = best(lambda: diary.append_entry(path, extra, known_ids=(), today=date(2025, 6, 1)), args.repeat)
    print(f"diary: {len(entries)} entries ({args.years} years x {args.per_day} a day), {size / 1e6:.1f} MB CSV")
    print(f"{'step':9} {'wall s':>7} {'cpu s':>7}   (best of {args.repeat})")
    for name, (wall, cpu, _) in steps.items():
        print(f"{name:9} {wall:7.3f} {cpu:7.3f}")
    wall = sum(v[0] for v in steps.values())
    cpu = sum(v[1] for v in steps.values())
    verdict = "OK" if cpu < 1 else "OVER"  # CPU time: wall time depends on what else the machine is running
    print(f"{'total':9} {wall:7.3f} {cpu:7.3f}   load + analyse + plot (both charts to SVG); aim < 1 s of CPU: {verdict}")
    print(f"{'save one':9} {save[0]:7.3f} {save[1]:7.3f}   lock, re-read, check, atomic write + fsync of the whole file")


if __name__ == "__main__":
    main()
