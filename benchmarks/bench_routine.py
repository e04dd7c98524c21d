"""Time to build a 6-week plan and to redraw the routine app's view; prints the figures.

Run: ``python benchmarks/bench_routine.py``. The target for building a plan is well under 50 ms.
The widget redraw includes building the plan, the HTML tables, the weekly chart (matplotlib SVG, cached
when the weekly totals repeat) and the exercise drawings (rendered once per process, then reused).
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import matplotlib

matplotlib.use("Agg")

from backcourse import safety  # noqa: E402
from backcourse.routine import handout
from backcourse.routine import engine as routine
from backcourse.routine.widgets import RoutineApp  # noqa: E402

START = date(2026, 1, 5)
PROFILES = {
    "acute, 10 min x 7": routine.Profile(phase="acute", equipment=("mat",), minutes_per_session=10,
                                         sessions_per_week=7),
    "recovering, 15 min x 3": routine.Profile(phase="recovering", aggravated_by=("sitting",),
                                              equipment=("mat", "strap")),
    "maintenance, 60 min x 7, all kit": routine.Profile(phase="maintenance", equipment=routine.EQUIPMENT,
                                                        minutes_per_session=60, sessions_per_week=7),
}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(label: str, ms: list[float]) -> None:
    print(f"  {label:<44} median {statistics.median(ms):7.2f} ms   max {max(ms):7.2f} ms   (n={len(ms)})")


def main() -> None:
    library = routine.default_library()  # read and validated once, as in the app
    answers = safety.all_no()
    print(f"Build a 6-week plan ({len(library)} exercises in the library):")
    for label, profile in PROFILES.items():
        report(label, timed(lambda: routine.build_plan(profile, answers, start=START, library=library), 200))

    app = RoutineApp(start=START, library=library)
    toggles = list(app.questions.values())
    for toggle in toggles[:-1]:
        toggle.value = False
    print("Redraw the app's view after one change (plan, tables, chart, drawings):")
    report("first plan shown (drawings rendered)", timed(lambda: setattr(toggles[-1], "value", False), 1))
    report("redraw, same weekly totals (chart cached)", timed(app.redraw, 20))
    values = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]

    def change_minutes():
        handout._chart_svg.cache_clear()   # measure the chart being drawn every time
        app.minutes.value = values[(values.index(app.minutes.value) + 1) % len(values)]

    report("minutes changed, chart redrawn", timed(change_minutes, 12))


if __name__ == "__main__":
    main()
