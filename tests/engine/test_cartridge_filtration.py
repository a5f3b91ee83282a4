"""Cartridge filtration ahead of RO: manufacturers' loading per 10-inch equivalent, hand-checked."""

import pytest

from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream, value_of

FEED = make_stream("10000 m3/d", tss=1.0, tds=35000)


def test_cartridges_follow_the_flow_per_10_inch_equivalent():
    # 416.7 m³/h / (0.8 m³/h per 10-inch · 4 per 40-inch cartridge) = 130.2 → 131 cartridges;
    # ⌈131/60⌉ = 3 duty housings of 44, plus a standby housing (Voutchkov 2013): 176 installed.
    unit = check_unit(UnitCase("cartridge_filtration", FEED), {
        "calc.N_c": (131, 0), "sizing.housings": (4, 0), "sizing.cartridges_per_housing": (44, 0),
        "sizing.cartridges": (176, 0), "sizing.flow_per_10in": ("0.789 m3/h", 0.001),
        # Average pressure drop between new (0.15 bar) and change-out (0.7 bar), FilmTec pretreatment guidance.
        "sizing.pressure_drop": ("0.425 bar", 1e-9),
    })
    housing = next(e for e in unit.equipment if e.tag.endswith("-H01"))
    assert housing.quantity == 4 and housing.standby == 1
    assert not unit.power  # pushed by the RO feed pump


def test_replacement_every_two_months_is_an_operating_cost():
    # 3 · 44 = 132 cartridges in service, changed every 2 months: 792 a year at 20 USD₂₀₂₀ · 800/596.2.
    unit = check_unit(UnitCase("cartridge_filtration", FEED), {"sizing.replacements_per_year": ("792 1/year", 1e-9)})
    replacement = next(o for o in unit.opex_items if o.category == "replacement")
    assert replacement.annual.to("USD/year").magnitude == pytest.approx(792 * 20 * 800 / 596.2, rel=1e-6)


def test_retained_solids_leave_with_the_spent_cartridges():
    # 50 % of 1 mg/L on 10,000 m³/d = 5 kg/d retained; no water is lost.
    unit = check_unit(UnitCase("cartridge_filtration", FEED), {"effluent.flow": ("10000 m3/d", 1e-12),
                                                              "effluent.tss": ("0.5 mg/L", 1e-9)})
    assert unit.generated["tss"].to("kg/day").magnitude == pytest.approx(-5.0)
    residual = unit.residuals[0]
    # 792 · 0.6 kg / 365.25 d + 5 kg/d = 6.30 kg/d.
    assert residual["mass"].to("kg/day").magnitude == pytest.approx(792 * 0.6 / 365.25 + 5.0, rel=1e-6)
    assert not unit.side_streams


def test_a_lower_loading_needs_more_cartridges():
    # 0.6 m³/h per 10-inch: 416.7/2.4 = 173.6 → 174 → 3 housings of 58 + standby = 232.
    unit = check_unit(UnitCase("cartridge_filtration", FEED, overrides={"flow_per_10in": "0.6 m3/h"}),
                      {"sizing.cartridges": (232, 0)})
    assert unit.criteria.used["flow_per_10in"].overridden


def test_small_skids_have_one_housing_without_standby():
    # 30 m³/d = 1.25 m³/h → one cartridge in one housing.
    unit = check_unit(UnitCase("cartridge_filtration", make_stream("30 m3/d", tss=1)),
                      {"sizing.cartridges": (1, 0), "sizing.housings": (1, 0)})
    assert unit.packaged


def test_peak_flow_sizes_the_cartridges():
    unit = check_unit(UnitCase("cartridge_filtration", make_stream("10000 m3/d", peak_factor=1.5, tss=1)),
                      {"calc.N_c": (196, 0)})  # 625 m³/h / 3.2 = 195.3 → 196
    assert value_of(unit, "sizing.flow_per_10in") <= Q_(0.8, "m**3/h")
