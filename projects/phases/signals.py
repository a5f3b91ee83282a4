"""`phase_finished`: sent once per run, after the commit that made it
succeeded or failed.

    @receiver(phase_finished)
    def start_engineering_when_paid(sender, run, **kwargs):
        if run.phase == "proposal" and run.status == "succeeded": ...

Receivers hand over to services (they are called with send_robust: one that
raises is logged and does not stop the others).
"""

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal, receiver
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from projects.activity import register_verb

phase_finished = Signal()  # sender=PhaseRun, run=<PhaseRun>


def _phase_sentence(text: Promise) -> Callable[[dict], str]:
    """The activity sentence with the phase's name in the reader's language."""

    def render(data: dict) -> str:
        from projects.models import Phase

        phase = data.get("phase", "")
        return str(text) % {"phase": str(dict(Phase.choices).get(phase, phase)).lower()}

    return render


register_verb("phase.started", _phase_sentence(_("started the %(phase)s phase")))
register_verb("phase.retried", _phase_sentence(_("started the %(phase)s phase again")))
register_verb("phase.succeeded", _phase_sentence(_("finished the %(phase)s phase")))
register_verb("phase.failed", _phase_sentence(_("stopped the %(phase)s phase after an error")))


@receiver(phase_finished, dispatch_uid="projects.phases.record_phase_finished")
def record_phase_finished(sender: Any, run: Any, **kwargs: Any) -> None:
    from projects.services import activity_record

    activity_record(
        project=run.project,
        actor=None,
        verb=f"phase.{run.status}",
        data={"phase": run.phase, "run": run.pk, "attempts": run.attempt},
    )
