"""Membrane bioreactor: M&E 5th ed. kinetics at MBR MLSS, membranes sized by published flux and scour criteria."""

import math

import pytest

from agents.engine.calc import Sourced
from agents.engine.quantities import Q_

from .harness import UnitCase, check_unit, make_stream, value_of

# The M&E 5th ed. Example 8-3 wastewater (BOD 140, COD 300, TSS 70, TKN 35, NH4-N 25, TP 6, alkalinity 140).
WASTEWATER = dict(bod=140, cod=300, tss=70, tn=35, nh4_n=25, tp=6, alkalinity=140)
AT_12_C = {"design_temperature": Sourced(Q_(12.0, "degC"), "M&E 5th ed. Example 8-3")}
AT_20_C = {"design_temperature": Sourced(Q_(20.0, "degC"), "test")}


def mbr_case(flow="22700 m3/d", peak=1.0, targets=None, overrides=None, context=None, coliforms=None):
    influent = make_stream(flow, peak_factor=peak, **WASTEWATER)
    if coliforms is not None:
        # Stream.derive cannot convert to "CFU/(100 mL)", so the test sets the value directly (CFU/dL = per 100 mL).
        influent.quality["coliforms"] = Q_(coliforms, "CFU/dL")
    return UnitCase("mbr", influent, overrides=overrides or {}, targets=targets or {}, context=context or AT_12_C,
                    tag="MBR-101")


def test_membrane_area_comes_from_the_average_net_flux():
    # WEF MOP 36 / Judd (2011): net flux 15–25 L/m2·h; 20 L/m2·h at 22,700 m3/d → 22,700/24/0.020 = 47,292 m2.
    # 3 trains of ≤ 20,000 m2; 15,764 m2 per train → ⌈15,764/35⌉ = 451 modules of 35 m2 → 47,355 m2 installed.
    # Scour air SADm 0.3 m3/m2·h → 14,207 m3/h; SADp = 14,207/945.8 = 15.0 m3 air/m3 permeate.
    unit = check_unit(mbr_case(), {
        "calc.A_m,avg": ("47292 m2", 0.001),
        "sizing.membrane_trains": (3, 0),
        "sizing.membrane_area": ("47355 m2", 1e-6),
        "sizing.flux_avg": ("19.97 L/(m2*h)", 0.002),
        "sizing.scour_air": ("14206.5 m3/h", 1e-4),
        "sizing.sad_p": (15.02, 0.002),
    })
    cassettes = next(e for e in unit.equipment if e.tag == "MBR-101-11")
    assert cassettes.quantity == 3 * math.ceil(451 / 42)


def test_peak_flow_can_set_the_membrane_area():
    # Peak factor 2 at 35 L/m2·h: 45,400/24/0.035 = 54,048 m2 > 47,292 m2.
    unit = check_unit(mbr_case(peak=2.0), {"calc.A_m,peak": ("54048 m2", 0.001)})
    assert unit.sizing["membrane_area"].quantity >= Q_(54048, "m**2")
    assert unit.sizing["flux_peak"].quantity.to("L/(m**2*h)").magnitude <= 35.0


def test_mbr_biology_is_the_activated_sludge_procedure_at_higher_mlss():
    # With a nitrification target the SRT is the Example 8-3 value (21.1 d at 12 °C) and P_X,TSS = 1919.7 kg/d
    # (default fractions), so V = 1919.7·21.08/10,000 = 4,047 m3, 0.3 times the 3,000 mg/L activated sludge volume.
    unit = check_unit(mbr_case(targets={"nh4_n": "1 mg/L"}), {
        "sizing.srt": ("21.08 d", 0.002),
        "sizing.aerobic_volume": ("4046.5 m3", 0.003),
        # α = exp(−0.08788·10) = 0.415 (Krampe & Krauth 2003)
        "calc.α": (0.4153, 0.001),
    })
    assert unit.effluent.quality["nh4_n"].to("mg/L").magnitude == pytest.approx(0.5)


def test_the_srt_is_never_below_the_mbr_minimum():
    # BOD removal only at 20 °C would take 5 d; the MBR keeps 15 d (Judd 2011: 12–30 d).
    unit = check_unit(mbr_case(context=AT_20_C), {"sizing.srt": ("15 d", 1e-9)})
    assert unit.criteria.used["srt_min"].quantity.to("d").magnitude == 15


def test_permeate_quality_and_waste_sludge():
    unit = check_unit(mbr_case(coliforms=1e7, context=AT_20_C), {
        "effluent.tss": ("0.5 mg/L", 1e-9),
        "effluent.turbidity": ("0.1 NTU", 1e-9),
        "effluent.bod": ("3 mg/L", 1e-9),
        # 5 log: 1e7 → 100 per 100 mL
        "effluent.coliforms": ("100 CFU/dL", 1e-9),
    })
    sludge = unit.side_streams[0]
    assert sludge.kind == "sludge"
    assert sludge.quality["tss"].to("mg/L").magnitude == pytest.approx(10000, rel=1e-6)
    # Waste solids = P_X,TSS − Q_e·0.5 g/m3
    px_tss = value_of(unit, "calc.P_X,TSS").to("kg/d").magnitude
    assert sludge.mass_flow("tss").to("kg/d").magnitude == pytest.approx(px_tss - 22700 * 0.5 / 1000, rel=1e-3)


