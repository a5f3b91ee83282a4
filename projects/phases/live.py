"""Live progress: the HTML fragments the workspace swaps in over its websocket.

Each progress update renders `projects/_phase_run.html` (or the whole
`_phase_timeline.html` when a run finishes), followed by the current-phase
panel (`_phase_actions.html`), with `hx-swap-oob` on their roots and sends it to the project's channel group after the transaction commits. The
sender renders one variant per language and per "may run" (engineer/owner see
the start and retry buttons, viewers do not); each connection forwards the
variant that matches its reader, so nobody sees another member's language or
buttons they may not use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise

from projects.models import PhaseRun, Project, Role
from projects.selectors import PhaseState, latest_phase_runs, phase_timeline

from .registry import PhaseDefinition, find_phase

logger = logging.getLogger(__name__)

FRAGMENTS_EVENT = "phase.fragments"
RUN_TEMPLATE = "projects/_phase_run.html"
TIMELINE_TEMPLATE = "projects/_phase_timeline.html"
ACTIVITY_TEMPLATE = "projects/_activity_feed.html"  # the workspace's feed (pages)
PHASE_ACTIONS_TEMPLATE = "projects/_phase_actions.html"  # the current-phase panel

ACTIVE_STATUSES = (PhaseRun.Status.QUEUED, PhaseRun.Status.RUNNING)


def project_group(project_id: UUID | str) -> str:
    return f"project.{project_id}"


def variant_key(language: str, may_run: bool) -> str:
    return f"{language}:{'rw' if may_run else 'ro'}"


def may_run_phases(role: str | None) -> bool:
    from projects.models import ROLE_RANK

    return bool(role) and ROLE_RANK.get(role, 0) >= ROLE_RANK[Role.ENGINEER]


# --- What _phase_run.html shows ---------------------------------------------------


@dataclass(frozen=True)
class StepView:
    key: str
    label: str | Promise
    # pending, running, done or failed
    status: str
    message: str = ""


@dataclass(frozen=True)
class PhaseRunView:
    state: PhaseState
    definition: PhaseDefinition | None
    steps: list[StepView]
    may_run: bool

    @property
    def run(self) -> PhaseRun | None:
        return self.state.run

    @property
    def current(self) -> StepView | None:
        for step in self.steps:
            if step.status in ("running", "failed"):
                return step
        return None

    @property
    def retrying(self) -> bool:
        """Queued again after a failed attempt (waiting for its backoff)."""
        run = self.run
        return bool(run and run.status == PhaseRun.Status.QUEUED and run.attempt > 0)

    @property
    def can_start(self) -> bool:
        return (
            self.may_run
            and self.definition is not None
            and self.state.status == "not_started"
            and self.state.position != "upcoming"
        )

    @property
    def can_retry(self) -> bool:
        return self.may_run and self.definition is not None and self.state.status == PhaseRun.Status.FAILED


def initial_steps(definition: PhaseDefinition) -> list[dict[str, str]]:
    return [{"key": step.key, "status": "pending"} for step in definition.steps]


def phase_run_view(state: PhaseState, may_run: bool) -> PhaseRunView:
    definition = find_phase(state.phase)
    run = state.run
    stored: list[dict[str, Any]] = list(run.steps) if run is not None and isinstance(run.steps, list) else []
    if not stored and definition is not None:
        stored = initial_steps(definition)
        if run is not None and run.status == PhaseRun.Status.SUCCEEDED:
            stored = [{**step, "status": "done"} for step in stored]
    steps = []
    for item in stored:
        if not isinstance(item, dict) or "key" not in item:
            continue
        key = str(item["key"])
        label = definition.step_label(key) if definition is not None else key
        steps.append(StepView(key=key, label=label, status=str(item.get("status", "pending")), message=str(item.get("message", ""))))
    return PhaseRunView(state=state, definition=definition, steps=steps, may_run=may_run)


# --- Rendering and sending ----------------------------------------------------------


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def render_state(project: Project, *, language: str, may_run: bool, phases: Iterable[str] | None = None) -> str:
    """The out-of-band fragment(s) for one reader: the whole timeline when
    `phases` is None, else the named phases' cards."""
    timeline = phase_timeline(project, latest_phase_runs(project))
    return _render(project, timeline, None, language=language, may_run=may_run, phases=phases)


def _render(
    project: Project,
    timeline: list[PhaseState],
    activity: list[Any] | None,
    *,
    language: str,
    may_run: bool,
    phases: Iterable[str] | None,
) -> str:
    context = {"project": project, "timeline": timeline, "oob": True, "may_run": may_run}
    with translation.override(language):
        if phases is None:
            html = render_to_string(TIMELINE_TEMPLATE, context)
        else:
            wanted = set(phases)
            html = "".join(
                render_to_string(RUN_TEMPLATE, {**context, "state": state}) for state in timeline if state.phase in wanted
            )
        # Small, and it repeats the current phase's state: always with the cards.
        html += render_to_string(PHASE_ACTIONS_TEMPLATE, context)
        if activity is not None:
            html += render_to_string(ACTIVITY_TEMPLATE, {"project": project, "activity": activity, "oob": True})
    return html


def render_fragments(
    project_id: UUID | str, *, phases: Iterable[str] | None = None, activity: bool = False
) -> dict[str, str]:
    """Every variant of the fragment, keyed by variant_key(). With
    `activity`, the workspace's activity feed too (a run started or ended)."""
    from projects.selectors import project_activity

    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return {}
    timeline = phase_timeline(project, latest_phase_runs(project))
    events = project_activity(project) if activity else None
    phases = None if phases is None else tuple(phases)
    return {
        variant_key(language, may_run): _render(
            project, timeline, events, language=language, may_run=may_run, phases=phases
        )
        for language in _languages()
        for may_run in (True, False)
    }


def send_fragments(project_id: UUID | str, *, phases: Iterable[str] | None = None, activity: bool = False) -> None:
    """Render now and push to the project's group. Live progress is a
    courtesy: the PhaseRun row is the truth, so a failure here is logged,
    never raised into the phase."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        fragments = render_fragments(project_id, phases=phases, activity=activity)
        if not any(fragments.values()):
            return
        async_to_sync(layer.group_send)(project_group(project_id), {"type": FRAGMENTS_EVENT, "fragments": fragments})
    except Exception:
        logger.exception("Could not send live progress for project %s", project_id)


def broadcast(project_id: UUID | str, *, phases: Iterable[str] | None = None, activity: bool = False) -> None:
    """Send the fragments once the current transaction commits (at once in
    autocommit), so nobody sees a state the database may still roll back."""
    transaction.on_commit(
        partial(send_fragments, project_id, phases=None if phases is None else tuple(phases), activity=activity)
    )


# --- Membership ---------------------------------------------------------------------

MEMBERSHIP_EVENT = "membership.changed"


def send_membership_changed(project_id: UUID | str, user_id: int | None) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(project_group(project_id), {"type": MEMBERSHIP_EVENT, "user_id": user_id})
    except Exception:
        logger.exception("Could not announce a membership change in project %s", project_id)


def announce_membership_change(project_id: UUID | str, *, user_id: int | None = None) -> None:
    """Once the transaction commits, tell the project's open sockets that a
    member was removed or changed role (`user_id`), or that every membership
    ended (None: the project was deleted). Each socket checks its reader's
    membership again: a removed member's socket closes, a changed role gets
    the fragments for its new role. Without this a removed member would keep
    receiving the project's updates until their socket reconnects."""
    transaction.on_commit(partial(send_membership_changed, project_id, user_id))
