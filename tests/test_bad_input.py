"""Bad input gets a clear message, never a 500."""

import pytest
from django.urls import reverse

from projects.models import Invitation, Project

from .factories import ProjectFactory, ProjectMemberFactory


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _create(client, **data):
    payload = {"name": "Planta", "client": "", "sector": "industrial", "subsector": "", "country": "", "city": ""}
    payload.update(data)
    return client.post(reverse("project_create"), payload)


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_an_empty_project_name_is_refused_with_a_message(en, owner, name):
    en.force_login(owner)
    response = _create(en, name=name)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode() or "cannot be empty" in response.content.decode()
    assert not Project.objects.exists()


def test_an_oversized_project_name_is_refused_with_a_message(en, owner):
    en.force_login(owner)
    response = _create(en, name="x" * 201)
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert not Project.objects.exists()


def test_a_subsector_of_another_sector_is_refused(en, owner):
    en.force_login(owner)
    response = _create(en, sector="municipal", subsector="dairy")
    assert response.status_code == 200
    assert "does not belong to the chosen sector" in response.content.decode()


def test_an_unknown_sector_is_refused(en, owner):
    en.force_login(owner)
    response = _create(en, sector="space")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_bad_country_code_is_refused(en, owner):
    en.force_login(owner)
    response = _create(en, country="1X")
    assert response.status_code == 200
    assert "two-letter country code" in response.content.decode()


def test_renaming_to_an_empty_name_is_refused(en, project, owner):
    en.force_login(owner)
    response = en.post(reverse("project_rename", args=[project.id]), {"name": "  "})
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.name == "Planta Lácteos"


def test_renaming_to_an_oversized_name_is_refused(en, project, owner):
    en.force_login(owner)
    response = en.post(reverse("project_rename", args=[project.id]), {"name": "y" * 500})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()


def test_a_foreign_projects_uuid_is_not_found(client, project, outsider):
    own = ProjectFactory(owner=outsider)
    ProjectMemberFactory(project=own, user=outsider, role="owner")
    client.force_login(outsider)
    for name in ["project_workspace", "project_team", "project_rename", "project_delete"]:
        assert client.get(reverse(name, args=[project.id])).status_code == 404


def test_a_document_of_another_project_is_not_found(client, project, owner):
    from .factories import DocumentFactory

    other = ProjectFactory(owner=owner)
    ProjectMemberFactory(project=other, user=owner, role="owner")
    document = DocumentFactory(project=other)
    client.force_login(owner)
    response = client.get(reverse("document_download", args=[project.id, document.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/projects/not-a-uuid/", "/projects/1234/team/", "/projects/%00/", "/projects/' OR 1=1/"])
def test_a_malformed_uuid_is_not_found(client, owner, path):
    client.force_login(owner)
    response = client.get(path)
    assert response.status_code == 404


def test_a_random_uuid_is_not_found(client, owner):
    client.force_login(owner)
    assert client.get("/projects/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.parametrize("token", ["tampered", "x" * 43, "%2e%2e", "a" * 300])
def test_a_tampered_invitation_token_shows_a_clear_message(en, project, token):
    Invitation.objects.create(project=project, email="someone@example.com", role="viewer")
    response = en.get(f"/invitations/{token}/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_accepting_with_a_tampered_token_shows_a_clear_message(en, project, outsider):
    invitation = Invitation.objects.create(project=project, email=outsider.email, role="viewer")
    en.force_login(outsider)
    response = en.post(f"/invitations/{invitation.token}x/accept/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()
    assert not project.members.filter(user=outsider).exists()


def test_a_duplicate_invitation_gets_a_clear_message(en, project, owner):
    en.force_login(owner)
    url = reverse("member_invite", args=[project.id])
    en.post(url, {"email": "new@example.com", "role": "viewer"})
    response = en.post(url, {"email": "NEW@example.com ", "role": "engineer"}, follow=True)
    assert response.status_code == 200
    assert "has already been invited" in response.content.decode()
    assert Invitation.objects.filter(project=project).count() == 1


def test_inviting_a_member_gets_a_clear_message(en, project, owner, engineer):
    en.force_login(owner)
    response = en.post(reverse("member_invite", args=[project.id]), {"email": engineer.email, "role": "viewer"})
    assert response.status_code == 200
    assert "is already a member" in response.content.decode()


@pytest.mark.parametrize("email", ["", "not-an-email", "a@" + "b" * 300 + ".com"])
def test_an_invalid_invitation_email_gets_a_clear_message(en, project, owner, email):
    en.force_login(owner)
    response = en.post(reverse("member_invite", args=[project.id]), {"email": email, "role": "viewer"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invalid_role_gets_a_clear_message(en, project, owner, engineer):
    en.force_login(owner)
    member = project.members.get(user=engineer)
    response = en.post(reverse("member_change_role", args=[project.id, member.pk]), {"role": "god"}, follow=True)
    assert response.status_code == 200
    assert "Choose a valid role." in response.content.decode()
    member.refresh_from_db()
    assert member.role == "engineer"


@pytest.mark.parametrize("query", ["?page=abc", "?page=-1", "?page=99999", "?phase=nope", "?q=" + "z" * 500])
def test_odd_dashboard_parameters_still_render(client, project, owner, query):
    client.force_login(owner)
    assert client.get("/" + query).status_code == 200


def test_a_wrong_confirmation_name_does_not_delete(en, project, owner):
    en.force_login(owner)
    response = en.post(reverse("project_delete", args=[project.id]), {"confirm_name": "something else"})
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    assert Project.objects.filter(pk=project.pk).exists()


# PostgreSQL refuses NUL characters in text ("A string literal cannot contain
# NUL"): every way in must stop them before a query, or they become a 500.


@pytest.mark.parametrize("action", ["", "accept/", "decline/"])
def test_a_nul_character_in_an_invitation_token_is_not_found(en, project, outsider, action):
    en.force_login(outsider)
    method = en.get if not action else en.post
    response = method(f"/invitations/bad%00token/{action}")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_a_nul_character_in_the_dashboard_search_still_renders(client, project, owner):
    client.force_login(owner)
    assert client.get("/?q=Planta%00").status_code == 200


def test_a_nul_character_in_a_project_name_gets_a_message(en, owner):
    en.force_login(owner)
    response = _create(en, name="Planta\x00")
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not Project.objects.exists()


def test_a_nul_character_in_an_invitation_email_gets_a_message(en, project, owner):
    en.force_login(owner)
    response = en.post(reverse("member_invite", args=[project.id]), {"email": "a\x00@example.com", "role": "viewer"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_nul_character_in_the_login_form_is_refused(en, owner):
    response = en.post("/accounts/login/", {"login": "alice\x00@example.com", "password": "x"})
    assert response.status_code == 200
