"""Every view × every persona: members by role, outsiders get 404 (the
project's existence is not revealed), anonymous users go to the login page,
and a viewer gets 403 on every action."""

from dataclasses import dataclass
from typing import Any, Callable

import pytest
from django.urls import reverse

from projects.models import ProjectMember, Role

from .factories import DocumentFactory, InvitationFactory


@dataclass
class Case:
    name: str
    method: str
    min_role: str
    url: Callable[[Any], str]
    data: Callable[[Any], dict] = lambda project: {}

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


def _member_id(project, email: str) -> int:
    return ProjectMember.objects.get(project=project, user__email=email).pk


CASES = [
    Case("workspace", "get", Role.VIEWER, lambda p: reverse("project_workspace", args=[p.id])),
    Case("team", "get", Role.VIEWER, lambda p: reverse("project_team", args=[p.id])),
    Case(
        "document_download",
        "get",
        Role.VIEWER,
        lambda p: reverse("document_download", args=[p.id, DocumentFactory(project=p).pk]),
    ),
    Case("leave", "post", Role.VIEWER, lambda p: reverse("member_leave", args=[p.id])),
    Case("rename form", "get", Role.OWNER, lambda p: reverse("project_rename", args=[p.id])),
    Case("rename", "post", Role.OWNER, lambda p: reverse("project_rename", args=[p.id]), lambda p: {"name": "New"}),
    Case("archive", "post", Role.OWNER, lambda p: reverse("project_archive", args=[p.id])),
    Case("delete confirmation", "get", Role.OWNER, lambda p: reverse("project_delete", args=[p.id])),
    Case(
        "delete",
        "post",
        Role.OWNER,
        lambda p: reverse("project_delete", args=[p.id]),
        lambda p: {"confirm_name": p.name},
    ),
    Case(
        "invite",
        "post",
        Role.OWNER,
        lambda p: reverse("member_invite", args=[p.id]),
        lambda p: {"email": "new.person@example.com", "role": "viewer"},
    ),
    Case(
        "change role",
        "post",
        Role.OWNER,
        lambda p: reverse("member_change_role", args=[p.id, _member_id(p, "bob@example.com")]),
        lambda p: {"role": "viewer"},
    ),
    Case(
        "remove member",
        "post",
        Role.OWNER,
        lambda p: reverse("member_remove", args=[p.id, _member_id(p, "bob@example.com")]),
    ),
    Case(
        "revoke invitation",
        "post",
        Role.OWNER,
        lambda p: reverse("invitation_revoke", args=[p.id, InvitationFactory(project=p).pk]),
    ),
]

RANK = {Role.VIEWER: 1, Role.ENGINEER: 2, Role.OWNER: 3}
PERSONAS = ["owner", "engineer", "viewer", "outsider", "anonymous"]


def _expected(case: Case, persona: str) -> str:
    if persona == "anonymous":
        return "login"
    if persona == "outsider":
        return "404"
    return "allowed" if RANK[persona] >= RANK[case.min_role] else "403"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_view_answers_each_persona_as_its_role_allows(client, project, personas, case, persona):
    url = case.url(project)
    if persona != "anonymous":
        client.force_login(personas[persona])
    response = getattr(client, case.method)(url, case.data(project))
    expected = _expected(case, persona)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == "404":
        assert response.status_code == 404
    elif expected == "403":
        assert response.status_code == 403
        assert "You cannot do that here" in response.content.decode() or response.status_code == 403
    else:
        assert response.status_code in (200, 302), response.content[:500]


@pytest.mark.parametrize("case", [c for c in CASES if c.min_role != Role.VIEWER], ids=str)
def test_a_viewer_gets_403_on_every_action(client, project, viewer, case):
    client.force_login(viewer)
    response = getattr(client, case.method)(case.url(project), case.data(project))
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["dashboard", "project_create"])
def test_pages_outside_a_project_require_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", ["dashboard", "project_create"])
def test_pages_outside_a_project_open_for_any_user(client, outsider, url_name):
    client.force_login(outsider)
    assert client.get(reverse(url_name)).status_code == 200


def test_the_403_page_is_friendly(client, project, viewer):
    client.force_login(viewer)
    response = client.post(reverse("project_archive", args=[project.id]))
    assert response.status_code == 403
    assert "My projects" in response.content.decode() or "Mis proyectos" in response.content.decode()
