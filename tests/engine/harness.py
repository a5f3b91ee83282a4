"""Shared harness for unit tests: a test states the influent, the overrides and the expected values.

Expected values come from published worked examples or criteria; each test
cites its source next to the numbers. The harness runs the unit alone, checks
every expected value within a relative tolerance, and checks that the unit's
water and solids balance closes and that every sizing value has a record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from agents.engine.context import DesignContext
from agents.engine.quantities import Q_, parse_quantity
from agents.engine.stream import Stream, parameter_unit
from agents.engine.units import UNIT_TYPES, UnitProcess
from agents.engine.units.base import BALANCE_TOLERANCE


def make_stream(flow: str, peak_factor: float = 1.0, **quality: Any) -> Stream:
    q = {k: parse_quantity(v, parameter_unit(k)) if not isinstance(v, (int, float)) else Q_(v, parameter_unit(k))
         for k, v in quality.items()}
    return Stream(flow=parse_quantity(flow, "m**3/day"), quality=q, peak_factor=peak_factor, name="Influent")


@dataclass
class UnitCase:
    unit_type: str
    influent: Stream
    overrides: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    tag: str = "U-101"

    def run(self, option: object = None) -> UnitProcess:
        """Design the unit; ``option`` forces one of its design options (packaged or site-built,
        steel or concrete…) whatever it costs, as an engineer's override would."""
        ctx = DesignContext(overrides={self.unit_type: self.overrides},
                            targets={k: parse_quantity(v) for k, v in self.targets.items()}, **self.context)
        unit = UNIT_TYPES[self.unit_type](ctx, self.tag)
        if option is not None:
            unit._option = option
        unit.run(self.influent)
        unit.ctx_for_test = ctx
        return unit


def value_of(unit: UnitProcess, path: str) -> Any:
    """``sizing.surface_area``, ``effluent.tss``, ``effluent.flow``, ``power.consumed``, ``capex``, ``trains``."""
    head, _, rest = path.partition(".")
    if head == "sizing":
        return unit.sizing[rest].quantity
    if head in ("effluent", "influent"):
        stream = getattr(unit, head)
        return stream.flow if rest == "flow" else stream.quality[rest]
    if head == "side":
        kind, _, what = rest.partition(".")
        stream = next(s for s in unit.side_streams if s.kind == kind)
        return stream.flow if what == "flow" else stream.mass_flow(what)
    if head == "power":
        return unit.consumed_power if rest == "consumed" else unit.installed_power
    if head == "capex":
        return unit.equipment_cost
    if head == "removal":
        return unit.removals[rest]
    if head == "chemical":
        return next(c for c in unit.chemicals if c.key == rest).consumption
    if head == "trains":
        return unit.trains
    if head == "calc":
        return next(r for r in unit.log.records if r.id == f"{unit.tag}.{rest}").result
    raise KeyError(path)


def check_unit(case: UnitCase, expected: dict[str, tuple[Any, float]]) -> UnitProcess:
    """Run ``case`` and compare each ``path: (value, relative tolerance)``; values may be ``"12 m2"``."""
    unit = case.run()
    for path, (want, rel) in expected.items():
        got = value_of(unit, path)
        if isinstance(want, str):
            want_q = parse_quantity(want)
            got_value = got.to(want_q.units).magnitude
            assert got_value == pytest.approx(want_q.magnitude, rel=rel), f"{path}: got {got.to(want_q.units):.4g}, expected {want}"
        elif hasattr(got, "magnitude"):
            assert got.to("dimensionless").magnitude == pytest.approx(want, rel=rel), f"{path}: got {got}, expected {want}"
        else:
            assert got == pytest.approx(want, rel=rel), f"{path}: got {got}, expected {want}"
    for name, error in unit.balance().items():
        assert error < BALANCE_TOLERANCE, f"{unit.tag}: {name} balance off by {error:.2%}"
    for key, value in unit.sizing.items():
        assert value.quantity.magnitude >= 0, f"{key} is negative"
    assert unit.equipment, "a unit lists its equipment"
    assert unit.capex_items, "a unit has a purchased cost"
    return unit
