"""Requirements: units parsed by pint, defaults with their sources, and one error listing every problem."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.engine.quantities import Q_
from agents.engine.requirements import Requirements, RequirementsError, load_requirements

EXAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.json"))


def minimal(**changes):
    data = {"sector": "industrial", "subsector": "dairy", "flow": "500 m3/d", "destination": "sewer"}
    data.update(changes)
    return data


def problems_of(data) -> list[str]:
    with pytest.raises(RequirementsError) as info:
        load_requirements(data)
    return info.value.problems


# -- loading ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_file_loads(path):
    req = load_requirements(path)
    assert req.resolved().flow.quantity.magnitude > 0


def test_there_are_at_least_seven_examples():
    assert len(EXAMPLES) >= 7


def test_a_json_text_and_a_dict_give_the_same_requirements():
    data = minimal(influent={"bod": "2000 mg/L"})
    assert load_requirements(json.dumps(data)).model_dump() == load_requirements(data).model_dump()


def test_a_missing_file_and_bad_json_are_requirements_errors(tmp_path):
    assert "no such file" in problems_of(tmp_path / "nope.json")[0]
    bad = tmp_path / "bad.json"
    bad.write_text('{"sector": ', encoding="utf-8")
    assert "not valid JSON" in problems_of(bad)[0]


# -- unit conversion round trips -----------------------------------------------------------


@pytest.mark.parametrize("given_flow, m3_per_day", [
    ("500 m3/d", 500.0),
    ("20 L/s", 1728.0),  # 20 L/s × 86,400 s/d / 1000 L/m3
    ("2 MGD", 7570.82),  # 2 × 10^6 US gal × 3.785412 L/gal / 1000
    ("150 gpm", 817.649),  # 150 × 3.785412 L × 1440 min/d / 1000
    (250, 250.0),  # a bare number is m3/d
    ({"value": 3, "unit": "MLD"}, 3000.0),
])
def test_flows_in_any_unit_round_trip_through_json(given_flow, m3_per_day):
    req = load_requirements(minimal(flow={"average": given_flow}))
    assert req.flow.average.to("m**3/day").magnitude == pytest.approx(m3_per_day, rel=1e-5)
    again = load_requirements(json.loads(json.dumps(req.model_dump(mode="json"))))
    assert again.flow.average.to("m**3/day").magnitude == pytest.approx(m3_per_day, rel=1e-5)


@pytest.mark.parametrize("parameter, given_value, unit, expected", [
    ("tds", "35 g/L", "mg/L", 35000.0),
    ("bod", "2500 mg/L", "mg/L", 2500.0),
    ("bod", 2500, "mg/L", 2500.0),
    ("cod", "1.2 kg/m3", "mg/L", 1200.0),
    ("fog", "150 ppm", "mg/L", 150.0),  # ppm is mg/L for dilute water
    ("hardness", "250 mg/L as CaCO3", "mg/L", 250.0),
    ("temperature", "45 °C", "degC", 45.0),
    ("temperature", "113 degF", "degC", 45.0),
    ("temperature", 45, "degC", 45.0),
    ("ph", 7.5, "dimensionless", 7.5),
    ("turbidity", "5 NTU", "NTU", 5.0),
    ("coliforms", "1e6 CFU/100 mL", "CFU_per_100mL", 1e6),
    ("coliforms", "2e5 NMP per 100 ml", "CFU_per_100mL", 2e5),
    ("NH4-N", "35 mg/L", "mg/L", 35.0),
    ("BOD5", "300 mg/L", "mg/L", 300.0),
])
def test_quality_values_in_any_unit_round_trip_through_json(parameter, given_value, unit, expected):
    req = load_requirements(minimal(influent={parameter: given_value}))
    (name, q), = req.influent.items()
    assert q.to(unit).magnitude == pytest.approx(expected, rel=1e-9)
    again = load_requirements(json.loads(json.dumps(req.model_dump(mode="json"))))
    assert again.influent[name].to(unit).magnitude == pytest.approx(expected, rel=1e-9)


def test_a_flow_given_as_peak_gives_the_peak_factor():
    req = load_requirements(minimal(flow={"average": "100 m3/d", "peak": "250 m3/d"}))
    assert req.resolved().peak_factor.quantity.magnitude == pytest.approx(2.5)


# -- one error listing every problem ---------------------------------------------------------


def test_every_problem_is_listed_in_one_error_in_plain_words():
    bad = {
        "sector": "industrial", "subsector": "dairyy",
        "flow": {"average": "-500 m3/d", "peak_factor": 0.5},
        "influent": {"bod": "2000 mg/X", "sand": 3, "ph": 15},
        "destination": "moon",
        "targets": {"tds": "-5 mg/L", "ph": "9-6", "bod": 0},
        "location": {"country": "XX"},
        "economics": {"discount_rate": 8},
        "overrides": {"bar_screen": {"bar_spacing_typo": "10 mm"}, "warp_drive": {"x": 1}},
        "forced_train": ["bar_screen", "flux_capacitor"],
        "colour_of_the_tanks": "green",
    }
    problems = problems_of(bad)
    expected = [
        "subsector: unknown subsector 'dairyy'",
        "flow.average: must be greater than zero",
        "flow.peak_factor: must be between 1 and 10",
        "influent.bod: cannot read '2000 mg/X'",
        "influent.sand: unknown water-quality parameter",
        "influent.ph: pH must be between 0 and 14",
        "destination.type: 'moon' is not one of",
        "targets.tds: must not be negative",
        "targets.ph: the minimum (9) is above the maximum (6)",
        "targets.bod: a limit of zero cannot be met",
        "location.country: unknown country 'XX'",
        "economics.discount_rate: 8 is 800%",
        "overrides.bar_screen: unknown design criterion 'bar_spacing_typo'",
        "overrides.warp_drive: unknown unit type",
        "forced_train[1]: unknown unit type 'flux_capacitor'",
        "colour_of_the_tanks: unknown field",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in problems), f"missing: {text}\ngot: {problems}"
    assert len(problems) == len(expected)


@pytest.mark.parametrize("data, fragment", [
    (minimal(flow="-5 m3/d"), "flow.average: must be greater than zero"),
    (minimal(flow="5 m"), "not convertible to m3/d"),
    (minimal(flow={"average": "100 m3/d", "peak": "50 m3/d"}), "smaller than the average"),
    (minimal(flow={"average": "100 m3/d", "peak": "200 m3/d", "peak_factor": 3}), "disagree"),
    (minimal(influent={"bod": "-1 mg/L"}), "must not be negative"),
    (minimal(influent={"bod": "20 splodges"}), "cannot read"),
    (minimal(influent={"temperature": "150 °C"}), "between 0 and 100 °C"),
    (minimal(targets={"ph": 15}), "pH must be between 0 and 14"),
    (minimal(targets={"tss": {"min": "5 mg/L"}}), "a minimum only makes sense"),
    (minimal(targets={"cod": "0 mg/L"}), "a limit of zero"),
    (minimal(subsector=None), "subsector: is required"),
    (minimal(sector="space"), "sector: 'space' is not one of"),
    (minimal(sector="municipal", subsector="drinking_water"), "water_source: is required"),
    (minimal(sector="municipal", subsector="wastewater", water_source="seawater"), "not a raw water source"),
    (minimal(water_source="lava"), "water_source: unknown water source"),
    (minimal(destination={"type": "sewer", "boiler_pressure": "40 bar"}), "only applies to the boiler_feed"),
    (minimal(location={"country": "Narnia"}), "unknown country"),
    (minimal(location={"electricity_price": "0.2 EUR/kWh"}), "give prices in USD"),
    (minimal(location={"temperature": "60 °C"}), "between 0 and 45 °C"),
    (minimal(economics={"plant_life": "500 year"}), "between 1 and 100 years"),
    (minimal(economics={"currency": "XYZ"}), "no exchange rate for XYZ"),
    (minimal(overrides={"bar_screen": {"velocity_through_bars": "1 m"}}), "not convertible"),
    (minimal(overrides={"bar_screen": {"velocity_through_bars": "-1 m/s"}}), "must not be negative"),
    (minimal(forced_train=["sludge_thickening"]), "needs at least one unit that treats the water"),
    ([1, 2, 3], "must be a JSON object"),
    # pint evaluates powers exactly: these would never return.
    (minimal(flow="9³³³ m3/d"), "cannot read"),
    (minimal(influent={"bod": "10**99999999 mg/L"}), "cannot read"),
    (minimal(overrides={"bar_screen": {"flow_depth": "2^3^4 m"}}), "cannot read"),
    (minimal(flow="1e9 m3/d"), "more than any treatment plant"),
    (minimal(influent={"tds": "900 g/L"}), "not a water to treat"),
])
def test_each_bad_input_is_one_requirements_error(data, fragment):
    problems = problems_of(data)
    assert any(fragment in p for p in problems), problems


def test_the_error_is_a_value_error_whatever_way_the_model_is_built():
    bad = minimal(flow="-1 m3/d")
    for build in (lambda: Requirements(**bad), lambda: Requirements.model_validate(bad),
                  lambda: Requirements.model_validate_json(json.dumps(bad))):
        with pytest.raises(RequirementsError) as info:
            build()
        assert isinstance(info.value, ValueError)
        assert info.value.problems == ["flow.average: must be greater than zero (got '-1 m3/d')"]


def test_the_message_reads_as_a_list():
    with pytest.raises(RequirementsError) as info:
        load_requirements(minimal(flow="-1 m3/d", destination="moon"))
    text = str(info.value)
    assert text.startswith("The requirements have 2 problems:")
    assert text.count("\n- ") == 2


# -- defaults and where they come from ------------------------------------------------------


def test_sector_defaults_fill_what_the_client_did_not_give_and_say_where_from():
    r = load_requirements(minimal(influent={"bod": "1800 mg/L"})).resolved()
    assert r.influent["bod"].source == "user"
    assert r.value("bod") == 1800
    assert r.value("cod") == 3500  # the dairy default
    assert "Carawan" in r.influent["cod"].source and "cod" in r.defaults_used
    assert "bod" not in r.defaults_used


def test_municipal_wastewater_uses_the_textbook_composition_and_harmon_peak():
    r = load_requirements({"sector": "municipal", "subsector": "wastewater", "flow": "20000 m3/d",
                           "destination": "surface_water"}).resolved()
    assert r.value("bod") == 190 and r.value("tss") == 210 and r.value("tn") == 40
    assert "Metcalf & Eddy" in r.influent["bod"].source
    # 20,000 m3/d / 200 L per person and day = 100,000 people; PF = 1 + 14/(4 + √100) = 2.0.
    assert r.harmon_population.quantity.magnitude == pytest.approx(100000)
    assert r.peak_factor.quantity.magnitude == pytest.approx(2.0)


def test_raw_water_takes_the_water_source_quality():
    r = load_requirements({"sector": "municipal", "subsector": "drinking_water", "water_source": "seawater",
                           "flow": "1000 m3/d", "destination": "potable"}).resolved()
    assert r.kind == "raw_water"
    assert r.value("tds") == 35000 and r.value("boron") == 4.5
    assert r.peak_factor.quantity.magnitude == 1.0


def test_destination_limits_carry_their_source_and_the_user_overrides_them():
    r = load_requirements(minimal(targets={"bod": "600 mg/L", "sulfate": None})).resolved()
    assert r.targets["bod"].max.magnitude == 600 and r.targets["bod"].source == "user"
    assert r.targets["cod"].max.magnitude == 1750 and "ordinance" in r.targets["cod"].source
    assert r.targets["temperature"].source.startswith("US 40 CFR 403.5(b)(5)")
    assert "sulfate" not in r.targets
    assert r.targets["ph"].kind == "range"


def test_a_sensitive_area_adds_nitrogen_and_phosphorus_by_population_equivalent():
    def targets(flow):
        return load_requirements({"sector": "municipal", "subsector": "wastewater", "flow": flow,
                                  "destination": {"type": "surface_water", "sensitive_area": True}}).resolved().targets
    # 20,000 m3/d × 190 mg/L = 3,800 kg BOD/d = 63,333 p.e. → 91/271/EEC Table 2: TN 15, TP 2.
    assert targets("20000 m3/d")["tn"].max.magnitude == 15 and targets("20000 m3/d")["tp"].max.magnitude == 2
    # 50,000 m3/d = 158,333 p.e. → TN 10, TP 1.
    assert targets("50000 m3/d")["tn"].max.magnitude == 10 and targets("50000 m3/d")["tp"].max.magnitude == 1
    # 2,000 m3/d = 6,333 p.e. → TSS 60 mg/L (2,000–10,000 p.e. row of Table 1).
    assert targets("2000 m3/d")["tss"].max.magnitude == 60
    plain = load_requirements({"sector": "municipal", "subsector": "wastewater", "flow": "20000 m3/d",
                               "destination": "surface_water"}).resolved().targets
    assert "tn" not in plain and plain["tss"].max.magnitude == 35


def test_boiler_feed_limits_follow_the_drum_pressure():
    def targets(pressure):
        return load_requirements({"sector": "industrial", "subsector": "power", "water_source": "groundwater",
                                  "flow": "100 m3/d",
                                  "destination": {"type": "boiler_feed", "boiler_pressure": pressure}}).resolved().targets
    assert targets("15 bar")["hardness"].max.magnitude == 0.3 and targets("15 bar")["iron"].max.magnitude == 0.1
    assert targets("40 bar")["iron"].max.magnitude == 0.03
    assert targets("1200 psi")["tds"].max.magnitude == 5  # 82.7 bar: the 62–103 bar class
    assert "ASME" in targets("40 bar")["iron"].source


def test_the_country_sets_prices_and_climate_unless_the_client_does():
    r = load_requirements(minimal(location={"country": "US"})).resolved()
    assert r.electricity_price.quantity.to("USD/kWh").magnitude == 0.08 and "EIA" in r.electricity_price.source
    assert r.currency == "USD"
    r = load_requirements(minimal(location={"country": "ES", "electricity_price": "0.2 USD/kWh",
                                            "temperature": "15 °C"})).resolved()
    assert r.electricity_price.quantity.magnitude == 0.2 and r.electricity_price.source == "user (location)"
    assert r.design_temperature.quantity.to("degC").magnitude == 15
    assert r.currency == "EUR"


def test_egypt_and_morocco_report_in_their_own_currency():
    # currencies.yaml: 2024 averages of the central banks' rates (EGP floated in March 2024).
    for country, currency in (("EG", "EGP"), ("MA", "MAD")):
        r = load_requirements(minimal(location={"country": country})).resolved()
        assert r.currency == currency and not any(currency in n for n in r.notes)


def test_the_site_elevation_comes_from_the_country_unless_the_client_gives_it():
    # locations.yaml: Mexico City at about 2,240 m; no country: the 500 m site of M&E 5th ed. Example 8-3.
    r = load_requirements(minimal(location={"country": "MX"})).resolved()
    assert r.site_elevation.quantity.to("m").magnitude == 2240 and "Mexico" in r.site_elevation.source
    assert load_requirements(minimal()).resolved().site_elevation.quantity.to("m").magnitude == 500
    r = load_requirements(minimal(location={"country": "MX", "elevation": "1500 ft"})).resolved()
    assert r.site_elevation.quantity.to("m").magnitude == pytest.approx(457.2)  # 1500 × 0.3048
    assert r.site_elevation.source == "user (location)"
    with pytest.raises(RequirementsError, match="between −450 and 5,000 m"):
        load_requirements(minimal(location={"elevation": "9000 m"}))


def test_economics_defaults_and_percentages():
    r = load_requirements(minimal()).resolved()
    assert r.discount_rate.quantity.magnitude == pytest.approx(0.08)
    assert r.plant_life.quantity.to("year").magnitude == 20
    r = load_requirements(minimal(economics={"discount_rate": "6 %", "plant_life": 25})).resolved()
    assert r.discount_rate.quantity.magnitude == pytest.approx(0.06)
    assert r.plant_life.quantity.to("year").magnitude == 25


def test_the_design_temperature_is_the_measured_water_temperature_when_given():
    r = load_requirements(minimal(influent={"temperature": "28 °C"}, location={"country": "DE"})).resolved()
    assert r.design_temperature.quantity.to("degC").magnitude == pytest.approx(28)
    r = load_requirements(minimal(location={"country": "DE"})).resolved()
    # The dairy's typical 30 °C is warmer than Germany's 9 °C design water: the colder one is used.
    assert r.design_temperature.quantity.to("degC").magnitude == pytest.approx(9)


def test_limits_the_influent_already_meets_are_noted():
    r = load_requirements(minimal(influent={"tds": "800 mg/L"})).resolved()
    assert r.removal_needed("tds") == 0.0
    assert any(n.startswith("The influent already meets") and "TDS (800 mg/L against 3,000 mg/L)" in n
               for n in r.notes)


def test_the_requirements_have_a_json_schema_for_the_documentation():
    schema = Requirements.model_json_schema()
    assert {"sector", "flow", "influent", "destination", "targets", "overrides", "forced_train"} <= set(schema["properties"])


# -- invalid input never escapes as anything else --------------------------------------------

_junk = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12) | st.sampled_from(["500 m3/d", "-3 mg/L", "45 °C", "2 MGD", "1e400", "nan mg/L", "m3/d",
                                              "8 %", "EUR", "°C", "", " ", "6-9", "1/0"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["value", "unit", "average", "peak", "peak_factor", "type", "min", "max", "bod", "ph",
                         "country", "velocity_through_bars", "bar_screen", "x"]), children, max_size=3),
    max_leaves=8,
)
_fields = st.fixed_dictionaries({}, optional={
    "sector": st.sampled_from(["industrial", "municipal", "agricultural", "x"]) | _junk,
    "subsector": st.sampled_from(["dairy", "wastewater", "drinking_water", "livestock", "irrigation"]) | _junk,
    "water_source": st.sampled_from(["seawater", "groundwater", "tap"]) | _junk,
    "flow": _junk,
    "influent": st.dictionaries(st.sampled_from(["bod", "ph", "temperature", "coliforms", "tds", "zz"]), _junk,
                                max_size=4) | _junk,
    "destination": st.sampled_from(["sewer", "potable", "boiler_feed", "moon"]) | _junk,
    "targets": st.dictionaries(st.sampled_from(["bod", "ph", "tds", "coliforms", "hardness"]), _junk, max_size=3) | _junk,
    "location": _junk,
    "economics": _junk,
    "overrides": _junk,
    "forced_train": st.lists(st.sampled_from(["bar_screen", "daf", "nope"]) | _junk, max_size=3) | _junk,
    "language": _junk,
})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fields)
def test_invalid_input_never_escapes_as_anything_but_a_requirements_error(data):
    try:
        req = load_requirements(data)
    except RequirementsError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    r = req.resolved()  # a valid set must also resolve
    assert math.isfinite(r.flow.quantity.magnitude) and r.flow.quantity > Q_(0, "m**3/day")


# -- language ---------------------------------------------------------------------------


def test_a_spanish_plant_names_its_destination_and_country_in_spanish():
    r = load_requirements(minimal(language="es", destination="surface_water", location={"country": "ES"})).resolved()
    assert r.destination_name == "Vertido a cauce (agua superficial)" and r.country_name == "España"
    english = load_requirements(minimal(destination="surface_water", location={"country": "ES"})).resolved()
    assert english.destination_name == "Discharge to surface water" and english.country_name == "Spain"


def test_a_spanish_plant_says_where_its_defaults_come_from_in_spanish():
    r = load_requirements(minimal(language="es", location={"country": "CO"})).resolved()
    assert r.electricity_price.source.startswith("Precio de la electricidad industrial para Colombia: ")
    assert r.defaults_used["bod"].startswith("valor por defecto del sector (")
    assert r.discount_rate.source.startswith("Tasa de descuento real por defecto 8 %/año")
    # The client's own values keep the "user" mark the calculations and the proposal recognise.
    given = load_requirements(minimal(language="es", location={"country": "CO", "electricity_price": 0.2})).resolved()
    assert given.electricity_price.source == "user (location)"


def test_the_problems_are_written_in_the_language_of_the_requirements():
    spanish = problems_of(minimal(language="es", flow="-1 m3/d", influent={"ph": 15}))
    assert "flow.average: debe ser mayor que cero (se recibió '-1 m3/d')" in spanish
    assert "influent.ph: el pH debe estar entre 0 y 14 (se recibió 15)" in spanish
    with pytest.raises(RequirementsError) as info:
        load_requirements(minimal(language="es", flow="-1 m3/d", influent={"ph": 15}))
    assert str(info.value).startswith("Los requisitos tienen 2 problemas:")
    # A language the engine does not write: the problems in English, that one among them.
    english = problems_of(minimal(language="fr", flow="-1 m3/d"))
    assert "flow.average: must be greater than zero (got '-1 m3/d')" in english
    assert any(p.startswith("language: 'fr' is not one of") for p in english)
