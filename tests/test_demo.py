"""`python manage.py demo`: the data a newcomer logs in to — real projects only."""

import hashlib
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from conversations.models import Conversation, Message
from conversations.questionnaire import questionnaire_for
from documents.models import Document
from projects.management.commands.demo import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PROPOSALS,
    DEMO_QUESTIONNAIRES,
    demo_project_names,
)
from projects.models import ActivityEvent, Invitation, Phase, PhaseRun, Project, ProjectMember, ProjectStatus, Role
from projects.phases import find_phase


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def _storage(media) -> dict:
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media), "base_url": "/media/"},
        },
    }


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo is built once for the module (it runs six proposals, ~10 s), with its files
    in a throw-away directory; each test sees it inside its own transaction, rolled back."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo") / "media"
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=media,
        STORAGES=_storage(media),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        output = run_demo()
        yield media, output
        # Leave the database as the other modules expect it.
        for model in (Document, PhaseRun, ActivityEvent, Message, Conversation, Invitation, ProjectMember, Project):
            model.objects.all().delete()
        EmailAddress.objects.all().delete()
        get_user_model().objects.all().delete()


@pytest.fixture
def demo(demo_db, db, settings):
    media, output = demo_db
    settings.MEDIA_ROOT = media
    settings.STORAGES = _storage(media)
    return get_user_model().objects.get(email=DEMO_EMAIL), output


def counts() -> dict[str, int]:
    models = [
        get_user_model(),
        EmailAddress,
        Project,
        ProjectMember,
        Invitation,
        PhaseRun,
        ActivityEvent,
        Document,
        Conversation,
        Message,
    ]
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


def test_every_demo_project_exists_and_the_demo_user_sees_them(demo):
    user, _ = demo
    assert set(Project.objects.values_list("name", flat=True)) == set(demo_project_names())
    assert Project.objects.filter(members__user=user).count() == len(demo_project_names())


def test_every_proposal_run_succeeded_with_a_stored_pdf(demo):
    for spec in DEMO_PROPOSALS:
        project = Project.objects.get(name=spec.name)
        runs = PhaseRun.objects.filter(project=project)
        assert list(runs.values_list("phase", "status")) == [(Phase.PROPOSAL, PhaseRun.Status.SUCCEEDED)], spec.name
        pdf = Document.objects.get(project=project, kind=Document.Kind.PROPOSAL)
        assert pdf.mime_type == "application/pdf"
        with pdf.file.open("rb") as handle:
            data = handle.read()
        assert data.startswith(b"%PDF-")
        assert len(data) == pdf.size > 0
        assert hashlib.sha256(data).hexdigest() == pdf.sha256
        # The dashboard's CAPEX comes from the design.
        assert project.technical_context.get("capex_usd", 0) > 0, spec.name


def test_every_document_is_a_real_file(demo):
    assert Document.objects.exists()
    for document in Document.objects.all():
        with document.file.open("rb") as handle:
            data = handle.read()
        assert len(data) == document.size > 0
        assert hashlib.sha256(data).hexdigest() == document.sha256


def test_no_run_is_left_waiting_or_failed_and_every_phase_is_registered(demo):
    assert set(PhaseRun.objects.values_list("status", flat=True)) == {PhaseRun.Status.SUCCEEDED}
    for phase in PhaseRun.objects.values_list("phase", flat=True).distinct():
        assert find_phase(phase) is not None, phase
    for phase in Document.objects.values_list("phase", flat=True).distinct():
        assert find_phase(phase) is not None, phase
    # No project claims to be past a phase that does not exist.
    assert set(Project.objects.values_list("status", flat=True)) == {ProjectStatus.PROPOSAL}


def test_one_questionnaire_is_half_answered_and_has_no_run(demo):
    for spec in DEMO_QUESTIONNAIRES:
        project = Project.objects.get(name=spec.name)
        assert not PhaseRun.objects.filter(project=project).exists()
        conversation = Conversation.objects.get(project=project, phase=Phase.PROPOSAL)
        answers = conversation.metadata["answers"]
        answered, applicable = questionnaire_for(project.sector, answers).progress(answers)
        assert 0 < answered < applicable
        assert not conversation.metadata.get("complete")
        assert conversation.messages.filter(role=Message.Role.USER).count() == len(spec.answers)


def test_one_project_is_archived(demo):
    archived = Project.objects.filter(archived=True)
    assert [p.name for p in archived] == [spec.name for spec in DEMO_PROPOSALS if spec.archived]
    assert ActivityEvent.objects.filter(project=archived.get(), verb="project.archived").count() == 1


def test_the_demo_user_holds_every_role(demo):
    user, _ = demo
    assert set(ProjectMember.objects.filter(user=user).values_list("role", flat=True)) == set(Role.values)


def test_every_role_is_present_in_a_project_with_a_team(demo):
    teams = [set(project.members.values_list("role", flat=True)) for project in Project.objects.all()]
    assert set(Role.values) in teams


def test_every_project_has_the_timeline_the_services_record(demo):
    for project in Project.objects.all():
        events = ActivityEvent.objects.filter(project=project)
        assert events.filter(verb="project.created").count() == 1
        # Everyone but the creator was invited and joined.
        others = project.members.count() - 1
        assert events.filter(verb="member.invited").count() == others
        assert events.filter(verb="member.joined").count() == others
    for spec in DEMO_PROPOSALS:
        verbs = set(ActivityEvent.objects.filter(project__name=spec.name).values_list("verb", flat=True))
        assert {"phase.started", "phase.succeeded", "document.created"} <= verbs


def test_running_it_again_changes_nothing(demo):
    before = counts()

    output = run_demo()

    assert counts() == before
    assert "nothing to do" in output


def test_the_projects_of_the_earlier_demo_are_removed(demo):
    from projects.management.commands.demo import LEGACY_PROJECTS
    from projects.services import project_create

    email, name = LEGACY_PROJECTS[0]
    owner = get_user_model().objects.get(email=email)
    legacy = project_create(owner=owner, name=name, client="", sector="municipal", subsector="", country="", city="")
    PhaseRun.objects.create(project=legacy, phase=Phase.ENGINEERING, status=PhaseRun.Status.RUNNING)

    output = run_demo()

    assert not Project.objects.filter(pk=legacy.pk).exists()
    assert name in output
    assert set(Project.objects.values_list("name", flat=True)) == set(demo_project_names())


def test_the_demo_user_sees_the_dashboard_and_every_workspace(demo, client):
    user, _ = demo
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200
    for project in Project.objects.filter(members__user=user):
        response = client.get(reverse("project_workspace", args=[project.id]))
        assert response.status_code == 200, project.name
        assert project.name in response.content.decode()
