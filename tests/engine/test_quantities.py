import pint
import pytest

from agents.engine.quantities import Q_, QuantityError, fmt, parse_quantity, qjson


@pytest.mark.parametrize("text", ["9³³³", "10**99999999 m", "2**2**2 m", "5 m^9", "1" * 150])
def test_text_pint_would_never_finish_is_refused_at_once(text):
    with pytest.raises(QuantityError, match="cannot read"):
        parse_quantity(text)


@pytest.mark.parametrize("text, unit, value", [
    ("1000 CFU/100mL", "CFU/100 mL", 1000.0),
    ("200 MPN/(100 mL)", "MPN/100 mL", 200.0),
    ("20 L/s", "L/s", 20.0),
    ("1 kg/m³", "kg/m3", 1.0),
])
def test_conventional_unit_text_reads_and_prints_back_the_same_way(text, unit, value):
    as_json = qjson(parse_quantity(text))
    assert as_json == {"value": value, "unit": unit}
    assert parse_quantity(as_json) == parse_quantity(text)


def test_quantities_print_without_exponents_or_trailing_zeros():
    assert fmt(Q_(99.7, "mg/L")) == "99.7 mg/L"
    assert fmt(Q_(12345.6, "m**3/day")) == "12,300 m3/d"
    assert fmt(Q_(1.5, "kW")) == "1.5 kW"
    assert fmt(Q_(0.0123, "m")) == "0.0123 m"


def test_a_value_in_the_wrong_dimension_says_what_was_expected():
    with pytest.raises(QuantityError, match="a flow such as m3/d"):
        parse_quantity("5 m", "m3/d", name="flow")


def test_memoized_arithmetic_gives_pint_results_and_errors():
    # quantities.py short-cuts pint for plain units; offset units and errors must still behave as in pint.
    flow, conc = Q_(1000.0, "m**3/day"), Q_(250.0, "mg/L")
    assert (flow * conc).to("kg/day").magnitude == pytest.approx(250.0)  # 1000 m3/d · 0.25 kg/m3
    assert (flow + Q_(1.0, "L/s")).magnitude == pytest.approx(1086.4)  # 1 L/s = 86.4 m3/d
    assert (flow - Q_(86.4, "m**3/day")).to("L/s").magnitude == pytest.approx(10.574, rel=1e-4)
    assert (flow / 2).magnitude == 500.0 and (2 * flow).magnitude == 2000.0
    assert Q_(1.0, "L/s") < flow and flow > Q_(1.0, "L/s") and Q_(2.0, "m") >= Q_(2.0, "m")
    assert Q_(25.0, "degC").to("K").magnitude == pytest.approx(298.15)
    assert (Q_(25.0, "degC") - Q_(20.0, "degC")).to("K").magnitude == pytest.approx(5.0)
    with pytest.raises(pint.errors.DimensionalityError):
        Q_(1.0, "m") + Q_(1.0, "s")
    with pytest.raises(pint.errors.DimensionalityError):
        Q_(1.0, "m").to("s")
    with pytest.raises(ZeroDivisionError):
        flow / Q_(0.0, "m**3/day")
