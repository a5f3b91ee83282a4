"""Secondary clarifier against Metcalf & Eddy, Wastewater Engineering, 5th ed. (2014), §8-7 and Table 8-34."""

import math

import pytest

from agents.engine.calc import Sourced
from agents.engine.context import DesignContext
from agents.engine.i18n import tr
from agents.engine.quantities import Q_
from agents.engine.units import UNIT_TYPES
from agents.engine.units.base import BALANCE_TOLERANCE

from .harness import UnitCase, check_unit, make_stream, value_of


def test_example_8_3_clarifiers_at_24_m3_m2_d():
    # M&E 5th ed. Example 8-3 clarifier step: Q = 22,700 m3/d, SOR 24 m3/m2·d (Table 8-34: 16–28),
    # MLSS 3000, X_R 8000 → R = 3000/(8000 − 3000) = 0.6; A = 22,700/24 = 945.8 m2; 3 clarifiers of
    # 315.3 m2 → D = 20.0 m (rounded up here to 20.5 m); solids loading at the required area
    # = 1.6·22,700·3/(945.8·24) = 4.80 kg/m2·h (book: 4.8, within 4–6).
    # Peak factor 1.5 keeps the peak checks below: 34,050/40 = 851 m2; (34,050 + 13,620)·3/(8·24) = 745 m2.
    case = UnitCase("secondary_clarifier", make_stream("22700 m3/d", peak_factor=1.5, tss=84.4, bod=56.2),
                    overrides={"overflow_rate_avg": "24 m3/(m2*d)", "max_diameter": "21 m"}, tag="SC-101")
    unit = check_unit(case, {
        "calc.R": (0.6, 1e-9),
        "calc.A_req": ("945.8 m2", 0.001),
        "trains": (3, 0),
        "sizing.diameter": ("20.5 m", 1e-9),
        # Provided area 3·π·20.5²/4 = 990.2 m2: SLR = 108,960 kg/d / 24 / 990.2 = 4.58 kg/m2·h
        "sizing.solids_loading": ("4.585 kg/(m2*h)", 0.002),
        "effluent.tss": ("15 mg/L", 1e-9),
    })
    assert "overflow rate at average flow" in unit.notes[-1]
    solids = 108960 / 24 / unit.sizing["surface_area"].quantity.to("m2").magnitude
    assert 4 <= solids <= 6


def test_it_takes_the_mlss_and_return_ratio_from_the_activated_sludge_upstream():
    ctx = DesignContext(design_temperature=Sourced(Q_(12.0, "degC"), "M&E Example 8-3"),
                        targets={"nh4_n": Q_(0.5, "mg/L")},
                        overrides={"activated_sludge": {"vss_tss_ratio": 60 / 70, "nbvss_fraction": 1 / 3,
                                                        "effluent_soluble_organic_n": 0}})
    influent = make_stream("22700 m3/d", peak_factor=2.0, bod=140, cod=300, tss=70, tn=35, nh4_n=25, tp=6,
                           alkalinity=140)
    basin = UNIT_TYPES["activated_sludge"](ctx, "AS-101")
    mixed_liquor = basin.run(influent)
    clarifier = UNIT_TYPES["secondary_clarifier"](ctx, "SC-101")
    effluent = clarifier.run(mixed_liquor)
    # Steady state (M&E 5th ed. Ch. 7, SRT definition: solids wasted + solids in the effluent = P_X,TSS): Q_w·X_R + (Q − Q_w)·TSS_e = P_X,TSS = 1916.6 kg/d
    # → Q_w = (1916.6 − 22,700·0.015)/(8.0 − 0.015) = 197.4 m3/d and WAS solids = 1579 kg/d at 0.8 %.
    assert value_of(clarifier, "sizing.was_flow").to("m3/d").magnitude == pytest.approx(197.4, rel=0.003)
    assert value_of(clarifier, "sizing.was_solids").to("kg/d").magnitude == pytest.approx(1579, rel=0.003)
    sludge = clarifier.side_streams[0]
    assert sludge.kind == "sludge"
    assert sludge.quality["tss"].to("mg/L").magnitude == pytest.approx(8000, rel=1e-6)
    # Effluent BOD = sBOD 3 + 0.63·15 = 12.5 mg/L; particulate N = 0.12·1050.3/1916.6 g/g·15 = 0.99 mg/L.
    assert effluent.quality["bod"].to("mg/L").magnitude == pytest.approx(3 + 0.63 * 15, rel=0.002)
    assert effluent.quality["tn"].to("mg/L").magnitude == pytest.approx(0.5 + 28.95 + 0.12 * 1050.25 / 1916.6 * 15,
                                                                        rel=0.003)
    assert value_of(clarifier, "calc.R").magnitude == pytest.approx(0.6)
    # Default 20 m3/m2·d at average flow: 1135 m2; peak 2 × 22,700 / 40 = 1135 m2 too.
    assert value_of(clarifier, "calc.A_req").to("m2").magnitude == pytest.approx(1135, rel=0.001)
    for name, error in clarifier.balance().items():
        assert error < BALANCE_TOLERANCE, name
    ras = next(e for e in clarifier.equipment if e.tag == "SC-101-03")
    assert ras.standby == 1 and ras.quantity == clarifier.trains + 1


