"""Going back to change an earlier answer, and skipping what one does not
know (the default stands and the summary says so)."""


import pytest
from django.urls import reverse

from conversations.models import Conversation, Message
from conversations.requirements import defaults_used, requirements_from_answers


pytestmark = pytest.mark.usefixtures("chat_unthrottled")


@pytest.fixture
def en(client, owner):
    client.cookies["django_language"] = "en"
    client.force_login(owner)
    return client


def _post(client, project, name, data=None):
    return client.post(reverse(name, args=[project.id]), data or {}, HTTP_HX_REQUEST="true")


def _answers(project):
    return Conversation.objects.get(project=project).metadata["answers"]


def test_the_edit_link_opens_the_question_with_the_current_answer(en, project):
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "20", "unit": "L/s"})
    _post(en, project, "chat_answer", {"key": "flow_peak", "value": "40", "unit": "L/s"})
    response = en.get(reverse("chat_edit", args=[project.id, "flow_average"]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-key="flow_average"' in html and "Changing your answer" in html
    assert 'value="20"' in html
    assert '<option value="L/s" selected>' in html


def test_the_edit_page_works_without_htmx(en, project):
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "500 m3/d"})
    response = en.get(reverse("chat_edit", args=[project.id, "flow_average"]))
    assert response.status_code == 200
    assert "<!doctype html>" in response.content.decode().lower()
    assert 'value="500"' in response.content.decode()


def test_changing_an_earlier_answer_replaces_it_and_the_conversation_says_so(en, project):
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "500 m3/d"})
    _post(en, project, "chat_answer", {"key": "flow_peak", "value": "900 m3/d"})
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "600 m3/d"})
    assert _answers(project)["flow_average"]["text"] == "600 m3/d"
    edited = Message.objects.filter(conversation__project=project, metadata__kind="answer").order_by("pk").last()
    assert edited.metadata["edited"] is True
    # The question was asked again before the new answer.
    kinds = list(Message.objects.filter(conversation__project=project).order_by("pk").values_list("metadata__kind", "metadata__key"))
    assert kinds[-2:] == [("question", "flow_average"), ("answer", "flow_average")]


def test_editing_a_question_that_does_not_apply_shows_the_next_question(en, project):
    response = en.get(reverse("chat_edit", args=[project.id, "boiler_pressure"]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Changing your answer" not in html
    assert 'data-key="flow_average"' in html


def test_skipping_uses_the_sector_default_and_the_summary_says_default(en, project):
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "500 m3/d"})
    response = _post(en, project, "chat_skip", {"key": "flow_peak"})
    answer = _answers(project)["flow_peak"]
    assert answer["skipped"] is True and answer["source"] == "default"
    html = response.content.decode()
    assert 'data-key="flow_peak"' in html and 'data-source="default"' in html and ">default<" in html
    note = Message.objects.filter(conversation__project=project, metadata__kind="default").get()
    assert "default" in note.content


def test_a_skipped_concentration_shows_the_typical_value_that_will_be_used(en, project):
    pytest.importorskip("agents.engine.requirements")
    response = _post(en, project, "chat_skip", {"key": "cod"})
    assert _answers(project)["cod"]["value"] == pytest.approx(3.5)  # dairy: 3,500 mg/L
    assert "3,500 mg/L" in response.content.decode()
    requirements = requirements_from_answers(Conversation.objects.get(project=project).metadata)
    assert "cod" not in requirements.get("influent", {})


def test_a_skipped_destination_takes_the_questionnaires_default(en, project):
    _post(en, project, "chat_skip", {"key": "destination"})
    metadata = Conversation.objects.get(project=project).metadata
    assert metadata["answers"]["destination"]["value"] == "sewer"
    assert requirements_from_answers(metadata)["destination"] == {"type": "sewer"}
    assert defaults_used(metadata) == ["destination"]


def test_a_required_question_without_default_cannot_be_skipped(en, project):
    _post(en, project, "chat_skip", {"key": "flow_average"})
    assert "flow_average" not in _answers(project)
    error = Message.objects.filter(conversation__project=project, metadata__kind="error").get()
    assert "I need this one" in error.content


def test_the_form_offers_to_skip_only_when_a_default_exists(en, project):
    html = en.get(reverse("chat", args=[project.id]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-key="flow_average"' in html and 'data-action="skip"' not in html
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "500 m3/d"})
    html = en.get(reverse("chat", args=[project.id]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-key="flow_peak"' in html and 'data-action="skip"' in html


def test_using_the_defaults_for_the_rest_completes_the_questionnaire_once_the_flow_is_known(en, project):
    response = _post(en, project, "chat_use_defaults")
    metadata = Conversation.objects.get(project=project).metadata
    assert metadata["complete"] is False
    assert "I still need an answer to: What is the average flow of water to treat?" in response.content.decode()
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "500 m3/d"})
    metadata = Conversation.objects.get(project=project).metadata
    assert metadata["complete"] is True
    assert set(defaults_used(metadata)) >= {"flow_peak", "destination", "cod", "bod"}
    html = en.get(reverse("chat", args=[project.id]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-complete="true"' in html
    assert "The questionnaire is complete" in html


def test_the_answers_given_before_are_kept_when_using_the_defaults(en, project):
    _post(en, project, "chat_answer", {"key": "flow_average", "value": "500 m3/d"})
    _post(en, project, "chat_answer", {"key": "destination", "value": "surface_water"})
    _post(en, project, "chat_answer", {"key": "cod", "value": "2800 mg/L"})
    _post(en, project, "chat_use_defaults")
    answers = _answers(project)
    assert answers["cod"]["text"] == "2800 mg/L" and not answers["cod"]["skipped"]
    assert answers["sensitive_area"]["value"] is False and answers["sensitive_area"]["skipped"]
    assert answers["target_tn"]["skipped"]
