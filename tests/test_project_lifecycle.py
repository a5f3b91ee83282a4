"""Create, edit, archive and delete a project."""

import pytest
from django.urls import reverse

from documents.models import Document
from projects.models import ActivityEvent, Project, ProjectMember

from .factories import DocumentFactory


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def test_creating_a_project_makes_me_its_owner(en, owner):
    en.force_login(owner)
    response = en.post(
        reverse("project_create"),
        {"name": "  PTAR   Norte ", "client": "Lala", "sector": "industrial", "subsector": "dairy", "country": "mx", "city": "Torreón"},
    )
    project = Project.objects.get()
    assert response["Location"] == reverse("project_workspace", args=[project.id])
    assert (project.name, project.country, project.status) == ("PTAR Norte", "MX", "proposal")
    assert ProjectMember.objects.get(project=project).user == owner
    assert ProjectMember.objects.get(project=project).role == "owner"
    assert ActivityEvent.objects.get(project=project).verb == "project.created"


def test_the_create_form_is_a_modal_for_htmx_and_a_page_otherwise(en, owner):
    en.force_login(owner)
    modal = en.get(reverse("project_create"), HTTP_HX_REQUEST="true").content.decode()
    page = en.get(reverse("project_create")).content.decode()
    assert 'class="modal"' in modal and "<html" not in modal
    assert "<html" in page and 'name="name"' in page


def test_an_htmx_create_redirects_the_browser_to_the_workspace(en, owner):
    en.force_login(owner)
    response = en.post(
        reverse("project_create"), {"name": "Htmx", "sector": "municipal", "subsector": "wastewater"}, HTTP_HX_REQUEST="true"
    )
    project = Project.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("project_workspace", args=[project.id])


def test_an_invalid_htmx_create_re_renders_the_modal_with_errors(en, owner):
    en.force_login(owner)
    response = en.post(reverse("project_create"), {"name": "", "sector": "industrial"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="modal"' in html and "errorlist" in html


def test_an_owner_renames_a_project(en, project, owner):
    en.force_login(owner)
    en.post(reverse("project_rename", args=[project.id]), {"name": "Nueva planta", "client": "Otro"})
    project.refresh_from_db()
    assert (project.name, project.client) == ("Nueva planta", "Otro")
    event = ActivityEvent.objects.get(project=project, verb="project.renamed")
    assert event.data == {"old": "Planta Lácteos", "new": "Nueva planta"}


def test_an_owner_archives_and_restores_a_project(en, project, owner):
    en.force_login(owner)
    en.post(reverse("project_archive", args=[project.id]), {"archived": "1"})
    project.refresh_from_db()
    assert project.archived
    assert list(en.get(reverse("dashboard")).context["page"]) == []
    en.post(reverse("project_archive", args=[project.id]), {"archived": "0"})
    project.refresh_from_db()
    assert not project.archived
    verbs = list(ActivityEvent.objects.filter(project=project).values_list("verb", flat=True).order_by("created", "pk"))
    assert verbs == ["project.archived", "project.unarchived"]


def test_an_owner_deletes_a_project_and_its_files(en, project, owner, django_capture_on_commit_callbacks):
    document = DocumentFactory(project=project)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    en.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(reverse("project_delete", args=[project.id]), {"confirm_name": "Planta Lácteos"})
    assert response["Location"] == reverse("dashboard")
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Document.objects.exists()
    assert not storage.exists(name)


def test_the_workspace_shows_the_timeline_documents_activity_and_team(en, project, viewer):
    DocumentFactory(project=project, title="Propuesta técnica")
    ActivityEvent.objects.create(project=project, actor=viewer, verb="project.created", data={"name": "Planta"})
    en.force_login(viewer)
    html = en.get(reverse("project_workspace", args=[project.id])).content.decode()
    for fragment in ['id="phase-timeline"', 'id="phase-run-proposal"', 'id="phase-run-engineering"',
                     'id="phase-run-procurement"', 'id="documents"', 'id="activity-feed"', 'id="team-panel"',
                     "Propuesta técnica", "created the project “Planta”", 'hx-ext="ws"']:
        assert fragment in html, fragment
    assert reverse("project_delete", args=[project.id]) not in html  # not for viewers


def test_the_timeline_marks_phases_before_the_current_one_as_done(en, project, owner):
    project.status = "procurement"
    project.save()
    en.force_login(owner)
    timeline = en.get(reverse("project_workspace", args=[project.id])).context["timeline"]
    assert [s.position for s in timeline] == ["done", "done", "current"]
