"""Print four example plans as a physiotherapist would read them (week 1, week 4 and the last week's first
session, walking, notes and the rules used). Run: ``python benchmarks/example_plans.py``."""

from __future__ import annotations

from datetime import date

from backcourse import safety
from backcourse.routine import engine as routine

START = date(2026, 1, 5)
s = routine.suggest_phase(30, 8, True)
EXAMPLES = {
    "Acute, sitting hurts (10 min x 5, mat)": routine.Profile(phase="acute", aggravated_by=("sitting",),
                                                             minutes_per_session=10, sessions_per_week=5),
    "Recovering, no equipment (15 min x 3)": routine.Profile(phase="recovering", equipment=()),
    f"Chronic, high pain today ({s.phase}, low dose)": routine.Profile(phase=s.phase, low_dose=s.low_dose,
                                                                       minutes_per_session=20),
    "Maintenance, 45 min x 3 (wall, chair)": routine.Profile(phase="maintenance", equipment=("wall", "chair"),
                                                             minutes_per_session=45, sessions_per_week=3,
                                                             aerobic_minutes_now=20, aerobic_days_now=3),
}


def main() -> None:
    print(s.reason)
    for title, profile in EXAMPLES.items():
        plan = routine.build_plan(profile, safety.all_no(), start=START, weeks=8)
        print(f"\n== {title}")
        for note in plan.notes:
            print("  note:", note)
        for wk in (1, 4, 8):
            week = plan.weeks[wk - 1]
            session = week.sessions[0]
            items = "; ".join(f"{i.name} {i.dose_text}" for i in session.items)
            walks = [d.aerobic for d in week.days if d.aerobic]
            walk = (f"{walks[0].name} {walks[0].minutes} min x {len(walks)}"
                    + (f" (in {walks[0].bouts} bouts)" if walks[0].bouts > 1 else "")) if walks else "none"
            names = {i.name for x in week.sessions for i in x.items}
            print(f"  wk{wk}: {len(session.items)} ex, {session.minutes:.0f} min: {items}")
            print(f"        {len(names)} different exercises this week; aerobic: {walk}")


if __name__ == "__main__":
    main()
