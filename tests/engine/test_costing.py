"""Plant-wide costing: each expected value is worked by hand from data/costing.yaml and shown in a comment."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from agents.engine.calc import Sourced
from agents.engine.context import DesignContext
from agents.engine.cost_curves import cost_index
from agents.engine.criteria import load_data
from agents.engine.costing import CurrencyError, capital_recovery_factor, cost_design, costing_data
from agents.engine.prices import PriceError, historical_price, price_table
from agents.engine.quantities import Q_
from agents.engine.stream import Stream
from agents.engine.units import UNIT_TYPES
from agents.engine.units.base import UnitProcess

from .harness import make_stream

CEPCI_2024, CEPCI_2020, CEPCI_2018 = 800.0, 596.2, 603.1


class StubUnit(UnitProcess):
    """A unit whose costs are set by the test (bar screen data only gives it a name and criteria)."""

    type = "bar_screen"
    tag_prefix = "STB"

    def __init__(self, ctx: DesignContext, tag: str, *, as_type: str = "bar_screen", equipment: float = 0.0,
                 civil: float = 0.0, membranes: float = 0.0, kw: float = 0.0, chemicals: dict[str, float] | None = None,
                 side: list[Stream] | None = None, replacement: float = 0.0, packaged: bool = False):
        super().__init__(ctx, tag)
        self.type = as_type  # type: ignore[misc]  # the unit type the costing sees (labour class, packaged skid)
        self.spec: dict[str, Any] = dict(equipment=equipment, civil=civil, membranes=membranes, kw=kw,
                                         chemicals=chemicals or {}, side=side or [], replacement=replacement)
        self.packaged = packaged

    def size(self, influent: Stream) -> None:
        self.effluent = influent.derive()
        if self.spec["kw"]:
            self.add_power("stub drive", Q_(self.spec["kw"], "kW"), Q_(self.spec["kw"], "kW"))
        for key, kg_d in self.spec["chemicals"].items():
            self.add_chemical(key, "stub dosing", Q_(kg_d, "kg/day") / influent.flow, influent.flow)
        for stream in self.spec["side"]:
            self.add_side_stream(stream)

    def cost(self) -> None:
        for category in ("equipment", "civil", "membranes"):
            if self.spec[category]:
                self.add_capex(f"stub {category}", Q_(self.spec[category], "USD"), category)
        if self.spec["replacement"]:
            self.add_opex("replacement", "stub membranes", Q_(self.spec["replacement"], "USD/year"))


def run(*units: StubUnit, flow: str = "1000 m3/d") -> list[StubUnit]:
    influent = make_stream(flow, tss=200)
    for u in units:
        influent = u.run(influent)
    return list(units)


def cake(m3_d: float) -> Stream:
    return Stream(flow=Q_(m3_d, "m**3/day"), quality={"tss": Q_(220000.0, "mg/L")}, kind="cake", name="cake")


def liquid_sludge(m3_d: float) -> Stream:
    return Stream(flow=Q_(m3_d, "m**3/day"), quality={"tss": Q_(10000.0, "mg/L")}, kind="sludge", name="sludge")


def test_capital_recovery_factor_matches_the_interest_tables():
    # A/P at 8 %, 20 years = 0.10185 (standard compound-interest tables); at 0 % it is 1/n.
    assert capital_recovery_factor(0.08, 20) == pytest.approx(0.101852, rel=1e-5)
    assert capital_recovery_factor(0.0, 25) == pytest.approx(0.04)


def test_capex_is_installed_cost_plus_indirect_costs_with_the_class_5_range():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "A-1", equipment=100_000, civil=50_000))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    # Installed: 1.65 × 100,000 + 1.0 × 50,000 = 215,000 USD (WaterTAP TIC; civil not factored again).
    assert costs.direct_cost.m_as("USD") == pytest.approx(215_000)
    # Indirect 15 % + 10 % + 20 % of 215,000 = 96,750; CAPEX = 311,750 USD.
    assert costs.capex_total.m_as("USD") == pytest.approx(311_750)
    assert costs.capex_by_category["engineering"].m_as("USD") == pytest.approx(32_250)
    assert costs.capex_by_category["installation"].m_as("USD") == pytest.approx(65_000)
    # AACE 18R-97 Class 5 at the wide end of its range: −50 % / +100 %.
    assert costs.aace_class == 5
    assert costs.range_low.m_as("USD") == pytest.approx(155_875)
    assert costs.range_high.m_as("USD") == pytest.approx(623_500)
    assert sum(q.m_as("USD") for q in costs.capex_by_category.values()) == pytest.approx(311_750)


def test_class_4_uses_the_narrower_range():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "A-1", equipment=100_000))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"), aace_class=4)
    # 165,000 × 1.45 = 239,250; −30 % / +50 %.
    assert costs.range_low.m_as("USD") == pytest.approx(239_250 * 0.7)
    assert costs.range_high.m_as("USD") == pytest.approx(239_250 * 1.5)


def test_packaged_skids_take_the_lower_installation_factor():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "RO-1", as_type="reverse_osmosis", equipment=100_000, membranes=20_000),
                StubUnit(ctx, "PK-1", equipment=10_000, packaged=True))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    # RO skid: 1.35 × 100,000 + 1.0 × 20,000 membranes; packaged unit: 1.35 × 10,000.
    assert costs.units["RO-1"].installed.m_as("USD") == pytest.approx(155_000)
    assert costs.units["PK-1"].installed.m_as("USD") == pytest.approx(13_500)


def test_capex_by_unit_adds_up_to_the_total():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "A-1", equipment=100_000), StubUnit(ctx, "B-1", equipment=30_000, civil=70_000))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    assert sum(q.m_as("USD") for q in costs.capex_by_unit.values()) == pytest.approx(costs.capex_total.m_as("USD"))
    # A-1 carries 165,000 / (165,000 + 119,500) of the total.
    assert costs.capex_by_unit["A-1"].m_as("USD") == pytest.approx(costs.capex_total.m_as("USD") * 165_000 / 284_500)


def test_energy_costs_consumed_power_all_year_at_the_local_price():
    ctx = DesignContext(electricity_price=Sourced(Q_(0.12, "USD/kWh"), "test"))
    units = run(StubUnit(ctx, "A-1", kw=10))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    # 10 kW × 8760 h × 0.95 availability × 0.12 USD/kWh = 9,986.4 USD/year.
    assert costs.opex_by_category["energy"].m_as("USD/year") == pytest.approx(9_986.4)
    assert costs.energy["annual"].m_as("kWh/year") == pytest.approx(83_220)
    # 83,220 kWh / (1000 m3/d × 365 × 0.95) = 0.24 kWh/m3.
    assert costs.energy["specific"].m_as("kWh/m**3") == pytest.approx(0.24)


def test_chemicals_are_escalated_from_their_price_year_with_the_cepci():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "A-1", chemicals={"ferric_chloride": 10.0}))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    # 10 kg/d × 365 × 0.95 × 0.45 USD/kg (2020) × 800.0 / 596.2 = 2,093.8 USD/year.
    expected = 10 * 365 * 0.95 * 0.45 * CEPCI_2024 / CEPCI_2020
    assert costs.opex_by_category["chemicals"].m_as("USD/year") == pytest.approx(expected)
    assert costs.chemicals[0]["chemical"] == "ferric_chloride"


def test_cake_is_disposed_of_and_sludge_sent_to_the_sludge_line_is_not():
    ctx = DesignContext(sludge_disposal_price=Sourced(Q_(60, "USD/t"), "test"))
    clarifier = StubUnit(ctx, "CL-1", as_type="primary_clarifier", side=[liquid_sludge(20)])
    dewatering = StubUnit(ctx, "DW-1", as_type="sludge_dewatering", side=[cake(2)])
    costs = cost_design(run(clarifier, dewatering), ctx, treated_flow=Q_(1000, "m**3/day"))
    # Only the cake leaves: 2 m3/d ≈ 2 t/d × 365 × 0.95 × 60 USD/t = 41,610 USD/year.
    assert costs.opex_by_category["sludge"].m_as("USD/year") == pytest.approx(41_610)
    assert [row["unit"] for row in costs.sludge] == ["DW-1"]


def test_without_dewatering_liquid_sludge_is_hauled():
    ctx = DesignContext(sludge_disposal_price=Sourced(Q_(60, "USD/t"), "test"))
    units = run(StubUnit(ctx, "CL-1", as_type="primary_clarifier", side=[liquid_sludge(20)]))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    # 20 m3/d ≈ 20 t/d × 365 × 0.95 × 60 = 416,100 USD/year: ten times the cake, which is why plants dewater.
    assert costs.opex_by_category["sludge"].m_as("USD/year") == pytest.approx(416_100)


def test_labour_follows_the_staffing_rule_for_a_municipal_activated_sludge_plant():
    # 20,000 m3/d: six simple units × 400 h + activated sludge 1,600 h + dewatering 800 h = 4,800 h at 1 MGD;
    # × (20,000 / 3,785)^0.5 = 2.2987 × 1.30 (lab, admin) = 14,344 h / 1,800 h = 7.97 → 8.0 operators.
    ctx = DesignContext(labour_cost=Sourced(Q_(50_000, "USD/year"), "test"))
    types = ["bar_screen", "grit_chamber", "primary_clarifier", "activated_sludge", "secondary_clarifier",
             "chlorination", "sludge_thickening", "sludge_dewatering"]
    units = run(*[StubUnit(ctx, f"U-{i}", as_type=t) for i, t in enumerate(types)], flow="20000 m3/d")
    costs = cost_design(units, ctx, treated_flow=Q_(20_000, "m**3/day"))
    assert costs.operators == 8.0
    assert costs.opex_by_category["labour"].m_as("USD/year") == pytest.approx(400_000)


def test_a_small_plant_still_has_one_operator():
    ctx = DesignContext()
    costs = cost_design(run(StubUnit(ctx, "A-1")), ctx, treated_flow=Q_(50, "m**3/day"))
    assert costs.operators == 1.0


def test_maintenance_and_replacement_are_yearly_costs_of_the_unit():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "A-1", equipment=100_000, civil=200_000, replacement=5_000))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    # 3 % × 100,000 + 0.5 % × 200,000 = 4,000 USD/year; replacement as the unit computed it.
    assert costs.units["A-1"].opex["maintenance"].m_as("USD/year") == pytest.approx(4_000)
    assert costs.opex_by_category["replacement"].m_as("USD/year") == pytest.approx(5_000)


def test_lcow_annualises_capex_and_adds_opex_per_cubic_metre():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "A-1", equipment=100_000, kw=10))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    volume = 1000 * 365 * 0.95
    expected = (costs.capex_total.m_as("USD") * capital_recovery_factor(0.08, 20)
                + costs.opex_total.m_as("USD/year")) / volume
    assert costs.lcow.m_as("USD/m**3") == pytest.approx(expected)
    assert costs.annual_volume.m_as("m**3/year") == pytest.approx(volume)


def test_every_plant_figure_has_a_calculation_record():
    ctx = DesignContext()
    cost_design(run(StubUnit(ctx, "A-1", equipment=100_000, kw=5)), ctx, treated_flow=Q_(1000, "m**3/day"))
    ids = {r.id for r in ctx.log.records}
    for symbol in ("C_D", "C_engineering", "C_contractor", "C_contingency", "CAPEX", "CAPEX_low", "CAPEX_high",
                   "E_year", "H_staff", "N_op", "OPEX_labour", "OPEX", "CRF", "V_year", "LCOW", "E_spec"):
        assert f"PLANT.{symbol}" in ids
    assert {"A-1.C_inst", "A-1.OPEX_energy", "A-1.OPEX_maint"} <= ids
    lcow = next(r for r in ctx.log.records if r.id == "PLANT.LCOW")
    assert lcow.equation == "LCOW = (CAPEX · CRF + OPEX) / V_year"


def test_json_converts_to_another_currency_and_always_states_the_cost_year():
    ctx = DesignContext()
    costs = cost_design(run(StubUnit(ctx, "A-1", equipment=100_000)), ctx, treated_flow=Q_(1000, "m**3/day"))
    usd, eur = costs.to_json("USD"), costs.to_json("EUR")
    assert eur["capex"]["total"]["unit"] == "EUR"
    assert eur["capex"]["total"]["value"] == pytest.approx(usd["capex"]["total"]["value"] * 0.924, rel=1e-5)
    assert eur["opex"]["total"]["unit"] == "EUR/year" and eur["lcow"]["unit"] == "EUR/m3"
    assert eur["capex"]["cost_year"] == cost_index().latest_year == 2024
    assert eur["economics"]["exchange_rate"]["date"] == "2024 annual average"


def test_caller_rates_override_the_table_and_unknown_currencies_fail_plainly():
    ctx = DesignContext()
    units = run(StubUnit(ctx, "A-1", equipment=100_000))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"), currency="mxn", rates={"MXN": 20.0})
    data = costs.to_json()
    assert data["capex"]["currency"] == "MXN"
    assert data["capex"]["total"]["value"] == pytest.approx(costs.capex_total.m_as("USD") * 20.0, rel=1e-5)
    assert data["economics"]["exchange_rate"]["source"] == "rate given by the caller"
    with pytest.raises(CurrencyError, match="XYZ"):
        cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"), currency="XYZ")


def test_real_units_are_costed_and_an_extrapolated_cross_check_does_not_warn():
    ctx = DesignContext()
    influent = make_stream("250000 m3/d", peak_factor=1.5, tss=220, bod=200)
    screen = UNIT_TYPES["bar_screen"](ctx, "SCR-101")
    grit = UNIT_TYPES["grit_chamber"](ctx, "GRT-101")
    grit.run(screen.run(influent))
    costs = cost_design([screen, grit], ctx, treated_flow=grit.effluent.flow)
    check = next(c for c in costs.cross_checks if c["unit"] == "SCR-101")
    # Each screen channel takes a fraction of the flow, far below the only screen record (400,000 m3/d).
    assert check["item"] == "screen" and check["agrees"] is None and "extrapolated" in check["note"]
    assert not any("historical price" in w for w in ctx.warnings)
    assert costs.opex_by_category["sludge"].m_as("USD/year") > 0  # screenings and grit to landfill


@pytest.mark.parametrize("factor, warns", [(1.5, False), (3.0, True)])
def test_a_cost_curve_far_from_the_historical_price_warns(factor, warns):
    # WaterTAP3 DAF record: 336,873 USD (2007) at 911.054 m3/h → × 800.0 / 525.4 = 512,946 USD (2024).
    historical = 336_873.359 * CEPCI_2024 / 525.4
    ctx = DesignContext()
    units = run(StubUnit(ctx, "DAF-1", as_type="daf", equipment=factor * historical), flow="21865.3 m3/d")
    costs = cost_design(units, ctx, treated_flow=Q_(21_865.3, "m**3/day"))
    check = costs.cross_checks[0]
    assert check["historical"].m_as("USD") == pytest.approx(historical, rel=1e-4)
    assert check["ratio"] == pytest.approx(factor, rel=1e-3)
    assert check["agrees"] is (not warns)
    assert any("DAF-1: the cost-curve estimate" in w for w in ctx.warnings) is warns


def test_historical_price_at_a_record_is_the_record_escalated():
    # WaterTAP low-pressure pump: 889 USD(2018) per L/s → 20 L/s = 17,780 USD(2018); the other nearest record
    # (5 L/s, 4,440 USD) scaled by (20/5)^0.6 = 2.297 gives 10,200; mean 13,990 × 800.0/603.1.
    price, used, calc = historical_price("centrifugal_pump", Q_(20, "L/s"))
    assert [r.capacity for r in used] == [20, 5]
    expected = (17_780 + 4_440 * 4**0.6) / 2 * CEPCI_2024 / CEPCI_2018
    assert price.m_as("USD") == pytest.approx(expected, rel=1e-6)
    assert calc.equation.startswith("C_hist = N · (P_1 · (S / S_1)^n")


def test_historical_price_converts_units_and_counts_items():
    one, _, _ = historical_price("centrifugal_pump", Q_(72, "m**3/hour"))  # 72 m3/h = 20 L/s
    three, _, _ = historical_price("centrifugal_pump", Q_(20, "L/s"), count=3)
    assert three.m_as("USD") == pytest.approx(3 * one.m_as("USD"))


def test_historical_price_notes_extrapolation_and_rejects_bad_input():
    _, _, calc = historical_price("uv_reactor", Q_(50_000, "m**3/hour"))
    assert "extrapolated" in calc.note
    with pytest.raises(PriceError, match="no historical prices"):
        historical_price("warp_drive", Q_(1, "m**3/hour"))
    with pytest.raises(PriceError, match="not convertible"):
        historical_price("centrifugal_pump", Q_(3, "kW"))


def test_the_price_table_covers_the_equipment_the_proposal_prices():
    table = price_table()
    assert sum(len(t.records) for t in table.values()) >= 30
    for item in ("centrifugal_pump", "blower", "screen", "daf_package", "circular_clarifier", "uf_system",
                 "ro_system", "uv_reactor", "centrifuge", "storage_tank"):
        assert item in table
    for t in table.values():
        for r in t.records:
            assert r.source and r.year in cost_index().values and r.price > 0


def test_routed_streams_are_costed_where_the_design_sends_them():
    # A design numbers its streams: DAF float sent out of the plant is hauled even though a sludge line exists;
    # the clarifier's sludge, routed to the thickener, is not.
    ctx = DesignContext(sludge_disposal_price=Sourced(Q_(60, "USD/t"), "test"))
    float_out = Stream(flow=Q_(5, "m**3/day"), quality={"tss": Q_(40000.0, "mg/L")}, kind="float", id="S4")
    to_line = liquid_sludge(20)
    to_line.id, to_line.destination = "S6", "DW-1"
    units = run(StubUnit(ctx, "DAF-1", as_type="daf", side=[float_out]),
                StubUnit(ctx, "CL-1", as_type="primary_clarifier", side=[to_line]),
                StubUnit(ctx, "DW-1", as_type="sludge_dewatering", side=[cake(2)]))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    assert [row["unit"] for row in costs.sludge] == ["DAF-1", "DW-1"]
    # (5 + 2) t/d × 365 × 0.95 × 60 USD/t = 145,635 USD/year.
    assert costs.opex_by_category["sludge"].m_as("USD/year") == pytest.approx(145_635)


def test_cake_that_is_the_dewatering_units_effluent_is_disposed_of():
    ctx = DesignContext(sludge_disposal_price=Sourced(Q_(60, "USD/t"), "test"))
    dewatering = StubUnit(ctx, "DW-1", as_type="sludge_dewatering")
    run(dewatering)
    dewatering.effluent = cake(2)  # the design's convention: a sludge unit's product is its effluent
    costs = cost_design([dewatering], ctx, treated_flow=Q_(1000, "m**3/day"))
    assert costs.opex_by_category["sludge"].m_as("USD/year") == pytest.approx(41_610)


def test_cross_checks_compare_like_with_like():
    # WaterTAP3's clarifier record (603,550 USD₂₀₀₇ at 5,450 m3/h, purchased) prices tank, mechanism and pumps
    # together: the unit's whole purchased cost, civil works included, is compared (scope "complete").
    historical = 603_550 * CEPCI_2024 / 525.4
    ctx = DesignContext()
    units = run(StubUnit(ctx, "SC-1", as_type="secondary_clarifier", equipment=0.3 * historical,
                         civil=0.7 * historical), flow=f"{5450 * 24} m3/d")
    check = cost_design(units, ctx, treated_flow=Q_(5450 * 24, "m**3/day")).cross_checks[0]
    assert check["scope"] == "complete" and check["curve"].m_as("USD") == pytest.approx(historical)
    assert check["ratio"] == pytest.approx(1.0, rel=1e-3) and check["agrees"] is True
    # A screen record prices screening equipment only: civil works are left out of the comparison.
    ctx = DesignContext()
    units = run(StubUnit(ctx, "SCR-1", equipment=50_000, civil=80_000), flow="10000 m3/d")
    check = cost_design(units, ctx, treated_flow=Q_(10_000, "m**3/day")).cross_checks[0]
    assert check["scope"] == "equipment" and check["curve"].m_as("USD") == pytest.approx(50_000)


@pytest.mark.parametrize("unit_type", ["cartridge_filtration", "uv", "sludge_thickening", "sludge_dewatering"])
def test_units_without_a_like_for_like_record_are_not_cross_checked(unit_type):
    # Cartridge guard housings against a complete cartridge plant (0.04×) compared nothing; UV and the gravity
    # thickener have curves from the same source as their records; dewatering records include a building.
    ctx = DesignContext()
    units = run(StubUnit(ctx, "X-1", as_type=unit_type, equipment=20_000))
    assert not cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day")).cross_checks
    assert unit_type in costing_data()["cross_check"]["not_checked"]


def test_every_chemical_a_unit_doses_has_a_price():
    # The keys units pass to add_chemical (literal or from their data files) must be priced in data/chemicals.yaml.
    table = load_data("chemicals")["chemicals"]
    units_dir = Path(__file__).resolve().parents[2] / "agents" / "engine" / "units"
    used = set()
    for path in units_dir.glob("*.py"):
        used |= set(re.findall(r'add_chemical\(\s*"([a-z_0-9]+)"', path.read_text(encoding="utf-8")))
    # Keys chosen at run time: the coagulant (coagulation_flocculation.coagulant_type), the RO's scale-control acid,
    # and the RO and UF cleaning chemicals.
    used |= {"ferric_chloride", "aluminium_sulfate", "pac", "hydrochloric_acid", "sulfuric_acid", "citric_acid",
             "sodium_hydroxide"}
    assert used <= set(table), sorted(used - set(table))
    for key, spec in table.items():
        assert spec["price"] > 0 and 0 < spec["active_fraction"] <= 1 and spec["name"]["es"], key
    # Nutrient dosing of N/P-deficient industrial wastewater: N and P contents as the active fraction.
    assert table["urea"]["active_fraction"] == pytest.approx(0.46)
    assert table["phosphoric_acid"]["active_fraction"] == pytest.approx(0.75 * 30.97 / 97.99, rel=1e-3)


def test_a_chemical_with_its_own_source_is_priced_from_it():
    # Urea 0.40 USD/kg (2020): 10 kg/d × 365 × 0.95 × 0.40 × 800/596.2 = 1,861.2 USD/year.
    ctx = DesignContext()
    units = run(StubUnit(ctx, "N-1", chemicals={"urea": 10.0}))
    costs = cost_design(units, ctx, treated_flow=Q_(1000, "m**3/day"))
    assert costs.chemicals[0]["annual"] == pytest.approx(10 * 365 * 0.95 * 0.40 * CEPCI_2024 / CEPCI_2020, rel=1e-6)
    record = next(r for r in ctx.log.records if r.result_symbol == "OPEX_urea")
    assert "World Bank" in next(i.source for i in record.inputs if i.symbol == "c")
