from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import get_project_for
from .selectors import phase_timeline, projects_for_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    projects = projects_for_user(request.user).order_by("-updated")
    page = Paginator(projects, 24).get_page(request.GET.get("page"))
    return render(request, "projects/dashboard.html", {"page": page})


@login_required
def workspace(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id)
    return render(
        request,
        "projects/workspace.html",
        {"project": project, "timeline": phase_timeline(project)},
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
