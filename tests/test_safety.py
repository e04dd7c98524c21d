"""The red-flag screen: every sign of the evidence brief is asked, plainly, and the gate blocks correctly."""

from __future__ import annotations

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
    # evidence.md section 4, emergency: saddle numbness, bladder/bowel, leg weakness or numbness, walking
    ("numb", "bottom"), ("pee", "poo"), ("legs", "weak"), ("walking",), ("both legs",),
    # see soon: fever, weight loss, cancer, trauma, age over 50, night pain, immune/drugs, getting worse
    ("fever",), ("weight",), ("cancer",), ("fall",), ("over 50",), ("night",), ("inject drugs",),
    ("getting worse",),
])
def test_every_sign_of_the_evidence_brief_is_asked(words):
    assert any(all(w in q.text.lower() for w in words) for q in safety.QUESTIONS), words


@pytest.mark.parametrize("text", [q.text for q in safety.QUESTIONS] + [
    safety.EMERGENCY_MESSAGE, safety.CLEARANCE_MESSAGE, safety.UNANSWERED_MESSAGE, safety.CLEARANCE_STATEMENT,
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


@pytest.mark.parametrize("question", safety.SEE_SOON_QUESTIONS, ids=lambda q: q.id)
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
