"""Nutrients for biomass growth in the biological units (activated sludge, MBBR, MBR).

Net biomass takes up about 0.12 g N and 0.02 g P per g VSS (Metcalf & Eddy, Wastewater Engineering,
5th ed. (2014), Ch. 7, cell formula C60H87O23N12P; BOD:N:P ≈ 100:5:1), and about 1 mg/L soluble N and
0.5 mg/L soluble P should remain in the effluent (Eckenfelder, Industrial Water Pollution Control, 3rd ed.
(2000), Ch. 6). A brewery-like wastewater (BOD:N:P ≈ 100:2.5:0.75) is short of both: urea and phosphoric
acid are dosed, and the unit's N and P leaving never exceed what came in plus the doses. A municipal
wastewater (M&E Example 8-3, BOD:N:P = 140:35:6) doses nothing.
"""

import pytest

from agents.engine.calc import Sourced
from agents.engine.quantities import Q_

from .harness import UnitCase, make_stream, value_of

BREWERY = dict(bod=1720, cod=3000, tss=300, tn=43, nh4_n=4.3, tp=12.9, alkalinity=500)
MUNICIPAL = dict(bod=140, cod=300, tss=70, tn=35, nh4_n=25, tp=6, alkalinity=140)
WARM = {"design_temperature": Sourced(Q_(20.0, "degC"), "test")}


def run(unit_type, quality, targets=None, context=None, flow="1400 m3/d"):
    return UnitCase(unit_type, make_stream(flow, peak_factor=1.5, **quality), targets=targets or {},
                    context=context or WARM, tag="U-101").run()


def mg_l(q):
    return q.to("mg/L").magnitude


@pytest.mark.parametrize("unit_type", ["activated_sludge", "mbbr", "mbr"])
def test_a_nutrient_deficient_wastewater_gets_urea_and_phosphoric_acid_and_the_balance_closes(unit_type):
    unit = run(unit_type, BREWERY)
    keys = {c.key for c in unit.chemicals}
    n_dose, p_dose = value_of(unit, "calc.N_dose"), value_of(unit, "calc.P_dose")
    # The MBR's longer SRT grows less biomass: its P need (0.02·P_X,bio/Q + 0.5) stays below the 12.9 mg/L in.
    assert "urea" in keys and mg_l(n_dose) > 0
    assert ("phosphoric_acid" in keys) == (unit_type != "mbr") == (mg_l(p_dose) > 0)
    # The dose brings the available N to what the biomass needs plus the residual (N_req − (TKN − sON)).
    n_req = value_of(unit, "calc.N_req")
    son = unit.c("effluent_soluble_organic_n").quantity
    assert mg_l(n_dose) == pytest.approx(mg_l(n_req) - (43 - mg_l(son)), rel=1e-6)
    # With the dose, N available per BOD is about the 5:100 of M&E Ch. 7 (4–6.5 with the residual and yields).
    assert 0.04 < (43 + mg_l(n_dose)) / 1720 < 0.065
    # Urea is 46 % N (data/chemicals.yaml): product consumption = N dose · Q / 0.46.
    urea = value_of(unit, "chemical.urea").to("kg/d").magnitude
    assert urea == pytest.approx(mg_l(n_dose) * 1400 / 1000 / 0.46, rel=1e-6)
    # The dosed masses are recorded as generated, and N and P leaving never exceed influent + dose.
    assert unit.generated["tn"].to("kg/d").magnitude == pytest.approx(mg_l(n_dose) * 1.4, rel=1e-6)
    assert unit.generated.get("tp", Q_(0.0, "kg/d")).to("kg/d").magnitude == pytest.approx(mg_l(p_dose) * 1.4, rel=1e-6)
    for p in ("tn", "tp"):
        m_in = unit.influent.mass_flow(p) + unit.generated.get(p, Q_(0.0, "kg/d"))
        m_out = unit.effluent.mass_flow(p) + sum((s.mass_flow(p) for s in unit.side_streams), Q_(0.0, "kg/d"))
        assert m_out.to("kg/d").magnitude <= m_in.to("kg/d").magnitude * (1 + 1e-6), p
    # The soluble residual is left for healthy biomass (1 mg/L N as NH4 + NO3; Eckenfelder 2000).
    soluble_n = mg_l(unit.effluent.get("nh4_n")) + mg_l(unit.effluent.get("no3_n", 0.0))
    assert soluble_n == pytest.approx(1.0, abs=0.05)
    # Dosing equipment (pumps and tanks) and its purchased cost; a note states BOD:N:P and the doses.
    tags = {e.tag for e in unit.equipment}
    assert {"U-101-21", "U-101-22"} <= tags
    assert ({"U-101-23", "U-101-24"} <= tags) == (unit_type != "mbr")
    assert any("Urea dosing skid" in i.description for i in unit.capex_items)
    assert any("BOD:N:P = 100:2.5:0.75" in n for n in unit.notes)
    assert not any("phosphorus must be dosed" in w for w in unit.ctx_for_test.warnings)


