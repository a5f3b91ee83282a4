"""Dual-media filtration: Ten States Standards and MWH ch. 11 criteria, hand-checked."""

import pytest

from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream, value_of


def test_potable_filters_meet_the_ten_states_rate_with_one_filter_out():
    # Ten States (2018): 2 gpm/ft² = 4.9 m/h without pilot data, plant capacity with one filter out of service.
    # Q_pk = 1.3 · 20,000 = 26,000 m³/d = 1,083.3 m³/h → A = 221.1 m² → ⌈221.1/100⌉ = 3 in service + 1 = 4 filters
    # of 73.7 m²; with all four in service the rate is 1,083.3/(4·73.7) = 3.68 m/h.
    case = UnitCase("media_filtration", make_stream("20000 m3/d", peak_factor=1.3, tss=3, turbidity=2),
                    context={"destination": "potable"})
    unit = check_unit(case, {"sizing.filters": (4, 0), "sizing.filter_area": ("73.70 m2", 0.001),
                             "sizing.filtration_rate": ("3.675 m/h", 0.001)})
    assert unit.criteria.used["filtration_rate_potable"].quantity == Q_(4.9, "m/h")
    assert not unit.packaged


def test_run_length_washwater_and_solids_follow_the_bed_storage():
    # Tertiary filtration at 10 m/h (M&E ch. 11): 10,000 m³/d → 41.67 m² → 2 filters (1 + 1).
    # Average rate 416.7/83.33 = 5 m/h; 5 mg/L TSS at 75 % capture = 18.75 g/m²·h → 1 kg/m² lasts 53 h > 48 h → 48 h runs.
    # Wash = (40 m/h · 10 min + 5 m/h · 5 min) · 41.67 m² = 295.1 m³; 2 filters washed every 2 days = 1 wash/d
    # → 295.1 m³/d = 2.95 % of the feed (MWH: 2–5 %).
    case = UnitCase("media_filtration", make_stream("10000 m3/d", tss=5, bod=8))
    unit = check_unit(case, {"sizing.filters": (2, 0), "sizing.run_length": ("48 h", 1e-9),
                             "sizing.wash_volume": ("295.1 m3", 0.001), "sizing.backwash_fraction": (0.02951, 0.002),
                             "effluent.tss": ("1.25 mg/L", 1e-6), "effluent.bod": ("5.6 mg/L", 1e-6)})
    # The backwash carries the rest: 10,000 · 5 − 9,704.9 · 1.25 = 50.0 − 12.13 = 37.87 kg/d.
    assert value_of(unit, "side.backwash.tss").to("kg/day").magnitude == pytest.approx(37.87, rel=1e-3)
    assert not unit.ctx_for_test.warnings


def test_a_dirty_feed_shortens_the_runs_and_warns():
    # 15 mg/L: 5 · 15 · 0.75 = 56.25 g/m²·h → 17.8 h runs → 2.7 washes/d · 295.1 m³ = 797 m³/d = 8.0 % > 5 %.
    case = UnitCase("media_filtration", make_stream("10000 m3/d", tss=15))
    unit = check_unit(case, {"sizing.run_length": ("17.78 h", 0.001), "sizing.backwash_fraction": (0.0797, 0.003)})
    assert any("solids load ends the runs" in w for w in unit.ctx_for_test.warnings)


def test_media_depth_to_size_ratio_is_checked():
    # L/d = 500/1.0 + 300/0.5 = 1,100 ≥ 1,000 (Kawamura); 1.5 mm anthracite gives 333 + 600 = 933 → warning.
    ok = check_unit(UnitCase("media_filtration", make_stream("5000 m3/d", tss=4)), {"calc.L/d": (1100, 1e-9)})
    assert not any("L/d" in w for w in ok.ctx_for_test.warnings)
    coarse = check_unit(UnitCase("media_filtration", make_stream("5000 m3/d", tss=4),
                                 overrides={"anthracite_effective_size": "1.5 mm"}), {"calc.L/d": (933.3, 0.001)})
    assert any("L/d" in w for w in coarse.ctx_for_test.warnings)


def test_coagulated_feed_gets_the_higher_removal():
    # After coagulation/flocculation, filtered water ≤ 0.1–0.3 NTU: 90 % of 2 NTU = 0.2 NTU (MWH ch. 11).
    case = UnitCase("media_filtration", make_stream("5000 m3/d", tss=4, turbidity=2),
                    context={"shared": {"coagulation": {"tag": "CF-101", "coagulant": "pac"}}})
    check_unit(case, {"effluent.turbidity": ("0.2 NTU", 1e-6), "removal.tss": (0.9, 1e-9)})


def test_small_plants_use_pressure_filters():
    # 300 m³/d: 12.5 m³/h / 10 m/h = 1.25 m² → two vessels of D = √(4·1.25/π) = 1.262 m, with a feed pump.
    unit = check_unit(UnitCase("media_filtration", make_stream("300 m3/d", tss=8)),
                      {"sizing.filters": (2, 0), "sizing.vessel_diameter": ("1.262 m", 0.001)})
    assert unit.packaged
    assert any(e.tag.endswith("-P01") for e in unit.equipment)
    assert any(i.description == "Pressure filter vessels" for i in unit.capex_items)


def test_large_plants_have_many_filters_of_at_most_100_m2():
    # 200,000 m³/d = 8,333 m³/h / 10 m/h = 833.3 m² → 9 in service + 1 = 10 filters of 92.6 m².
    unit = check_unit(UnitCase("media_filtration", make_stream("200000 m3/d", tss=5)),
                      {"sizing.filters": (10, 0), "sizing.filter_area": ("92.59 m2", 0.001)})
    assert value_of(unit, "sizing.filter_area") <= Q_(100, "m**2")


def test_media_replacement_is_an_operating_cost():
    unit = check_unit(UnitCase("media_filtration", make_stream("10000 m3/d", tss=5)), {})
    media = next(i for i in unit.capex_items if i.category == "media")
    replacement = next(o for o in unit.opex_items if o.category == "replacement")
    assert replacement.annual.magnitude == pytest.approx(media.cost.magnitude / 15, rel=1e-6)
    assert any(i.category == "civil" for i in unit.capex_items)
