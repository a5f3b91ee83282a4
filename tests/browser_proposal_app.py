"""Installed only by tests/browser_proposal_settings.py: the real proposal
phase, waiting at its first step until the file named by
$H2O_TEST_PHASE_GATE exists."""

import os
import time
from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_noop

GATE_TIMEOUT = 60.0


def gated_proposal(run, progress):
    from agents.phases import run_proposal
    from projects.phases import PermanentPhaseError

    progress.step("requirements", gettext_noop("Waiting for the test to open the gate"))
    gate = os.environ.get("H2O_TEST_PHASE_GATE")
    if gate:
        deadline = time.monotonic() + GATE_TIMEOUT
        while not Path(gate).exists():
            if time.monotonic() > deadline:
                raise PermanentPhaseError(gettext_noop("The test gate never opened."))
            time.sleep(0.05)
    return run_proposal(run, progress)


class GatedProposalConfig(AppConfig):
    name = "tests"
    label = "h2o_test_proposal_gate"
    verbose_name = "Gated proposal phase"

    def ready(self) -> None:
        from agents.phases import PHASE, STEPS, _ready_to_start
        from projects.phases import register_phase

        register_phase(PHASE, STEPS, gated_proposal, requires=[_ready_to_start], max_attempts=2, replace=True)