def test_cleaning_chemicals_and_membrane_replacement():
    unit = check_unit(mbr_case(), {})
    area = unit.sizing["membrane_area"].quantity.to("m2").magnitude
    # Judd & Judd (2011): 52 maintenance cleans × 200 g/m3 × 5 L/m2 + 2 recovery cleans × 1000 g/m3 × 10 L/m2
    # = 52 + 20 = 72 g Cl2 per m2 a year; citric 2 × 2000 × 0.010 = 40 g/m2 a year.
    assert value_of(unit, "calc.M_Cl2").to("kg/year").magnitude == pytest.approx(0.072 * area, rel=1e-6)
    assert value_of(unit, "calc.M_citric").to("kg/year").magnitude == pytest.approx(0.040 * area, rel=1e-6)
    # 72 g/m2 / 0.125 of product, per day of 22,700 m3
    hypo = value_of(unit, "chemical.sodium_hypochlorite").to("kg/d").magnitude
    assert hypo == pytest.approx(0.072 * area / 0.125 / 365.25, rel=1e-3)
    membranes = next(i for i in unit.capex_items if i.category == "membranes").cost
    replacement = next(o for o in unit.opex_items if o.category == "replacement").annual
    assert replacement.to("USD/year").magnitude == pytest.approx(membranes.to("USD").magnitude / 10, rel=1e-9)


def test_a_tn_target_is_met_in_the_permeate():
    unit = check_unit(mbr_case(targets={"tn": "10 mg/L"}), {})
    tn = unit.effluent.quality["tn"].to("mg/L").magnitude
    assert tn <= 8.0 + 1e-6  # design mean 0.8 × limit
    assert "anoxic_volume" in unit.sizing


def test_small_flows_use_a_containerised_mbr():
    unit = check_unit(mbr_case(flow="200 m3/d", peak=2.0), {"sizing.membrane_area": ("490 m2", 1e-9)})
    assert unit.packaged
    assert unit.capex_items[0].description.startswith("containerised")
    assert any(o.category == "replacement" for o in unit.opex_items)


def test_an_override_of_the_flux_changes_the_area_only():
    base = mbr_case().run()
    low = mbr_case(overrides={"net_flux_avg": "15 L/(m2*h)"}).run()
    assert low.sizing["membrane_area"].quantity > base.sizing["membrane_area"].quantity
    assert low.sizing["aerobic_volume"].quantity == base.sizing["aerobic_volume"].quantity
    assert low.criteria.used["net_flux_avg"].overridden


def test_packaged_or_site_built_is_the_cheaper_installed_option():
    # Below 1,000 m3/d both are valid; the containerised package (450,000 USD₂₀₂₀ at 500 m3/d, n = 0.7, installed × 1.35)
    # at 200 m3/d: 450,000 · 0.4^0.7 · 800/596.2 = 317,975 USD purchased → 429,266 USD installed.
    unit = check_unit(mbr_case(flow="200 m3/d", peak=2.0), {"calc.C_inst,pkg": ("429266 USD", 1e-4)})
    pkg, site = value_of(unit, "calc.C_inst,pkg"), value_of(unit, "calc.C_inst,site")
    assert unit.packaged == (pkg <= site)
    assert value_of(unit, "calc.C_inst,MBR") == min(pkg, site)
    big = check_unit(mbr_case(flow="1500 m3/d"), {})
    assert not big.packaged and not any(r.result_symbol == "C_inst,pkg" for r in big.log.records)


def test_installed_cost_is_continuous_across_the_packaged_switch():
    # The unit's cost is the lower of two rising curves: it never falls with flow and never jumps at the switch.
    previous = None
    for flow in [50 * 1.1 ** i for i in range(36)]:  # 50 to about 1,400 m3/d
        unit = mbr_case(flow=f"{flow} m3/d", peak=2.0).run()
        factors = {"equipment": 1.35 if unit.packaged else 1.65, "civil": 1.0, "membranes": 1.0}
        cost = sum(i.cost.m_as("USD") * factors[i.category] for i in unit.capex_items)
        if previous is not None:
            assert previous <= cost <= previous * 1.2, (flow, previous, cost)
        previous = cost


def test_fine_screens_protect_the_membranes():
    # WEF MOP 36: 2 mm screening ahead of the membranes. 22,700 m3/d at PF 1 = 945.8 m3/h ≤ 1,000 m3/h → 1 duty + 1
    # standby; screenings 0.03 L/m3 · 22,700 m3/d = 0.681 m3/d to landfill (at 960 kg/m3, 653.8 kg/d).
    unit = check_unit(mbr_case(), {"calc.N_fs": (1, 0), "sizing.fine_screenings": ("0.681 m3/d", 1e-6)})
    screens = next(e for e in unit.equipment if e.tag == "MBR-101-14")
    assert screens.quantity == 2 and screens.standby == 1
    assert unit.residuals[0]["mass"].to("kg/day").magnitude == pytest.approx(653.76, rel=1e-6)
    assert any(i.description == "fine screens" for i in unit.capex_items)
