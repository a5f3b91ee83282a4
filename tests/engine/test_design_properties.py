"""Properties of the design over random requirement sets (hypothesis).

Any valid requirement set yields a design with finite, non-negative sizes, a
closed plant balance and a positive cost; CAPEX grows with flow; invalid
input never escapes as anything but a RequirementsError.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from agents.engine import RequirementsError, design
from agents.engine.requirements import DESTINATIONS, WATER_SOURCES, locations_data, sectors_data
from agents.engine.stream import PARAMETERS

# Designs take tens of milliseconds: no shrinking (a failing example is already small and
# readable), a fixed seed so that the suite is repeatable.
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SUBSECTORS = [(sector, sub, spec) for sector, data in sectors_data()["sectors"].items()
              for sub, spec in data["subsectors"].items()]
COUNTRIES = sorted(locations_data()["countries"])


@st.composite
def requirement_sets(draw) -> dict:
    sector, subsector, spec = draw(st.sampled_from(SUBSECTORS))
    data: dict = {"sector": sector, "subsector": subsector}
    raw_water = spec.get("requires_water_source") or (sector == "industrial" and draw(st.integers(0, 3)) == 0)
    if raw_water:
        data["water_source"] = draw(st.sampled_from(WATER_SOURCES))
        destinations = ["potable", "irrigation_reuse", "industrial_reuse", "boiler_feed"]
        defaults = sectors_data()["water_sources"][data["water_source"]]["quality"]
    else:
        destinations = [d for d in DESTINATIONS if d != "potable"]
        defaults = spec.get("quality", {})
    data["destination"] = draw(st.sampled_from(destinations))
    # Flows from a package plant to a large works, spread evenly on a log scale.
    data["flow"] = {"average": f"{10 ** draw(st.floats(1.3, 4.7)):.1f} m3/d"}
    if draw(st.booleans()):
        data["flow"]["peak_factor"] = round(draw(st.floats(1.0, 3.0)), 2)
    # Vary a few of the sector's typical values by up to a factor of two either way.
    varied = draw(st.lists(st.sampled_from(sorted(p for p in defaults if p not in ("ph", "temperature"))),
                           max_size=4, unique=True))
    data["influent"] = {p: defaults[p] * draw(st.floats(0.5, 2.0)) for p in varied}
    if draw(st.booleans()):
        data["location"] = {"country": draw(st.sampled_from(COUNTRIES))}
    return data


def _check(d) -> None:
    assert d.effluent.flow.magnitude > 0
    for u in d.units:
        for v in u.sizing.values():
            m = v.quantity.magnitude
            assert math.isfinite(m), f"{u.tag}.{v.description}: {v.quantity}"
            # Indices (a Langelier index) may be negative; sizes, flows and powers may not.
            assert m >= 0 or v.quantity.dimensionless, f"{u.tag}.{v.description}: {v.quantity}"
        for e in u.equipment:
            assert e.quantity >= 1, f"{u.tag}: {e.description} × {e.quantity}"
            for q in (e.capacity, e.power):
                assert q is None or (math.isfinite(q.magnitude) and q.magnitude >= 0), f"{u.tag}: {e.description}"
    for what, error in d.balance.items():
        assert error < 1e-3, f"plant {what} balance off by {error:.3%}"
    assert math.isfinite(d.costs.capex_total.magnitude) and d.costs.capex_total.magnitude > 0
    assert math.isfinite(d.costs.lcow.magnitude) and d.costs.lcow.magnitude > 0


@SETTINGS
@given(requirement_sets())
def test_any_valid_requirement_set_yields_a_sound_design(data):
    _check(design(data))


@SETTINGS
@given(requirement_sets())
def test_capex_grows_with_flow(data):
    small = design(data)
    bigger = dict(data, flow={**data["flow"], "average": f"{2 * small.requirements.flow.average.to('m**3/day').magnitude:.1f} m3/d"},
                  forced_train=small.train)
    large = design(bigger)
    _check(large)
    # Below about 100 m3/d the smallest standard equipment (one cartridge housing, a
    # packaged skid) may serve twice the flow at the same price; never at a lower one.
    if small.requirements.flow.average.to("m**3/day").magnitude < 100:
        assert large.costs.capex_total >= small.costs.capex_total
        return
    assert large.costs.capex_total > small.costs.capex_total, (
        f"{' → '.join(small.train)}: CAPEX {small.costs.capex_total:.4g} at {small.requirements.flow.average:.4g} "
        f"but {large.costs.capex_total:.4g} at twice the flow")


_junk = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.text(max_size=8)
    | st.sampled_from(["-5 m3/d", "0 m3/d", "2 MGD", "furlongs", "1e999 mg/L", "7", "potable", "sewer"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["average", "peak", "type", "bod", "tds", "ph", "daf", "max", "value", "unit"]), inner,
        max_size=3),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["sector", "subsector", "water_source", "flow", "influent", "destination",
                                        "targets", "location", "economics", "overrides", "forced_train"]),
                       _junk, max_size=8))
def test_invalid_input_to_design_is_only_ever_a_requirements_error(data):
    try:
        design(data)
    except RequirementsError as exc:
        assert exc.problems
    # A random dict that happens to be valid must design; anything else propagates and fails the test.


def test_every_parameter_has_a_unit_the_requirements_understand():
    from agents.engine.requirements import parse_parameter

    for p in PARAMETERS:
        assert parse_parameter(p, 1, name=p).magnitude == 1
