"""The questionnaire chat in the project workspace.

Every view goes through `get_project_for`: non-members get 404, viewers read
the conversation and get 403 on every write. htmx requests get the chat
panel (`#chat`) back; other requests are redirected to the chat page (the
full-page fallback). Writes are rate-limited per user.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget
from django_ratelimit.core import is_ratelimited

from projects.access import get_project_for
from projects.models import Project, Role

from . import chat
from .analysis import MAX_UPLOAD_BYTES
from .selectors import chat_state

RATE_GROUP = "conversations.chat"


def _rate(group: str, request: HttpRequest) -> str:
    return settings.H2O_CHAT_RATE_LIMIT


def _limited(request: HttpRequest) -> bool:
    return is_ratelimited(request, group=RATE_GROUP, key="user", rate=_rate, method="POST", increment=True)


def _chat_url(project: Project) -> str:
    return reverse("chat", args=[project.id])


def _panel(request: HttpRequest, project: Project, *, editing: str | None = None, status: int = 200) -> HttpResponse:
    state = chat_state(project, editing=editing)
    context = {"project": project, "chat": state}
    if request.htmx:
        return render(request, "conversations/_chat_panel.html", context, status=status)
    return render(request, "conversations/chat_page.html", context, status=status)


def _after_write(request: HttpRequest, project: Project) -> HttpResponse:
    if request.htmx:
        return _panel(request, project)
    return redirect(_chat_url(project) + "#chat-composer")


def _too_many(request: HttpRequest, project: Project) -> HttpResponse:
    if request.htmx:
        response = render(request, "conversations/_rate_limited.html", {"project": project}, status=429)
        # Appended to the conversation as a bubble; chat.js lets htmx swap this 429.
        return reswap(retarget(response, "#chat-messages"), "beforeend")
    state = chat_state(project)
    return render(
        request, "conversations/chat_page.html", {"project": project, "chat": state, "rate_limited": True}, status=429
    )


def _writable(request: HttpRequest, project_id: UUID) -> Project | HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.ENGINEER)
    if _limited(request):
        return _too_many(request, project)
    return project


@login_required
@require_GET
def chat_page(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = get_project_for(request.user, project_id)
    return _panel(request, project)


@login_required
@require_GET
def chat_edit(request: HttpRequest, project_id: UUID, key: str) -> HttpResponse:
    project = get_project_for(request.user, project_id, role=Role.ENGINEER)
    return _panel(request, project, editing=key)


@login_required
@require_POST
def chat_answer(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = _writable(request, project_id)
    if isinstance(project, HttpResponse):
        return project
    key = request.POST.get("key", "")
    values = request.POST.getlist("value")
    raw = values if request.POST.get("type") == "multi_choice" else (values[0] if values else "")
    try:
        chat.chat_answer(project=project, actor=request.user, key=key, raw=raw, unit=request.POST.get("unit"))
    except chat.ChatError:
        pass  # a stale form for a question that no longer exists: show the current state
    return _after_write(request, project)


@login_required
@require_POST
def chat_skip(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = _writable(request, project_id)
    if isinstance(project, HttpResponse):
        return project
    try:
        chat.chat_skip(project=project, actor=request.user, key=request.POST.get("key", ""))
    except chat.ChatError:
        pass
    return _after_write(request, project)


@login_required
@require_POST
def chat_use_defaults(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = _writable(request, project_id)
    if isinstance(project, HttpResponse):
        return project
    chat.chat_use_defaults(project=project, actor=request.user)
    return _after_write(request, project)


@login_required
@require_POST
def chat_message(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = _writable(request, project_id)
    if isinstance(project, HttpResponse):
        return project
    text = request.POST.get("text", "").strip()
    if text:
        chat.chat_free_text(project=project, actor=request.user, text=text)
    return _after_write(request, project)


@login_required
@require_POST
def chat_upload(request: HttpRequest, project_id: UUID) -> HttpResponse:
    project = _writable(request, project_id)
    if isinstance(project, HttpResponse):
        return project
    upload = request.FILES.get("file")
    if upload is None:
        chat.chat_upload(project=project, actor=request.user, filename="", data=b"")
        return _after_write(request, project)
    # Read one byte past the limit: enough to know it is too large without reading it all.
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    chat.chat_upload(project=project, actor=request.user, filename=upload.name or "", data=data, size=upload.size)
    return _after_write(request, project)
