"""Answering the questionnaire in the chat: each answer is validated and
unit-parsed, stored as messages and in the conversation metadata; a bad
answer gets a clear explanation and the question again, never a 500."""


import pytest
from django.urls import reverse

from conversations.models import Conversation, Message


pytestmark = pytest.mark.usefixtures("chat_unthrottled")


@pytest.fixture
def en(client, engineer):
    client.cookies["django_language"] = "en"
    client.force_login(engineer)
    return client


def _answer(client, project, key, value, unit=None, htmx=True, **extra):
    data = {"key": key, "value": value, **extra}
    if unit:
        data["unit"] = unit
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("chat_answer", args=[project.id]), data, **headers)


def _answers(project):
    return Conversation.objects.get(project=project).metadata["answers"]


def _last_assistant(project) -> str:
    return Message.objects.filter(conversation__project=project, role="assistant").order_by("-pk").first().content


def test_an_answer_is_stored_in_si_with_the_users_text_and_unit(en, project):
    response = _answer(en, project, "flow_average", "20", unit="L/s")
    assert response.status_code == 200
    answer = _answers(project)["flow_average"]
    assert answer["value"] == pytest.approx(0.02)  # m³/s
    assert (answer["text"], answer["unit"], answer["source"], answer["skipped"]) == ("20 L/s", "L/s", "user", False)


def test_a_unit_written_in_the_text_wins_over_the_unit_selected(en, project):
    _answer(en, project, "flow_average", "2 MGD", unit="m3/d")
    answer = _answers(project)["flow_average"]
    assert answer["unit"] == "MGD"
    assert answer["value"] == pytest.approx(2 * 3785.411784 / 86400)


def test_an_answer_is_stored_as_the_question_and_the_users_message(en, project):
    _answer(en, project, "flow_average", "500 m3/d")
    messages = list(Message.objects.filter(conversation__project=project).order_by("pk"))
    assert [(m.role, m.metadata["kind"]) for m in messages] == [("assistant", "question"), ("user", "answer")]
    assert messages[0].content == "What is the average flow of water to treat?"
    assert messages[1].content == "500 m3/d"


def test_the_htmx_answer_returns_the_chat_panel_with_the_next_question(en, project):
    response = _answer(en, project, "flow_average", "500 m3/d")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="chat"')
    assert 'data-role="current-question"' in html and 'data-key="flow_peak"' in html
    assert "500 m³/d" in html  # in the summary


