"""Staff see and search every model in Django admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from documents.models import Document
from projects.models import ActivityEvent

from .factories import (
    ActivityEventFactory,
    DocumentFactory,
    InvitationFactory,
    MessageFactory,
    PhaseRunFactory,
)

MODELS = [
    "projects/project",
    "projects/projectmember",
    "projects/invitation",
    "projects/phaserun",
    "projects/activityevent",
    "conversations/conversation",
    "conversations/message",
    "documents/document",
]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("staff@example.com", "staff@example.com", "x")


@pytest.fixture
def rows(project):
    InvitationFactory(project=project)
    PhaseRunFactory(project=project)
    ActivityEventFactory(project=project)
    MessageFactory(conversation__project=project)
    DocumentFactory(project=project)


@pytest.mark.parametrize("model", MODELS)
def test_staff_list_search_and_open_every_model(client, staff, rows, model):
    client.force_login(staff)
    app, name = model.split("/")
    changelist = reverse(f"admin:{app}_{name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "Planta"}).status_code == 200
    model_class = __import__("django.apps", fromlist=["apps"]).apps.get_model(app, name)
    obj = model_class.objects.first()
    assert client.get(reverse(f"admin:{app}_{name}_change", args=[obj.pk])).status_code == 200


def test_the_retry_action_hands_each_run_to_the_phase_runner(client, staff, project, monkeypatch):
    runner = pytest.importorskip("projects.phases.runner")
    retried = []
    monkeypatch.setattr(runner, "retry_run", lambda run, user=None: retried.append((run.pk, user)))
    runs = [PhaseRunFactory(project=project, status="failed"), PhaseRunFactory(project=project, phase="engineering", status="failed")]
    client.force_login(staff)
    response = client.post(
        reverse("admin:projects_phaserun_changelist"),
        {"action": "retry_phase_runs", "_selected_action": [r.pk for r in runs]},
        follow=True,
    )
    assert response.status_code == 200
    assert sorted(retried) == sorted((r.pk, staff) for r in runs)


def test_a_run_that_cannot_be_retried_shows_a_message_not_an_error(client, staff, project, monkeypatch):
    runner = pytest.importorskip("projects.phases.runner")

    def refuse(run, user=None):
        raise ValueError("still running")

    monkeypatch.setattr(runner, "retry_run", refuse)
    run = PhaseRunFactory(project=project, status="running")
    client.force_login(staff)
    response = client.post(
        reverse("admin:projects_phaserun_changelist"),
        {"action": "retry_phase_runs", "_selected_action": [run.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "still running" in response.content.decode()


def test_staff_approve_documents_and_it_shows_in_the_activity(client, staff, project):
    document = DocumentFactory(project=project, title="Propuesta")
    client.force_login(staff)
    client.post(
        reverse("admin:documents_document_changelist"),
        {"action": "approve_documents", "_selected_action": [document.pk]},
    )
    document.refresh_from_db()
    assert document.review_state == Document.ReviewState.APPROVED
    assert document.reviewed_by == staff and document.reviewed_at is not None
    event = ActivityEvent.objects.get(project=project, verb="document.reviewed")
    assert event.description == "reviewed “Propuesta”: Approved"
