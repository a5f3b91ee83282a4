import pytest

from agents.engine.calc import Sourced
from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream


def test_recycle_for_the_air_to_solids_ratio_reproduces_the_textbook_flotation_example():
    # Metcalf & Eddy 5th ed. (2014), flotation thickener example: A/S = 0.008, 20 °C (s_a = 18.7 mL/L), f = 0.5,
    # p = 275 kPa gauge → P = 376.3/101.3 = 3.714 atm, Q = 400 m3/d at 3,000 mg/L.
    # R = 0.008 × 3000 × 400 / [1.3 × 18.7 × (0.5 × 3.714 − 1)] = 9,600 / 20.83 = 461 m3/d (textbook ≈ 461 m3/d).
    case = UnitCase("daf", make_stream("400 m3/d", tss=3000),
                    overrides={"air_to_solids": 0.008, "saturator_pressure": "275 kPa", "saturation_fraction": 0.5,
                               "inline_conditioning": 0})
    unit = check_unit(case, {"calc.s_a": ("18.7 mL/L", 1e-9), "calc.P": (3.714, 1e-3),
                             "calc.R_A/S": ("461 m3/d", 2e-3), "sizing.recycle_flow": ("461 m3/d", 2e-3)})
    # The textbook case is a thickener (recycle above the feed): the engine says so.
    assert any("recycle of 115%" in w for w in unit.ctx_for_test.warnings)


def test_air_solubility_is_interpolated_at_the_design_temperature():
    # M&E table: 22.8 mL/L at 10 °C and 18.7 mL/L at 20 °C → 20.75 mL/L at 15 °C.
    case = UnitCase("daf", make_stream("1000 m3/d", tss=300), overrides={"inline_conditioning": 0},
                    context={"design_temperature": Sourced(Q_(15, "degC"), "test")})
    check_unit(case, {"calc.s_a": ("20.75 mL/L", 1e-9)})


def test_hydraulic_loading_on_flow_plus_recycle_sets_the_area_for_dilute_feeds():
    # 2,000 m3/d × 1.5 = 125 m3/h, TSS + FOG = 150 mg/L. At 400 kPa, f = 0.7: 1.3 × 18.7 × (0.7 × 4.948 − 1) = 59.89 mg/L
    # of air per litre of recycle, so A/S 0.02 needs R = 0.02 × 150 × 125 / 59.89 = 6.26 m3/h < 20 % → R = 25 m3/h.
    # A_h = (125 + 25)/8 = 18.75 m2 > A_s = 0.150 kg/m3 × 125 / 6 = 3.1 m2. Peak 125 m3/h < 300 → packaged steel unit.
    case = UnitCase("daf", make_stream("2000 m3/d", peak_factor=1.5, tss=100, fog=50, bod=400),
                    overrides={"inline_conditioning": 0})
    unit = check_unit(case, {"calc.R_A/S": ("6.262 m3/h", 2e-3), "sizing.recycle_flow": ("25 m3/h", 1e-9),
                             "calc.A_h": ("18.75 m2", 1e-9), "sizing.area": ("18.75 m2", 1e-9), "trains": (1, 0),
                             "effluent.tss": ("50 mg/L", 1e-9), "effluent.fog": ("15 mg/L", 1e-9),
                             "effluent.bod": ("300 mg/L", 1e-9)})
    assert unit.packaged and unit.conditioned == ""


def test_in_line_conditioning_of_a_dairy_wastewater_closes_the_float_balance():
    # In-line FeCl3 50 mg/L (0.3083 mmol/L Fe) + polymer 2 mg/L. At Fe:P = 2 it binds 0.1541 mmol/L = 4.773 mg/L of
    # P as FePO4 (M&E 5th ed. Ch. 6): floc 0.1541 · 150.82 + 0.1541 · 106.87 = 39.72 + 2 = 41.72 mg/L → 41.72 kg/d;
    # solution water 125 kg/d / 1.42 kg/L + 2 kg/d / 2.5 kg/m3 = 0.888 m3/d → feed 1,000.888 m3/d, TSS 641.15,
    # FOG 799.29 mg/L. With chemicals (WEF MOP FD-3): TSS 90 %, FOG 90 %, BOD/COD 50 %, TP 80 % (the typical
    # removal beats the 0.9 · 4.77 mg/L of precipitate alone, which would leave 25.7 mg/L).
    # Effluent TSS 64.11 mg/L; float = 1,000.888 × 0.9 × (641.15 + 799.29) g/m3 = 1,297.6 kg/d at 3 % → 43.25 m3/d.
    case = UnitCase("daf", make_stream("1000 m3/d", peak_factor=1.5, tss=600, fog=800, bod=2500, cod=5000, tds=1200,
                                       alkalinity=300, tp=30))
    unit = check_unit(case, {"effluent.tss": ("64.11 mg/L", 1e-3), "sizing.float_solids": ("1297.6 kg/d", 1e-3),
                             "side.sludge.flow": ("43.25 m3/d", 1e-3), "removal.fog": (0.9, 1e-9),
                             "removal.tp": (0.8, 1e-9), "chemical.ferric_chloride": ("125 kg/d", 1e-9)})
    assert unit.conditioned == "in-line"
    assert unit.generated["tss"].to("kg/day").magnitude == pytest.approx(41.72, rel=1e-3)


