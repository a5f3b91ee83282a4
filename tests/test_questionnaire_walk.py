"""Every sector's questionnaire walked to the end through the chat, the way a
person answers it, and the conditions honoured on the way: reuse questions
only for reuse, reverse-osmosis questions (silica, hardness, boron) only when
the TDS is high, nitrogen and phosphorus limits only for a discharge to
surface water. The answers make requirements the engine accepts."""


import pytest
from django.urls import reverse

from conversations.models import Conversation, Message
from conversations.questionnaire import load_questionnaire, questionnaire_for, validate_answer
from conversations.requirements import requirements_from_answers
from projects.models import SUBSECTORS_BY_SECTOR, Role

from .factories import ProjectFactory, ProjectMemberFactory

ALL = [(sector, str(sub)) for sector, subs in SUBSECTORS_BY_SECTOR.items() for sub in subs]


pytestmark = pytest.mark.usefixtures("chat_unthrottled")


def example(question, choose: dict | None = None) -> dict:
    """POST data answering `question` with a valid answer."""
    choose = choose or {}
    if question.key in choose:
        value = choose[question.key]
    elif question.example is not None:
        value = question.example
    elif question.type in ("choice", "multi_choice"):
        value = question.options[0].value
    elif question.type == "yes_no":
        value = "yes"
    else:
        value = "Some text"
    data = {"key": question.key, "type": question.type}
    data["value"] = value if isinstance(value, list) else [value]
    return data


