"""Reads: the querysets and view-models the pages render."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Phase, PhaseRun, Project, ProjectStatus

PHASE_ORDER: list[str] = [Phase.PROPOSAL, Phase.ENGINEERING, Phase.PROCUREMENT]


@dataclass(frozen=True)
class PhaseState:
    """One phase of a project as the timeline shows it."""

    phase: str
    label: str
    number: int
    run: PhaseRun | None
    # "done" (the project moved past it), "current" or "upcoming".
    position: str

    @property
    def status(self) -> str:
        """queued/running/succeeded/failed from the latest run, or "not_started"."""
        if self.run is not None:
            return self.run.status
        return "succeeded" if self.position == "done" else "not_started"

    @property
    def progress(self) -> int:
        if self.run is not None:
            return self.run.progress
        return 100 if self.position == "done" else 0


def latest_phase_runs(project: Project) -> dict[str, PhaseRun]:
    """The latest run of each phase of one project (one query)."""
    runs: dict[str, PhaseRun] = {}
    for run in PhaseRun.objects.filter(project=project).order_by("phase", "-queued_at", "-pk"):
        runs.setdefault(run.phase, run)
    return runs


def _position(project_status: str, phase: str) -> str:
    if project_status == ProjectStatus.COMPLETED:
        return "done"
    current = PHASE_ORDER.index(project_status)
    index = PHASE_ORDER.index(phase)
    if index < current:
        return "done"
    return "current" if index == current else "upcoming"


def phase_timeline(project: Project, runs: dict[str, PhaseRun] | None = None) -> list[PhaseState]:
    """The three phases of a project with their state. This is the context
    (`timeline`) of `projects/_phase_timeline.html`."""
    if runs is None:
        runs = latest_phase_runs(project)
    labels = dict(Phase.choices)
    return [
        PhaseState(
            phase=phase,
            label=labels[phase],
            number=number,
            run=runs.get(phase),
            position=_position(project.status, phase),
        )
        for number, phase in enumerate(PHASE_ORDER, start=1)
    ]


def projects_for_user(user) -> QuerySet[Project]:
    return Project.objects.filter(members__user=user)


def phase_state(project: Project, phase: str) -> PhaseState:
    """One phase's state: the context (`state`) of `projects/_phase_run.html`."""
    return next(state for state in phase_timeline(project) if state.phase == phase)
