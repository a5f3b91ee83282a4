import math

import pytest

from agents.engine.costing import installed_cost
from agents.engine.i18n import tr
from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream


def test_municipal_diurnal_volume_aeration_mixing_and_pumps():
    # Sinusoidal diurnal inflow Q·[1 + A·sin(2πt/T)], A = PF − 1 = 0.5, constant outflow Q: the storage is the
    # area of one positive half-wave, Q·A·T/π = 20,000 × 0.5 / π = 3,183.1 m3; + 20 % allowance
    # (M&E 5th ed. Ch. 3: 10–20 % over the theoretical volume) → 3,819.7 m3 = 4.58 h at average flow.
    # One concrete tank (≤ 6,000 m3), 5 m deep → 763.9 m2, 27.64 m square.
    # Air 0.01 m3/m3·min × 3,819.7 = 38.2 m3/min; mixing 0.006 kW/m3 × 3,819.7 = 22.9 kW (M&E Ch. 3, EPA 625/4-74-006).
    # Transfer pumps on the equalized peak 1.1 × 20,000 = 916.7 m3/h, two duty → 458.3 m3/h each;
    # P = 1000 × 9.81 × 0.1273 m3/s × 10 m / 0.65 = 19.21 kW each.
    case = UnitCase("equalization", make_stream("20000 m3/d", peak_factor=1.5, bod=250, tss=220),
                    context={"sector": "municipal"})
    unit = check_unit(case, {
        "calc.V_th": ("3183.1 m3", 1e-4),
        "sizing.volume": ("3819.7 m3", 1e-4),
        "sizing.retention_time": ("4.584 h", 1e-3),
        "sizing.side": ("27.64 m", 1e-3),
        "sizing.air_flow": ("38.20 m3/min", 1e-3),
        "calc.P_m": ("22.92 kW", 1e-3),
        "sizing.pump_flow": ("458.3 m3/h", 1e-3),
        "sizing.pump_power": ("19.21 kW", 1e-3),
        "trains": (1, 0),
        "effluent.bod": ("250 mg/L", 1e-9),
        "effluent.tss": ("220 mg/L", 1e-9),
    })
    assert unit.effluent.peak_factor == 1.1
    assert not unit.packaged


def test_industrial_shift_pattern_stores_the_flow_of_the_idle_hours_in_a_steel_tank():
    # PF 2 → wastewater arrives at 2·Q for 12 h a day; storage for constant outflow = Q·T·(1 − 1/PF)
    # = 1,000 × 0.5 = 500 m3; +20 % = 600 m3 (14.4 h), one tank of 600/5 = 120 m2. A 600 m3 tank may be factory-made
    # steel (Ø = √(4 × 120/π) = 12.36 m) or concrete (10.95 m square): the one that costs less installed is built.
    case = UnitCase("equalization", make_stream("1000 m3/d", peak_factor=2.0), context={"sector": "industrial"})
    unit = check_unit(case, {"calc.V_th": ("500 m3", 1e-6), "sizing.volume": ("600 m3", 1e-6),
                             "sizing.retention_time": ("14.4 h", 1e-6), "sizing.side": ("10.954 m", 1e-3)})
    steel = case.run(option=True)
    assert steel.sizing["diameter"].quantity.m_as("m") == pytest.approx(12.36, rel=1e-3)
    assert any(item.description.startswith("bolted or welded steel tank") for item in steel.capex_items)
    assert not unit.packaged and installed_cost(unit) < installed_cost(steel)


def test_installed_cost_never_falls_across_the_steel_and_concrete_ranges():
    # Municipal, PF 2: 50 to 60,000 m3/d in 10 % steps, across the steel-tank limit (3,000 m3 each) and the
    # splits into more tanks: no step may cost more than 2 % less than the one before.
    previous = None
    for i in range(75):
        flow = 50 * 1.1 ** i
        unit = UnitCase("equalization", make_stream(f"{flow} m3/d", peak_factor=2.0), context={"sector": "municipal"}).run()
        cost = installed_cost(unit)
        if previous is not None:
            assert cost >= previous * 0.98, (flow, previous, cost)
        previous = cost


def test_a_steady_flow_still_gets_the_minimum_retention_for_load_damping():
    # PF 1.0 gives no flow storage; the 4 h minimum governs: 1,000 m3/d × 4/24 d = 166.7 m3.
    case = UnitCase("equalization", make_stream("1000 m3/d", peak_factor=1.0))
    unit = check_unit(case, {"sizing.volume": ("166.67 m3", 1e-4)})
    assert unit.effluent.peak_factor == 1.0  # never raised above the inflow's
    assert any("load damping" in n for n in unit.notes)


