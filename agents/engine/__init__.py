"""H2O Allegiant's engineering engine: requirements → treatment train → sized units → costs.

Pure Python (no Django). The public API::

    from agents.engine import design, load_requirements, RequirementsError

    d = design("examples/dairy_to_sewer.json", alternatives=True, currency="EUR")

``design`` takes a :class:`Requirements`, a dict, a JSON text or a JSON file
path and returns a :class:`Design`; bad input raises one
:class:`RequirementsError` listing every problem in plain words.
"""

from .design import DesignError, design
from .model import Alternative, ComplianceItem, Design
from .requirements import Requirements, RequirementsError, load_requirements

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
