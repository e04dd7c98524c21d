"""The diary notebook's wiring: which diary is used, the form saves and refuses, undo, and files."""

from __future__ import annotations

from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from backcourse.diary import store as diary  # noqa: E402
from backcourse.diary import widgets as widgets_diary
from backcourse.diary.store import Entry, EntryError  # noqa: E402
from backcourse.diary.sample import load_sample  # noqa: E402
from backcourse.diary.widgets import DiaryApp, entry_from_form, open_diary  # noqa: E402

KNOWN = {"cat-cow", "bird-dog"}
TODAY = date(2025, 6, 1)


@pytest.fixture
def learner_home(tmp_path, monkeypatch):
    """The learner's data folder, moved into tmp so no test can touch a real diary."""
    path = tmp_path / "home" / "pain-diary.csv"
    monkeypatch.setenv(diary.PATH_ENV, str(path))
    monkeypatch.delenv(widgets_diary.SAMPLE_ENV, raising=False)
    return path


def form(**kw):
    values = dict(date=date(2025, 5, 1), time="", pain=4, pain_set=True, minutes_walked="", exercises=(),
                  tags="", notes="", flare_up=False)
    values.update(kw)
    return values


def test_form_values_become_an_entry():
    e = entry_from_form(form(time="8:05", minutes_walked="25", exercises=("cat-cow",),
                             tags="sitting,  poor sleep ,", notes='a, "b"\nc', flare_up=True))
    assert e == Entry(date=date(2025, 5, 1), pain=4, time=diary.parse_time("08:05"), minutes_walked=25,
                      exercises=("cat-cow",), tags=("sitting", "poor sleep"), notes='a, "b"\nc', flare_up=True)


@pytest.mark.parametrize(
    "kw, field",
    [(dict(minutes_walked="-10"), "minutes_walked"), (dict(time="25:00"), "time"), (dict(date=None), "date"),
     (dict(pain_set=False), "pain"), (dict(tags="a;b"), "tags")],
)
def test_bad_form_input_names_the_field(kw, field):
    with pytest.raises(EntryError) as err:
        entry_from_form(form(**kw))
    assert err.value.field == field


def test_default_shows_the_sample_until_the_learner_saves_then_their_diary(learner_home):
    view = open_diary(known_ids=KNOWN)
    assert view.diary.path == learner_home and not view.practice
    entries, sample = view.shown()
    assert sample and entries == load_sample()
    assert not learner_home.exists(), "looking at the notebook writes nothing"
    app = DiaryApp(view, today=TODAY)
    app.date.value = date(2025, 5, 2)
    app.pain.value = 3
    assert app.save() is not None
    assert diary.read_diary(learner_home) == [Entry(date=date(2025, 5, 2), pain=3)]
    assert view.shown() == ([Entry(date=date(2025, 5, 2), pain=3)], False)
    assert "Saved" in app.message.value
    # The charts under the form were redrawn from the learner's one entry: two figures and the change note.
    figures = [o for o in app.charts.outputs if o["output_type"] == "display_data"]
    notes = [o["text"] for o in app.charts.outputs if o["output_type"] == "stream"]
    assert len(figures) == 2 and notes == ["Week 1 needs at least 3 days with an entry to serve as your "
                                           "baseline.\n"]


def test_use_sample_false_shows_the_empty_own_diary(learner_home):
    view = open_diary(use_sample=False, known_ids=KNOWN)
    assert view.shown() == ([], False)


@pytest.mark.parametrize("how", ["env", "flag"])
def test_sample_mode_never_writes_to_the_learner_data_folder(learner_home, monkeypatch, how):
    if how == "env":
        monkeypatch.setenv(widgets_diary.SAMPLE_ENV, "1")
        view = open_diary(use_sample=None, known_ids=KNOWN)
    else:
        view = open_diary(use_sample=True, known_ids=KNOWN)
    assert view.practice and view.showing_sample
    assert learner_home.parent not in view.diary.path.parents
    app = DiaryApp(view, today=TODAY)
    sample_end = max(e.date for e in load_sample())
    assert app.date.value == sample_end + timedelta(days=1), "practice mode starts the day after the sample ends"
    app.pain.value = 2
    app.save()
    assert len(view.entries()) == len(load_sample()) + 1
    assert not learner_home.parent.exists()


def test_bad_input_shows_a_clear_message_and_writes_nothing(learner_home):
    view = open_diary(known_ids=KNOWN)
    app = DiaryApp(view, today=TODAY)
    app.pain.value = 5
    app.minutes.value = "-20"
    assert app.save() is None
    assert "Not saved" in app.message.value and "Walked (minutes)" in app.message.value and "-20" in app.message.value
    app.minutes.value = ""
    app.date.value = date(2025, 7, 1)
    assert app.save() is None and "future" in app.message.value
    assert not learner_home.exists()


def test_slider_left_untouched_is_not_saved_as_zero(learner_home):
    app = DiaryApp(open_diary(known_ids=KNOWN), today=TODAY)
    app.date.value = date(2025, 5, 2)
    assert app.save() is None and "move the pain slider" in app.message.value


def test_undo_removes_the_last_saved_entry(learner_home):
    app = DiaryApp(open_diary(known_ids=KNOWN), today=TODAY)
    app.date.value = date(2025, 5, 2)
    for pain in (3, 6):
        app.pain.value = pain
        app.pain_set = True
        app.save()
    assert [e.pain for e in diary.read_diary(learner_home)] == [3, 6]
    app.undo_button.click()
    assert [e.pain for e in diary.read_diary(learner_home)] == [3]
    assert app.undo_button.disabled


