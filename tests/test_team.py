import pytest
from django.core import mail
from django.urls import reverse

from projects import services
from projects.models import ActivityEvent, Invitation, ProjectMember, Role


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _member(project, user) -> ProjectMember:
    return ProjectMember.objects.get(project=project, user=user)


def test_an_owner_invites_by_email_and_the_invitee_gets_a_link(en, project, owner, django_capture_on_commit_callbacks):
    en.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(reverse("member_invite", args=[project.id]), {"email": "New@Example.com", "role": "engineer"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(project=project)
    assert (invitation.email, invitation.role, invitation.invited_by) == ("new@example.com", "engineer", owner)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body
    assert ActivityEvent.objects.filter(project=project, verb="member.invited").exists()


def test_an_htmx_invitation_returns_the_team_panel_and_the_messages(en, project, owner):
    en.force_login(owner)
    response = en.post(
        reverse("member_invite", args=[project.id]), {"email": "x@example.com", "role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="team-panel"')
    assert 'id="messages"' in html and 'hx-swap-oob="true"' in html
    assert "x@example.com" in html


def test_an_owner_changes_a_role(en, project, owner, engineer):
    en.force_login(owner)
    member = _member(project, engineer)
    en.post(reverse("member_change_role", args=[project.id, member.pk]), {"role": "viewer"})
    member.refresh_from_db()
    assert member.role == "viewer"
    event = ActivityEvent.objects.get(project=project, verb="member.role_changed")
    assert event.data["role"] == "viewer" and event.data["old_role"] == "engineer"


def test_the_last_owner_cannot_be_demoted(en, project, owner):
    en.force_login(owner)
    member = _member(project, owner)
    response = en.post(reverse("member_change_role", args=[project.id, member.pk]), {"role": "viewer"}, follow=True)
    assert "at least one owner" in response.content.decode()
    member.refresh_from_db()
    assert member.role == "owner"


def test_an_owner_can_step_down_when_another_owner_remains(en, project, owner, engineer):
    en.force_login(owner)
    services.member_change_role(member=_member(project, engineer), actor=owner, role=Role.OWNER)
    response = en.post(reverse("member_change_role", args=[project.id, _member(project, owner).pk]), {"role": "engineer"})
    assert response.status_code == 302
    assert response["Location"] == reverse("project_workspace", args=[project.id])
    assert _member(project, owner).role == "engineer"


def test_an_owner_removes_a_member(en, project, owner, engineer):
    en.force_login(owner)
    en.post(reverse("member_remove", args=[project.id, _member(project, engineer).pk]))
    assert not ProjectMember.objects.filter(project=project, user=engineer).exists()
    assert ActivityEvent.objects.filter(project=project, verb="member.removed").exists()


def test_the_last_owner_cannot_be_removed_or_leave(en, project, owner):
    en.force_login(owner)
    response = en.post(reverse("member_remove", args=[project.id, _member(project, owner).pk]), follow=True)
    assert "at least one owner" in response.content.decode()
    response = en.post(reverse("member_leave", args=[project.id]), follow=True)
    assert "at least one owner" in response.content.decode()
    assert _member(project, owner).role == "owner"


def test_a_member_leaves_the_project(en, project, viewer):
    en.force_login(viewer)
    response = en.post(reverse("member_leave", args=[project.id]))
    assert response["Location"] == reverse("dashboard")
    assert not ProjectMember.objects.filter(project=project, user=viewer).exists()
    assert en.get(reverse("project_workspace", args=[project.id])).status_code == 404


def test_an_owner_cancels_an_invitation(en, project, owner):
    invitation = services.member_invite(project=project, actor=owner, email="z@example.com", role="viewer")
    en.force_login(owner)
    en.post(reverse("invitation_revoke", args=[project.id, invitation.pk]))
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_a_member_of_another_project_cannot_be_targeted(en, project, owner, outsider):
    from .factories import ProjectFactory, ProjectMemberFactory

    other = ProjectFactory(owner=outsider)
    foreign = ProjectMemberFactory(project=other, user=outsider, role="owner")
    en.force_login(owner)
    assert en.post(reverse("member_remove", args=[project.id, foreign.pk])).status_code == 404
    assert en.post(reverse("member_change_role", args=[project.id, foreign.pk]), {"role": "viewer"}).status_code == 404


def test_the_team_panel_shows_members_and_pending_invitations(en, project, owner, viewer):
    services.member_invite(project=project, actor=owner, email="pending@example.com", role="viewer")
    en.force_login(viewer)
    html = en.get(reverse("project_team", args=[project.id])).content.decode()
    assert "alice@example.com" in html and "pending@example.com" in html
    assert "Invite someone" not in html  # viewers do not manage the team


def test_the_only_owner_is_told_why_their_role_has_no_controls(en, project, owner, engineer):
    en.force_login(owner)
    html = en.get(reverse("project_team", args=[project.id])).content.decode()
    assert "The only owner: make someone else an owner" in html
    assert f'id="role-{_member(project, owner).pk}"' not in html
    assert f'id="role-{_member(project, engineer).pk}"' in html


def test_with_two_owners_each_can_step_down(en, project, owner, engineer):
    services.member_change_role(member=_member(project, engineer), actor=owner, role=Role.OWNER)
    en.force_login(owner)
    html = en.get(reverse("project_team", args=[project.id])).content.decode()
    assert "The only owner" not in html
    assert f'id="role-{_member(project, owner).pk}"' in html
