from agents.engine.calc import Sourced
from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream

AT_60F = {"design_temperature": Sourced(Q_(15.56, "degC"), "test")}


def test_api_rise_rate_and_cross_section_match_the_api_421_sizing_example():
    # API Publication 421 procedure as worked in Hydro-Flo Technologies' API sizing sheet: 250 gpm, 60 °F,
    # oil SG 0.850, 150 µm globule, µ = 0.01129 P → V_t = 0.318 ft/min (= 0.0241·(S_w − S_o)/µ, API 421 Eq.),
    # V_H = min(15·V_t, 3 ft/min) = 3 ft/min, A_c = (250/7.48) / 3 = 11.14 ft² = 1.035 m².
    # The engine reads µ(15.56 °C) = 1.1237 mPa·s from M&E Appendix C, so V_t = 0.320 ft/min (0.6 % higher).
    # Below API's minimum channel (6 ft × 3 ft) both channels are built at the minimum and L = 5·B = 9.15 m.
    case = UnitCase("oil_water_separator", make_stream("250 gpm", fog=500),
                    overrides={"separator_type": 1, "oil_specific_gravity": 0.85}, context=AT_60F)
    check_unit(case, {
        "sizing.rise_velocity": ("0.318 ft/min", 0.01),
        "calc.A_c": ("11.14 ft2", 0.002),
        "trains": (2, 0),
        "sizing.width": ("1.83 m", 1e-6),
        "sizing.depth": ("0.914 m", 1e-6),
        "sizing.length": ("9.15 m", 1e-3),
    })


def test_a_refinery_size_api_separator_follows_the_turbulence_factor_table():
    # 10,000 m3/d × 1.5 = 625 m3/h; 20 °C: ρ_w = 998.2 kg/m3, µ = 1.002 mPa·s (M&E App. C), SG_o = 0.90:
    # V_t = 9.81 × (998.2 − 900) × (150e-6)² / (18 × 1.002e-3) = 1.2018e-3 m/s; 15·V_t = 0.0180 > 0.01524 → V_H = 3 ft/min.
    # A_c = 0.17361 / 0.01524 = 11.39 m² → 2 channels (≤ 6.1 × 2.44 m each); d/B = 0.4 → B = √(5.696/0.4) = 3.774 m,
    # d = 1.509 m. V_H/V_t = 12.68 → F_t = 1.27 + (1.37 − 1.27)·2.68/5 = 1.3236, F = 1.2 × 1.3236 = 1.588;
    # L = 1.588 × 12.68 × 1.509 = 30.4 m (L/B = 8.1 ≥ 5).
    case = UnitCase("oil_water_separator", make_stream("10000 m3/d", peak_factor=1.5, fog=200, tss=150))
    unit = check_unit(case, {
        "sizing.rise_velocity": ("1.2018e-3 m/s", 1e-3),
        "calc.A_c": ("11.39 m2", 1e-3),
        "trains": (2, 0),
        "sizing.width": ("3.774 m", 1e-3),
        "sizing.depth": ("1.509 m", 1e-3),
        "calc.F": (1.588, 1e-3),
        "sizing.length": ("30.4 m", 2e-3),
    })
    assert unit.kind == "api" and not unit.packaged


def test_small_flows_use_a_packaged_cpi_and_the_skimmed_oil_closes_the_balance():
    # 500 m3/d × 2 = 41.7 m3/h ≤ 100 m3/h → packaged CPI, 60 µm globule (API 421 Ch. 5):
    # V_t = 9.81 × 98.2 × (60e-6)² / (18 × 1.002e-3) = 1.9228e-4 m/s; A_p = 0.011574 / 1.9228e-4 = 60.2 m².
    # Free oil: FOG 500 → 150 mg/L (70 %), 500 m3/d × 0.350 kg/m3 = 175 kg/d; skimmings at 50 % oil:
    # 175 / (0.5 × 900) = 0.389 m3/d. COD removed 2.9 × 350 = 1,015 mg/L → 985; BOD in the same ratio → 492.5.
    case = UnitCase("oil_water_separator", make_stream("500 m3/d", peak_factor=2.0, fog=500, cod=2000, bod=1000,
                                                       tss=300, tds=1500))
    unit = check_unit(case, {
        "sizing.projected_area": ("60.2 m2", 2e-3),
        "sizing.oil_recovered": ("175 kg/d", 1e-6),
        "side.oil.flow": ("0.3889 m3/d", 1e-3),
        "effluent.fog": ("150 mg/L", 1e-6),
        "effluent.cod": ("985 mg/L", 1e-6),
        "effluent.bod": ("492.5 mg/L", 1e-6),
        "effluent.tss": ("210 mg/L", 1e-6),
        "removal.fog": (0.7, 1e-9),
    })
    assert unit.packaged and unit.kind == "cpi"
    oil = next(s for s in unit.side_streams if s.kind == "oil")
    assert abs(oil.mass_flow("fog").to("kg/day").magnitude - 175.0) < 1e-6


def test_without_fog_data_no_oil_is_invented():
    case = UnitCase("oil_water_separator", make_stream("500 m3/d", tss=300))
    unit = check_unit(case, {"effluent.tss": ("210 mg/L", 1e-6)})
    assert not any(s.kind == "oil" for s in unit.side_streams)
    assert any("FOG" in w for w in unit.ctx_for_test.warnings)


def test_a_colder_design_temperature_slows_the_globules_and_lengthens_the_channels():
    warm = UnitCase("oil_water_separator", make_stream("10000 m3/d", peak_factor=1.5, fog=200)).run()
    cold = UnitCase("oil_water_separator", make_stream("10000 m3/d", peak_factor=1.5, fog=200),
                    context={"design_temperature": Sourced(Q_(10, "degC"), "test")}).run()
    assert cold.sizing["rise_velocity"].quantity < warm.sizing["rise_velocity"].quantity
    assert cold.sizing["length"].quantity > warm.sizing["length"].quantity