def test_a_coagulation_unit_upstream_means_no_in_line_dosing_but_chemical_removals():
    from agents.engine.context import DesignContext
    from agents.engine.units import UNIT_TYPES

    ctx = DesignContext()
    coag = UNIT_TYPES["coagulation_flocculation"](ctx, "CFL-101")
    conditioned = coag.run(make_stream("1000 m3/d", peak_factor=1.5, tss=600, fog=800))
    daf = UNIT_TYPES["daf"](ctx, "DAF-101")
    daf.run(conditioned)
    assert daf.conditioned == "upstream" and not daf.chemicals
    assert daf.removals["tss"] == 0.9
    assert max(daf.balance().values()) < 1e-3


def test_large_plain_flotation_uses_several_concrete_cells():
    # 20,000 m3/d × 1.3 = 1,083 m3/h ≥ 300 m3/h → concrete cells; 165.7 m2 / 60 m2 → 3 units.
    case = UnitCase("daf", make_stream("20000 m3/d", peak_factor=1.3, tss=300, fog=100, bod=800),
                    overrides={"inline_conditioning": 0})
    unit = check_unit(case, {"trains": (3, 0), "removal.tss": (0.5, 1e-9)})
    assert not unit.packaged
    assert {i.category for i in unit.capex_items} == {"equipment", "civil"}


def test_a_small_recycle_pump_is_costed_within_the_small_pump_curve_and_a_tiny_one_still_warns():
    # 200 m3/d of a dairy wastewater: the recycle pump (under 4 kW, below Smith's pump curve, Chemical Process Design
    # and Integration, Table 2.1) is costed per L/s on WaterTAP's low-pressure pump cost within 0.2–126 L/s
    # (Towler & Sinnott, Chemical Engineering Design (2008), Table 6.6): no warning. At 5 m3/d it is 0.04 L/s, below any data.
    feed = dict(tss=600, fog=800, bod=2500, cod=5000, tds=1200, alkalinity=300, tp=30)
    unit = UnitCase("daf", make_stream("200 m3/d", peak_factor=1.5, **feed)).run()
    assert unit.sizing["recycle_pump_power"].quantity.m_as("kW") < 4
    assert any(i.description.startswith("centrifugal recycle pump with motor (below 4 kW)") for i in unit.capex_items)
    assert not [w for w in unit.ctx_for_test.warnings if "recycle pump" in w]
    tiny = UnitCase("daf", make_stream("5 m3/d", peak_factor=1.5, **feed)).run()
    assert [w for w in tiny.ctx_for_test.warnings if "recycle pump" in w and "outside the cost curve" in w]


def test_a_packaged_unit_is_not_charged_again_for_its_duty_recycle_pump():
    # The packaged DAF's price covers saturator, recycle pump, skimmer and scraper (its cost curve's scope):
    # only the installed standby recycle pump is costed on top; site-built cells buy one pump each plus the standby.
    feed = dict(tss=600, fog=800, bod=2500, cod=5000, tds=1200, alkalinity=300, tp=30)
    unit = UnitCase("daf", make_stream("200 m3/d", peak_factor=1.5, **feed)).run()
    assert unit.packaged
    record = next(r for r in unit.ctx_for_test.log.records if r.id.startswith(f"{unit.tag}.C_small_pump"))
    assert next(i.quantity.magnitude for i in record.inputs if i.symbol == "N") == 1
