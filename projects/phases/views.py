"""Start and retry buttons of the workspace's phase cards."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.access import get_project_for
from projects.models import Phase, PhaseRun, Project, Role
from projects.selectors import phase_timeline
from projects.services import ServiceError

from . import runner


def _respond(request: HttpRequest, project: Project, phase: str, *, error: str, success: str) -> HttpResponse:
    if request.htmx:
        # The card itself and, out of band, the current-phase panel; the
        # websocket pushes the following states.
        timeline = phase_timeline(project)
        state = next(state for state in timeline if state.phase == phase)
        html = render_to_string(
            "projects/_phase_run.html", {"project": project, "state": state, "phase_error": error}, request=request
        )
        html += render_to_string(
            "projects/_phase_actions.html", {"project": project, "timeline": timeline, "oob": True}, request=request
        )
        return HttpResponse(html)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(reverse("project_workspace", args=[project.id]))


@login_required
@require_POST
def phase_start(request: HttpRequest, project_id: UUID, phase: str) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.ENGINEER)
    if phase not in Phase.values:
        raise Http404
    error = ""
    try:
        runner.start_phase(project=project, phase=phase, user=request.user)
    except ServiceError as exc:
        error = str(exc)
    return _respond(request, project, phase, error=error, success=_("The phase has started."))


@login_required
@require_POST
def phase_run_retry(request: HttpRequest, project_id: UUID, run_id: int) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.ENGINEER)
    run = get_object_or_404(PhaseRun, pk=run_id, project=project)
    error = ""
    try:
        runner.retry_run(run, user=request.user)
    except ServiceError as exc:
        error = str(exc)
    return _respond(request, project, run.phase, error=error, success=_("The phase is running again."))
