"""The questionnaires in conversations/questionnaires/ are well-formed data:
every sector and subsector loads, every question reads in Spanish and
English, every condition looks at an earlier answer, every example is a
valid answer, and every answer has a place in the engine's requirements or
in its description."""

import pytest
from django.utils import translation

from conversations.questionnaire import (
    DIMENSIONS,
    QUESTION_TYPES,
    condition_keys,
    load_questionnaire,
    parameters_data,
    validate_answer,
)
from projects.models import SUBSECTORS_BY_SECTOR

ALL = [(sector, str(sub)) for sector, subs in SUBSECTORS_BY_SECTOR.items() for sub in subs]
REQUIREMENT_ROOTS = {"subsector", "water_source", "flow", "destination", "influent", "targets", "location", "economics"}


@pytest.mark.parametrize(("sector", "subsector"), ALL)
def test_every_sector_and_subsector_has_a_questionnaire(sector, subsector):
    questionnaire = load_questionnaire(sector, subsector)
    keys = questionnaire.keys
    assert keys[0] == "subsector"
    assert "flow_average" in keys
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("sector", "subsector"), ALL)
def test_every_question_reads_in_spanish_and_english(sector, subsector):
    questionnaire = load_questionnaire(sector, subsector)
    for question in questionnaire.questions:
        assert question.type in QUESTION_TYPES
        for lang in ("es", "en"):
            assert question.text(lang).strip(), (question.key, lang)
            assert question.short_text(lang).strip(), (question.key, lang)
            for option in question.options:
                assert option.text(lang).strip(), (question.key, option.value, lang)
        if question.type in ("choice", "multi_choice"):
            assert question.options, question.key
        if question.type == "quantity":
            assert question.dimension in DIMENSIONS


@pytest.mark.parametrize(("sector", "subsector"), ALL)
def test_conditions_only_look_at_earlier_answers(sector, subsector):
    questionnaire = load_questionnaire(sector, subsector)
    seen = set(questionnaire.fixed)
    for question in questionnaire.questions:
        assert condition_keys(question.when) <= seen, (question.key, condition_keys(question.when) - seen)
        seen.add(question.key)


@pytest.mark.parametrize(("sector", "subsector"), ALL)
def test_every_answer_has_a_place_in_the_requirements(sector, subsector):
    questionnaire = load_questionnaire(sector, subsector)
    for question in questionnaire.questions:
        if question.maps_to is not None:
            assert question.maps_to.split(".")[0] in REQUIREMENT_ROOTS, question.key
        else:
            # No place: it becomes a line of the requirements' description.
            assert question.type in ("text", "choice", "multi_choice", "yes_no", "quantity")


@pytest.mark.parametrize(("sector", "subsector"), ALL)
def test_every_example_is_a_valid_answer_in_both_languages(sector, subsector):
    questionnaire = load_questionnaire(sector, subsector)
    for lang in ("es", "en"):
        with translation.override(lang):
            for question in questionnaire.questions:
                if question.example is None:
                    continue
                values = {"flow_average": 500 / 86400}
                answer = validate_answer(question, question.example, values=values)
                assert answer["value"] is not None


def test_required_questions_without_a_default_cannot_be_skipped():
    questionnaire = load_questionnaire("municipal", "drinking_water")
    assert not questionnaire.question("flow_average").can_skip
    assert not questionnaire.question("water_source").can_skip
    assert questionnaire.question("cod").can_skip  # the sector's typical value stands


def test_fixed_answers_are_not_asked():
    drinking = load_questionnaire("municipal", "drinking_water")
    assert drinking.fixed == {"destination": "potable", "flow_basis": "product"}
    assert "destination" not in drinking.keys


def test_every_parameter_has_labels_aliases_and_a_known_dimension():
    for name, spec in parameters_data()["parameters"].items():
        assert spec["dimension"] in DIMENSIONS, name
        assert spec["label"]["es"] and spec["label"]["en"], name
        assert spec["short"]["es"] and spec["short"]["en"], name
        assert spec["aliases"], name
        assert all(alias == alias.lower() for alias in spec["aliases"]), name


def test_the_parameters_are_the_engines_parameters():
    from agents.engine.stream import PARAMETERS

    assert set(parameters_data()["parameters"]) == set(PARAMETERS)


def test_a_project_without_a_subsector_is_asked_for_it_first():
    questionnaire = load_questionnaire("industrial", "")
    assert questionnaire.keys == ["subsector"]
    assert not questionnaire.is_complete({})