def test_peak_flow_can_govern_the_area():
    # Peak factor 3: 68,100/40 = 1702.5 m2 > 22,700/20 = 1135 m2.
    case = UnitCase("secondary_clarifier", make_stream("22700 m3/d", peak_factor=3.0, tss=84.4, bod=56.2))
    unit = check_unit(case, {"calc.A_req": ("1702.5 m2", 0.001)})
    assert "overflow rate at peak flow" in unit.notes[-1]


def test_high_mlss_makes_solids_loading_govern():
    # MLSS 4500, X_R 8000 → R = 1.286; average: (22,700 + 29,186)·4.5/(5·24) = 1945.7 m2 > 1135 m2.
    case = UnitCase("secondary_clarifier", make_stream("22700 m3/d", peak_factor=1.5, tss=84.4),
                    overrides={"mlss": "4500 mg/L"})
    unit = check_unit(case, {"calc.A_req": ("1945.7 m2", 0.002)})
    assert "solids loading at average flow" in unit.notes[-1]


def test_after_an_mbbr_there_is_no_return_sludge():
    ctx = DesignContext(shared={"mlss": Q_(250.0, "mg/L"), "ras_ratio": Q_(0.0, ""),
                                "ras_concentration": Q_(10000.0, "mg/L")})
    clarifier = UNIT_TYPES["secondary_clarifier"](ctx, "SC-201")
    clarifier.run(make_stream("2000 m3/d", peak_factor=2.5, tss=250, bod=120))
    # Overflow governs: 2000/20 = 100 m2 vs peak 5000/40 = 125 m2; solids 5000·0.25/(8·24) = 6.5 m2.
    assert value_of(clarifier, "calc.A_req").to("m2").magnitude == pytest.approx(125, rel=1e-6)
    assert not any(e.tag.endswith("-03") for e in clarifier.equipment)
    # Solids settled at 1 %: (2000·0.235 kg/m3)/(10 kg/m3 − 0.015) = 47.07 m3/d of sludge.
    assert clarifier.side_streams[0].flow.to("m3/d").magnitude == pytest.approx(470 / (10 - 0.015), rel=1e-4)


def test_small_flows_use_one_packaged_clarifier():
    case = UnitCase("secondary_clarifier", make_stream("200 m3/d", peak_factor=3.0, tss=2500))
    unit = check_unit(case, {"trains": (1, 0)})
    assert unit.packaged
    assert math.isclose(unit.sizing["side_water_depth"].quantity.to("m").magnitude, 4.5)


def test_large_flows_use_several_clarifiers_within_the_maximum_diameter():
    case = UnitCase("secondary_clarifier", make_stream("150000 m3/d", peak_factor=2.0, tss=90))
    unit = check_unit(case, {})
    assert unit.trains >= 5
    assert unit.sizing["diameter"].quantity <= Q_(40.0, "m")


