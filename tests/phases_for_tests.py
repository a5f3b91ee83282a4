"""Phases defined by the test suite. The product registers its real phases in
their own apps; these exercise the machinery.

They run under the name of a phase the workspace timeline shows ("proposal"),
registered for the duration of a test with `phase_registered` (which puts the
real phase back afterwards), or for a whole test server process through
`tests.browser_app` (installed by tests/browser_settings.py).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from projects.phases import PermanentPhaseError, PhaseError, ProgressReporter

TEST_PHASE = "proposal"
STEPS = [
    ("prepare", _("Reading the inputs")),
    ("compute", _("Sizing the units")),
    ("report", _("Writing the report")),
]

# Environment variable naming a file: the gated phase waits at 25 % until it exists.
GATE_ENV = "H2O_TEST_PHASE_GATE"
GATE_TIMEOUT = 60.0


def steady(run, progress: ProgressReporter) -> dict:
    progress.step("prepare", gettext_noop("Reading the inputs"))
    progress.update(20)
    progress.step("compute")
    progress.update(60, _("Sizing the units"))
    progress.step("report")
    return {"answer": 42, "attempt": run.attempt}


def flaky(failures: int):
    """A phase whose first `failures` attempts fail."""

    def run_flaky(run, progress: ProgressReporter) -> dict:
        progress.step("prepare")
        if run.attempt <= failures:
            raise PhaseError(gettext_noop("The supplier database did not answer."))
        progress.step("report")
        return {"attempt": run.attempt}

    return run_flaky


def broken(run, progress: ProgressReporter) -> dict:
    progress.step("compute")
    raise RuntimeError("internal detail: password=hunter2 at /srv/app/secret.py line 12")


def permanent(run, progress: ProgressReporter) -> dict:
    progress.step("prepare")
    raise PermanentPhaseError(gettext_noop("The average flow is missing."))


def gated(run, progress: ProgressReporter) -> dict:
    """Stops at 25 % until the file named by $H2O_TEST_PHASE_GATE exists, so a
    browser test can watch a run in progress without racing it."""
    progress.step("prepare")
    progress.update(25, gettext_noop("Waiting for the test to open the gate"))
    gate = os.environ.get(GATE_ENV)
    if gate:
        deadline = time.monotonic() + GATE_TIMEOUT
        while not Path(gate).exists():
            if time.monotonic() > deadline:
                raise PermanentPhaseError(gettext_noop("The test gate never opened."))
            time.sleep(0.05)
    progress.step("compute")
    progress.update(70)
    progress.step("report")
    progress.update(90)
    return {"gated": True}


def abandons(run, progress: ProgressReporter) -> dict:
    """Reports progress after the reaper failed its run (a worker that was
    only slow, not dead)."""
    from projects.models import PhaseRun

    progress.step("prepare")
    PhaseRun.objects.filter(pk=run.pk).update(status=PhaseRun.Status.FAILED)
    progress.update(50)  # raises RunAbandoned
    return {"unreachable": True}


def delete_celery_queue(redis_url: str, queue: str) -> None:
    """Remove a test's own Celery queue from the shared Redis: the queue and
    kombu's bindings for it."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = [queue, *client.scan_iter(f"*{queue}*")]
    client.delete(*keys)
