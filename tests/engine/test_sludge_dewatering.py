from agents.engine.quantities import Q_
from agents.engine.stream import sludge_stream

import pytest

from agents.engine.costing import installed_cost

from .harness import UnitCase, check_unit, value_of


def thickened_sludge(dry_kg_d: float, solids_fraction: float, **quality: float):
    stream = sludge_stream(Q_(dry_kg_d, "kg/day"), solids_fraction, name="Thickened sludge")
    for key, value in quality.items():
        stream.quality[key] = Q_(value, "mg/L")
    return stream


def test_centrifuges_on_one_shift_produce_cake_and_centrate_that_close_the_balance():
    # M&E 5th ed. (2014), Ch. 14, decanter centrifuge: cake 22 % DS, capture 95 %, polymer 8 kg/t DS.
    # Feed 5,850 kg/d at 4 % = 146.25 m3/d, run 40 h a week: 5,850 × 168/40 = 24,570 kg/d → 1,023.75 kg/h, above one
    # machine's 1,000 kg/h → 2 duty (+1 standby) at 511.9 kg/h and 146.25 × 4.2 / 24 / 2 = 12.80 m3/h each.
    # Polymer 8 × 5.85 = 46.8 kg/d at 0.25 % → 18.72 m3/d of water. Cake 0.95 × 5,850 + 46.8 = 5,604.3 kg/d at 22 %
    # → 25.47 t/d wet, 24.26 m3/d at 1,050 kg/m3. Centrate 146.25 + 18.72 − 25.47 = 139.50 m3/d with 292.5 kg/d.
    case = UnitCase("sludge_dewatering", thickened_sludge(5850, 0.04, tds=600))
    unit = check_unit(case, {
        "calc.S_h": ("1023.75 kg/h", 1e-9), "trains": (2, 0), "sizing.machine_flow": ("12.797 m3/h", 1e-3),
        "chemical.polymer": ("46.8 kg/d", 1e-9), "sizing.cake_dry_solids": ("5604.3 kg/d", 1e-6),
        "sizing.cake_wet_mass": ("25.474 t/d", 1e-4), "sizing.cake_volume": ("24.261 m3/d", 1e-4),
        "side.filtrate.flow": ("139.496 m3/d", 1e-4), "side.filtrate.tss": ("292.5 kg/d", 1e-6),
    })
    assert unit.kind == "centrifuge" and unit.effluent.kind == "cake"
    assert unit.equipment[0].quantity == 3 and unit.equipment[0].standby == 1
    assert unit.side_streams[0].name == "Centrate"


def test_small_plants_get_a_packaged_screw_press():
    # 1,240 kg/d at 2 % (62 m3/d): screw press (cheaper installed than a centrifuge on this dilute feed, both valid up to
    # 2,000 kg DS/d): 1,240 × 4.2 / 24 = 217 kg/h ≤ 250 kg/h → one duty press; above 1,000 kg DS/d → one standby.
    # Cake 18 % DS: (0.92 × 1,240 + 6 × 1.24) / 0.18 = 6.379 t/d.
    case = UnitCase("sludge_dewatering", thickened_sludge(1240, 0.02))
    unit = check_unit(case, {"trains": (1, 0), "sizing.machine_solids": ("217 kg/h", 1e-9), "calc.N_sb": (1, 0),
                             "sizing.cake_wet_mass": (f"{(0.92 * 1240 + 7.44) / 0.18 / 1000} t/d", 1e-6)})
    assert unit.kind == "screw_press" and unit.packaged
    # The choice record holds both installed costs and keeps the lower.
    record = next(r for r in unit.log.records if r.result_symbol == "C_inst,type")
    costs = [i.quantity.m_as("USD") for i in record.inputs if i.symbol.startswith("C_inst")]
    assert value_of(unit, "calc.C_inst,type").m_as("USD") == pytest.approx(min(costs))


def test_a_few_hundred_kg_a_day_need_one_press_and_a_week_of_storage():
    # Dairy DAF float, 311 kg DS/d at 1.85 % = 16.81 m3/d. 40 h a week: 311 × 168/40/24 = 54.43 kg/h → one press;
    # 311 ≤ 1,000 kg DS/d → no standby (Ten States Ch. 80: storage as the back-up), so the holding tank keeps a week:
    # 7 × 16.81 = 117.68 m3. Purchased (USD of 2024, CEPCI 800):
    #   press 150,000 · 0.5443^0.6 · 800/596.2 = 150,000 · 0.69419 · 1.34183 = 139,723
    #   tank 70,160 · (117.68/200)^0.513 · 800/567.3 = 75,370 (Seider cone-roof tank)
    # with the feed pump, conveyor, polymer unit and mixer 291,499 USD, installed × 1.35 (packaged) = 393,523 USD.
    case = UnitCase("sludge_dewatering", thickened_sludge(311, 0.0185), tag="DEW-201")
    unit = check_unit(case, {"trains": (1, 0), "calc.N_sb": (0, 0), "sizing.machine_solids": ("54.425 kg/h", 1e-9),
                             "sizing.holding_volume": ("117.676 m3", 1e-5), "capex": ("291499 USD", 1e-4)})
    assert unit.kind == "screw_press" and unit.equipment[0].quantity == 1 and unit.equipment[0].standby == 0
    press = next(i for i in unit.capex_items if i.description.startswith("screw press"))
    tank = next(i for i in unit.capex_items if i.description.startswith("cone-roof"))
    assert press.cost.m_as("USD") == pytest.approx(139723, rel=1e-4)
    assert tank.cost.m_as("USD") == pytest.approx(75370, rel=1e-4)
    assert installed_cost(unit) == pytest.approx(393523, rel=1e-4)
    assert any("No standby machine" in n for n in unit.notes)


