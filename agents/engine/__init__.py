"""H2O Allegiant's engineering engine: requirements → treatment train → sized units → costs.

Pure Python (no Django). The public API::

    from agents.engine import design, load_requirements, RequirementsError

    d = design("examples/dairy_to_sewer.json", alternatives=True, currency="EUR")

``design`` takes a :class:`Requirements`, a dict, a JSON text or a JSON file
path and returns a :class:`Design`; bad input raises one
:class:`RequirementsError` listing every problem in plain words.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .design import DesignError, design
    from .model import Alternative, ComplianceItem, Design
    from .requirements import Requirements, RequirementsError, load_requirements

# Imported on first use: importing a submodule (``agents.engine.quantities``, which the
# questionnaire needs at Django start-up) must not load every unit, the train rules
# and the costing with it.
_HOME = {
    "DesignError": "design",
    "Alternative": "model", "ComplianceItem": "model", "Design": "model",
    "Requirements": "requirements", "RequirementsError": "requirements", "load_requirements": "requirements",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


class _Engine(ModuleType):
    """``agents.engine.design`` is the function, as before, even after the submodule of the
    same name is imported (the import system then sets the package attribute to the module)."""

    @property
    def design(self) -> Any:
        return import_module(".design", __name__).design

    @design.setter
    def design(self, value: Any) -> None:
        pass  # the submodule itself stays reachable through sys.modules and import statements


sys.modules[__name__].__class__ = _Engine


__all__ = [
    "Alternative",
    "ComplianceItem",
    "Design",
    "DesignError",
    "Requirements",
    "RequirementsError",
    "design",
    "load_requirements",
]
