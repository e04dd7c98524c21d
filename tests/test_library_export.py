"""The engine's plain library export: data/exercises.json matches the checked YAML, and the routine engine
runs with the standard library only (no pydantic, PyYAML, matplotlib or ipywidgets), as it must in a browser."""

from __future__ import annotations

import subprocess
import sys

from backcourse import REPO_ROOT
from backcourse.library import export, model, plain


def test_exported_json_is_up_to_date_with_the_yaml():
    on_disk = plain.DEFAULT_JSON.read_text(encoding="utf-8")
    assert on_disk == export.export_text(), (
        "data/exercises.json is stale: run `python -m backcourse.library.export` after changing data/exercises.yaml")


def test_plain_records_agree_with_the_checked_model():
    checked = model.load_library()
    exported = plain.load()
    assert list(exported.exercises) == list(checked.exercises)
    for ex in checked:
        p = exported.get(ex.id)
        for name in ("name", "category", "core_role", "position", "loaded", "isometric", "use_with_care", "kind"):
            assert getattr(p, name) == getattr(ex, name), (ex.id, name)
        for name in ("spine_motion", "equipment", "phases", "easier", "harder", "aliases"):
            assert list(getattr(p, name)) == list(getattr(ex, name)), (ex.id, name)
        for reps in (None, 1, 7):
            assert p.dose.session_seconds(reps) == ex.dose.session_seconds(reps), (ex.id, reps)
    assert exported.vocabulary["phases"] == model.PHASES
    assert exported.vocabulary["equipment"] == model.EQUIPMENT


BLOCKED = ("pydantic", "yaml", "matplotlib", "ipywidgets", "numpy", "pandas")
SCRIPT = f"""
import sys
for name in {BLOCKED!r}:
    sys.modules[name] = None   # any import of these now raises ImportError
sys.path.insert(0, {str(REPO_ROOT)!r})
from datetime import date
from backcourse import safety
from backcourse.routine import engine, checkin
plan = engine.build_plan(engine.Profile(phase="recovering"), safety.all_no(), start=date(2026, 1, 5), weeks=12)
assert plan.sessions and all(s.items for s in plan.sessions)
result = checkin.check_in(plan, [], 1)
print(len(plan.weeks), result.week)
print(sorted(m for m in sys.modules if m.split('.')[0] in {BLOCKED!r} and sys.modules[m] is not None))
"""


def test_engine_runs_with_the_standard_library_only():
    out = subprocess.run([sys.executable, "-I", "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert lines[0] == "12 1"
    assert lines[1] == "[]"