def test_large_basins_split_into_compartments():
    # 50,000 m3/d, PF 1.8 municipal: 50,000 × 0.8/π × 1.2 = 15,279 m3 → 3 tanks of ≤ 6,000 m3.
    case = UnitCase("equalization", make_stream("50000 m3/d", peak_factor=1.8), context={"sector": "municipal"})
    unit = check_unit(case, {"sizing.volume": (f"{50000 * 0.8 / math.pi * 1.2} m3", 1e-6), "trains": (3, 0)})
    assert unit.sizing["tank_volume"].quantity <= Q_(6000, "m**3")


def test_a_peak_factor_beyond_a_diurnal_sine_is_capped_and_warned():
    case = UnitCase("equalization", make_stream("10000 m3/d", peak_factor=3.0), context={"sector": "municipal"})
    unit = check_unit(case, {"calc.V_th": (f"{10000 / math.pi} m3", 1e-6)})
    assert any("exceeds 2" in w for w in unit.ctx_for_test.warnings)


def test_overriding_the_equalized_peak_changes_the_pumps_and_the_outflow_only():
    stream = make_stream("20000 m3/d", peak_factor=1.5)
    base = UnitCase("equalization", stream, context={"sector": "municipal"}).run()
    flat = UnitCase("equalization", stream, context={"sector": "municipal"},
                    overrides={"equalized_peak_factor": 1.0}).run()
    assert flat.effluent.peak_factor == 1.0
    assert flat.sizing["pump_flow"].quantity < base.sizing["pump_flow"].quantity
    assert flat.sizing["volume"].quantity == base.sizing["volume"].quantity
    assert flat.criteria.used["equalized_peak_factor"].overridden


def test_a_spanish_design_writes_its_notes_equipment_and_warnings_through_the_catalogue():
    # PF 2.5 on a sinusoidal pattern: the capped-amplitude warning, the pattern note and the tank text in the
    # design's language, numbers written the Spanish way (decimal comma).
    case = UnitCase("equalization", make_stream("2000 m3/d", peak_factor=2.5, tss=200), overrides={"flow_pattern": 1},
                    context={"language": "es"})
    unit = case.run(option=False)
    ctx = unit.ctx_for_test
    assert tr("es", "Inflow taken as a sinusoidal diurnal pattern of amplitude PF − 1 around the average.") in unit.notes
    warning = tr("es", "peak factor {pf:.2f} exceeds 2, more than a diurnal sine can carry; the volume covers "
                       "a full-amplitude diurnal swing only (wet-weather storage needs its own study).", pf=2.5)
    assert f"{unit.tag}: {warning}" in ctx.warnings and "2,50" in warning
    side = unit.sizing["side"].quantity.to("m").magnitude
    tank = next(e for e in unit.equipment if e.tag.endswith("-01"))
    assert tank.description == tr("es", "Reinforced-concrete equalization tank, {b:.1f} × {b:.1f} m × {h:g} m SWD",
                                  b=side, h=5.0)
    assert tank.material == tr("es", "Reinforced concrete")
    assert f"{side:.1f}".replace(".", ",") in tank.description


def test_pumps_below_smiths_4_kw_are_costed_on_the_small_pump_curve_and_an_absurd_size_still_warns():
    # 300 m3/d, shifts at PF 2: transfer pumps 6.875 m3/h = 1.91 L/s, 0.29 kW, below the 4 kW start of Smith's
    # pump curve (Chemical Process Design and Integration, Table 2.1). They are costed per L/s on WaterTAP's
    # low-pressure pump cost (889 USD_2018 per L/s) within the 0.2–126 L/s of single-stage centrifugal pump data
    # (Towler & Sinnott, Chemical Engineering Design (2008), Table 6.6): no warning.
    unit = UnitCase("equalization", make_stream("300 m3/d", peak_factor=2.0), context={"sector": "industrial"}).run()
    pumps = next(e for e in unit.equipment if e.tag.endswith("-04"))
    item = next(i for i in unit.capex_items if "transfer pump" in i.description)
    assert item.description.startswith("small centrifugal transfer pump")
    q_ls = unit.sizing["pump_flow"].quantity.m_as("L/s")
    assert q_ls == pytest.approx(1.910, rel=1e-3)
    from agents.engine.cost_curves import cost_index
    assert item.cost.m_as("USD") == pytest.approx(pumps.quantity * 889 * q_ls * cost_index().factor(2018), rel=1e-9)
    assert not [w for w in unit.ctx_for_test.warnings if "pump" in w]
    # 1 m3/d: 0.0064 L/s per pump is below any pump cost data, and 1,000,000 m3/d (961 kW each) above Smith's 700 kW.
    for flow in ("1 m3/d", "1000000 m3/d"):
        odd = UnitCase("equalization", make_stream(flow, peak_factor=2.0), context={"sector": "industrial"}).run()
        assert [w for w in odd.ctx_for_test.warnings if "pump" in w and "outside the cost curve" in w]