def test_without_htmx_the_answer_redirects_to_the_chat_page(en, project):
    response = _answer(en, project, "flow_average", "500 m3/d", htmx=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("chat", args=[project.id]) + "#chat-composer"
    page = en.get(response["Location"])
    assert page.status_code == 200
    assert "What is the peak (maximum) flow?" in page.content.decode()


@pytest.mark.parametrize(
    ("key", "value", "unit", "explanation"),
    [
        ("flow_average", "abc m3/d", "m3/d", "I could not find a number in “abc m3/d”"),
        ("flow_average", "-5", "m3/d", "Average flow must be greater than zero."),
        ("flow_average", "0", "m3/d", "Average flow must be greater than zero."),
        ("flow_average", "1e12 m3/d", "m3/d", "is more than 5,184,000 m³/d"),
        ("flow_average", "2500 mg/L", "m3/d", "“2500 mg/L” is a concentration (such as mg/L or g/L), not a flow"),
        ("flow_average", "500 m", "m3/d", "is a length, not a flow"),
        ("flow_average", "500 furlongs per fortnight", "m3/d", "not a flow"),
        ("flow_average", "500 bananas", "m3/d", "I do not know the unit “bananas”"),
        ("flow_average", "", "m3/d", "Please answer the question"),
        ("flow_average", "500", "parsecs", "Choose one of the units offered."),
        ("ph", "19", None, "The pH scale goes from 0 to 14; 19 is outside it."),
        ("ph", "-1", None, "pH cannot be below 0."),
        ("ph", "7 mg/L", None, "has no unit"),
        ("temperature", "150 °C", "degC", "is more than 100 °C"),
        ("cod", "-3000 mg/L", "mg/L", "COD cannot be below 0 mg/L."),
        ("cod", "3000 m3/d", "mg/L", "is a flow (such as m³/d, L/s, MGD or gpm), not a concentration"),
        ("destination", "the moon", None, "Choose one of the options shown."),
        ("sensitive_area", "maybe", None, "Please answer yes or no."),
    ],
)
def test_a_bad_answer_is_explained_and_asked_again(en, project, key, value, unit, explanation):
    if key == "sensitive_area":
        _answer(en, project, "destination", "surface_water")
    response = _answer(en, project, key, value, unit=unit)
    assert response.status_code == 200
    answers = Conversation.objects.get(project=project).metadata["answers"]
    assert key not in answers
    explained = _last_assistant(project)
    assert explanation in explained, explained
    assert explained.endswith("Please answer again.")
    html = response.content.decode()
    assert explanation.replace("“", "&ldquo;")[:20] in html or explanation[:20] in html
    # The same question is open again.
    if key == "flow_average":
        assert 'data-role="current-question"' in html and 'data-key="flow_average"' in html


def test_a_rejected_answer_is_kept_in_the_conversation_marked_rejected(en, project):
    _answer(en, project, "flow_average", "abc m3/d")
    rejected = Message.objects.get(conversation__project=project, role="user")
    assert rejected.content == "abc m3/d" and rejected.metadata["rejected"] is True


def test_a_peak_flow_below_the_average_is_refused(en, project):
    _answer(en, project, "flow_average", "500 m3/d")
    _answer(en, project, "flow_peak", "300 m3/d")
    assert "flow_peak" not in _answers(project)
    assert "cannot be less than 1 times the answer to “Average flow” (500 m³/d)" in _last_assistant(project)


def test_lowering_the_average_flow_reopens_a_peak_that_no_longer_fits(en, project):
    _answer(en, project, "flow_average", "500 m3/d")
    _answer(en, project, "flow_peak", "900 m3/d")
    _answer(en, project, "flow_average", "50 m3/d")
    assert "flow_peak" not in _answers(project)
    notice = Message.objects.filter(conversation__project=project, metadata__kind="notice").get()
    assert "no longer fits" in notice.content


def test_a_choice_accepts_its_label_or_a_keyword_in_either_language(en, project):
    _answer(en, project, "destination", "Alcantarillado")
    assert _answers(project)["destination"]["value"] == "sewer"


def test_a_multiple_choice_keeps_every_option_chosen(en, project):
    _answer(en, project, "destination", "industrial_reuse")
    en.post(
        reverse("chat_answer", args=[project.id]),
        {"key": "reuse_application", "type": "multi_choice", "value": ["cooling", "washing"]},
        HTTP_HX_REQUEST="true",
    )
    assert _answers(project)["reuse_application"]["value"] == ["cooling", "washing"]


def test_spanish_numbers_and_units_are_read(client, engineer, project):
    client.cookies["django_language"] = "es"
    client.force_login(engineer)
    _answer(client, project, "flow_average", "1.500,5 m³/día")
    _answer(client, project, "ph", "6,5")
    answers = _answers(project)
    assert answers["flow_average"]["value"] == pytest.approx(1500.5 / 86400)
    assert answers["ph"]["value"] == 6.5


def test_an_answer_to_a_question_that_does_not_exist_changes_nothing(en, project):
    response = _answer(en, project, "favourite_colour", "blue")
    assert response.status_code == 200
    assert not Message.objects.filter(conversation__project=project).exists()


def test_a_very_long_answer_is_refused_politely(en, project):
    response = _answer(en, project, "notes", "x" * 5000)
    assert response.status_code == 200
    assert "That is too long" in _last_assistant(project)


def test_the_first_answer_creates_one_conversation_with_what_the_project_knows(en, project):
    assert not Conversation.objects.filter(project=project).exists()
    _answer(en, project, "flow_average", "500 m3/d")
    _answer(en, project, "flow_peak", "900 m3/d")
    conversation = Conversation.objects.get(project=project)
    metadata = conversation.metadata
    assert metadata["questionnaire"] == {"sector": "industrial"}
    assert metadata["name"] == project.name and metadata["language"] == "en" and metadata["version"] == 1
    assert metadata["answers"]["subsector"]["value"] == "dairy"
    assert metadata["answers"]["country"]["value"] == "MX"
    assert metadata["answers"]["city"]["value"] == "Monterrey"
    assert metadata["complete"] is False


def test_a_choice_with_many_options_is_offered_as_a_list(en, project):
    project.country = ""
    project.save()
    html = en.get(reverse("chat_edit", args=[project.id, "country"]), HTTP_HX_REQUEST="true").content.decode()
    # Not answered yet: it can still be answered ahead of its turn.
    assert 'data-key="country"' in html and "Changing your answer" not in html
    _answer(en, project, "country", "ES")
    html = en.get(reverse("chat_edit", args=[project.id, "country"]), HTTP_HX_REQUEST="true").content.decode()
    assert '<select id="chat-value" name="value" required>' in html
    assert '<option value="ES" selected>Spain</option>' in html