def walk(client, project, choose: dict | None = None, limit: int = 80) -> list[str]:
    """Answer every question the chat asks until it has none left; the keys asked, in order."""
    asked = []
    for _ in range(limit):
        conversation = Conversation.objects.filter(project=project).first()
        answers = conversation.metadata["answers"] if conversation else {}
        if conversation is None:
            from conversations.selectors import initial_metadata

            answers = initial_metadata(project)["answers"]
        questionnaire = questionnaire_for(project.sector, answers)
        question = questionnaire.next_question(answers)
        if question is None:
            return asked
        response = client.post(reverse("chat_answer", args=[project.id]), example(question, choose), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        asked.append(question.key)
        answer = Conversation.objects.get(project=project).metadata["answers"].get(question.key)
        assert answer is not None, (question.key, Message.objects.filter(role="assistant").last().content)
    raise AssertionError(f"the questionnaire did not end: {asked}")


def _project(owner, sector, subsector, **kwargs):
    project = ProjectFactory(owner=owner, sector=sector, subsector=subsector, country="MX", city="Monterrey", **kwargs)
    ProjectMemberFactory(project=project, user=owner, role=Role.OWNER)
    return project


@pytest.mark.parametrize(("sector", "subsector"), ALL)
def test_every_sectors_questionnaire_is_walked_to_the_end(client, owner, sector, subsector):
    project = _project(owner, sector, subsector)
    client.force_login(owner)
    asked = walk(client, project)

    conversation = Conversation.objects.get(project=project)
    assert conversation.metadata["complete"] is True
    assert "flow_average" in asked
    # The project said the subsector, the country and the city: not asked again.
    assert {"subsector", "country", "city"}.isdisjoint(asked)
    assert conversation.metadata["answers"]["subsector"]["source"] == "project"
    # Every answer is a message pair: the question and the user's answer.
    questions = Message.objects.filter(conversation=conversation, metadata__kind="question").count()
    answers = Message.objects.filter(conversation=conversation, metadata__kind="answer").count()
    assert questions == answers == len(asked)
    assert Message.objects.filter(conversation=conversation, metadata__kind="complete").count() == 1

    page = client.get(reverse("project_workspace", args=[project.id])).content.decode()
    assert 'data-complete="true"' in page
    # The engine accepts what was collected (no problems listed in the summary).
    assert 'data-role="requirements-problems"' not in page


def test_a_project_without_subsector_is_asked_for_it_and_then_gets_that_subsectors_questions(client, owner):
    project = _project(owner, "municipal", "")
    client.force_login(owner)
    asked = walk(client, project, choose={"subsector": "drinking_water", "water_source": "groundwater"})
    assert asked[:2] == ["subsector", "water_source"]
    project.refresh_from_db()
    assert project.subsector == "drinking_water"
    # Groundwater: iron and manganese are asked, the surface-water parameters are not.
    assert {"iron", "manganese"} <= set(asked)
    assert {"turbidity", "color", "toc"}.isdisjoint(asked)


def _asked(sector, subsector, answers):
    questionnaire = load_questionnaire(sector, subsector)
    return [q.key for q in questionnaire.applicable(answers)]


def _answers(sector, subsector, **raw):
    questionnaire = load_questionnaire(sector, subsector)
    answers = {"subsector": validate_answer(questionnaire.question("subsector"), subsector)}
    for key, value in raw.items():
        answers[key] = validate_answer(questionnaire.question(key), value)
    return answers


def test_reuse_questions_are_asked_only_when_the_water_is_reused():
    sewer = _asked("industrial", "dairy", _answers("industrial", "dairy", destination="sewer"))
    reuse = _asked("industrial", "dairy", _answers("industrial", "dairy", destination="industrial_reuse"))
    assert "reuse_application" not in sewer and "target_tds" not in sewer
    assert {"reuse_application", "target_tds", "water_to_treat"} <= set(reuse)


def test_reverse_osmosis_questions_are_asked_only_when_the_tds_is_high():
    low = _answers("industrial", "dairy", destination="industrial_reuse", tds="600 mg/L")
    high = _answers("industrial", "dairy", destination="industrial_reuse", tds="4 g/L")
    assert {"silica", "hardness", "boron"}.isdisjoint(_asked("industrial", "dairy", low))
    assert {"silica", "hardness", "boron"} <= set(_asked("industrial", "dairy", high))


def test_high_tds_alone_does_not_ask_for_reverse_osmosis_data_for_a_sewer_discharge():
    sewer = _answers("industrial", "dairy", destination="sewer", tds="4 g/L")
    assert "silica" not in _asked("industrial", "dairy", sewer)


def test_nitrogen_and_phosphorus_limits_are_asked_only_for_a_discharge_to_surface_water():
    river = _asked("municipal", "wastewater", _answers("municipal", "wastewater", destination="surface_water"))
    reuse = _asked("municipal", "wastewater", _answers("municipal", "wastewater", destination="irrigation_reuse"))
    assert {"target_tn", "target_tp", "sensitive_area"} <= set(river)
    assert {"target_tn", "target_tp", "sensitive_area"}.isdisjoint(reuse)


def test_the_boiler_pressure_is_asked_only_for_boiler_feedwater():
    assert "boiler_pressure" in _asked("industrial", "power", _answers("industrial", "power", destination="boiler_feed"))
    assert "boiler_pressure" not in _asked("industrial", "power", _answers("industrial", "power", destination="sewer"))


def test_a_raw_water_source_replaces_the_wastewater_questions():
    answers = _answers("industrial", "power", destination="boiler_feed", water_to_treat="groundwater")
    asked = _asked("industrial", "power", answers)
    assert {"cod", "bod", "fog", "tn", "tp"}.isdisjoint(asked)
    assert "tds" in asked
    requirements = requirements_from_answers({"questionnaire": {"sector": "industrial"}, "answers": answers})
    assert requirements["water_source"] == "groundwater"


def test_changing_an_answer_drops_the_questions_that_no_longer_apply():
    answers = _answers("industrial", "dairy", destination="industrial_reuse", reuse_application=["cooling"])
    metadata = {"questionnaire": {"sector": "industrial"}, "answers": answers, "language": "en"}
    assert "Uses of the reused water" in requirements_from_answers(metadata)["description"]
    answers["destination"] = validate_answer(load_questionnaire("industrial", "dairy").question("destination"), "sewer")
    assert "description" not in requirements_from_answers(metadata)
