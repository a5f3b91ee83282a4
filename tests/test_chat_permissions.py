"""Every chat endpoint × every persona: owners and engineers write, viewers
read the conversation and get 403 on every write, outsiders get 404 (the
project's existence is not revealed), anonymous users go to the login page."""

import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conversations.models import Conversation, Message


pytestmark = pytest.mark.usefixtures("chat_unthrottled")


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.H2O_AI_MODEL = ""


@dataclass
class Endpoint:
    name: str
    method: str
    writes: bool
    args: tuple = ()
    data: dict | None = None

    def __str__(self) -> str:
        return self.name


ENDPOINTS = [
    Endpoint("chat", "get", writes=False),
    Endpoint("chat_edit", "get", writes=True, args=("flow_average",)),
    Endpoint("chat_answer", "post", writes=True, data={"key": "flow_average", "value": "500 m3/d"}),
    Endpoint("chat_skip", "post", writes=True, data={"key": "flow_peak"}),
    Endpoint("chat_use_defaults", "post", writes=True),
    Endpoint("chat_message", "post", writes=True, data={"text": "DQO 3000 mg/L"}),
    Endpoint("chat_upload", "post", writes=True, data={"file": "csv"}),
]


def _request(client, endpoint: Endpoint, project_id, htmx=False):
    url = reverse(endpoint.name, args=[project_id, *endpoint.args])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if endpoint.method == "get":
        return client.get(url, **headers)
    data = dict(endpoint.data or {})
    if data.get("file") == "csv":
        data["file"] = SimpleUploadedFile("lab.csv", b"COD,3000,mg/L\n", content_type="text/csv")
    return client.post(url, data, **headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("persona", ["owner", "engineer"])
def test_owners_and_engineers_use_every_chat_endpoint(client, project, personas, endpoint, persona):
    client.force_login(personas[persona])
    response = _request(client, endpoint, project.id)
    assert response.status_code in (200, 302)
    htmx = _request(client, endpoint, project.id, htmx=True)
    assert htmx.status_code == 200
    assert htmx.content.decode().lstrip().startswith('<section id="chat"')


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.writes], ids=str)
def test_a_viewer_gets_403_on_every_write_and_nothing_changes(client, project, viewer, endpoint):
    client.force_login(viewer)
    assert _request(client, endpoint, project.id).status_code == 403
    assert _request(client, endpoint, project.id, htmx=True).status_code == 403
    assert not Conversation.objects.filter(project=project).exists()
    assert not Message.objects.exists()


def test_a_viewer_reads_the_conversation_without_any_form(client, project, viewer, engineer):
    client.force_login(engineer)
    client.post(reverse("chat_answer", args=[project.id]), {"key": "flow_average", "value": "500 m3/d"})
    client.force_login(viewer)
    for url in (reverse("chat", args=[project.id]), reverse("project_workspace", args=[project.id])):
        html = client.get(url).content.decode()
        assert "500 m3/d" in html  # the conversation
        assert "500 m³/d" in html  # the summary
        assert 'class="chat-answer"' not in html and 'class="chat-free"' not in html and 'class="chat-upload"' not in html
        assert 'data-action="edit"' not in html


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_outsider_gets_404_on_every_chat_endpoint(client, project, outsider, endpoint):
    client.force_login(outsider)
    assert _request(client, endpoint, project.id).status_code == 404
    assert not Conversation.objects.filter(project=project).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_foreign_or_unknown_project_is_404(client, outsider, endpoint):
    client.force_login(outsider)
    assert _request(client, endpoint, uuid.uuid4()).status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_anonymous_users_are_sent_to_the_login_page(client, project, endpoint):
    response = _request(client, endpoint, project.id)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.method == "post"], ids=str)
def test_writes_refuse_get(client, project, owner, endpoint):
    client.force_login(owner)
    assert client.get(reverse(endpoint.name, args=[project.id])).status_code == 405
