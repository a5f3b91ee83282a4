"""What every unit needs from the design it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .calc import CalcLog, Sourced
from .criteria import CriteriaSet
from .i18n import Translator
from .quantities import Q_, Quantity


@dataclass
class DesignContext(Translator):
    """Shared state of one design run.

    ``overrides`` maps unit type → criterion → value as the user gave it;
    ``targets`` maps parameter → the upper limit the plant effluent must meet
    (after the user's overrides of the destination's defaults), the value
    ``target`` returns; ``limits`` maps parameter → the whole limit (a
    :class:`~agents.engine.requirements.Target` with ``min``, ``max``,
    ``source``), so that a unit can also honour a minimum (a pH range, a
    minimum alkalinity): ``target_min`` and ``limit`` read it.
    ``electricity_price`` (USD/kWh), ``labour_cost`` (USD/year per operator),
    ``sludge_disposal_price`` (USD per wet tonne), ``discount_rate`` and
    ``plant_life`` are :class:`Sourced`
    values so that every cost can say where its price came from.
    ``language`` is the one the design writes in: ``t``/``tn`` translate a
    message into it (agents/engine/i18n.py).
    """

    log: CalcLog = field(default_factory=CalcLog)
    warnings: list[str] = field(default_factory=list)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    targets: dict[str, Quantity] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)  # parameter → requirements.Target
    destination: str = "sewer"
    sector: str = "industrial"
    subsector: str | None = None
    design_temperature: Sourced = field(default_factory=lambda: Sourced(Q_(20.0, "degC"), "default"))
    # Above sea level: aeration (oxygen saturation, blower inlet pressure) depends on it. The
    # design fills it from the location; units run on their own get the site of M&E Example 8-3.
    site_elevation: Sourced = field(default_factory=lambda: Sourced(
        Q_(500.0, "m"), "default: the 500 m site of Metcalf & Eddy, 5th ed. (2014), Example 8-3"))
    # Economics (filled from the location and the user's inputs by the design; these
    # defaults only serve units run on their own, e.g. in unit tests).
    electricity_price: Sourced = field(default_factory=lambda: Sourced(Q_(0.12, "USD/kWh"), "default"))
    labour_cost: Sourced = field(default_factory=lambda: Sourced(Q_(60000.0, "USD/year"), "default"))
    sludge_disposal_price: Sourced = field(default_factory=lambda: Sourced(Q_(60.0, "USD/t"), "default"))
    discount_rate: Sourced = field(default_factory=lambda: Sourced(Q_(0.08, ""), "default"))
    plant_life: Sourced = field(default_factory=lambda: Sourced(Q_(20.0, "year"), "default"))
    language: str = "en"
    criteria_sets: dict[str, CriteriaSet] = field(default_factory=dict)
    # Values one unit hands to a later one (the activated sludge's MLSS to the
    # secondary clarifier, for instance), keyed by a documented name.
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.log.language = self.language

    def criteria(self, unit_type: str, tag: str) -> CriteriaSet:
        cs = CriteriaSet(unit_type, tag, self.overrides.get(unit_type), self.warnings, self.language)
        self.criteria_sets[tag] = cs
        return cs

    def target(self, name: str) -> Quantity | None:
        """The upper limit on ``name`` (None when there is none)."""
        return self.targets.get(name)

    def target_min(self, name: str) -> Quantity | None:
        """The lower limit on ``name`` (None when there is none)."""
        t = self.limits.get(name)
        return None if t is None else t.min

    def limit(self, name: str) -> Any:
        """The whole limit on ``name`` (``min``, ``max``, ``source``, ``kind``), or None."""
        return self.limits.get(name)
