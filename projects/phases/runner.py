"""Starting, running, retrying and reaping phase runs.

Life of a run:

    start_phase() ─ queued ─(after commit: enqueue)─▶ execute_run() claims it ─ running
        │ the phase function reports progress (each report: row saved, heartbeat, fragment pushed)
        ├─ returns         → succeeded
        ├─ raises, attempts left → queued again, re-enqueued after retry_delay(attempt)
        └─ raises, none left, or PermanentPhaseError → failed (error: a message for the user)
    worker dies ─ no heartbeat for H2O_PHASE_STALE_AFTER ─▶ reap_stale_runs(): queued again
        if attempts remain, else failed. A redelivered task takes a dead run over.

Every write while running is fenced on (status=running, attempt=n), so a worker
that lost its run (reaped, or taken over) can never overwrite what happened
after. `phase_finished` is sent after the final commit.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import PhaseRun, Project, ProjectMember, Role
from projects.services import ServiceError, activity_record

from . import executor
from .errors import (
    NOT_QUEUED,
    PHASE_UNAVAILABLE,
    UNEXPECTED_ERROR,
    WORKER_LOST,
    PhaseError,
    RunAbandoned,
)
from .live import ACTIVE_STATUSES, broadcast, initial_steps, send_fragments
from .progress import ProgressReporter, fenced
from .registry import PhaseDefinition, UnknownPhase, find_phase, get_phase
from .signals import phase_finished

logger = logging.getLogger(__name__)

Status = PhaseRun.Status

# Outcomes of execute_run(), for logs and tests.
SUCCEEDED = "succeeded"
FAILED = "failed"
RETRYING = "retrying"
SKIPPED = "skipped"
ABANDONED = "abandoned"

# Defaults of the H2O_PHASE_* settings (seconds).
DEFAULT_STALE_AFTER = 300
DEFAULT_HEARTBEAT_INTERVAL = 30
DEFAULT_RETRY_BACKOFF = 2.0
DEFAULT_RETRY_BACKOFF_MAX = 120.0
DEFAULT_TIME_LIMIT = 60 * 60
REAP_BATCH = 500


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def stale_after() -> timedelta:
    return timedelta(seconds=_setting("H2O_PHASE_STALE_AFTER", DEFAULT_STALE_AFTER))


def queued_stale_after() -> timedelta:
    # A queued run may wait for a busy worker or for its retry backoff; only
    # a run nobody picked up for much longer than that has lost its message.
    default = max(2 * stale_after().total_seconds(), 2 * _setting("H2O_PHASE_RETRY_BACKOFF_MAX", DEFAULT_RETRY_BACKOFF_MAX))
    return timedelta(seconds=_setting("H2O_PHASE_QUEUED_STALE_AFTER", default))


def retry_delay(attempt: int) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential, capped."""
    base = float(_setting("H2O_PHASE_RETRY_BACKOFF", DEFAULT_RETRY_BACKOFF))
    cap = float(_setting("H2O_PHASE_RETRY_BACKOFF_MAX", DEFAULT_RETRY_BACKOFF_MAX))
    return min(cap, base * 2 ** max(0, attempt - 1))


# --- Starting -----------------------------------------------------------------------


def _check_role(project: Project, user: AbstractBaseUser | None) -> None:
    if user is None:  # the system: a payment webhook, a phase_finished listener
        return
    if user.is_staff and user.has_perm("projects.change_phaserun"):  # staff in admin
        return
    member = ProjectMember.objects.filter(project=project, user=user).first()
    if member is None or not member.has_role(Role.ENGINEER):
        raise PermissionDenied


def _phase_label(name: str) -> str:
    from projects.models import Phase

    return str(dict(Phase.choices).get(name, name))


def _check_requirements(project: Project, definition: PhaseDefinition) -> None:
    for requirement in definition.requires:
        if callable(requirement):
            reason = requirement(project)
            if reason:
                raise ServiceError(str(reason))
        elif not PhaseRun.objects.filter(project=project, phase=requirement, status=Status.SUCCEEDED).exists():
            raise ServiceError(
                _("The %(phase)s phase must be finished first.") % {"phase": _phase_label(requirement).lower()}
            )


def _definition_or_error(phase: str) -> PhaseDefinition:
    try:
        return get_phase(phase)
    except UnknownPhase:
        raise ServiceError(_("This phase is not available.")) from None


