"""The exercise explorer's controls, as a learner sees them."""

from backcourse.library import ExplorerApp, default_library


def test_filter_dropdowns_show_any_choice_not_a_blank():
    app = ExplorerApp()
    for dropdown, shown in ((app.phase, "Any phase"), (app.category, "Any category"),
                            (app.position, "Any position"), (app.core_role, "Any core role")):
        assert dropdown.index == 0
        assert dropdown.label == shown


def test_any_choice_filters_nothing_and_a_phase_filters():
    app = ExplorerApp()
    assert len(app.matches()) == len(default_library().exercises)
    app.phase.value = "acute"
    assert app.matches() == default_library().filter(phase="acute")
    assert len(app.matches()) < len(default_library().exercises)
    app.phase.index = 0
    assert len(app.matches()) == len(default_library().exercises)


def test_a_starting_phase_is_selected():
    assert ExplorerApp(phase="acute").phase.label != "Any phase"
