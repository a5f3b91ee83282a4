"""Design criteria as data: one YAML file per unit type under ``data/units/``.

Each criterion has a value, a unit, the typical range published for it and
its source. Engineers may override any criterion; a value (default or
overridden) outside the published range is used but produces a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pint.errors import DimensionalityError

from .i18n import SOURCE_LANGUAGE, tr
from .quantities import Q_, Quantity, QuantityError, parse_quantity

DATA_DIR = Path(__file__).parent / "data"
UNITS_DIR = DATA_DIR / "units"


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    description: str
    value: Quantity
    low: Quantity | None
    high: Quantity | None
    source: str

    @property
    def unit(self) -> str:
        return str(self.value.units)


@dataclass(frozen=True)
class Criterion:
    """A criterion as used in one design: the value, whether the user set it, its source."""

    name: str
    description: str
    quantity: Quantity
    low: Quantity | None
    high: Quantity | None
    source: str
    overridden: bool

    @property
    def m(self) -> float:
        """Magnitude in the criterion's own unit (for dimensionless fractions and counts)."""
        return float(self.quantity.magnitude)

    def in_range(self) -> bool:
        q = self.quantity
        return not ((self.low is not None and q < self.low) or (self.high is not None and q > self.high))

    def to_json(self) -> dict[str, Any]:
        from .quantities import qjson

        data: dict[str, Any] = {"description": self.description, **qjson(self.quantity)}
        if self.low is not None and self.high is not None:
            data["range"] = [qjson(self.low)["value"], qjson(self.high.to(self.low.units))["value"]]
        data["source"] = self.source
        data["overridden"] = self.overridden
        return data


# libyaml's loader reads the data files several times faster than the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_unit_data(unit_type: str) -> dict[str, Any]:
    path = UNITS_DIR / f"{unit_type}.yaml"
    if not path.exists():
        raise KeyError(f"no data file for unit type {unit_type!r}")
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


@cache
def load_data(name: str) -> Any:
    """A shared data file under ``data/`` (``cost_index``, ``chemicals``, ``sectors`` …)."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


@cache
def criterion_specs(unit_type: str) -> dict[str, CriterionSpec]:
    data = load_unit_data(unit_type)
    specs = {}
    for name, raw in (data.get("criteria") or {}).items():
        unit = raw.get("unit", "dimensionless") or "dimensionless"
        value = Q_(float(raw["value"]), _unit(unit))
        low = high = None
        if raw.get("range"):
            low = Q_(float(raw["range"][0]), _unit(unit))
            high = Q_(float(raw["range"][1]), _unit(unit))
        specs[name] = CriterionSpec(name, raw.get("description", name), value, low, high, raw["source"])
    return specs


@cache
def _published(unit_type: str, name: str, language: str) -> tuple[Criterion, bool]:
    """A criterion at its published value, and whether that is within its range (shared: immutable)."""
    spec = criterion_specs(unit_type)[name]
    crit = Criterion(name, tr(language, spec.description), spec.value, spec.low, spec.high, tr(language, spec.source),
                     False)
    return crit, crit.in_range()


def _unit(text: str) -> str:
    from .quantities import _preprocess

    return _preprocess(text)


def override_quantity(spec: CriterionSpec, raw: Any, *, name: str) -> Quantity:
    """A user's value for a criterion, in the criterion's unit.

    A bare number is taken in the criterion's own unit; a value with a unit must
    be convertible to it. Ratios such as L/m3 or kg/t are dimensionless to pint,
    so "0.05 L/m3" is converted, not read as the plain number 0.05.
    """
    q = parse_quantity(raw, _unit(spec.unit), name=name)
    if not q.dimensionless or q.units != Q_(1.0, "dimensionless").units:
        try:
            return q.to(spec.value.units)
        except DimensionalityError:
            raise QuantityError(f"{name}: {raw!r} is not convertible to {spec.unit}") from None
    return Q_(float(q.magnitude), spec.value.units)


def check_overrides(unit_type: str, overrides: dict[str, Any]) -> list[str]:
    """Problems with a user's overrides for one unit type, in plain words (empty if none)."""
    specs = criterion_specs(unit_type)
    problems = []
    for name, raw in overrides.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs)) or "none"
            problems.append(f"{unit_type}: unknown design criterion {name!r} (known: {known})")
            continue
        try:
            q = override_quantity(spec, raw, name=f"{unit_type}.{name}")
            if q.magnitude < 0:
                problems.append(f"{unit_type}.{name}: must not be negative (got {raw!r})")
        except QuantityError as exc:
            problems.append(str(exc))
    return problems


class CriteriaSet:
    """The criteria of one unit in one design, with the user's overrides applied.

    Criteria are looked up by name; each one looked up is reported with the
    unit (``used``), and a value outside its published range adds a warning.
    """

    def __init__(self, unit_type: str, tag: str, overrides: dict[str, Any] | None, warnings: list[str],
                 language: str = SOURCE_LANGUAGE):
        self.unit_type = unit_type
        self.language = language
        self.tag = tag
        self.specs = criterion_specs(unit_type)
        self.overrides = overrides or {}
        self.warnings = warnings
        self.used: dict[str, Criterion] = {}

    def __getitem__(self, name: str) -> Criterion:
        if name in self.used:
            return self.used[name]
        spec = self.specs[name]
        language = self.language
        if name in self.overrides:
            q = override_quantity(spec, self.overrides[name], name=name)
            source = tr(language, "user override (published default {default}; {source})",
                        default=spec.value, source=tr(language, spec.source))
            crit = Criterion(name, tr(language, spec.description), q, spec.low, spec.high, source, True)
            in_range = crit.in_range()
        else:
            crit, in_range = _published(self.unit_type, name, language)
        if not in_range:
            self.warnings.append(tr(
                language, "{tag}: {criterion} = {value} is outside the published range {low} – {high} ({source})",
                tag=self.tag, criterion=crit.description, value=crit.quantity, low=spec.low, high=spec.high,
                source=tr(language, spec.source)))
        self.used[name] = crit
        return crit

    def __contains__(self, name: str) -> bool:
        return name in self.specs

    def to_json(self) -> dict[str, Any]:
        return {name: c.to_json() for name, c in self.used.items()}