@transaction.atomic
def start_phase(*, project: Project, phase: str, user: AbstractBaseUser | None) -> PhaseRun:
    """Queue a run of `phase`. `user` must be an engineer or owner of the
    project (None: the system). The task is enqueued after commit."""
    definition = _definition_or_error(phase)
    _check_role(project, user)
    # Serialise starts of one project (a row lock on PostgreSQL; SQLite
    # serialises writers anyway). The partial unique constraint backs it up.
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk", flat=True))
    if project.archived:
        raise ServiceError(_("The project is archived. Restore it to start a phase."))
    if PhaseRun.objects.filter(project=project, phase=phase, status__in=ACTIVE_STATUSES).exists():
        raise ServiceError(_("This phase is already queued or running."))
    _check_requirements(project, definition)
    return _create_run(project, definition, actor=user, verb="phase.started")


@transaction.atomic
def retry_run(run: PhaseRun, *, user: AbstractBaseUser | None = None) -> PhaseRun:
    """Run a failed run's phase again (a new run; the failed one stays in the
    history). A run stuck `running` on a dead worker is failed first."""
    run = PhaseRun.objects.select_for_update().get(pk=run.pk)
    project = Project.objects.get(pk=run.project_id)
    _check_role(project, user)
    if run.status == Status.RUNNING and run.is_stale(timezone.now(), stale_after()):
        _finish(run, Status.FAILED, error=WORKER_LOST, fence=False)
    if run.status in ACTIVE_STATUSES:
        raise ServiceError(_("This run is still in progress."))
    if run.status == Status.SUCCEEDED:
        raise ServiceError(_("This run succeeded; there is nothing to retry."))
    definition = _definition_or_error(run.phase)
    if PhaseRun.objects.filter(project=project, phase=run.phase, status__in=ACTIVE_STATUSES).exists():
        raise ServiceError(_("This phase is already queued or running."))
    return _create_run(project, definition, actor=user, verb="phase.retried", data={"retry_of": run.pk})


def _create_run(
    project: Project,
    definition: PhaseDefinition,
    *,
    actor: AbstractBaseUser | None,
    verb: str,
    data: dict[str, Any] | None = None,
) -> PhaseRun:
    task_id = str(uuid.uuid4())
    try:
        with transaction.atomic():
            run = PhaseRun.objects.create(
                project=project,
                phase=definition.name,
                status=Status.QUEUED,
                max_attempts=definition.max_attempts,
                steps=initial_steps(definition),
                task_id=task_id,
            )
    except IntegrityError:
        # phaserun_one_active_per_phase: a concurrent start won the race.
        raise ServiceError(_("This phase is already queued or running.")) from None
    activity_record(project=project, actor=actor, verb=verb, data={"phase": definition.name, "run": run.pk, **(data or {})})
    broadcast(project.pk, phases=[definition.name], activity=True)
    # The backend is chosen now: a run started under the inline backend (run_project, a
    # script) runs inline even when the commit that releases it comes later.
    transaction.on_commit(partial(enqueue, run.pk, task_id=task_id, backend_name=backend()))
    return run


# --- Dispatching ----------------------------------------------------------------------


def backend() -> str:
    return _setting("H2O_PHASE_BACKEND", "celery" if _setting("REDIS_URL", "") else "thread")


def enqueue(run_id: int, *, task_id: str | None = None, countdown: float = 0.0, backend_name: str = "") -> None:
    """Hand the run to a worker (call after commit) on ``backend_name`` (default: the configured
    backend). If that fails the run is failed at once with a message, rather than left queued with no task."""
    name = backend_name or backend()
    task_id = task_id or str(uuid.uuid4())
    try:
        if name == "celery":
            from projects.tasks import run_phase

            options: dict[str, Any] = {"task_id": task_id}
            if countdown > 0:
                options["countdown"] = countdown
            queue = _setting("H2O_PHASE_QUEUE", "")
            if queue:
                options["queue"] = queue
            run_phase.apply_async(args=[run_id], **options)
        elif name == "thread":
            executor.submit(run_id, task_id=task_id, countdown=countdown)
        elif name == "sync":
            if countdown > 0:
                time.sleep(countdown)
            execute_run(run_id, task_id=task_id)
        else:
            raise ImproperlyConfigured(f"H2O_PHASE_BACKEND must be celery, thread or sync, not {name!r}.")
    except Exception:
        logger.exception("Could not enqueue phase run %s on the %s backend", run_id, name)
        with transaction.atomic():
            run = PhaseRun.objects.select_for_update().filter(pk=run_id, status=Status.QUEUED).first()
            if run is not None:
                _finish(run, Status.FAILED, error=NOT_QUEUED, fence=False)


# --- Running ----------------------------------------------------------------------------


