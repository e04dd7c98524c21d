"""The routine builder: the plan engine (``engine``), the weekly check-in (``checkin``), the handout and exports
(``handout``) and the builder widget (``widgets``).

Public: ``Profile``, ``ProfileError``, ``suggest_phase``, ``build_plan``, ``next_reps``, ``default_library``, ``Plan``,
``Blocked``, ``plan_html``, ``blocked_html``, ``gallery_html``, ``weekly_minutes_chart``, ``write_exports``,
``handout_html``, ``checkin_html``, ``check_in``, ``next_plan``, ``save_plan``, ``load_plan``, ``plan_path``,
``RoutineApp``, ``weekly_check_in``, ``diary_plan_file``.
"""

from backcourse._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "Profile": "engine", "ProfileError": "engine", "suggest_phase": "engine", "build_plan": "engine",
    "next_reps": "engine", "default_library": "engine", "Plan": "engine", "Blocked": "engine",
    "plan_html": "handout", "blocked_html": "handout", "gallery_html": "handout",
    "weekly_minutes_chart": "handout", "write_exports": "handout", "handout_html": "handout",
    "checkin_html": "handout", "check_in": "checkin", "next_plan": "checkin", "save_plan": "checkin", "load_plan": "checkin",
    "plan_path": "checkin",
    "RoutineApp": "widgets", "weekly_check_in": "widgets", "diary_plan_file": "widgets",
})
