"""With an LLM configured (`H2O_AI_MODEL`), free-text messages are read by the
extraction agent (pydantic-ai, output type = partial requirements). Its
output is validated like any answer; when it fails, the parser reads the
message instead. Tested with pydantic-ai's TestModel and FunctionModel: no
network."""

import uuid

import pytest
from django.urls import reverse
from pydantic_ai.messages import ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from conversations.extraction import PartialRequirements, extraction_agent, result_from_output
from conversations.models import Conversation, Message
from conversations.questionnaire import load_questionnaire


@pytest.fixture(autouse=True)
def _llm_configured(settings):
    settings.CACHES = {
        **settings.CACHES,
        "chat-tests": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }
    settings.RATELIMIT_USE_CACHE = "chat-tests"
    settings.H2O_CHAT_RATE_LIMIT = "1000/m"
    settings.H2O_AI_MODEL = "test"


@pytest.fixture
def say(client, engineer):
    client.cookies["django_language"] = "en"
    client.force_login(engineer)

    def post(project, text):
        return client.post(reverse("chat_message", args=[project.id]), {"text": text}, HTTP_HX_REQUEST="true")

    return post


def _answers(project):
    return Conversation.objects.get(project=project).metadata["answers"]


def _reply(project):
    return Message.objects.filter(conversation__project=project, metadata__kind="extraction").order_by("-pk").first()


def test_the_agents_output_fills_the_answers_it_names(say, project):
    output = {
        "flow": {"average": "20 L/s", "peak": "40 L/s"},
        "destination": "surface_water",
        "influent": {"COD": "3000 mg/L", "dbo5": "1.8 g/L", "pH": "7.1"},
        "targets": {"tn": "10 mg/L"},
        "location": {"country": "es", "city": "Valencia"},
    }
    with extraction_agent.override(model=TestModel(custom_output_args=output)):
        say(project, "We treat 20 L/s (peak 40 L/s) of dairy effluent, COD 3000, BOD 1.8 g/L, pH 7.1; river discharge.")
    answers = _answers(project)
    assert answers["flow_average"]["value"] == pytest.approx(0.02)
    assert answers["flow_peak"]["value"] == pytest.approx(0.04)
    assert answers["destination"]["value"] == "surface_water"
    assert answers["cod"]["value"] == pytest.approx(3.0) and answers["cod"]["source"] == "agent"
    assert answers["bod"]["value"] == pytest.approx(1.8)
    assert answers["ph"]["value"] == 7.1
    assert answers["target_tn"]["value"] == pytest.approx(0.01)
    assert (answers["country"]["value"], answers["city"]["value"]) == ("ES", "Valencia")
    assert _reply(project).metadata["via"] == "agent"


def test_the_agents_bad_values_are_refused_with_the_reason(say, project):
    output = {"flow": {"average": "-5 m3/d"}, "influent": {"ph": "19", "cod": "3000 m3/d"}, "destination": "the moon"}
    with extraction_agent.override(model=TestModel(custom_output_args=output)):
        response = say(project, "flow minus five, pH 19")
    assert response.status_code == 200
    assert set(_answers(project)) == {"subsector", "country", "city"}
    problems = {key: message for key, _label, message in _reply(project).metadata["problems"]}
    assert problems["flow_average"] == "Average flow must be greater than zero."
    assert problems["ph"] == "The pH scale goes from 0 to 14; 19 is outside it."
    assert "not a concentration" in problems["cod"]
    assert problems["destination"] == "Choose one of the options shown."


def test_a_function_model_sees_the_message_and_its_answer_is_used(say, project):
    seen = []

    def reply(messages, info: AgentInfo) -> ModelResponse:
        seen.append(str(messages[-1].parts[-1].content))
        tool = info.output_tools[0].name
        return ModelResponse(parts=[ToolCallPart(tool, {"influent": {"sst": "600 mg/L"}, "water_source": None})])

    with extraction_agent.override(model=FunctionModel(reply)):
        say(project, "Los SST son 600 mg/L")
    assert "Los SST son 600 mg/L" in seen[0] and "subsector: dairy" in seen[0]
    assert _answers(project)["tss"]["value"] == pytest.approx(0.6)


def test_when_the_agent_fails_the_parser_reads_the_message(say, project):
    def broken(messages, info: AgentInfo) -> ModelResponse:
        raise ConnectionError("no network")

    with extraction_agent.override(model=FunctionModel(broken)):
        response = say(project, "caudal 500 m3/d, DQO 3000 mg/L")
    assert response.status_code == 200
    assert _answers(project)["cod"]["source"] == "free_text"
    assert _reply(project).metadata["via"] == "parser"


def test_an_agent_that_keeps_answering_malformed_output_falls_back_to_the_parser(say, project):
    def malformed(messages, info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"flow": "not an object", "influent": 7})])

    with extraction_agent.override(model=FunctionModel(malformed)):
        say(project, "flow 500 m3/d")
    assert _answers(project)["flow_average"]["source"] == "free_text"
    assert _reply(project).metadata["via"] == "parser"


def test_without_a_model_the_agent_is_not_called(say, project, settings):
    settings.H2O_AI_MODEL = ""

    def must_not_run(messages, info):  # pragma: no cover - failing is the point
        raise AssertionError("the agent ran without a configured model")

    with extraction_agent.override(model=FunctionModel(must_not_run)):
        say(project, "DQO 3000 mg/L")
    assert _reply(project).metadata["via"] == "parser"


def test_the_agents_output_maps_onto_the_questions_by_their_place_in_the_requirements():
    questionnaire = load_questionnaire("industrial", "power")
    output = PartialRequirements(water_source="groundwater", influent={"Sílice": "20 mg/L", "unobtainium": "1 mg/L"})
    result = result_from_output(output, questionnaire)
    assert {k: v.text for k, v in result.found.items()} == {"water_to_treat": "groundwater", "silica": "20 mg/L"}
    assert result.unassigned == ["unobtainium: 1 mg/L"]
