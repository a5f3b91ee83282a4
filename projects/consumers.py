"""The workspace's websocket: out-of-band HTML fragments for htmx's ws extension."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import ProjectMember
from .phases.live import may_run_phases, project_group, render_state, variant_key

# Close code for "not allowed" (4000–4999 are the application's own).
CLOSE_FORBIDDEN = 4403


def _language(scope: dict[str, Any]) -> str:
    """The reader's language as LocaleMiddleware would pick it for a page:
    the language cookie, then Accept-Language, then the default."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    request = SimpleNamespace(
        COOKIES=scope.get("cookies", {}),
        META={"HTTP_ACCEPT_LANGUAGE": headers.get("accept-language", "")},
        path_info="/",
    )
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


class ProjectConsumer(AsyncWebsocketConsumer):
    """Admits the project's members only; forwards the phase fragments sent to
    the project's group, in the member's language and for their role."""

    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        project_id = self.scope["url_route"]["kwargs"]["project_id"]
        role = await self._role(user, project_id)
        if role is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.project_id = project_id
        self.user_id = user.pk
        self.language = _language(self.scope)
        self.may_run = may_run_phases(role)
        self.group_name = project_group(project_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        # The page may be older than the last update (rendered before a
        # progress report, or this is a reconnect): send the true state now.
        state = await self._current_state()
        if state is None:  # deleted in the meantime
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send(text_data=state)

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # The workspace sends nothing over the socket; actions are HTTP posts.
        pass

    # Handles FRAGMENTS_EVENT ("phase.fragments").
    async def phase_fragments(self, event: dict[str, Any]) -> None:
        fragments: dict[str, str] = event.get("fragments", {})
        html = fragments.get(variant_key(self.language, self.may_run)) or fragments.get(
            variant_key(settings.LANGUAGE_CODE, self.may_run)
        )
        if html:
            await self.send(text_data=html)

    # Handles MEMBERSHIP_EVENT ("membership.changed"): a member was removed or
    # changed role (user_id), or the project was deleted (user_id None).
    async def membership_changed(self, event: dict[str, Any]) -> None:
        user_id = event.get("user_id")
        if user_id is not None and user_id != self.user_id:
            return
        role = await self._role(self.scope.get("user"), self.project_id)
        if role is None:
            await self.send(text_data=await self._access_ended_notice())
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            self.group_name = None
            await self.close(code=CLOSE_FORBIDDEN)
            return
        may_run = may_run_phases(role)
        if may_run != self.may_run:
            # Start/retry buttons appear or disappear with the new role.
            self.may_run = may_run
            state = await self._current_state()
            if state is not None:
                await self.send(text_data=state)

    @database_sync_to_async
    def _access_ended_notice(self) -> str:
        with translation.override(self.language):
            return render_to_string("projects/_access_ended_oob.html")

    @database_sync_to_async
    def _role(self, user: Any, project_id: Any) -> str | None:
        if user is None or not user.is_authenticated:
            return None
        return ProjectMember.objects.filter(project_id=project_id, user=user).values_list("role", flat=True).first()

    @database_sync_to_async
    def _current_state(self) -> str | None:
        from .models import Project
        from .phases.runner import reap_stale_runs

        project = Project.objects.filter(pk=self.project_id).first()
        if project is None:
            return None
        reap_stale_runs(project=project)
        return render_state(project, language=self.language, may_run=self.may_run)

