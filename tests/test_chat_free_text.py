"""Free-text messages without an LLM: the deterministic parser reads numbers
with units and the names of what they measure, in Spanish and in English,
fills the answers it can, and the assistant asks for what is still missing."""


import pytest
from django.urls import reverse
from django.utils import translation

from conversations.freetext import parse_free_text
from conversations.models import Conversation, Message
from conversations.questionnaire import load_questionnaire

DAIRY = {"subsector": {"value": "dairy"}}


pytestmark = pytest.mark.usefixtures("chat_unthrottled")


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.H2O_AI_MODEL = ""


def _parse(text, sector="industrial", subsector="dairy", answers=None):
    return parse_free_text(text, load_questionnaire(sector, subsector), answers or DAIRY)


def _found(result):
    return {key: item.text for key, item in result.found.items()}


def test_the_parser_reads_a_spanish_message():
    result = _parse("caudal 500 m3/d, DQO 3000 mg/L, pH 6.5")
    assert _found(result) == {"flow_average": "500 m3/d", "cod": "3000 mg/L", "ph": "6.5"}


def test_the_parser_reads_an_english_message():
    result = _parse("Flow is 20 L/s, COD 2500 mg/L and BOD5 1200 mg/L; temperature 35 °C. We discharge to the sewer.")
    assert _found(result) == {
        "flow_average": "20 L/s", "cod": "2500 mg/L", "bod": "1200 mg/L", "temperature": "35 °C", "destination": "sewer",
    }  # fmt: skip


def test_the_parser_reads_spanish_words_accents_decimal_commas_and_units():
    result = _parse("Tenemos un caudal medio de unos 1.500,5 m³/día; la DBO5 es 1800 mg/l, los sólidos suspendidos 600 ppm "
                    "y grasas y aceites 300 mg/L. Nitrógeno total: 60 mg/L, fósforo total 15.")
    assert _found(result) == {
        "flow_average": "1.500,5 m³/día", "bod": "1800 mg/l", "tss": "600 ppm", "fog": "300 mg/L", "tn": "60 mg/L",
        "tp": "15",
    }  # fmt: skip


def test_the_parser_tells_a_peak_flow_from_the_average():
    result = _parse("caudal pico 900 m3/d y caudal medio 500 m3/d")
    assert _found(result) == {"flow_peak": "900 m3/d", "flow_average": "500 m3/d"}


def test_a_flow_or_a_temperature_is_recognised_by_its_unit_alone():
    assert _found(_parse("unos 500 m3/d a 28 °C")) == {"flow_average": "500 m3/d", "temperature": "28 °C"}


def test_a_concentration_without_a_name_is_reported_not_guessed():
    result = _parse("3000 mg/L")
    assert result.found == {} and result.unassigned == ["3000 mg/L"]


def test_a_value_in_the_wrong_kind_of_unit_is_reported():
    result = _parse("caudal 2500 mg/L")
    assert "flow_average" in result.problems and "concentration" in result.problems["flow_average"]


def test_parameters_no_question_asks_about_are_read_too():
    assert _found(_parse("cloruros 400 mg/L, sulfatos 250 mg/L")) == {"chloride": "400 mg/L", "sulfate": "250 mg/L"}


def test_choice_keywords_fill_unanswered_choices_only():
    assert _found(_parse("queremos reutilizar el agua en torres de enfriamiento"))["destination"] == "industrial_reuse"
    answered = {**DAIRY, "destination": {"value": "sewer"}}
    assert "destination" not in _found(_parse("descarga a río", answers=answered))


def test_the_subsector_is_read_when_the_project_has_none():
    result = parse_free_text("somos una cervecería", load_questionnaire("industrial", ""), {})
    assert _found(result) == {"subsector": "brewery"}


@pytest.fixture
def chat(client, engineer):
    def post(project, text, language="en"):
        client.cookies["django_language"] = language
        client.force_login(engineer)
        return client.post(reverse("chat_message", args=[project.id]), {"text": text}, HTTP_HX_REQUEST="true")

    return post


def _answers(project):
    return Conversation.objects.get(project=project).metadata["answers"]


def test_a_message_fills_the_answers_and_the_next_question_is_what_is_missing(chat, project):
    response = chat(project, "caudal 500 m3/d, DQO 3000 mg/L, pH 6.5", language="es")
    answers = _answers(project)
    assert answers["flow_average"]["value"] == pytest.approx(500 / 86400)
    assert answers["cod"]["value"] == pytest.approx(3.0) and answers["cod"]["source"] == "free_text"
    assert answers["ph"]["value"] == 6.5
    reply = Message.objects.filter(conversation__project=project, metadata__kind="extraction").get()
    assert reply.metadata["via"] == "parser"
    with translation.override("es"):
        assert "Caudal medio: 500 m³/d" in reply.content and "DQO: 3" in reply.content
    html = response.content.decode()
    assert 'data-role="current-question"' in html and 'data-key="flow_peak"' in html


def test_a_bad_value_in_a_message_is_explained_and_the_good_ones_kept(chat, project):
    chat(project, "flow 500 m3/d, pH 19, COD 3000 mg/L")
    answers = _answers(project)
    assert "ph" not in answers and "cod" in answers and "flow_average" in answers
    reply = Message.objects.filter(conversation__project=project, metadata__kind="extraction").get()
    assert ["ph", "pH", "The pH scale goes from 0 to 14; 19 is outside it."] in reply.metadata["problems"]


def test_a_message_with_nothing_to_read_says_how_to_write_one(chat, project):
    chat(project, "hello there")
    reply = Message.objects.filter(conversation__project=project, metadata__kind="extraction").get()
    assert "I did not find any value I can use" in reply.content
    assert set(_answers(project)) == {"subsector", "country", "city"}


def test_a_plain_answer_typed_in_the_message_box_answers_the_open_question(chat, project):
    chat(project, "500 m3/d")
    chat(project, "900")
    assert _answers(project)["flow_peak"]["text"] == "900 m³/d"


def test_an_empty_message_changes_nothing(chat, project):
    response = chat(project, "   ")
    assert response.status_code == 200
    assert not Message.objects.filter(conversation__project=project).exists()


def test_a_huge_message_is_handled(chat, project):
    response = chat(project, "DQO 3000 mg/L " * 2000)
    assert response.status_code == 200
    assert _answers(project)["cod"]["value"] == pytest.approx(3.0)
