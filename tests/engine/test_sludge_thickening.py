import math

from agents.engine.quantities import Q_
from agents.engine.stream import sludge_stream

from .harness import UnitCase, check_unit


def combined_sludge(dry_kg_d: float, solids_fraction: float, **quality: float):
    stream = sludge_stream(Q_(dry_kg_d, "kg/day"), solids_fraction, name="Combined sludge")
    for key, value in quality.items():
        stream.quality[key] = Q_(value, "mg/L")
    return stream


def test_gravity_thickener_for_municipal_primary_and_waste_activated_sludge():
    # M&E 5th ed. (2014), Ch. 13: combined primary + WAS, solids loading 40 kg/m2·d (30–60), thickened 4 %, capture 90 %.
    # Feed 6,500 kg/d at 1.5 % = 433.3 m3/d. A = max(6,500/40, 433.3/12) = 162.5 m2 → one thickener Ø 14.38 m.
    # Thickened 0.9 × 6,500 = 5,850 kg/d at 4 % → 146.25 m3/d; supernatant 433.3 − 146.25 = 287.1 m3/d carrying
    # 650 kg/d (2,264 mg/L) back to the plant head; the dissolved TDS (600 mg/L) follows the water.
    case = UnitCase("sludge_thickening", combined_sludge(6500, 0.015, tds=600), context={"sector": "municipal"})
    unit = check_unit(case, {
        "sizing.area": ("162.5 m2", 1e-9), "sizing.diameter": ("14.38 m", 1e-3), "trains": (1, 0),
        "effluent.flow": ("146.25 m3/d", 1e-6), "effluent.tss": ("40000 mg/L", 1e-6),
        "side.filtrate.flow": ("287.08 m3/d", 1e-4), "side.filtrate.tss": ("650 kg/d", 1e-6),
        "effluent.tds": ("600 mg/L", 1e-9),
    })
    assert unit.kind == "gravity" and unit.effluent.kind == "sludge"
    assert not unit.chemicals


def test_rotary_drum_thickener_for_industrial_sludge_with_polymer_water_in_the_balance():
    # Industrial sludge 1,300 kg/d at 2 % = 65 m3/d. Drum: capture 95 %, 5 %, polymer 4 kg/t DS (M&E Ch. 13).
    # Polymer 4 × 1.3 = 5.2 kg/d made down to 0.25 % → 2.08 m3/d of water. Thickened 0.95 × 1,300 + 5.2 = 1,240.2 kg/d
    # at 5 % → 24.80 m3/d; filtrate 65 + 2.08 − 24.80 = 42.28 m3/d with 65 kg/d.
    # 40 h a week: 65 m3/d × 168/40 = 273 m3/d = 11.375 m3/h → one drum (≤ 40 m3/h).
    case = UnitCase("sludge_thickening", combined_sludge(1300, 0.02, tds=1200), context={"sector": "industrial"})
    unit = check_unit(case, {
        "chemical.polymer": ("5.2 kg/d", 1e-9), "calc.Q_poly": ("2.08 m3/d", 1e-9),
        "effluent.flow": ("24.804 m3/d", 1e-6), "side.filtrate.flow": ("42.276 m3/d", 1e-6),
        "side.filtrate.tss": ("65 kg/d", 1e-6), "sizing.drum_flow": ("11.375 m3/h", 1e-6), "trains": (1, 0),
        "effluent.tds": (f"{1200 * 65 / 67.08} mg/L", 1e-6),
    })
    assert unit.kind == "drum" and unit.packaged


def test_large_sludge_loads_split_into_several_gravity_thickeners():
    # 60,000 kg/d / 40 = 1,500 m2; largest thickener π × 25²/4 = 490.9 m2 → 4 thickeners of 375 m2 (Ø 21.85 m).
    case = UnitCase("sludge_thickening", combined_sludge(60000, 0.012), context={"sector": "municipal"})
    check_unit(case, {"trains": (4, 0), "sizing.diameter": (f"{math.sqrt(4 * 375 / math.pi)} m", 1e-6)})


def test_a_feed_already_thicker_than_the_target_bypasses_the_unit():
    unit = UnitCase("sludge_thickening", combined_sludge(1000, 0.06), context={"sector": "municipal"}).run()
    assert unit.kind == "bypassed" and not unit.side_streams and not unit.capex_items
    assert unit.effluent.flow == unit.influent.flow
    assert any("bypassed" in w for w in unit.ctx_for_test.warnings)


def test_the_thickener_type_can_be_forced_and_the_capture_overridden():
    # Bare numbers for dimensionless criteria (see the base's handling of dimensionless units).
    case = UnitCase("sludge_thickening", combined_sludge(6500, 0.015), context={"sector": "industrial"},
                    overrides={"thickener_type": 1, "gravity_capture": 0.85})
    unit = check_unit(case, {"side.filtrate.tss": ("975 kg/d", 1e-6)})
    assert unit.kind == "gravity"
