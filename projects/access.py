"""The one access check every project view goes through."""

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Project, ProjectMember, Role


def get_membership(user: AbstractBaseUser | AnonymousUser, project_id: UUID | str) -> ProjectMember:
    """The user's membership of a project, or 404 for anyone who is not a member
    (outsiders must not learn the project exists)."""
    if not user.is_authenticated:
        raise Http404
    try:
        return ProjectMember.objects.select_related("project").get(project_id=project_id, user=user)
    except (ProjectMember.DoesNotExist, ValueError):
        raise Http404 from None


def get_project_for(
    user: AbstractBaseUser | AnonymousUser, project_id: UUID | str, role: str = Role.VIEWER
) -> Project:
    """The project if `user` is a member with at least `role`.

    Non-member → 404; a member with a lower role → 403. The membership is
    attached as `project.membership` so views and templates can show what the
    user may do without another query.
    """
    membership = get_membership(user, project_id)
    if not membership.has_role(role):
        raise PermissionDenied
    project = membership.project
    project.membership = membership  # type: ignore[attr-defined]
    return project
