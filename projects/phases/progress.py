"""What a phase function reports its progress through."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from projects.models import PhaseRun

from .errors import PermanentPhaseError, RunAbandoned, untranslated
from .live import broadcast

if TYPE_CHECKING:
    from .registry import PhaseDefinition

MESSAGE_MAX_LENGTH = 300
TIME_LIMIT_EXCEEDED = gettext_noop("The phase took longer than it is allowed to and was stopped.")


class PhaseTimeLimitExceeded(PermanentPhaseError):
    pass


def fenced(run: PhaseRun):
    """The run's row, only while this attempt still owns it: a run that the
    reaper failed or another worker took over must not be written to by the
    worker that lost it."""
    return PhaseRun.objects.filter(pk=run.pk, status=PhaseRun.Status.RUNNING, attempt=run.attempt)


class ProgressReporter:
    """Handed to the phase function. Every call saves the PhaseRun row (and its
    heartbeat) and pushes the new state to the project's websocket group.

    Messages are stored untranslated and translated when rendered: pass a
    gettext_lazy string, or a gettext_noop-marked one.
    """

    def __init__(self, run: PhaseRun, definition: PhaseDefinition, *, time_limit: float | None = None) -> None:
        self.run = run
        self.definition = definition
        self._deadline = time.monotonic() + time_limit if time_limit else None
        self._steps: list[dict[str, Any]] = [dict(step) for step in (run.steps or [])]
        if [step.get("key") for step in self._steps] != definition.step_keys:
            self._steps = [{"key": key, "status": "pending"} for key in definition.step_keys]

    @property
    def current_step(self) -> str:
        return self.run.current_step

    def step(self, key: str, message: str | Promise = "") -> None:
        """Start step `key`: the steps before it are done. The overall
        progress moves to where this step begins (never backwards)."""
        index = self.definition.step_index(key)
        for position, item in enumerate(self._steps):
            item["status"] = "done" if position < index else "running" if position == index else "pending"
            item.pop("message", None)
        if message:
            self._steps[index]["message"] = _message(message)
        start = int(100 * index / len(self._steps))
        self._save(progress=max(self.run.progress, start), current_step=key)

    def update(self, percent: float, message: str | Promise = "") -> None:
        """Overall progress of the run, 0–100, with an optional message for
        the current step."""
        percent = max(0, min(100, int(round(percent))))
        if message:
            for item in self._steps:
                if item["key"] == self.run.current_step:
                    item["message"] = _message(message)
        self._save(progress=percent)

    def heartbeat(self) -> None:
        """A sign of life during a long computation that has nothing new to
        show (the runner also beats on its own every few seconds)."""
        self._check_deadline()
        if not fenced(self.run).update(heartbeat_at=timezone.now()):
            raise RunAbandoned(self.run.pk)

    def _check_deadline(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise PhaseTimeLimitExceeded(TIME_LIMIT_EXCEEDED)

    def _save(self, **fields: Any) -> None:
        self._check_deadline()
        fields["steps"] = [dict(item) for item in self._steps]
        fields["heartbeat_at"] = timezone.now()
        with transaction.atomic():
            if not fenced(self.run).update(**fields):
                raise RunAbandoned(self.run.pk)
            broadcast(self.run.project_id, phases=[self.run.phase])
        for name, value in fields.items():
            setattr(self.run, name, value)


def _message(message: str | Promise) -> str:
    return untranslated(message)[:MESSAGE_MAX_LENGTH]
