"""Time to build a plan (6 and 12 weeks), to run the weekly check-in on a year of diary, and to redraw the
routine app's view; prints the figures.

Run: ``python benchmarks/bench_routine.py``. Targets: plan build and check-in each <= 50 ms median.
The widget redraw includes building the plan, the HTML tables, the weekly chart (matplotlib SVG, cached
when the weekly totals repeat) and the exercise drawings (rendered once per process, then reused).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from datetime import time as dtime

import matplotlib

matplotlib.use("Agg")

from backcourse import safety  # noqa: E402
from backcourse.diary.store import Entry  # noqa: E402
from backcourse.routine import checkin, handout  # noqa: E402
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
    for weeks in (6, 12):
        print(f"Build a {weeks}-week plan ({len(library)} exercises in the library):")
        for label, profile in PROFILES.items():
            report(label, timed(lambda: routine.build_plan(profile, answers, start=START, weeks=weeks,
                                                           library=library), 100))

    # A year of diary: one entry a day (two on some days), sessions logged on the plan's session days.
    plan = routine.build_plan(PROFILES["recovering, 15 min x 3"], answers, start=START, weeks=12, library=library)
    rng = random.Random(1)
    diary = []
    first = START + timedelta(days=7 * 12) - timedelta(days=365)   # the year up to the end of week 12
    planned = {d.date: tuple(i.exercise_id for i in d.session.items) for d in plan.days if d.session}
    for n in range(365):
        day = first + timedelta(days=n)
        diary.append(Entry(day, rng.randint(1, 6), minutes_walked=rng.choice([None, 10, 20, 30]),
                           exercises=planned.get(day, ()), flare_up=rng.random() < 0.02))
        if n % 3 == 0:
            diary.append(Entry(day, rng.randint(1, 6), time=dtime(19, 0)))
    print(f"Weekly check-in on a year of diary ({len(diary)} entries):")
    for week in (1, 6, 12):
        report(f"week {week}", timed(lambda: checkin.check_in(plan, diary, week), 100))
    report("check-in and next week's plan (week 6)",
           timed(lambda: checkin.next_plan(plan, checkin.check_in(plan, diary, 6)), 50))

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
