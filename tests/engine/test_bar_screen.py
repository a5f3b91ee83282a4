from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream


def test_headloss_matches_the_textbook_clogged_screen_example():
    # Metcalf & Eddy, 5th ed. (2014), Eq. 5-1: h_L = (V² − v²)/(2g)/C with V = 0.9 m/s,
    # v = 0.6 m/s, C = 0.7 (clean) → 0.0328 m.
    case = UnitCase("bar_screen", make_stream("10000 m3/d", peak_factor=2.5),
                    overrides={"discharge_coefficient": 0.7})
    check_unit(case, {"sizing.headloss": ("0.0328 m", 0.01)})


def test_channel_width_follows_the_clear_area_and_bar_fraction():
    # 0.2894 m3/s peak / 0.9 m/s = 0.3215 m2 clear; / 0.8 m depth × (8+12)/12 = 0.670 m.
    case = UnitCase("bar_screen", make_stream("10000 m3/d", peak_factor=2.5))
    unit = check_unit(case, {"sizing.clear_area": ("0.3215 m2", 0.01), "sizing.channel_width": ("0.670 m", 0.01),
                             "trains": (1, 0)})
    assert unit.equipment[0].quantity == 2  # duty + standby


def test_large_flows_split_into_parallel_channels():
    case = UnitCase("bar_screen", make_stream("200000 m3/d", peak_factor=2.0))
    unit = check_unit(case, {})
    assert unit.trains >= 5
    assert unit.sizing["channel_width"].quantity <= Q_(2.0, "m")


def test_an_out_of_range_override_warns():
    case = UnitCase("bar_screen", make_stream("1000 m3/d"), overrides={"velocity_through_bars": "1.5 m/s"})
    unit = case.run()
    assert any("outside the published range" in w for w in unit.ctx_for_test.warnings)
    assert unit.criteria.used["velocity_through_bars"].overridden


def test_small_flows_use_one_packaged_screen():
    # 500 m3/d at a peak factor of 2 is 42 m3/h, below the 150 m3/h packaged limit.
    case = UnitCase("bar_screen", make_stream("500 m3/d", peak_factor=2.0))
    unit = check_unit(case, {"sizing.clear_area": ("0.01286 m2", 0.01)})
    assert unit.packaged and unit.trains == 1
    assert "channel_width" not in unit.sizing


def test_a_channel_is_never_narrower_than_the_practical_minimum():
    # 4,000 m3/d × 1.5 = 250 m3/h: channel screens, computed width 0.16 m < 0.3 m minimum.
    case = UnitCase("bar_screen", make_stream("4000 m3/d", peak_factor=1.5))
    check_unit(case, {"sizing.channel_width": ("0.3 m", 1e-6)})


def test_a_spanish_design_writes_its_notes_and_equipment_through_the_catalogue():
    # The texts are messages of the engine catalogue with named parameters, written in
    # Spanish numbers (0,015 not 0.015), whatever the catalogue holds at the time.
    from agents.engine.i18n import tr

    case = UnitCase("bar_screen", make_stream("500 m3/d", peak_factor=2.0), context={"language": "es"})
    unit = case.run()
    screenings = unit.sizing["screenings"].quantity.to("m**3/day").magnitude
    assert tr("es", "Screenings {v:.3f} m3/d to landfill.", v=screenings) in unit.notes
    assert "0,015" in unit.notes[-1]
    assert unit.equipment[0].description == tr(
        "es", "Packaged fine screen in a stainless-steel tank, {spacing:g} mm openings, "
        "with integral washer-compactor and manual bypass rack", spacing=12.0)
    assert unit.sizing["clear_area"].description == tr("es", "Clear opening area (all duty screens)")
