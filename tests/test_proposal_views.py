"""Starting the proposal (the questionnaire summary's button, URL name
`proposal-start`) for every persona: engineers and owners start it, a viewer
gets 403, an outsider 404, an anonymous visitor the login page; a refused
start is a message on the workspace, never a 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from projects.models import PhaseRun
from projects.phases import runner

from .proposal_helpers import example_requirements, give_requirements


def _url(project) -> str:
    return reverse("proposal-start", args=[project.id])


@pytest.fixture
def ready(project):
    give_requirements(project, example_requirements())
    return project


@pytest.mark.parametrize("persona", ["owner", "engineer"])
def test_an_engineer_or_owner_starts_the_proposal(client, ready, personas, persona):
    client.force_login(personas[persona])
    with mock.patch.object(runner, "enqueue"):
        response = client.post(_url(ready))
    assert response.status_code == 302 and response["Location"] == reverse("project_workspace", args=[ready.id])
    run = PhaseRun.objects.get(project=ready)
    assert run.phase == "proposal" and run.status == PhaseRun.Status.QUEUED


def test_an_htmx_start_redirects_the_whole_page(client, ready, engineer):
    client.force_login(engineer)
    with mock.patch.object(runner, "enqueue"):
        response = client.post(_url(ready), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("project_workspace", args=[ready.id])


def test_a_viewer_may_not_start_the_proposal(client, ready, viewer):
    client.force_login(viewer)
    assert client.post(_url(ready)).status_code == 403
    assert not PhaseRun.objects.filter(project=ready).exists()


def test_an_outsider_does_not_learn_the_project_exists(client, ready, outsider):
    client.force_login(outsider)
    assert client.post(_url(ready)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, ready):
    response = client.post(_url(ready))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_start_is_a_post(client, ready, engineer):
    client.force_login(engineer)
    assert client.get(_url(ready)).status_code == 405


def test_a_refused_start_is_a_message_on_the_workspace(client, project, engineer):
    client.force_login(engineer)
    response = client.post(_url(project), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The questionnaire is not complete yet" in response.content.decode()
    assert not PhaseRun.objects.filter(project=project).exists()


def test_a_second_start_while_one_runs_is_refused(client, ready, engineer):
    client.force_login(engineer)
    with mock.patch.object(runner, "enqueue"):
        client.post(_url(ready))
        response = client.post(_url(ready), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already queued or running" in response.content.decode()
    assert PhaseRun.objects.filter(project=ready).count() == 1


def test_an_archived_project_cannot_start_it(client, ready, owner):
    ready.archived = True
    ready.save()
    client.force_login(owner)
    response = client.post(_url(ready), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The project is archived" in response.content.decode()
