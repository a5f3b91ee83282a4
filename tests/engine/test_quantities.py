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