def test_export_report_and_import_buttons(learner_home, tmp_path):
    app = DiaryApp(open_diary(known_ids=KNOWN), today=TODAY)
    app.date.value = date(2025, 5, 2)
    app.pain.value = 4
    app.save()
    app.file_path.value = str(tmp_path / "copy.json")
    app.export_button.click()
    assert (tmp_path / "copy.json").exists()
    app.export_button.click()
    assert "already exists" in app.file_message.value
    app.import_button.click()
    assert "0 row(s) taken, 1 refused" in app.file_message.value and "already in your diary" in app.file_message.value
    app.file_path.value = str(tmp_path / "report.pdf")
    app.report_button.click()
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


# --- Issue 12: the notebook as a learner uses it ----------------------------------------------------------------


def test_a_second_entry_with_the_same_pain_can_be_saved(learner_home):
    app = DiaryApp(open_diary(known_ids=KNOWN), today=TODAY)
    app.pain.value = 4
    assert app.save() is not None
    app.time.value = "20:00"
    assert app.save() is not None, app.message.value
    assert [e.pain for e in diary.read_diary(learner_home)] == [4, 4]


@pytest.mark.parametrize("setup, words, never", [
    (lambda app: setattr(app.minutes, "value", "-10"), "Walked", "minutes_walked"),
    (lambda app: setattr(app.file_path, "value", "/nonexistent-folder-x/in.csv"), "no file", "Errno"),
])
def test_messages_use_the_forms_words(learner_home, setup, words, never):
    app = DiaryApp(open_diary(known_ids=KNOWN), today=TODAY)
    app.pain.value = 4
    setup(app)
    if app.file_path.value:
        app.import_()
        text = app.file_message.value
    else:
        app.save()
        text = app.message.value
    assert words in text and never not in text


def test_export_over_an_existing_file_names_the_tick_box_not_the_option(learner_home, tmp_path):
    app = DiaryApp(open_diary(known_ids=KNOWN), today=TODAY)
    (tmp_path / "copy.csv").write_text("x")
    app.file_path.value = str(tmp_path / "copy.csv")
    app.export()
    assert "Replace the file if it exists" in app.file_message.value
    assert "overwrite" not in app.file_message.value


def test_buttons_size_to_their_labels(learner_home):
    app = DiaryApp(open_diary(known_ids=KNOWN), today=TODAY)
    for b in (app.export_button, app.import_button, app.report_button, app.save_button, app.undo_button):
        assert b.layout.width == "auto"


def test_a_view_before_the_setup_cell_says_what_to_run_first(monkeypatch):
    monkeypatch.setattr(widgets_diary, "_CURRENT", [])
    with pytest.raises(widgets_diary.SetupNeeded, match="Where your diary is kept"):
        widgets_diary.show(lambda entries, sample: None)


def test_every_view_follows_the_learners_first_entry_and_keeps_it_out_of_the_saved_output(learner_home):
    from backcourse.diary.report import weekly_table_html
    from backcourse.diary.analysis import weekly

    view = open_diary(known_ids=KNOWN)
    banner = view.banner()
    table = widgets_diary.show(lambda entries, sample: weekly_table_html(weekly(entries)) if False else
                               _Html(f"{len(entries)} entries, sample={sample}"))
    assert "MADE-UP SAMPLE" in banner.value
    assert f"{len(load_sample())} entries, sample=True" in str(table.outputs)
    app = DiaryApp(view, today=TODAY)
    app.pain.value = 7
    app.notes.value = "my private note"
    app.save()
    assert "your diary" in banner.value and ": 1 entry from" in banner.value
    assert "1 entries, sample=False" in str(table.outputs)  # the test's own render function, not course text
    for widget in (banner, table, app.widget):
        bundle = widget._repr_mimebundle_()
        assert "private" not in bundle["text/plain"] and "pain 7" not in bundle["text/plain"]
        assert "2025" not in bundle["text/plain"]


def test_banner_counts_one_entry_and_several_entries_in_good_english(learner_home):
    view = open_diary(known_ids=KNOWN)
    diary.append_entry(learner_home, Entry(date(2025, 1, 6), 4), KNOWN, TODAY)
    assert ": 1 entry from 06 January 2025 to 06 January 2025." in view.banner_html()
    diary.append_entry(learner_home, Entry(date(2025, 1, 8), 5), KNOWN, TODAY)
    assert ": 2 entries from 06 January 2025 to 08 January 2025." in view.banner_html()


@pytest.mark.parametrize("n, noun, plural, expected", [
    (0, "entry", None, "0 entries"), (1, "entry", None, "1 entry"), (2, "entry", None, "2 entries"),
    (1, "day", None, "1 day"), (3, "day", None, "3 days"), (1, "week", None, "1 week"), (2, "week", None, "2 weeks"),
    (2, "child", "children", "2 children"), (1, "child", "children", "1 child"),
])
def test_counted(n, noun, plural, expected):
    assert diary.counted(n, noun, plural) == expected


class _Html:
    def __init__(self, text):
        self.text = text

    def _repr_html_(self):
        return self.text


def test_practice_folder_is_removed_when_the_kernel_process_ends(tmp_path):
    import subprocess
    import sys

    code = ("from backcourse.diary import open_diary; v = open_diary(True); print(v.diary.path.parent)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    folder = out.stdout.strip()
    assert folder and "practice" in folder
    from pathlib import Path

    assert not Path(folder).exists()
