"""Starting the proposal phase (the questionnaire summary's button)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from projects.access import get_project_for
from projects.models import Phase, Role
from projects.phases import start_phase
from projects.services import ServiceError


@login_required
@require_POST
def proposal_start(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.ENGINEER)
    try:
        start_phase(project=project, phase=Phase.PROPOSAL, user=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The proposal is being prepared: follow its steps in the timeline."))
    url = reverse("project_workspace", args=[project.id])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