class _Heartbeat:
    """Writes the run's heartbeat every few seconds while the phase function
    computes, so a long step is not mistaken for a dead worker. It stops at the
    phase's time limit: a hung function then goes stale and is reaped."""

    def __init__(self, run: PhaseRun, *, interval: float, time_limit: float) -> None:
        self.run = run
        self.interval = interval
        self.deadline = time.monotonic() + time_limit
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        if self.interval > 0:
            self._thread = threading.Thread(target=self._beat, name=f"phase-heartbeat-{self.run.pk}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval) and time.monotonic() < self.deadline:
                try:
                    if not fenced(self.run).update(heartbeat_at=timezone.now()):
                        return
                except Exception:  # noqa: BLE001 — the next beat may work; the reaper covers the rest
                    logger.warning("Heartbeat of phase run %s not written", self.run.pk, exc_info=True)
        finally:
            connections.close_all()


def execute_run(run_id: int, *, task_id: str = "") -> str:
    """Run one attempt of a queued run. Idempotent: a finished run, or one a
    live worker is on, is left alone. Returns the outcome (SUCCEEDED, …)."""
    claimed = _claim(run_id, task_id)
    if claimed is None:
        return SKIPPED
    run, definition = claimed
    time_limit = float(_setting("H2O_PHASE_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    reporter = ProgressReporter(run, definition, time_limit=time_limit)
    interval = float(_setting("H2O_PHASE_HEARTBEAT_INTERVAL", DEFAULT_HEARTBEAT_INTERVAL))
    with _Heartbeat(run, interval=interval, time_limit=time_limit):
        try:
            result = definition.func(run, reporter)
            result = _checked_result(result)
        except RunAbandoned:
            logger.warning("Phase run %s was taken over or reaped; attempt %s stops", run.pk, run.attempt)
            return ABANDONED
        except Exception as exc:
            return _attempt_failed(run, definition, reporter, exc)
    if not _finish(run, Status.SUCCEEDED, result=result, steps=[{"key": k, "status": "done"} for k in definition.step_keys]):
        return ABANDONED
    return SUCCEEDED


def _checked_result(result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise TypeError(f"A phase function must return a dict, not {type(result).__name__}")
    json.dumps(result)  # fail here, inside the attempt, rather than in the final save
    return result


def _claim(run_id: int, task_id: str) -> tuple[PhaseRun, PhaseDefinition] | None:
    now = timezone.now()
    with transaction.atomic():
        run = PhaseRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            logger.warning("Phase run %s does not exist (deleted with its project?)", run_id)
            return None
        if run.is_finished:
            logger.info("Phase run %s is already %s", run.pk, run.status)
            return None
        if run.status == Status.RUNNING:
            # Our own task delivered again (the worker died and the broker
            # redelivered it), or a worker that stopped beating: take it over.
            redelivered = bool(task_id) and run.task_id == task_id
            if not (redelivered or run.is_stale(now, stale_after())):
                logger.info("Phase run %s is running on a live worker; this task stops", run.pk)
                return None
            logger.warning("Taking over phase run %s (attempt %s, last heartbeat %s)", run.pk, run.attempt, run.heartbeat_at)
        definition = find_phase(run.phase)
        if definition is None:
            logger.error("Phase run %s: no phase %r is registered", run.pk, run.phase)
            _finish(run, Status.FAILED, error=PHASE_UNAVAILABLE, fence=False)
            return None
        if run.attempt >= run.max_attempts:
            _finish(run, Status.FAILED, error=WORKER_LOST, fence=False)
            return None
        run.status = Status.RUNNING
        run.attempt += 1
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.task_id = task_id or run.task_id
        run.progress = 0
        run.current_step = ""
        run.steps = initial_steps(definition)
        run.save(update_fields=["status", "attempt", "started_at", "heartbeat_at", "task_id", "progress", "current_step", "steps"])
        broadcast(run.project_id, phases=[run.phase])
    return run, definition


def _failed_steps(reporter: ProgressReporter) -> list[dict[str, Any]]:
    steps = [dict(item) for item in reporter._steps]
    for item in steps:
        if item.get("status") == "running":
            item["status"] = "failed"
    return steps


def _attempt_failed(run: PhaseRun, definition: PhaseDefinition, reporter: ProgressReporter, exc: Exception) -> str:
    if isinstance(exc, PhaseError):
        message, retry = exc.user_message, exc.retry
        logger.warning("Phase run %s (%s) attempt %s failed: %s", run.pk, run.phase, run.attempt, exc)
    else:
        # The details go to the log; the user reads a plain sentence.
        message, retry = UNEXPECTED_ERROR, True
        logger.error("Phase run %s (%s) attempt %s crashed", run.pk, run.phase, run.attempt, exc_info=exc)
    steps = _failed_steps(reporter)
    if retry and run.attempt < run.max_attempts:
        delay = retry_delay(run.attempt)
        with transaction.atomic():
            if not fenced(run).update(status=Status.QUEUED, error=message, steps=steps, heartbeat_at=timezone.now()):
                return ABANDONED
            broadcast(run.project_id, phases=[run.phase])
            transaction.on_commit(partial(enqueue, run.pk, countdown=delay))
        logger.info("Phase run %s retries in %.1f s (attempt %s of %s)", run.pk, delay, run.attempt + 1, run.max_attempts)
        return RETRYING
    if not _finish(run, Status.FAILED, error=message, steps=steps):
        return ABANDONED
    return FAILED


def _finish(
    run: PhaseRun,
    status: str,
    *,
    error: str = "",
    result: dict[str, Any] | None = None,
    steps: list[dict[str, Any]] | None = None,
    fence: bool = True,
) -> bool:
    """Write the final state; after commit, send phase_finished and the new
    timeline. `fence=False` when the caller holds the row lock."""
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "finished_at": now, "heartbeat_at": now, "error": error}
    if status == Status.SUCCEEDED:
        fields.update(progress=100, current_step="", result=result or {})
    if steps is not None:
        fields["steps"] = steps
    with transaction.atomic():
        rows = fenced(run) if fence else PhaseRun.objects.filter(pk=run.pk)
        if not rows.update(**fields):
            return False
        for name, value in fields.items():
            setattr(run, name, value)
        transaction.on_commit(partial(_announce_finished, run.pk))
    return True


def _announce_finished(run_id: int) -> None:
    run = PhaseRun.objects.select_related("project").filter(pk=run_id).first()
    if run is None:
        return
    for receiver, response in phase_finished.send_robust(sender=PhaseRun, run=run):
        if isinstance(response, Exception):
            logger.error("phase_finished receiver %r failed for run %s", receiver, run.pk, exc_info=response)
    # The whole timeline (listeners may have moved the project on) and the
    # feed with the event the listener recorded.
    send_fragments(run.project_id, activity=True)


# --- Reaping ----------------------------------------------------------------------------


def reap_stale_runs(*, project: Project | None = None, now: datetime | None = None) -> list[PhaseRun]:
    """Runs whose worker died: re-queued while attempts remain, else failed.
    Queued runs nobody picked up for far too long are enqueued again. Cheap
    when nothing is stale (one indexed query), so the workspace calls it on
    every load; Celery beat and `manage.py reap_stale_runs` call it too."""
    now = now or timezone.now()
    candidates = PhaseRun.objects.annotate(last_seen=Coalesce("heartbeat_at", "started_at", "queued_at")).filter(
        Q(status=Status.RUNNING, last_seen__lt=now - stale_after())
        | Q(status=Status.QUEUED, last_seen__lt=now - queued_stale_after())
    )
    if project is not None:
        candidates = candidates.filter(project=project)
    reaped = []
    for run_id in list(candidates.values_list("pk", flat=True)[:REAP_BATCH]):
        run = _reap_one(run_id, now)
        if run is not None:
            reaped.append(run)
    return reaped


def _reap_one(run_id: int, now: datetime) -> PhaseRun | None:
    with transaction.atomic():
        run = PhaseRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return None
        if run.status == Status.RUNNING and run.is_stale(now, stale_after()):
            if run.attempt < run.max_attempts:
                logger.warning("Phase run %s: worker lost during attempt %s; queued again", run.pk, run.attempt)
                run.status = Status.QUEUED
                run.error = WORKER_LOST
                run.heartbeat_at = now
                run.steps = [{**item, "status": "failed"} if item.get("status") == "running" else item for item in run.steps or []]
                run.save(update_fields=["status", "error", "heartbeat_at", "steps"])
                broadcast(run.project_id, phases=[run.phase])
                transaction.on_commit(partial(enqueue, run.pk))
            else:
                logger.warning("Phase run %s: worker lost during its last attempt; failed", run.pk)
                _finish(run, Status.FAILED, error=WORKER_LOST, fence=False)
            return run
        last_seen = run.heartbeat_at or run.queued_at
        if run.status == Status.QUEUED and last_seen < now - queued_stale_after():
            logger.warning("Phase run %s was queued since %s and never picked up; enqueued again", run.pk, last_seen)
            run.heartbeat_at = now
            run.save(update_fields=["heartbeat_at"])
            transaction.on_commit(partial(enqueue, run.pk))
            return run
    return None
