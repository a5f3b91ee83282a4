"""Writes that put a project on the rails from a requirements file (run_project, the demo)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from conversations.models import Conversation, Message
from projects.models import SUBSECTORS_BY_SECTOR, Phase, PhaseRun, Project
from projects.services import ServiceError, project_create


def project_from_requirements(
    *, owner: AbstractBaseUser, data: dict[str, Any], requirements: Any, name: str, client: str = ""
) -> Project:
    """A project whose sector and location are those of validated engine ``requirements``."""
    resolved = requirements.resolved()
    subsector = resolved.subsector if resolved.subsector in SUBSECTORS_BY_SECTOR.get(resolved.sector, []) else ""
    return project_create(
        owner=owner,
        name=(data.get("name") or name)[:200],
        client=client,
        sector=resolved.sector,
        subsector=subsector,
        country=resolved.country or "",
        city=resolved.city or "",
    )


def conversation_set_requirements(
    *, project: Project, owner: AbstractBaseUser, data: dict[str, Any], filename: str
) -> Conversation:
    """Store a requirements file in the project's proposal conversation (read by the proposal phase).

    A new conversation starts from what the project already says (subsector, country), as the
    chat's own conversations do, so the questionnaire does not ask for them again.
    """
    from conversations.selectors import initial_metadata

    conversation, _created = Conversation.objects.get_or_create(
        project=project, phase=Phase.PROPOSAL, defaults={"owner": owner, "metadata": initial_metadata(project)}
    )
    metadata = dict(conversation.metadata or {})
    metadata.update({"requirements": data, "language": data.get("language") or "es", "source": {"file": filename}})
    conversation.metadata = metadata
    conversation.save(update_fields=["metadata", "updated"])
    Message.objects.create(
        conversation=conversation,
        role=Message.Role.SYSTEM,
        content=f"Requirements read from {filename} (manage.py run_project).",
        metadata={"kind": "requirements_file", "file": filename},
    )
    return conversation


def phase_run_inline(*, project: Project, phase: str, user: AbstractBaseUser | None) -> dict[str, Any]:
    """Start ``phase`` and run it in this process; a summary of how it went (never raises for a refusal)."""
    from projects.phases import execute_run, find_phase, start_phase

    if find_phase(phase) is None:
        return {"phase": phase, "status": "unavailable", "error": "this phase is not available yet"}
    try:
        run = start_phase(project=project, phase=phase, user=user)
    except ServiceError as exc:
        return {"phase": phase, "status": "refused", "error": str(exc)}
    # With the sync backend the run executed when start_phase committed; inside an outer
    # transaction (a script, a test) that commit is deferred: run it now. Idempotent.
    execute_run(run.pk)
    run = PhaseRun.objects.get(pk=run.pk)
    duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None
    return {
        "phase": phase,
        "run": run.pk,
        "status": run.status,
        "attempts": run.attempt,
        "duration_s": round(duration, 3) if duration is not None else None,
        "error": run.error,
        "timings": (run.result or {}).get("timings", {}),
        "model": (run.result or {}).get("model"),
        "fallback_reason": (run.result or {}).get("fallback_reason", ""),
    }
