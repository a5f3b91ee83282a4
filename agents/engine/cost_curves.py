"""Equipment cost from cost curves, escalated by the cost index.

A cost curve is ``C = C_ref · (S / S_ref)^n`` with a reference capacity,
cost, exponent, year, currency and source (the "six-tenths rule" family
used by Metcalf & Eddy, EPA's cost manuals and WaterTAP). Every curve is
kept in the unit's data file; every result is escalated from the curve's
reference year to the cost year with the CEPCI and recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .calc import CalcLog
from .criteria import load_data
from .i18n import local_quantity, tr
from .quantities import Q_, Quantity


@dataclass(frozen=True)
class CostIndex:
    name: str
    source: str
    values: dict[int, float]

    @property
    def latest_year(self) -> int:
        return max(self.values)

    def factor(self, from_year: int, to_year: int | None = None) -> float:
        to_year = to_year or self.latest_year
        return self.values[to_year] / self.values[from_year]


@cache
def cost_index() -> CostIndex:
    raw = load_data("cost_index")
    return CostIndex(raw["name"], raw["source"], {int(k): float(v) for k, v in raw["values"].items()})


@dataclass(frozen=True)
class CostCurve:
    name: str
    description: str
    capacity_unit: str
    reference_capacity: float
    reference_cost: float
    exponent: float
    year: int
    currency: str
    source: str
    low: float | None = None
    high: float | None = None

    @classmethod
    def from_data(cls, name: str, raw: dict[str, Any]) -> "CostCurve":
        rng = raw.get("range") or [None, None]
        if raw.get("currency", "USD") != "USD":
            raise ValueError(f"cost curve {name}: reference currency must be USD")
        return cls(
            name=name,
            description=raw.get("description", name),
            capacity_unit=raw["capacity_unit"],
            reference_capacity=float(raw["reference_capacity"]),
            reference_cost=float(raw["reference_cost"]),
            exponent=float(raw["exponent"]),
            year=int(raw["year"]),
            currency="USD",
            source=raw["source"],
            low=None if rng[0] is None else float(rng[0]),
            high=None if rng[1] is None else float(rng[1]),
        )


def curve_cost(
    curve: CostCurve,
    capacity: Quantity,
    *,
    log: CalcLog,
    unit_tag: str,
    warnings: list[str],
    count: int = 1,
    label: str | None = None,
) -> Quantity:
    """Purchased cost of ``count`` items of ``capacity`` each, in USD of the cost year."""
    index = cost_index()
    language = log.language
    s = capacity.to(curve.capacity_unit)
    if (curve.low is not None and s.magnitude < curve.low) or (curve.high is not None and s.magnitude > curve.high):
        warnings.append(tr(
            language, "{tag}: {what} at {capacity} is outside the cost curve's range {low:g}–{high:g} {unit}; "
            "the estimate is less reliable ({source})",
            tag=unit_tag, what=tr(language, curve.description), capacity=local_quantity(s, language),
            low=curve.low, high=curve.high, unit=curve.capacity_unit, source=tr(language, curve.source)))
    factor = index.factor(curve.year)
    each = curve.reference_cost * (s.magnitude / curve.reference_capacity) ** curve.exponent * factor
    symbol = f"C_{curve.name}"
    return log.record(
        unit_tag,
        symbol,
        label or tr(language, "Purchased cost, {what}", what=tr(language, curve.description)),
        f"{symbol} = N · C_ref · (S / S_ref)^n · I_{index.latest_year} / I_{curve.year}",
        {
            "N": (Q_(count, "dimensionless"), "design", "number of items"),
            "C_ref": (Q_(curve.reference_cost, "USD"), curve.source,
                      tr(language, "reference cost ({year})", year=str(curve.year))),
            "S": (s, "design", "capacity of one item"),
            "S_ref": (Q_(curve.reference_capacity, curve.capacity_unit), curve.source, "reference capacity"),
            "n": (Q_(curve.exponent, "dimensionless"), curve.source, "scale exponent"),
            f"I_{index.latest_year}": (Q_(index.values[index.latest_year], "dimensionless"), index.source, index.name),
            f"I_{curve.year}": (Q_(index.values[curve.year], "dimensionless"), index.source, index.name),
        },
        Q_(count * each, "USD"),
    )
