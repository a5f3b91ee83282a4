from django import template

from projects.models import Role
from projects.phases.live import PhaseRunView, phase_run_view as _phase_run_view
from projects.phases.registry import find_phase
from projects.selectors import PhaseState

register = template.Library()


def _may_run(context: template.Context) -> bool:
    may_run = context.get("may_run")
    if may_run is None:
        membership = getattr(context.get("project"), "membership", None)
        may_run = bool(membership is not None and membership.has_role(Role.ENGINEER))
    return bool(may_run)


@register.simple_tag(takes_context=True)
def phase_run_view(context: template.Context, state: PhaseState) -> PhaseRunView:
    """What a phase card shows. `may_run` (start/retry buttons) comes from the
    context when the websocket renders the card, else from the reader's
    membership attached to `project` by projects.access.get_project_for."""
    return _phase_run_view(state, _may_run(context))


@register.simple_tag(takes_context=True)
def reader_may_run(context: template.Context) -> bool:
    """Whether the reader may start and retry phases (engineer or owner), on
    a page and in a fragment the websocket renders alike."""
    return _may_run(context)


@register.simple_tag
def phase_step_label(phase: str, key: str) -> str:
    """A step key (PhaseRun.current_step) as the reader's language names it."""
    definition = find_phase(phase or "")
    return str(definition.step_label(key)) if definition is not None and key else key or ""
