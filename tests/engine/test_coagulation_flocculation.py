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
    shared = unit.ctx_for_test.shared["coagulation"]
    assert (shared["tag"], shared["coagulant"]) == ("U-101", "ferric_chloride")
    # The separation downstream is told the floc it must take: 339.4 kg/d in 10,004.88 m3/d = 33.93 mg/L.
    assert shared["solids"].to("mg/L").magnitude == pytest.approx(339.44 / 10.00488, rel=1e-3)
    assert "tp" not in unit.effluent.quality


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


SECONDARY = dict(tss=100, tp=7, alkalinity=200, tds=800, chloride=100)
# What an activated sludge or MBBR upstream hands to its clarifier: the coagulant goes into mixed liquor.
MIXED_LIQUOR = {"mlss": Q_(3000, "mg/L")}


def test_the_metal_dose_for_a_tp_limit_follows_the_molar_ratio_in_co_precipitation():
    # Mixed liquor with 100 mg/L of biological solids at 0.015 g P/g (M&E 5th ed. Ch. 8): 1.5 mg/L of the 7 mg/L TP is
    # in biomass, 5.5 mg/L soluble. TP limit 2 mg/L: leave 0.5 · 2 = 1.0 mg/L soluble (the rest for the effluent
    # solids), so 4.5 mg/L P = 0.1453 mmol/L is precipitated at Fe:P = 2 mol/mol (M&E 5th ed. Ch. 6: 1.5–2.5):
    # Fe 0.2906 mmol/L → FeCl3 0.2906 · 162.2 = 47.14 mg/L, 117.8 mg/L of 40 % solution → 1,178 kg/d.
    # Floc: FePO4 0.1453 · 150.82 = 21.91 + Fe(OH)3 of the excess iron 0.1453 · 106.87 = 15.53 → 37.44 mg/L (374.4 kg/d).
    # TDS: 47.14 · (106.35 − 0.4917 · 183.06)/162.2 = +4.75 for the chloride, − 4.5 · 94.97/30.97 = −13.80 of phosphate.
    case = UnitCase("coagulation_flocculation", make_stream("10000 m3/d", peak_factor=1.5, **SECONDARY),
                    targets={"tp": "2 mg/L"}, context={"shared": MIXED_LIQUOR | {"biosolids": {"tp": 0.015}}})
    unit = check_unit(case, {
        "calc.S_P": ("5.5 mg/L", 1e-9), "calc.S_P,t": ("1.0 mg/L", 1e-9), "calc.D": ("47.14 mg/L", 1e-3),
        "calc.P_chem": ("4.5 mg/L", 1e-9), "calc.X_chem": ("374.4 kg/d", 1e-3), "calc.ΔTDS": ("-9.051 mg/L", 1e-3),
        "chemical.ferric_chloride": ("1178.4 kg/d", 1e-3),
    })
    # TP stays in the water (now particulate); the separator downstream takes the 4.5 mg/L bound in the floc.
    assert unit.effluent.quality["tp"].magnitude == pytest.approx(7 * 10000 / unit.effluent.flow.magnitude, rel=1e-9)
    assert unit.ctx_for_test.shared["coagulation"]["tp"].to("mg/L").magnitude == pytest.approx(4.498, rel=1e-3)
    # The dosing equipment is sized for the larger of the jar-test dose and the average: 50/0.4 · 10 = 1,250 kg/d.
    assert unit.sizing["coagulant_mass_rate"].quantity.to("kg/day").magnitude == pytest.approx(1250, rel=1e-9)
    # Dosed at the aeration tank outlet: no mixing or flocculation tanks are built or costed (M&E Ch. 6).
    # Power is the dosing only: two metering pumps 2 · 0.37 + polymer make-down 1.5 = 2.24 kW.
    assert "flocculation_volume" not in unit.sizing
    assert unit.consumed_power.to("kW").magnitude == pytest.approx(2.24, rel=1e-9)
    assert not any("flocculation" in i.description or "rapid mix" in i.description for i in unit.capex_items)


