"""Pages of the workspace. Every project view goes through `get_project_for`;
writes go through `services`; reads through `selectors`. htmx requests get
the partial of the same template."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from . import selectors, services
from .access import get_project_for
from .forms import DashboardFilterForm, InviteForm, ProjectForm, RenameForm, RoleForm
from .models import Invitation, ProjectMember, Role
from .phases.runner import reap_stale_runs


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: a full navigation, also for htmx requests."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _workspace_url(project_id: UUID) -> str:
    return reverse("project_workspace", args=[project_id])


# --- Dashboard ------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    q, phase = "", ""
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        phase = form.cleaned_data["phase"]
    data = selectors.dashboard_for(request.user, q=q, phase=phase, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "dashboard": data,
        "page": data.page,
        "form": form,
        "q": q,
        "phase": phase,
        "querystring": query.urlencode(),
    }
    if request.htmx and request.htmx.target == "project-list":
        return render(request, "projects/_project_list.html", context)
    return render(request, "projects/dashboard.html", context)


# --- Project life cycle ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(owner=request.user, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Project “%(name)s” created.") % {"name": project.name})
            return _redirect(request, _workspace_url(project.id))
    template = "projects/_project_form_modal.html" if request.htmx else "projects/project_form.html"
    return render(request, template, {"form": form})


@login_required
@require_GET
def project_workspace(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id)
    # A run whose worker died shows as failed (or queued again), never as
    # running forever; one indexed query when nothing is stale.
    reap_stale_runs(project=project)
    return render(request, "projects/workspace.html", selectors.workspace_context(project))


@login_required
@require_http_methods(["GET", "POST"])
def project_rename(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.OWNER)
    form = RenameForm(request.POST or None, initial={"name": project.name, "client": project.client})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_rename(
                project=project, actor=request.user, name=form.cleaned_data["name"], client=form.cleaned_data["client"]
            )
        except services.ServiceError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Project details saved."))
            return _redirect(request, _workspace_url(project.id))
    template = "projects/_rename_modal.html" if request.htmx else "projects/project_rename.html"
    return render(request, template, {"form": form, "project": project})


@login_required
@require_POST
def project_archive(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.OWNER)
    archive = request.POST.get("archived", "1") != "0"
    services.project_set_archived(project=project, actor=request.user, archived=archive)
    if archive:
        messages.success(request, _("Project archived. It no longer appears among your active projects."))
    else:
        messages.success(request, _("Project restored from the archive."))
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(_workspace_url(project.id))


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.OWNER)
    error = ""
    if request.method == "POST":
        # Typing the name guards against deleting the wrong project.
        if " ".join(request.POST.get("confirm_name", "").split()) == project.name:
            name = project.name
            services.project_delete(project=project, actor=request.user)
            messages.success(request, _("Project “%(name)s” deleted.") % {"name": name})
            return _redirect(request, reverse("dashboard"))
        error = _("The name you typed does not match the project name.")
    template = "projects/_delete_modal.html" if request.htmx else "projects/project_delete.html"
    return render(request, template, {"project": project, "error": error})


# --- Documents ------------------------------------------------------------------


@login_required
@require_GET
def document_download(request: HttpRequest, project_id: UUID, document_id: int) -> HttpResponse:
    from documents.models import Document

    project = get_project_for(request.user, project_id)
    document = get_object_or_404(Document, pk=document_id, project=project)
    if not document.file.name:
        raise Http404
    storage = document.file.storage
    filename = document.file.name.rsplit("/", 1)[-1]
    try:
        path = storage.path(document.file.name)
    except NotImplementedError:
        # Remote storage (S3): hand out a short-lived signed URL instead of
        # streaming through the web process.
        url = storage.url(
            document.file.name,
            parameters={"ResponseContentDisposition": f'attachment; filename="{filename}"'},
        )
        return HttpResponseRedirect(url)
    try:
        handle = open(path, "rb")  # noqa: SIM115 — FileResponse closes it
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=document.mime_type or None
    )


# --- Team -------------------------------------------------------------------------


def _team_response(
    request: HttpRequest, project, *, invite_form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    """The team panel for htmx (with the messages and the activity feed
    swapped out-of-band), the team page otherwise."""
    project = get_project_for(request.user, project.id)  # the role may have changed
    context: dict[str, Any] = {
        "project": project,
        "invite_form": invite_form or InviteForm(),
        **selectors.team_context(project),
    }
    if request.htmx:
        html = render_to_string("projects/_team_panel.html", context, request=request)
        html += render_to_string("projects/_messages_oob.html", {}, request=request)
        html += render_to_string(
            "projects/_activity_feed.html",
            {"project": project, "activity": selectors.project_activity(project), "oob": True},
            request=request,
        )
        return HttpResponse(html, status=status)
    return render(request, "projects/project_team.html", context, status=status)


@login_required
@require_GET
def project_team(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id)
    return _team_response(request, project)


@login_required
@require_POST
def member_invite(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.OWNER)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.member_invite(
                project=project, actor=request.user, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
            )
        except services.ServiceError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            if not request.htmx:
                return redirect("project_team", project_id=project.id)
            return _team_response(request, project)
    return _team_response(request, project, invite_form=form)


@login_required
@require_POST
def member_change_role(request: HttpRequest, project_id: UUID, member_id: int) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.OWNER)
    member = get_object_or_404(ProjectMember.objects.select_related("user", "project"), pk=member_id, project=project)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.member_change_role(member=member, actor=request.user, role=form.cleaned_data["role"])
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.") % {"email": member.user.email, "role": member.get_role_display()},
            )
    if member.user_id == request.user.pk and member.role != Role.OWNER:
        # The owner demoted themself: the team page no longer lets them manage.
        return _redirect(request, _workspace_url(project.id))
    if not request.htmx:
        return redirect("project_team", project_id=project.id)
    return _team_response(request, project)


@login_required
@require_POST
def member_remove(request: HttpRequest, project_id: UUID, member_id: int) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.OWNER)
    member = get_object_or_404(ProjectMember.objects.select_related("user", "project"), pk=member_id, project=project)
    try:
        services.member_remove(member=member, actor=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        if member.user_id == request.user.pk:
            messages.success(request, _("You left “%(name)s”.") % {"name": project.name})
            return _redirect(request, reverse("dashboard"))
        messages.success(request, _("%(email)s was removed from the project.") % {"email": member.user.email})
    if not request.htmx:
        return redirect("project_team", project_id=project.id)
    return _team_response(request, project)


@login_required
@require_POST
def member_leave(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id)
    try:
        services.member_remove(member=project.membership, actor=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return _redirect(request, reverse("project_team", args=[project.id]))
    messages.success(request, _("You left “%(name)s”.") % {"name": project.name})
    return _redirect(request, reverse("dashboard"))


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, project_id: UUID, invitation_id: int) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.OWNER)
    invitation = get_object_or_404(Invitation, pk=invitation_id, project=project)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invitation to %(email)s cancelled.") % {"email": invitation.email})
    if not request.htmx:
        return redirect("project_team", project_id=project.id)
    return _team_response(request, project)


# --- Invitations (the invitee's side) -----------------------------------------------


# What secrets.token_urlsafe() produces (projects.models.new_invitation_token).
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _invitation_or_invalid(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    # Anything else (a NUL byte above all, which PostgreSQL refuses in a
    # query) cannot be a token: no need to ask the database.
    valid = _TOKEN_RE.fullmatch(token or "") is not None
    invitation = Invitation.objects.select_related("project", "invited_by").filter(token=token).first() if valid else None
    if invitation is None:
        return render(request, "projects/invitation_invalid.html", status=404)
    return invitation


@require_GET
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_or_invalid(request, token)
    if isinstance(found, HttpResponse):
        return found
    invitation = found
    if not invitation.is_pending:
        if request.user.is_authenticated and ProjectMember.objects.filter(
            project=invitation.project, user=request.user
        ).exists():
            return redirect("project_workspace", project_id=invitation.project_id)
        return render(request, "projects/invitation_invalid.html", {"used": True}, status=410)
    email_matches = False
    if request.user.is_authenticated:
        email_matches = selectors.pending_invitations_for(request.user).filter(pk=invitation.pk).exists()
    return render(
        request, "projects/invitation_detail.html", {"invitation": invitation, "email_matches": email_matches}
    )


@login_required
@require_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_or_invalid(request, token)
    if isinstance(found, HttpResponse):
        return found
    invitation = found
    if not selectors.pending_invitations_for(request.user).filter(pk=invitation.pk).exists():
        if not invitation.is_pending:
            return render(request, "projects/invitation_invalid.html", {"used": True}, status=410)
        messages.error(
            request,
            _("This invitation was sent to %(email)s. Log in with that address (or add and confirm it in your account) to accept it.")
            % {"email": invitation.email},
        )
        return redirect("invitation_detail", token=token)
    services.invitation_accept(invitation=invitation, user=request.user)
    messages.success(request, _("Welcome to “%(name)s”.") % {"name": invitation.project.name})
    return redirect("project_workspace", project_id=invitation.project_id)


@login_required
@require_POST
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_or_invalid(request, token)
    if isinstance(found, HttpResponse):
        return found
    invitation = found
    if not selectors.pending_invitations_for(request.user).filter(pk=invitation.pk).exists():
        messages.error(request, _("This invitation is not addressed to you."))
        return redirect("dashboard")
    services.invitation_decline(invitation=invitation, user=request.user)
    messages.info(request, _("Invitation declined."))
    return redirect("dashboard")


# --- Errors -----------------------------------------------------------------------


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
