"""The summary of the collected requirements next to the chat: every answer
with a link back to its question, defaults marked, and — once the
questionnaire is complete — the button that starts the proposal phase, for
engineers and owners only, and only when the proposal phase is installed."""


import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from conversations import selectors
from conversations.models import Conversation


def _proposal_start(request, project_id):  # pragma: no cover - only its URL is used
    return HttpResponse("started")


class WithProposalPhase:
    """A URLconf: the site plus a stand-in for the proposal phase's start URL (built in
    the proposal issue)."""

    urlpatterns = [
        path("", include("h2o.urls")),
        path("test-proposal/<uuid:project_id>/start/", _proposal_start, name="proposal-start"),
    ]


pytestmark = pytest.mark.usefixtures("chat_unthrottled")


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def with_proposal_phase(settings):
    settings.ROOT_URLCONF = WithProposalPhase


@pytest.fixture
def without_proposal_phase(monkeypatch):
    monkeypatch.setattr(selectors, "PROPOSAL_START_URL_NAME", "proposal-start-not-installed")


def _complete(client, project, user):
    client.force_login(user)
    client.post(reverse("chat_answer", args=[project.id]), {"key": "flow_average", "value": "500 m3/d"})
    client.post(reverse("chat_answer", args=[project.id]), {"key": "destination", "value": "surface_water"})
    client.post(reverse("chat_use_defaults", args=[project.id]))
    assert Conversation.objects.get(project=project).metadata["complete"] is True


def _summary(html: str) -> str:
    return html[html.index('<aside id="chat-summary"') :]


def test_the_summary_lists_each_answer_with_a_link_back_to_its_question(en, project, owner):
    en.force_login(owner)
    en.post(reverse("chat_answer", args=[project.id]), {"key": "flow_average", "value": "20", "unit": "L/s"})
    html = _summary(en.get(reverse("chat", args=[project.id])).content.decode())
    assert "Average flow" in html and "1,728 m³/d" in html
    assert f'href="{reverse("chat_edit", args=[project.id, "flow_average"])}"' in html
    assert "Dairy" in html and 'data-source="project"' in html


def test_defaults_are_marked_in_the_summary(en, project, owner):
    en.force_login(owner)
    en.post(reverse("chat_skip", args=[project.id]), {"key": "destination"})
    html = _summary(en.get(reverse("chat", args=[project.id])).content.decode())
    row = html[html.index('data-key="destination"') :]
    row = row[: row.index("</div>")]
    assert "Discharge to the municipal sewer" in row and ">default<" in row


def test_questions_not_answered_yet_are_listed_as_open(en, project, owner):
    en.force_login(owner)
    html = _summary(en.get(reverse("chat", args=[project.id])).content.decode())
    assert 'class="summary-list__row is-open" data-key="flow_average"' in html


@pytest.mark.usefixtures("with_proposal_phase")
@pytest.mark.parametrize("persona", ["owner", "engineer"])
def test_the_start_button_appears_when_the_questionnaire_is_complete(en, project, personas, persona):
    _complete(en, project, personas[persona])
    html = en.get(reverse("project_workspace", args=[project.id])).content.decode()
    start = reverse("proposal-start", args=[project.id])
    assert f'<form method="post" action="{start}" class="chat__start">' in html
    assert 'data-action="start-proposal"' in html


@pytest.mark.usefixtures("with_proposal_phase")
def test_there_is_no_start_button_before_the_questionnaire_is_complete(en, project, owner):
    en.force_login(owner)
    en.post(reverse("chat_answer", args=[project.id]), {"key": "flow_average", "value": "500 m3/d"})
    html = en.get(reverse("project_workspace", args=[project.id])).content.decode()
    assert 'data-action="start-proposal"' not in html


@pytest.mark.usefixtures("with_proposal_phase")
def test_a_viewer_never_sees_the_start_button(en, project, owner, viewer):
    _complete(en, project, owner)
    en.force_login(viewer)
    html = en.get(reverse("project_workspace", args=[project.id])).content.decode()
    assert 'data-action="start-proposal"' not in html
    assert 'data-complete="true"' in html


@pytest.mark.usefixtures("without_proposal_phase")
def test_without_the_proposal_phase_installed_there_is_no_button_and_no_fake_endpoint(en, project, owner):
    _complete(en, project, owner)
    html = en.get(reverse("project_workspace", args=[project.id])).content.decode()
    assert 'data-action="start-proposal"' not in html
    assert 'data-role="ready"' in html


@pytest.mark.usefixtures("with_proposal_phase")
def test_answers_the_engine_refuses_are_listed_instead_of_the_button(en, project, owner):
    engine = pytest.importorskip("agents.engine.requirements")
    _complete(en, project, owner)
    conversation = Conversation.objects.get(project=project)
    # A peak flow twenty times the average (the chat refuses it; here it is forced in).
    conversation.metadata["answers"]["flow_peak"] = {"value": 20 * 500 / 86400, "text": "10000 m3/d", "unit": "m3/d",
                                                     "source": "user", "skipped": False}
    conversation.save()
    html = en.get(reverse("project_workspace", args=[project.id])).content.decode()
    assert 'data-role="requirements-problems"' in html
    assert "flow.peak" in html
    assert 'data-action="start-proposal"' not in html
    assert engine  # the engine is what refused


def test_the_workspace_shows_the_chat_with_the_first_question(en, project, owner):
    en.force_login(owner)
    html = en.get(reverse("project_workspace", args=[project.id])).content.decode()
    assert '<section id="chat"' in html
    assert "What is the average flow of water to treat?" in html
    assert "css/chat.css" in html and "js/chat.js" in html
    # Opening the workspace creates nothing.
    assert not Conversation.objects.filter(project=project).exists()


def test_the_workspace_reads_the_chat_in_a_fixed_number_of_queries(en, project, owner):
    en.force_login(owner)
    url = reverse("project_workspace", args=[project.id])
    en.post(reverse("chat_message", args=[project.id]), {"text": "caudal 500 m3/d"})
    with CaptureQueriesContext(connection) as few:
        en.get(url)
    for _ in range(10):
        en.post(reverse("chat_message", args=[project.id]), {"text": "DQO 3000 mg/L, pH 7"})
    with CaptureQueriesContext(connection) as many:
        en.get(url)
    assert len(few) == len(many)


def test_the_summary_follows_the_readers_language(client, project, owner):
    client.force_login(owner)
    client.cookies["django_language"] = "en"
    client.post(reverse("chat_answer", args=[project.id]), {"key": "destination", "value": "sewer"})
    client.cookies["django_language"] = "es"
    html = _summary(client.get(reverse("chat", args=[project.id])).content.decode())
    assert "Vertido al alcantarillado municipal" in html
    assert "Destino del agua tratada" in html