def test_no_metal_salt_when_the_biomass_takes_up_the_phosphorus():
    # 0.08 g P/g on 100 mg/L of solids holds 8 mg/L ≥ the 7 mg/L TP: nothing is soluble, nothing to precipitate.
    case = UnitCase("coagulation_flocculation", make_stream("10000 m3/d", peak_factor=1.5, **SECONDARY),
                    targets={"tp": "2 mg/L"}, context={"shared": MIXED_LIQUOR | {"biosolids": {"tp": 0.08}}})
    unit = check_unit(case, {"calc.D": ("0 mg/L", 0), "calc.P_chem": ("0 mg/L", 0)})
    assert [c.key for c in unit.chemicals] == ["polymer"]
    assert any("biomass takes up the phosphorus" in n for n in unit.notes)


def test_ahead_of_a_physical_chemical_separation_the_coagulation_dose_is_the_floor():
    # No biology upstream: all 7 mg/L TP counted soluble; limit 1 mg/L → leave 0.5 mg/L, precipitate 6.5 mg/L:
    # 6.5/30.97 · 2 · 162.2 = 68.09 mg/L FeCl3 > the 50 mg/L coagulation dose, so the P dose governs.
    case = UnitCase("coagulation_flocculation", make_stream("10000 m3/d", peak_factor=1.5, **SECONDARY),
                    targets={"tp": "1 mg/L"})
    check_unit(case, {"calc.D_P": ("68.09 mg/L", 1e-3), "calc.D": ("68.09 mg/L", 1e-3), "calc.P_chem": ("6.5 mg/L", 1e-9)})
    # Without a TP limit the 50 mg/L dose still binds 50/162.2/2 · 30.97 = 4.773 mg/L of P.
    plain = check_unit(UnitCase("coagulation_flocculation", make_stream("10000 m3/d", peak_factor=1.5, **SECONDARY)),
                       {"calc.P_chem": ("4.773 mg/L", 1e-3)})
    assert "D_P" not in {r.id.split(".", 1)[1] for r in plain.log.records}


def test_coagulant_feeds_above_the_largest_system_in_the_cost_data_are_split_into_parallel_systems():
    # 20,000 m3/d × 1.5 at the design dose: 104.2 kg/h of coagulant product, above the 200 lb/h (90.7 kg/h) of
    # McGivney & Kawamura's coagulant injection costs (Cost Estimating Manual for Water Treatment Facilities, 2008)
    # → ⌈104.2 / 90.7⌉ = 2 storage and feed systems of 52.1 kg/h, each within the data: no warning.
    unit = UnitCase("coagulation_flocculation", make_stream("20000 m3/d", peak_factor=1.5, **WASTEWATER)).run()
    assert unit.sizing["coagulant_mass_rate"].quantity.m_as("kg/h") == pytest.approx(104.17, rel=1e-3)
    assert unit.coagulant_systems == 2
    assert next(e for e in unit.equipment if e.tag.endswith("-04")).quantity == 4
    assert not [w for w in unit.ctx_for_test.warnings if "coagulant storage" in w]
    # 10 m3/d needs 0.05 kg/h, below the smallest system in the data: the warning stays.
    tiny = UnitCase("coagulation_flocculation", make_stream("10 m3/d", peak_factor=1.5, **WASTEWATER)).run()
    assert tiny.coagulant_systems == 1
    assert [w for w in tiny.ctx_for_test.warnings if "coagulant storage" in w]


def test_between_the_packaged_limit_and_the_skids_data_the_cheaper_construction_is_built_within_its_cost_data():
    # 2,400 m3/d × 1.5 = 150 m3/h: above the 100 m3/h packaged limit, within the 2–300 m3/h of the skid's cost
    # data. Site-built, the rapid mix would be 150 × 30 s = 1.25 m3 and the flocculation train 50 m3, the rapid mix
    # below the 1.9 m3 (500 gal) of McGivney & Kawamura's construction costs (Cost Estimating Manual for Water
    # Treatment Facilities, 2008): the cheaper installed of the two is built, here the skid, and nothing warns.
    case = UnitCase("coagulation_flocculation", make_stream("2400 m3/d", peak_factor=1.5, **WASTEWATER))
    unit = case.run()
    assert unit.packaged
    assert not [w for w in unit.ctx_for_test.warnings if "outside the cost curve" in w]
    site_built = case.run(option=False)
    assert site_built.sizing["rapid_mix_volume"].quantity.m_as("m3") == pytest.approx(1.25, rel=1e-6)
    assert [w for w in site_built.ctx_for_test.warnings if "rapid mix tank" in w and "outside the cost curve" in w]
    from agents.engine.costing import installed_cost
    assert installed_cost(unit) < installed_cost(site_built)
