"""The red-flag screen: every sign of the evidence brief is asked, plainly, and the gate blocks correctly."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import textstat

from backcourse import safety


def test_questions_have_unique_ids_and_levels():
    ids = [q.id for q in safety.QUESTIONS]
    assert len(ids) == len(set(ids))
    assert {q.level for q in safety.EMERGENCY_QUESTIONS} == {safety.EMERGENCY}
    assert {q.level for q in safety.SEE_SOON_QUESTIONS} == {safety.SEE_SOON}
    # emergency signs are asked first
    assert safety.QUESTIONS[: len(safety.EMERGENCY_QUESTIONS)] == safety.EMERGENCY_QUESTIONS


@pytest.mark.parametrize("words", [
    # evidence.md section 4, emergency: saddle numbness, bladder/bowel, sex, both legs, severe or fast leg weakness,
    # chest pain, pulsing belly, very unwell
    ("numb", "bottom"), ("pee", "poo"), ("sex",), ("both legs",), ("leg", "weak", "fast"), ("chest pain",),
    ("pulsing", "belly"), ("very unwell",),
    # see soon: fever, weight loss, cancer, trauma, steroids, age over 50, night pain, immune/drugs, getting worse
    ("fever",), ("weight",), ("cancer",), ("fall",), ("steroid",), ("over 50",), ("night",), ("inject drugs",),
    ("getting worse",),
])
def test_every_sign_of_the_evidence_brief_is_asked(words):
    assert any(all(w in q.text.lower() for w in words) for q in safety.QUESTIONS), words


@pytest.mark.parametrize("text", [q.text for q in safety.QUESTIONS] + [q.plain for q in safety.QUESTIONS] + [
    safety.EMERGENCY_MESSAGE, safety.CLEARANCE_MESSAGE, safety.UNANSWERED_MESSAGE, safety.CLEARANCE_STATEMENT,
    safety.CLEAR_MESSAGE, safety.WEAK_SIGN_MESSAGE, safety.PAIN_RULE, safety.NOT_EMERGENCY, safety.WHILE_WAITING,
])
def test_safety_text_reads_at_grade_6_or_lower(text):
    assert textstat.flesch_kincaid_grade(text) <= 6.0, text


def test_all_no_is_clear():
    result = safety.check(safety.all_no())
    assert result.clear and result.flagged == () and result.unanswered == ()


@pytest.mark.parametrize("question", safety.EMERGENCY_QUESTIONS, ids=lambda q: q.id)
def test_any_emergency_sign_blocks_even_when_cleared(question):
    answers = safety.all_no() | {question.id: True}
    result = safety.check(answers, clinician_cleared=True)
    assert result.status == safety.BLOCK_EMERGENCY
    assert result.flagged == (question.id,)
    assert "emergency" in result.message


@pytest.mark.parametrize("question", [q for q in safety.SEE_SOON_QUESTIONS if q.alone_blocks], ids=lambda q: q.id)
def test_see_soon_sign_blocks_until_a_clinician_clears(question):
    answers = safety.all_no() | {question.id: True}
    assert safety.check(answers).status == safety.BLOCK_CLEARANCE
    assert safety.check(answers, clinician_cleared=True).clear


def test_unanswered_questions_are_not_taken_as_no():
    answers = safety.all_no()
    del answers["fever"]
    result = safety.check(answers)
    assert result.status == safety.BLOCK_UNANSWERED and result.unanswered == ("fever",)
    assert safety.check(answers | {"cancer": None}).unanswered == ("fever", "cancer")


def test_an_emergency_sign_wins_over_unanswered_questions():
    assert safety.check({"leg-weakness": True}).status == safety.BLOCK_EMERGENCY


def test_unknown_question_or_value_is_an_error_naming_it():
    with pytest.raises(safety.ScreenError, match="'headache'"):
        safety.check({"headache": True})
    with pytest.raises(safety.ScreenError, match="'fever'.*'yes'"):
        safety.check({"fever": "yes"})
    with pytest.raises(safety.ScreenError, match="clinician_cleared"):
        safety.check(safety.all_no(), clinician_cleared="yes")


# --- issue 16: only real booleans are answers ---------------------------------------------------------------

@pytest.mark.parametrize("value", [1, 1.0, 0, 0.0, "yes", "no", "", [], "True"])
def test_a_value_that_is_not_a_real_bool_is_refused_with_id_and_value(value):
    with pytest.raises(safety.AnswerError) as err:
        safety.check(safety.all_no() | {"saddle-numbness": value})
    assert "'saddle-numbness'" in str(err.value) and repr(value) in str(err.value)


def test_numpy_bools_are_refused():
    numpy = pytest.importorskip("numpy")
    for value in (numpy.bool_(True), numpy.bool_(False), numpy.int64(1)):
        with pytest.raises(safety.AnswerError, match="'both-legs'"):
            safety.check(safety.all_no() | {"both-legs": value})
    with pytest.raises(safety.AnswerError, match="clinician_cleared"):
        safety.check(safety.all_no(), clinician_cleared=1)


def test_answer_error_is_a_screen_error_for_existing_callers():
    assert issubclass(safety.AnswerError, safety.ScreenError)


# --- issue 16: the triage of evidence.md section 4 -----------------------------------------------------------

def test_emergency_signs_are_exactly_those_of_evidence_section_4():
    assert {q.id for q in safety.red_flags(safety.EMERGENCY)} == {
        "saddle-numbness", "bladder-bowel", "sex-problems", "both-legs", "leg-weakness", "chest-pain",
        "pulsing-belly", "very-unwell"}
    assert "steroids" in {q.id for q in safety.red_flags(safety.SEE_SOON)}


def test_one_sided_leg_pain_is_never_an_emergency_sign():
    for q in safety.red_flags(safety.EMERGENCY):
        words = (q.text + " " + q.plain).lower()
        assert "one leg" not in words and ("leg" not in words or "both legs" in words or "weak" in words), q
    assert "not an emergency" in safety.NOT_EMERGENCY and "ONE leg" in safety.NOT_EMERGENCY
    assert "keep moving" in safety.NOT_EMERGENCY.lower()


def test_see_soon_block_does_not_say_rest_until_seen():
    text = " ".join([safety.CLEARANCE_MESSAGE, safety.WHILE_WAITING, *safety.see_soon_block().close]).lower()
    assert "short walks" in text and "do not need to rest" in text
    assert not re.search(r"\b(please )?rest (until|before|and wait)", text)


def test_new_back_pain_over_50_alone_does_not_block_but_is_named():
    result = safety.check(safety.all_no() | {"new-over-50": True})
    assert result.clear and result.flagged == ("new-over-50",) and result.weak == ("new-over-50",)
    assert "over 50" in result.message and "walking" in result.message
    assert "No warning signs" not in result.message


def test_over_50_with_another_see_soon_sign_needs_clearance():
    answers = safety.all_no() | {"new-over-50": True, "night-pain": True}
    assert safety.check(answers).status == safety.BLOCK_CLEARANCE
    cleared = safety.check(answers, clinician_cleared=True)
    assert cleared.clear and set(cleared.cleared) == {"new-over-50", "night-pain"}


def test_emergency_message_and_every_emergency_block_give_the_numbers():
    for number in ("999", "911", "112", "000"):
        assert number in safety.EMERGENCY_MESSAGE
        assert number in safety.emergency_html()
        assert number in safety.red_flags_html(safety.EMERGENCY)
        assert number in safety.red_flags_html()


# --- issue 16: a cleared learner is told what they answered ---------------------------------------------------

def test_cleared_message_names_what_was_answered():
    result = safety.check(safety.all_no() | {"fever": True, "steroids": True}, clinician_cleared=True)
    message = safety.cleared_message(result)
    assert message == result.message
    assert message.startswith("You said a clinician has cleared you for")
    assert safety.QUESTIONS_BY_ID["fever"].plain in message and safety.QUESTIONS_BY_ID["steroids"].plain in message
    assert "No warning signs" not in message


def test_cleared_message_when_every_answer_is_no_says_so():
    assert safety.cleared_message(safety.check(safety.all_no())).startswith("You said no to every warning sign")


def test_cleared_message_of_a_blocked_result_is_its_own_message():
    result = safety.check(safety.all_no() | {"both-legs": True})
    assert safety.cleared_message(result) == result.message == safety.EMERGENCY_MESSAGE


def test_red_flags_reads_the_data_file():
    import json
    data = json.loads(safety.JSON_PATH.read_text(encoding="utf-8"))
    assert [(s["id"], s["level"], s["question"], s["plain"]) for s in data["signs"]] == [
        (q.id, q.level, q.question, q.plain) for q in safety.red_flags()]
    with pytest.raises(ValueError, match="level"):
        safety.red_flags("soon")


def test_safety_runs_on_the_standard_library_only():
    import ast
    tree = ast.parse(Path(safety.__file__).read_text(encoding="utf-8"))
    top = {a.name.split(".")[0] for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    top |= {n.module.split(".")[0] for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
    assert top <= set(sys.stdlib_module_names) | {"__future__"}, top


@pytest.mark.parametrize("block", ["emergency_block", "see_soon_block", "pain_rule_block", "first_days_block",
                                   "short_emergency_block"])
def test_every_safety_box_reads_at_grade_6_or_lower(block):
    b = getattr(safety, block)()
    assert textstat.flesch_kincaid_grade(safety.block_prose(b)) <= 6.0, safety.block_prose(b)


def test_first_days_card_is_under_150_words():
    assert len(safety.block_words(safety.first_days_block()).split()) < 150


def test_pain_rule_holds_the_parts_evidence_9_requires():
    rule = safety.PAIN_RULE.lower()
    for part in ("normal and safe", "5 out of 10", "next morning", "week by week", "ease off or change",
                 "spreads down a leg", "warning sign", "stop and get help"):
        assert part in rule, part
    assert "hurt is not harm" in safety.PAIN_RULE_TITLE.lower()
