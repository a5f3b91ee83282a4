"""Writes: every change to a project goes through here.

Keyword-only, typed, atomic; each records an ActivityEvent. Views validate
the shape of the input with forms; the rules (who may, what must stay true)
live here and raise `ServiceError` with a message the user can read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .activity import activity_text
from .models import (
    NAME_MAX_LENGTH,
    SUBSECTORS_BY_SECTOR,
    ActivityEvent,
    Invitation,
    Project,
    ProjectMember,
    Role,
    Sector,
)
from .schemas import ContextError, validate_context


class ServiceError(Exception):
    """A rule was broken; the message is meant for the user."""


# --- Activity -----------------------------------------------------------------


def activity_record(
    *,
    project: Project,
    actor: AbstractBaseUser | None,
    verb: str,
    description: str = "",
    data: dict[str, Any] | None = None,
) -> ActivityEvent:
    """Append to the project's timeline. The feed renders the sentence from
    `verb` and `data` in the reader's language (projects.activity); the
    stored `description` is its English form, for admin search."""
    data = data or {}
    if not description:
        with translation.override("en"):
            description = activity_text(verb, data)
    return ActivityEvent.objects.create(
        project=project, actor=actor, verb=verb, description=description[:500], data=data
    )


# --- Projects -----------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("The name cannot be empty."))
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(
            _("The name is too long (at most %(max)d characters).") % {"max": NAME_MAX_LENGTH}
        )
    return name


def _check_subsector(sector: str, subsector: str) -> None:
    if sector not in Sector.values:
        raise ServiceError(_("Choose a valid sector."))
    if subsector and subsector not in SUBSECTORS_BY_SECTOR[sector]:
        raise ServiceError(_("That subsector does not belong to the chosen sector."))


@transaction.atomic
def project_create(
    *,
    owner: AbstractBaseUser,
    name: str,
    sector: str,
    client: str = "",
    subsector: str = "",
    country: str = "",
    city: str = "",
    technical_context: dict[str, Any] | None = None,
) -> Project:
    name = _clean_name(name)
    client = " ".join((client or "").split())[:NAME_MAX_LENGTH]
    _check_subsector(sector, subsector)
    try:
        context = validate_context("technical_context", technical_context or {})
    except ContextError as exc:
        raise ServiceError(_("The technical data is not valid: %(error)s") % {"error": exc}) from exc
    project = Project.objects.create(
        owner=owner,
        name=name,
        client=client,
        sector=sector,
        subsector=subsector,
        country=(country or "").upper()[:2],
        city=(city or "").strip()[:120],
        technical_context=context,
    )
    ProjectMember.objects.create(project=project, user=owner, role=Role.OWNER)
    activity_record(
        project=project,
        actor=owner,
        verb="project.created",
        data={"name": name},
    )
    return project


@transaction.atomic
def project_rename(*, project: Project, actor: AbstractBaseUser, name: str, client: str | None = None) -> Project:
    name = _clean_name(name)
    old = project.name
    project.name = name
    fields = ["name", "updated"]
    if client is not None:
        project.client = " ".join(client.split())[:NAME_MAX_LENGTH]
        fields.append("client")
    project.save(update_fields=fields)
    activity_record(
        project=project,
        actor=actor,
        verb="project.renamed",
        data={"old": old, "new": name},
    )
    return project


@transaction.atomic
def project_set_archived(*, project: Project, actor: AbstractBaseUser, archived: bool) -> Project:
    if project.archived == archived:
        return project
    project.archived = archived
    project.save(update_fields=["archived", "updated"])
    activity_record(
        project=project,
        actor=actor,
        verb="project.archived" if archived else "project.unarchived",
    )
    return project


@transaction.atomic
def project_update_context(
    *, project: Project, actor: AbstractBaseUser | None, field: str, data: dict[str, Any]
) -> Project:
    """Replace one of the JSON contexts after validating it with its schema."""
    try:
        value = validate_context(field, data)
    except ContextError as exc:
        raise ServiceError(_("The data is not valid: %(error)s") % {"error": exc}) from exc
    setattr(project, field, value)
    project.save(update_fields=[field, "updated"])
    activity_record(project=project, actor=actor, verb="project.context_updated", data={"field": field})
    return project


@transaction.atomic
def project_delete(*, project: Project, actor: AbstractBaseUser) -> None:
    """Delete the project and everything in it. Files are removed after the
    transaction commits, so a rollback never leaves rows without files."""
    from documents.models import Document

    names = [
        doc.file.name for doc in Document.objects.filter(project=project).only("file") if doc.file.name
    ]
    storage = Document._meta.get_field("file").storage
    project_id = project.pk
    project.delete()
    _announce_membership_change(project_id, user_id=None)

    def remove_files() -> None:
        for name in names:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 — an orphaned file is not worth a failed request
                pass

    transaction.on_commit(remove_files)


# --- Team -----------------------------------------------------------------------


def _announce_membership_change(project_id: Any, *, user_id: int | None) -> None:
    # Imported here: the phase machinery imports this module.
    from .phases.live import announce_membership_change

    announce_membership_change(project_id, user_id=user_id)


def _owner_count(project: Project) -> int:
    return ProjectMember.objects.filter(project=project, role=Role.OWNER).count()


def _lock_members(project: Project) -> None:
    # Two owners demoting each other at once must not leave the project
    # ownerless: serialise team changes per project.
    list(ProjectMember.objects.select_for_update().filter(project=project).values_list("pk", flat=True))


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _user_for_email(email: str) -> AbstractBaseUser | None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if address:
        return address.user
    return get_user_model().objects.filter(email__iexact=email).first()


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation_detail", args=[invitation.token])


def _send_invitation_email(invitation: Invitation) -> None:
    context = {
        "invitation": invitation,
        "project": invitation.project,
        "inviter": invitation.invited_by,
        "url": invitation_url(invitation),
        "role": invitation.get_role_display(),
    }
    subject = render_to_string("projects/email/invitation_subject.txt", context).strip()
    body = render_to_string("projects/email/invitation_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@transaction.atomic
def member_invite(*, project: Project, actor: AbstractBaseUser, email: str, role: str) -> Invitation:
    """Invite someone by email. They join when they accept the link (or when
    they sign up and confirm this address)."""
    email = _normalise_email(email)
    if not email or "@" not in email:
        raise ServiceError(_("Enter a valid email address."))
    if role not in Role.values:
        raise ServiceError(_("Choose a valid role."))
    if ProjectMember.objects.filter(project=project, user__email__iexact=email).exists():
        raise ServiceError(_("%(email)s is already a member of this project.") % {"email": email})
    if Invitation.objects.filter(project=project, email=email, accepted_at__isnull=True).exists():
        raise ServiceError(
            _("%(email)s has already been invited to this project and has not answered yet.") % {"email": email}
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(project=project, email=email, role=role, invited_by=actor)
    except IntegrityError as exc:
        # A concurrent request invited the same address first.
        raise ServiceError(
            _("%(email)s has already been invited to this project and has not answered yet.") % {"email": email}
        ) from exc
    activity_record(
        project=project,
        actor=actor,
        verb="member.invited",
        data={"email": email, "role": role},
    )
    # The email is sent in the project's working language of the inviter.
    language = translation.get_language()
    transaction.on_commit(lambda: _send_in_language(invitation, language))
    return invitation


def _send_in_language(invitation: Invitation, language: str | None) -> None:
    with translation.override(language):
        _send_invitation_email(invitation)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: AbstractBaseUser) -> None:
    if not invitation.is_pending:
        raise ServiceError(_("This invitation has already been accepted."))
    project, email = invitation.project, invitation.email
    invitation.delete()
    activity_record(
        project=project,
        actor=actor,
        verb="member.invitation_revoked",
        data={"email": email},
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> ProjectMember:
    """Join the project the invitation is for. Accepting twice is harmless."""
    invitation = Invitation.objects.select_for_update().select_related("project").get(pk=invitation.pk)
    member, created = ProjectMember.objects.get_or_create(
        project=invitation.project, user=user, defaults={"role": invitation.role}
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    if created:
        activity_record(
            project=invitation.project,
            actor=user,
            verb="member.joined",
            data={"role": member.role, "invitation": invitation.pk},
        )
    return member


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: AbstractBaseUser) -> None:
    if not invitation.is_pending:
        raise ServiceError(_("This invitation has already been accepted."))
    project, email = invitation.project, invitation.email
    invitation.delete()
    activity_record(project=project, actor=user, verb="member.invitation_declined", data={"email": email})


def invitations_accept_for_email(*, user: AbstractBaseUser, email: str) -> list[ProjectMember]:
    """Accept every pending invitation sent to an address the user has just
    confirmed (called from allauth's email_confirmed signal)."""
    email = _normalise_email(email)
    members = []
    for invitation in Invitation.objects.filter(email=email, accepted_at__isnull=True):
        members.append(invitation_accept(invitation=invitation, user=user))
    return members



@transaction.atomic
def member_change_role(*, member: ProjectMember, actor: AbstractBaseUser, role: str) -> ProjectMember:
    if role not in Role.values:
        raise ServiceError(_("Choose a valid role."))
    _lock_members(member.project)
    member.refresh_from_db()
    if member.role == role:
        return member
    if member.role == Role.OWNER and _owner_count(member.project) <= 1:
        raise ServiceError(_("A project needs at least one owner. Make someone else an owner first."))
    old = member.role
    member.role = role
    member.save(update_fields=["role"])
    _announce_membership_change(member.project_id, user_id=member.user_id)
    activity_record(
        project=member.project,
        actor=actor,
        verb="member.role_changed",
        data={"user": member.user_id, "email": member.user.email, "old_role": old, "role": role},
    )
    return member


@transaction.atomic
def member_remove(*, member: ProjectMember, actor: AbstractBaseUser) -> None:
    """Remove a member, or leave the project when `actor` is the member."""
    _lock_members(member.project)
    if member.role == Role.OWNER and _owner_count(member.project) <= 1:
        raise ServiceError(_("A project needs at least one owner. Make someone else an owner first."))
    project, user = member.project, member.user
    member.delete()
    _announce_membership_change(project.pk, user_id=user.pk)
    if user.pk == actor.pk:
        activity_record(project=project, actor=actor, verb="member.left")
    else:
        activity_record(
            project=project,
            actor=actor,
            verb="member.removed",
            data={"user": user.pk, "email": user.email},
        )
