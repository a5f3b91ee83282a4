"""The invitee's side: accept by link, or join on sign-up once the address
is confirmed."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from projects import services
from projects.models import Invitation, ProjectMember

from .factories import UserFactory


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def test_an_invitee_without_an_account_joins_on_sign_up(en, project, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.member_invite(project=project, actor=owner, email="newbie@example.com", role="engineer")
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[0].body).group(0)
    assert en.get(urlsplit(link).path).status_code == 200

    response = en.post(
        reverse("account_signup"),
        {"email": "newbie@example.com", "password1": "a-long-Passw0rd!", "password2": "a-long-Passw0rd!"},
    )
    assert response.status_code == 302
    assert not ProjectMember.objects.filter(project=project, user__email="newbie@example.com").exists()

    confirmation = mail.outbox[-1]
    url = re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirmation.body).group(0)
    response = en.post(urlsplit(url).path, follow=True)
    assert "Welcome to “Planta Lácteos”." in response.content.decode()

    member = ProjectMember.objects.get(project=project, user__email="newbie@example.com")
    assert member.role == "engineer"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_existing_user_accepts_from_the_link(en, project, owner, outsider):
    invitation = services.member_invite(project=project, actor=owner, email=outsider.email, role="viewer")
    en.force_login(outsider)
    page = en.get(reverse("invitation_detail", args=[invitation.token]))
    assert "Accept and open the project" in page.content.decode()
    response = en.post(reverse("invitation_accept", args=[invitation.token]))
    assert response["Location"] == reverse("project_workspace", args=[project.id])
    assert ProjectMember.objects.get(project=project, user=outsider).role == "viewer"


def test_an_existing_user_sees_the_invitation_among_actions_required(en, project, owner, outsider):
    services.member_invite(project=project, actor=owner, email=outsider.email, role="viewer")
    en.force_login(outsider)
    html = en.get(reverse("dashboard")).content.decode()
    assert "You are invited to join as Viewer" in html


def test_someone_else_cannot_accept_an_invitation(en, project, owner):
    invitation = services.member_invite(project=project, actor=owner, email="right@example.com", role="owner")
    intruder = UserFactory(email="intruder@example.com")
    en.force_login(intruder)
    response = en.post(reverse("invitation_accept", args=[invitation.token]), follow=True)
    assert "This invitation was sent to right@example.com" in response.content.decode()
    assert not ProjectMember.objects.filter(project=project, user=intruder).exists()


def test_an_unverified_address_cannot_accept(en, project, owner):
    invitation = services.member_invite(project=project, actor=owner, email="unverified@example.com", role="owner")
    user = UserFactory(email="unverified@example.com", verified=False)
    en.force_login(user)
    en.post(reverse("invitation_accept", args=[invitation.token]))
    assert not ProjectMember.objects.filter(project=project, user=user).exists()


def test_a_used_invitation_says_so(en, project, owner, outsider):
    invitation = services.member_invite(project=project, actor=owner, email=outsider.email, role="viewer")
    services.invitation_accept(invitation=invitation, user=outsider)
    response = en.get(reverse("invitation_detail", args=[invitation.token]))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_a_member_opening_a_used_invitation_lands_in_the_project(en, project, owner, outsider):
    invitation = services.member_invite(project=project, actor=owner, email=outsider.email, role="viewer")
    services.invitation_accept(invitation=invitation, user=outsider)
    en.force_login(outsider)
    response = en.get(reverse("invitation_detail", args=[invitation.token]))
    assert response["Location"] == reverse("project_workspace", args=[project.id])


def test_accepting_twice_is_harmless(project, owner, outsider):
    invitation = services.member_invite(project=project, actor=owner, email=outsider.email, role="viewer")
    services.invitation_accept(invitation=invitation, user=outsider)
    services.invitation_accept(invitation=invitation, user=outsider)
    assert ProjectMember.objects.filter(project=project, user=outsider).count() == 1


def test_an_invitee_declines(en, project, owner, outsider):
    invitation = services.member_invite(project=project, actor=owner, email=outsider.email, role="viewer")
    en.force_login(outsider)
    en.post(reverse("invitation_decline", args=[invitation.token]))
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert not ProjectMember.objects.filter(project=project, user=outsider).exists()


def test_an_anonymous_visitor_is_offered_to_sign_up(en, project, owner):
    invitation = services.member_invite(project=project, actor=owner, email="anon@example.com", role="viewer")
    html = en.get(reverse("invitation_detail", args=[invitation.token])).content.decode()
    assert "anon@example.com" in html
    assert reverse("account_signup") in html


def test_the_sign_up_link_prefills_the_invited_address(en, project, owner):
    invitation = services.member_invite(project=project, actor=owner, email="prefill@example.com", role="viewer")
    html = en.get(reverse("invitation_detail", args=[invitation.token])).content.decode()
    signup = re.search(r'href="(/accounts/signup/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert 'value="prefill@example.com"' in en.get(signup).content.decode()