def test_co_precipitated_floc_settles_with_the_biomass_and_takes_its_phosphorus():
    # Ferric dosed ahead of the clarifier (M&E 5th ed. Ch. 6): 40 mg/L of floc holding 4.5 mg/L P joins 100 mg/L of
    # biological solids (0.3 g BOD, 1.1 g COD, 0.015 g P per g). Effluent TSS 15 of 140 mg/L → f = 0.89286 settles.
    # The biological ratios apply to the biomass only: BOD 40 − f · 0.3 · 100 = 13.21 (counting the floc as biomass
    # would give 40 − 0.3 · 125 = 2.5); COD 140 − f · 110 = 41.79; TP = 7 − f · (1.5 + 4.5) = 1.643, i.e. 1.0 mg/L
    # soluble + 15 mg/L of solids at 6/140 g P/g = 0.643 mg/L particulate.
    shared = {"biosolids": {"bod": 0.3, "cod": 1.1, "tn": 0.08, "tp": 0.015},
              "coagulation": {"tag": "CFL-101", "coagulant": "ferric_chloride", "solids": Q_(40, "mg/L"),
                              "tp": Q_(4.5, "mg/L")}}
    case = UnitCase("secondary_clarifier", make_stream("10000 m3/d", peak_factor=1.5, tss=140, bod=40, cod=140, tp=7),
                    context={"shared": shared})
    unit = check_unit(case, {"calc.TSS_bio": ("100 mg/L", 1e-9), "effluent.bod": ("13.214 mg/L", 1e-4),
                             "effluent.cod": ("41.786 mg/L", 1e-4), "effluent.tp": ("1.6429 mg/L", 1e-4)})
    assert "coagulation" not in unit.ctx_for_test.shared  # used up here, not passed to a filter downstream


def test_a_parameter_the_solids_cannot_hold_is_not_removed_below_zero():
    # 0.02 g P/g on 1,000 mg/L of solids would be 20 mg/L, more than the 12 mg/L TP: all of it is particulate and
    # leaves in the settled share, 12 · (1 − 15/1,000) → the effluent keeps 12 · 0.015 = 0.18 mg/L.
    case = UnitCase("secondary_clarifier", make_stream("1000 m3/d", tss=1000, tp=12),
                    context={"shared": {"biosolids": {"tp": 0.02}}})
    check_unit(case, {"effluent.tp": ("0.18 mg/L", 1e-6)})


def test_a_missed_cod_limit_is_explained_by_the_soluble_cod_settling_cannot_reach():
    # 140 mg/L of solids at 1.1 g COD/g hold 154 of the 300 mg/L COD; 125/140 of them settle:
    # COD_e = 300 − 0.89286·154 = 162.5 mg/L > 125, of which 1.1·15 = 16.5 in the solids and 146.0 soluble.
    case = UnitCase("secondary_clarifier", make_stream("10000 m3/d", tss=140, cod=300), targets={"cod": "125 mg/L"},
                    context={"shared": {"biosolids": {"cod": 1.1}}})
    unit = check_unit(case, {"effluent.cod": ("162.5 mg/L", 1e-4), "calc.sCOD_e": ("146.0 mg/L", 1e-4)})
    assert any("146 mg/L is soluble" in w and "tertiary step" in w for w in unit.ctx_for_test.warnings)


def test_a_spanish_design_writes_its_equipment_and_notes_through_the_catalogue():
    # The same packaged case in Spanish: the texts are the catalogue's, with the numbers written the Spanish way.
    case = UnitCase("secondary_clarifier", make_stream("200 m3/d", peak_factor=3.0, tss=2500),
                    context={"language": "es"})
    unit = check_unit(case, {"trains": (1, 0)})
    clarifier = unit.equipment[0]
    assert clarifier.description == tr("es", "Secondary prefabricated steel hopper clarifier, Ø {d:g} m × {depth:g} m SWD",
                                       d=4.5, depth=4.5)
    assert "4,5" in clarifier.description and "4.5" not in clarifier.description
    assert clarifier.material == tr("es", "welded steel, coated")
    assert tr("es", "Clarifier area governed by the {what}.", what=tr("es", "overflow rate at peak flow")) in unit.notes
