"""The dashboard's query count does not grow with the number of projects."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Document
from projects.models import ActivityEvent, PhaseRun, Project, ProjectMember

from .factories import UserFactory

MAX_QUERIES = 15


def _populate(owner, count: int) -> None:
    teammate = UserFactory(email=f"teammate{count}@example.com")
    projects = Project.objects.bulk_create(
        Project(owner=owner, name=f"Project {i}", client=f"Client {i}", sector="industrial",
                status=["proposal", "engineering", "procurement", "completed"][i % 4],
                technical_context={"capex_usd": 1000 * i})
        for i in range(count)
    )
    ProjectMember.objects.bulk_create(
        [ProjectMember(project=p, user=owner, role="owner") for p in projects]
        + [ProjectMember(project=p, user=teammate, role="engineer") for p in projects]
    )
    PhaseRun.objects.bulk_create(
        [PhaseRun(project=p, phase="proposal", status="succeeded", progress=100) for p in projects]
        + [PhaseRun(project=p, phase="engineering", status="failed", progress=30) for p in projects[::3]]
    )
    ActivityEvent.objects.bulk_create(ActivityEvent(project=p, actor=owner, verb="project.created", data={"name": p.name}) for p in projects)
    Document.objects.bulk_create(
        Document(project=p, phase="proposal", kind="proposal", title="Proposal", file="x.pdf") for p in projects[::2]
    )


def _dashboard_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "Project 1"}, {"phase": "engineering", "page": "2"}])
def test_the_dashboard_query_count_is_the_same_for_10_and_200_projects(db, client, params):
    small, large = UserFactory(email="small@example.com"), UserFactory(email="large@example.com")
    _populate(small, 10)
    _populate(large, 200)
    client.force_login(small)
    few = _dashboard_queries(client, **params)
    client.force_login(large)
    many = _dashboard_queries(client, **params)
    assert few == many
    assert many <= MAX_QUERIES


def test_the_workspace_query_count_does_not_grow_with_documents_and_activity(client, owner):
    from .factories import DocumentFactory, ProjectFactory

    def workspace_queries(n: int) -> int:
        project = ProjectFactory(owner=owner)
        ProjectMember.objects.create(project=project, user=owner, role="owner")
        for _ in range(n):
            DocumentFactory(project=project)
            ActivityEvent.objects.create(project=project, actor=owner, verb="project.created", data={"name": "x"})
            ProjectMember.objects.create(project=project, user=UserFactory(), role="viewer")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("project_workspace", args=[project.id])).status_code == 200
        return len(queries)

    client.force_login(owner)
    assert workspace_queries(2) == workspace_queries(12) <= MAX_QUERIES
