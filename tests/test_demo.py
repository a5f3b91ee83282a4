"""`python manage.py demo`: the data a newcomer logs in to."""

import hashlib
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from documents.models import Document
from projects.management.commands.demo import DEMO_EMAIL, DEMO_PASSWORD
from projects.models import ActivityEvent, PhaseRun, Project, ProjectMember, ProjectStatus, Role


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, settings):
    # The demo sets four passwords; the production hasher would dominate the test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    output = run_demo()
    return get_user_model().objects.get(email=DEMO_EMAIL), output


def counts() -> dict[str, int]:
    models = [get_user_model(), EmailAddress, Project, ProjectMember, PhaseRun, ActivityEvent, Document]
    return {model.__name__: model.objects.count() for model in models}


def test_it_prints_the_demo_login(demo):
    _, output = demo
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in output


def test_the_demo_user_has_a_verified_email_and_the_shown_password(demo, client):
    user, _ = demo
    assert EmailAddress.objects.get(user=user, email=DEMO_EMAIL).verified

    response = client.post(reverse("account_login"), {"login": DEMO_EMAIL, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_the_projects_cover_every_phase_and_an_archived_one(demo):
    user, _ = demo
    mine = Project.objects.filter(members__user=user)
    assert set(mine.filter(archived=False).values_list("status", flat=True)) == set(ProjectStatus.values)
    assert mine.filter(archived=True).exists()


def test_the_demo_user_holds_every_role(demo):
    user, _ = demo
    assert set(ProjectMember.objects.filter(user=user).values_list("role", flat=True)) == set(Role.values)


def test_every_role_is_present_in_a_project_with_a_team(demo):
    teams = [
        set(project.members.values_list("role", flat=True))
        for project in Project.objects.filter(members__user=demo[0])
    ]
    assert set(Role.values) in teams


def test_phase_runs_are_in_every_state(demo):
    assert set(PhaseRun.objects.values_list("status", flat=True)) == set(PhaseRun.Status.values)


def test_every_project_has_a_timeline(demo):
    for project in Project.objects.all():
        events = ActivityEvent.objects.filter(project=project)
        assert events.filter(verb="project.created").count() == 1
        # Everyone but the creator joined later.
        assert events.filter(verb="member.joined").count() == project.members.count() - 1


def test_the_documents_are_real_files_with_their_size_and_sha256(demo):
    documents = Document.objects.all()
    assert {doc.mime_type for doc in documents} == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for document in documents:
        with document.file.open("rb") as handle:
            data = handle.read()
        assert len(data) == document.size > 0
        assert hashlib.sha256(data).hexdigest() == document.sha256
        assert data.startswith(b"%PDF-") if document.mime_type == "application/pdf" else data.startswith(b"PK")


def test_running_it_again_changes_nothing(demo):
    before = counts()

    output = run_demo()

    assert counts() == before
    assert "nothing to do" in output


def test_the_demo_user_sees_the_dashboard_and_every_workspace(demo, client):
    user, _ = demo
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200
    for project in Project.objects.filter(members__user=user):
        response = client.get(reverse("project_workspace", args=[project.id]))
        assert response.status_code == 200, project.name
        assert project.name in response.content.decode()
