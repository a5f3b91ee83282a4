"""The phase registry: which phases exist, their steps and the function that
runs them.

A phase app registers its phase once, from its AppConfig.ready():

    register_phase(
        "proposal",
        steps=[("requirements", _("Reading the requirements")), ("sizing", _("Sizing the units"))],
        func=run_proposal,
        requires=[],
    )

`func(run, progress) -> dict` does the work, reports progress through the
ProgressReporter it is given and returns the JSON-serialisable result stored
on the PhaseRun. It may run more than once for the same run (a retry after a
failure, a worker killed mid-way), so it must be safe to repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from django.utils.functional import Promise

if TYPE_CHECKING:
    from projects.models import PhaseRun, Project

    from .progress import ProgressReporter

DEFAULT_MAX_ATTEMPTS = 3
# PhaseRun.phase and PhaseRun.current_step column widths.
PHASE_NAME_MAX_LENGTH = 20
STEP_KEY_MAX_LENGTH = 100

PhaseFunc = Callable[["PhaseRun", "ProgressReporter"], dict[str, Any]]
# A phase name that must have succeeded first, or a check that returns why the
# phase cannot start yet (a message for the user) or None when it can.
Requirement = Union[str, Callable[["Project"], "str | Promise | None"]]


class UnknownPhase(LookupError):
    pass


@dataclass(frozen=True)
class Step:
    key: str
    label: str | Promise


@dataclass(frozen=True)
class PhaseDefinition:
    name: str
    steps: tuple[Step, ...]
    func: PhaseFunc
    requires: tuple[Requirement, ...] = ()
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    @property
    def step_keys(self) -> list[str]:
        return [step.key for step in self.steps]

    def step_index(self, key: str) -> int:
        for index, step in enumerate(self.steps):
            if step.key == key:
                return index
        raise KeyError(f"Phase {self.name!r} has no step {key!r} (steps: {', '.join(self.step_keys)})")

    def step_label(self, key: str) -> str | Promise:
        for step in self.steps:
            if step.key == key:
                return step.label
        return key


_REGISTRY: dict[str, PhaseDefinition] = {}


def _steps(steps: Iterable[Step | tuple[str, str | Promise]]) -> tuple[Step, ...]:
    result = tuple(step if isinstance(step, Step) else Step(*step) for step in steps)
    keys = [step.key for step in result]
    if not keys:
        raise ValueError("A phase needs at least one step.")
    if len(set(keys)) != len(keys):
        raise ValueError(f"Step keys must be unique: {keys}")
    for key in keys:
        if not key or len(key) > STEP_KEY_MAX_LENGTH:
            raise ValueError(f"Step key {key!r} must be 1–{STEP_KEY_MAX_LENGTH} characters.")
    return result


def register_phase(
    name: str,
    steps: Iterable[Step | tuple[str, str | Promise]],
    func: PhaseFunc,
    *,
    requires: Iterable[Requirement] = (),
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    replace: bool = False,
) -> PhaseDefinition:
    """Make a phase startable. `steps` are (key, translatable label) pairs in
    the order the function reports them; `max_attempts` counts the first run."""
    if not name or len(name) > PHASE_NAME_MAX_LENGTH:
        raise ValueError(f"Phase name {name!r} must be 1–{PHASE_NAME_MAX_LENGTH} characters.")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1.")
    if name in _REGISTRY and not replace and _REGISTRY[name].func is not func:
        raise ValueError(f"Phase {name!r} is already registered (pass replace=True to override it).")
    definition = PhaseDefinition(
        name=name, steps=_steps(steps), func=func, requires=tuple(requires), max_attempts=max_attempts
    )
    _REGISTRY[name] = definition
    return definition


def unregister_phase(name: str) -> None:
    _REGISTRY.pop(name, None)


def get_phase(name: str) -> PhaseDefinition:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownPhase(name) from None


def find_phase(name: str) -> PhaseDefinition | None:
    return _REGISTRY.get(name)


def registered_phases() -> dict[str, PhaseDefinition]:
    return dict(_REGISTRY)


@contextmanager
def phase_registered(
    name: str, steps: Iterable[Step | tuple[str, str | Promise]], func: PhaseFunc, **options: Any
) -> Iterator[PhaseDefinition]:
    """Register a phase for the duration of a block (tests), then put back
    whatever was registered under that name before."""
    previous = _REGISTRY.get(name)
    definition = register_phase(name, steps, func, replace=True, **options)
    try:
        yield definition
    finally:
        if previous is None:
            _REGISTRY.pop(name, None)
        else:
            _REGISTRY[name] = previous
