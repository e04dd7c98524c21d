"""The pain diary: storage (``store``), analysis (``analysis``), charts (``plots``), the clinician report and
HTML tables (``report``), the made-up sample (``sample``) and the diary widget (``widgets``).

Public: ``Diary``, ``Entry``, ``EntryError``, ``DiaryParseError``, ``open_diary``, ``DiaryApp``, ``weekly``, ``daily``, ``change_from_baseline``,
``flare_ups``, ``walking_and_pain``, ``pain_over_weeks``, ``walking_and_pain_weeks``, ``weekly_table_html``,
``note_html``, ``flare_up_html``, ``write_report``, ``load_sample``, ``read_diary``, ``default_diary_path``,
``load_sample_goals``, ``read_goals``, ``Rating``, ``goal_changes``, ``goals_and_pain_weeks``, ``show``,
``GoalsApp``, ``weekly_table_view``, ``change_view``, ``flare_up_view``, ``walking_view``.
"""

from backcourse._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "Diary": "store", "Entry": "store", "EntryError": "store", "DiaryParseError": "store",
    "open_diary": "widgets", "DiaryApp": "widgets",
    "weekly": "analysis", "daily": "analysis", "change_from_baseline": "analysis", "flare_ups": "analysis",
    "walking_and_pain": "analysis",
    "pain_over_weeks": "plots", "walking_and_pain_weeks": "plots",
    "weekly_table_view": "report", "change_view": "report", "flare_up_view": "report", "walking_view": "report",
    "weekly_table_html": "report", "note_html": "report", "flare_up_html": "report", "write_report": "report",
    "load_sample": "sample", "read_diary": "store", "default_diary_path": "store",
    "load_sample_goals": "sample",
    "read_goals": "goals", "Rating": "goals", "goal_changes": "goals",
    "goals_and_pain_weeks": "plots", "show": "widgets", "GoalsApp": "widgets",
})
