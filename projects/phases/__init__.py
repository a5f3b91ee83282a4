"""The phase machinery: registry, runner, live progress.

Public API (what a phase app uses):

    from projects.phases import register_phase, start_phase, PhaseError

    register_phase("proposal", steps=[("sizing", _("Sizing the units")), ...], func=run_proposal,
                   requires=["…"], max_attempts=3)
    def run_proposal(run: PhaseRun, progress: ProgressReporter) -> dict:
        progress.step("sizing")
        progress.update(40, _("Sized the screens"))
        return {...}

    start_phase(project=project, phase="proposal", user=request.user) -> PhaseRun
    retry_run(run, user=None) -> PhaseRun
    reap_stale_runs(project=None) -> list[PhaseRun]
    phase_finished  # Signal(sender=PhaseRun, run=PhaseRun)

Import this package only once apps are loaded (AppConfig.ready() or later).
"""

from .errors import PermanentPhaseError, PhaseError, RunAbandoned
from .progress import ProgressReporter
from .registry import (
    PhaseDefinition,
    Step,
    UnknownPhase,
    find_phase,
    get_phase,
    phase_registered,
    register_phase,
    registered_phases,
    unregister_phase,
)
from .runner import execute_run, reap_stale_runs, retry_run, start_phase
from .signals import phase_finished

__all__ = [
    "PermanentPhaseError",
    "PhaseDefinition",
    "PhaseError",
    "ProgressReporter",
    "RunAbandoned",
    "Step",
    "UnknownPhase",
    "execute_run",
    "find_phase",
    "get_phase",
    "phase_finished",
    "phase_registered",
    "reap_stale_runs",
    "register_phase",
    "registered_phases",
    "retry_run",
    "start_phase",
    "unregister_phase",
]