def test_the_activated_sludge_solids_carry_no_more_n_and_p_than_came_in():
    # Before the dose, TSS_out·r_N was 0.12·P_X,bio/Q ≈ 100 mg/L N against 43 mg/L in: N from nothing.
    unit = run("activated_sludge", BREWERY)
    assert mg_l(unit.effluent.get("tn")) <= 43 + mg_l(value_of(unit, "calc.N_dose")) + 1e-6
    assert mg_l(unit.effluent.get("tp")) == pytest.approx(12.9 + mg_l(value_of(unit, "calc.P_dose")), rel=1e-9)
    ratios = unit.ctx_for_test.shared["biosolids"]
    tss_out = mg_l(unit.effluent.get("tss"))
    assert ratios["tn"] * tss_out <= mg_l(unit.effluent.get("tn")) + 1e-6
    assert ratios["tp"] * tss_out <= mg_l(unit.effluent.get("tp")) + 1e-6


@pytest.mark.parametrize("unit_type", ["activated_sludge", "mbbr", "mbr"])
def test_a_municipal_wastewater_doses_no_nutrient(unit_type):
    unit = run(unit_type, MUNICIPAL, targets={"nh4_n": "1 mg/L"}, flow="5000 m3/d")
    assert not {"urea", "phosphoric_acid"} & {c.key for c in unit.chemicals}
    assert mg_l(value_of(unit, "calc.N_dose")) == 0 and mg_l(value_of(unit, "calc.P_dose")) == 0
    assert "tn" not in unit.generated and "tp" not in unit.generated
    assert not any("Nutrients:" in n for n in unit.notes)


@pytest.mark.parametrize("unit_type", ["activated_sludge", "mbbr", "mbr"])
def test_the_aeration_uses_the_design_site_elevation_with_its_source(unit_type):
    # Isothermal barometric formula (M&E 5th ed. Example 8-3): at 2,600 m and 20 °C, P_b/P_a = 0.739.
    ctx = {**WARM, "site_elevation": Sourced(Q_(2600.0, "m"), "Site elevation for Colombia")}
    unit = run(unit_type, MUNICIPAL, context=ctx, flow="5000 m3/d")
    record = next(r for r in unit.log.records if r.result_symbol == "P_b/P_a")
    assert record.result.magnitude == pytest.approx(0.7385, rel=2e-3)
    z = next(i for i in record.inputs if i.symbol == "z")
    assert z.source == "Site elevation for Colombia"
    assert "site_elevation" not in unit.criteria.to_json()


def test_an_mbr_after_a_phosphorus_coagulant_keeps_the_metal_phosphate_and_feeds_only_soluble_p():
    # Metal phosphate precipitated upstream (ctx.shared["coagulation"]) is a solid the membrane keeps, and
    # not available to the biomass (M&E 5th ed., Ch. 6): the biomass is dosed for the soluble P that is
    # left, and where P is dosed it takes what the dose was sized for, leaving the residual.
    precipitated = Q_(11.0, "mg/L")
    coagulation = {"tag": "CFL-100", "coagulant": "ferric_chloride", "solids": Q_(60.0, "mg/L"), "tp": precipitated}
    unit = run("mbr", BREWERY, targets={"tp": "2 mg/L"}, context={**WARM, "shared": {"coagulation": coagulation}})
    assert mg_l(value_of(unit, "calc.TP_bio")) == pytest.approx(12.9 - 11.0)
    assert mg_l(value_of(unit, "calc.P_dose")) > 0
    assert mg_l(unit.effluent.get("tp")) == pytest.approx(0.5, abs=0.05)  # the 0.5 mg/L residual
