"""The result of a design: what the design module builds and the report, drawing and costing modules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .context import DesignContext
from .quantities import Quantity
from .stream import Stream

if TYPE_CHECKING:
    from .costing import CostSummary
    from .requirements import Requirements
    from .units.base import UnitProcess


@dataclass
class ComplianceItem:
    """Whether the treated water meets one target, and by how much."""

    parameter: str
    effluent: Quantity
    limit: Quantity  # the maximum ("max", "range"), or the minimum when there is only one ("min")
    kind: str  # "max" (effluent ≤ limit), "min" (effluent ≥ limit) or "range" (low ≤ effluent ≤ limit, pH)
    met: bool
    margin: float  # fraction of the nearer bound left (positive) or exceeded (negative)
    source: str  # where the limit comes from (destination default + its source, or the user)
    low: Quantity | None = None  # the lower bound ("min" and "range"; None for "max")


@dataclass
class Alternative:
    """One train that was designed and compared (the chosen one included)."""

    name: str
    train: list[str]
    capex: Quantity
    opex: Quantity
    lcow: Quantity
    meets_targets: bool
    chosen: bool
    reason: str
    design: "Design | None" = None


@dataclass
class Design:
    requirements: "Requirements"
    ctx: DesignContext
    train: list[str]  # unit types of the main line in process order
    units: list["UnitProcess"]  # main line then sludge line, in process order
    streams: list[Stream]  # every stream with its id (S1, S2…), source and destination tags
    influent: Stream  # plant influent (after adding returned filtrates, if any)
    effluent: Stream  # treated water leaving the plant
    compliance: list[ComplianceItem]
    balance: dict[str, float]  # plant-level relative closure error of water, TSS, TDS
    costs: "CostSummary"
    alternatives: list[Alternative] = field(default_factory=list)
    choice_reason: str = ""
    defaults_used: dict[str, str] = field(default_factory=dict)  # parameter -> source of the default used
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return self.ctx.warnings

    @property
    def log(self):
        return self.ctx.log

    def unit(self, tag: str) -> "UnitProcess":
        return next(u for u in self.units if u.tag == tag)