def test_belt_presses_size_on_loading_per_metre_and_return_their_wash_water():
    # 1,023.75 kg/h / 250 kg/m·h = 4.10 m of belt (hydraulic 25.6 m3/h / 10 = 2.56 m) → 3 presses of 1.37 m → 1.5 m belts.
    # Wash water 9 m3/m·h × 1.5 m × 3 = 40.5 m3/h while running, 40.5 × 40/7 = 231.4 m3/d into the filtrate.
    # Three machines allowed on one shift, so the hours stay at 40.
    case = UnitCase("sludge_dewatering", thickened_sludge(5850, 0.04), overrides={"machine_type": 2, "shift_machines": 3})
    unit = check_unit(case, {"calc.W": ("4.095 m", 1e-3), "trains": (3, 0), "sizing.belt_width": ("1.5 m", 1e-9),
                             "calc.Q_w": ("231.43 m3/d", 1e-4),
                             "side.filtrate.flow": (f"{146.25 + 231.43 + 29.25 / 2.5 - 27.349} m3/d", 1e-3)})
    assert unit.kind == "belt_press"


def test_longer_hours_come_before_more_machines():
    # Two machines on one shift: belt presses of 2.0 m carry 2 × 2.0 × 250 = 1,000 kg/h; 5,850 kg/d needs
    # t = 168 × 5,850 / (2 × 500 × 24) = 40.95 h a week → 1,000 kg/h → W = 4.0 m → 2 presses of 2.0 m (not 3).
    case = UnitCase("sludge_dewatering", thickened_sludge(5850, 0.04), overrides={"machine_type": 2})
    unit = check_unit(case, {"calc.t_op": ("40.95 h", 1e-9), "calc.W": ("4.0 m", 1e-9), "trains": (2, 0)})
    assert any("extra shifts" in n for n in unit.notes)
    # Centrifuges, 30,000 kg/d at 4 % (750 m3/d): t = 168 × 30,000 / (2 × 1,000 × 24) = 105 h (hydraulic:
    # 168 × 750 / (2 × 60 × 24) = 43.75 h) → 2,000 kg/h → 2 duty + 1 standby.
    big = check_unit(UnitCase("sludge_dewatering", thickened_sludge(30000, 0.04)), {"calc.t_op": ("105 h", 1e-9),
                                                                                     "trains": (2, 0)})
    assert big.kind == "centrifuge"


def test_installed_cost_never_falls_as_the_load_grows():
    # Longer hours before more machines, the cheaper machine where both are valid: the cost only rises with the load
    # (it steps up where a standby machine is added, above 1,000 kg DS/d).
    for fraction in (0.02, 0.04, 0.06):
        previous, load = None, 150.0
        while load < 150000:
            unit = UnitCase("sludge_dewatering", thickened_sludge(load, fraction)).run()
            cost = installed_cost(unit)
            assert previous is None or cost >= previous * (1 - 1e-9), (fraction, load, previous, cost)
            previous, load = cost, load * 1.1


def test_large_solids_loads_run_around_the_clock():
    # 100,000 kg/d > 20,000 kg/d → 168 h a week: 4,166.7 kg/h → 5 duty centrifuges of 833 kg/h.
    case = UnitCase("sludge_dewatering", thickened_sludge(100000, 0.05))
    unit = check_unit(case, {"calc.t_op": ("168 h", 1e-9), "trains": (5, 0), "sizing.machine_solids": ("833.3 kg/h", 1e-3)})
    assert any("around the clock" in n for n in unit.notes)


def test_set_operating_hours_are_respected_even_for_large_plants():
    case = UnitCase("sludge_dewatering", thickened_sludge(100000, 0.05), overrides={"operating_hours": "80 h"})
    unit = check_unit(case, {"trains": (9, 0)})  # 100,000 × 168/80/24 = 8,750 kg/h → 9 machines
    assert unit.criteria.used["operating_hours"].overridden


def test_floated_grease_is_captured_with_the_solids_not_returned_in_the_filtrate():
    # A DAF float at 3 % carries 16,000 mg/L of FOG in its flocs: 95 % of it leaves with the cake, 5 % with the centrate.
    feed = thickened_sludge(3000, 0.03, fog=16000)  # 100 m3/d → 1,600 kg/d of FOG
    unit = check_unit(UnitCase("sludge_dewatering", feed, overrides={"machine_type": 1}), {})
    centrate = unit.side_streams[0]
    assert abs(centrate.mass_flow("fog").to("kg/day").magnitude - 80.0) < 1e-6
    assert abs(unit.effluent.mass_flow("fog").to("kg/day").magnitude - 1520.0) < 1e-6
