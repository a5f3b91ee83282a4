import pytest

from agents.engine.calc import Sourced
from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream

WASTEWATER = dict(tss=200, bod=300, cod=600, tds=800, alkalinity=250, chloride=100)


def test_mixing_power_is_g_squared_mu_v_at_the_design_temperature():
    # Camp-Stein relation P = G²·µ·V (MWH 3rd ed. Ch. 9; M&E 5th ed. Ch. 6). 10,000 m3/d × 1.5 = 625 m3/h.
    # Rapid mix: V = 625 × 30/3600 = 5.208 m3; P = 750² × 1.002e-3 Pa·s (20 °C, M&E App. C) × 5.208 = 2,935 W.
    # Flocculation: V = 625 × 20/60 = 208.3 m3 in 3 compartments of 69.4 m3; P = 50² × 1.002e-3 × 208.3 = 521.9 W;
    # G·t = 50 × 1,200 = 60,000 (within Camp's 10^4–10^5). Motors at 75 % → 4.61 kW absorbed.
    case = UnitCase("coagulation_flocculation", make_stream("10000 m3/d", peak_factor=1.5, **WASTEWATER))
    unit = check_unit(case, {
        "calc.V_rm": ("5.208 m3", 1e-3), "calc.P_rm": ("2.935 kW", 1e-3),
        "calc.V_f": ("208.33 m3", 1e-4), "calc.P_f": ("0.5219 kW", 1e-3), "sizing.gt": (60000, 1e-9),
        "sizing.stage_volume": ("69.44 m3", 1e-3), "trains": (1, 0),
    })
    assert not unit.packaged


def test_cold_water_needs_more_power_for_the_same_g():
    # At 10 °C µ = 1.307 mPa·s (M&E App. C): P_rm = 750² × 1.307e-3 × 5.208 = 3,829 W.
    case = UnitCase("coagulation_flocculation", make_stream("10000 m3/d", peak_factor=1.5, **WASTEWATER),
                    context={"design_temperature": Sourced(Q_(10, "degC"), "test")})
    check_unit(case, {"calc.P_rm": ("3.829 kW", 1e-3)})


def test_ferric_chloride_forms_hydroxide_floc_consumes_alkalinity_and_adds_chloride():
    # FeCl3 + 3 HCO3⁻ → Fe(OH)3 + 3 CO2 + 3 Cl⁻ (M&E 5th ed. Ch. 6). Per mg FeCl3 (162.2): 106.87/162.2 = 0.659 mg
    # Fe(OH)3, 3 × 50.04/162.2 = 0.926 mg alkalinity as CaCO3, 3 × 35.45/162.2 = 0.656 mg Cl⁻, and 3 × 61.02/162.2 =
    # 1.129 mg HCO3⁻ lost (0.4917 × 1.129 = 0.555 mg of TDS residue).
    # 50 mg/L: floc 32.94 + 1 (polymer) = 33.94 mg/L → 339.4 kg/d at 10,000 m3/d; alkalinity 250 − 46.28 = 203.7;
    # ΔTDS = 50 × (0.6557 − 0.5549) = 5.04 mg/L; Cl⁻ 100 + 32.78 = 132.8. Product: 50/0.40 = 125 mg/L of 40 % solution
    # = 1,250 kg/d; its 880 L/d and the polymer's 4,000 L/d at 0.25 % add 4.88 m3/d to the flow.
    case = UnitCase("coagulation_flocculation", make_stream("10000 m3/d", peak_factor=1.5, **WASTEWATER))
    unit = check_unit(case, {
        "calc.X_chem": ("329.4 kg/d", 1e-3), "calc.X": ("339.4 kg/d", 1e-3), "calc.Alk_c": ("46.28 mg/L", 1e-3),
        "calc.ΔTDS": ("5.04 mg/L", 2e-3), "chemical.ferric_chloride": ("1250 kg/d", 1e-9),
        "calc.Q_chem": ("4.880 m3/d", 1e-3),
        "effluent.tss": (f"{(2000 + 339.44) / 10004.88} kg/m3", 1e-4),
        "effluent.alkalinity": (f"{203.72 * 10000 / 10004.88} mg/L", 1e-4),
        "effluent.chloride": (f"{(1000 + 327.8) / 10004.88} kg/m3", 1e-3),
    })
    assert unit.generated["tss"].to("kg/day").magnitude > 339
    assert unit.ctx_for_test.shared["coagulation"] == {"tag": "U-101", "coagulant": "ferric_chloride"}


def test_alum_on_a_low_alkalinity_water_gets_caustic_make_up():
    # Alum (594.4 g/mol) 100 mg/L: 6 × 50.04/594.4 = 0.505 → 50.5 mg/L alkalinity consumed (M&E: about 0.5 mg/mg);
    # Al(OH)3 2 × 78.0/594.4 = 0.2625 → 26.2 mg/L. Alkalinity 40 − 50.5 = −10.5 < 50 mg/L residual:
    # NaOH = (50 + 10.5) × 40.00/50.04 = 48.37 mg/L → 96.74 mg/L of 50 % caustic.
    case = UnitCase("coagulation_flocculation", make_stream("500 m3/d", peak_factor=2.0, tss=400, tds=1500, alkalinity=40),
                    overrides={"coagulant_type": 2, "coagulant_dose": "100 mg/L"})
    unit = check_unit(case, {
        "calc.Alk_c": ("50.51 mg/L", 1e-3), "calc.X_chem": ("13.12 kg/d", 1e-3),
        "calc.D_NaOH": ("48.37 mg/L", 1e-3), "chemical.sodium_hydroxide": (f"{96.74 * 0.5} kg/d", 1e-3),
        "chemical.aluminium_sulfate": (f"{100 / 0.48 * 0.5} kg/d", 1e-6),
    })
    assert unit.packaged  # 41.7 m3/h < 100 m3/h
    assert unit.effluent.quality["alkalinity"].magnitude == pytest.approx(50.0, rel=1e-3)


def test_large_flows_split_into_flocculation_trains():
    # 100,000 m3/d × 1.5 → V_f = 6,250 × 1/3 = 2,083 m3 > 1,500 m3 per train → 2 trains.
    case = UnitCase("coagulation_flocculation", make_stream("100000 m3/d", peak_factor=1.5, **WASTEWATER))
    check_unit(case, {"trains": (2, 0), "sizing.flocculation_volume": ("1041.7 m3", 1e-3)})


def test_a_dose_override_changes_the_chemistry_and_not_the_tanks():
    stream = make_stream("10000 m3/d", peak_factor=1.5, **WASTEWATER)
    base = UnitCase("coagulation_flocculation", stream).run()
    more = UnitCase("coagulation_flocculation", stream, overrides={"coagulant_dose": "80 mg/L"}).run()
    assert more.generated["tss"] > base.generated["tss"]
    assert more.sizing["flocculation_volume"].quantity == base.sizing["flocculation_volume"].quantity
    assert more.criteria.used["coagulant_dose"].overridden and not more.criteria.used["polymer_dose"].overridden
