"""The whole design: units chained, streams numbered, sludge and returns, plant balance, compliance, alternatives."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from agents.engine import design, load_requirements
from agents.engine.design import mix
from agents.engine.quantities import Q_
from agents.engine.stream import Stream
from agents.engine.train import select_trains

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))
BALANCE = 1e-3  # the plant balance closes within 0.1 %


@cache
def designed(name: str, alternatives: bool = False):
    return design(EXAMPLES / f"{name}.json", alternatives=alternatives)


def quantities(unit):
    for v in unit.sizing.values():
        yield v.quantity
    for e in unit.equipment:
        if e.capacity is not None:
            yield e.capacity
        if e.power is not None:
            yield e.power


# -- every example ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_is_designed_as_selected_with_units_chained_in_order(name):
    d = designed(name)
    selected = select_trains(load_requirements(EXAMPLES / f"{name}.json").resolved()).preferred
    assert d.train == list(selected.units)
    main = d.units[:len(d.train)]
    assert [u.type for u in main] == d.train
    assert main[0].influent is d.influent
    for up, down in zip(main, main[1:]):
        if up.effluent is down.influent:
            continue
        # Only the blending bypass around the RO sits between two units: the RO takes part of
        # the water in front of it (the bypass joins its permeate inside the unit).
        assert d.extra.get("blending") and "reverse_osmosis" in (up.type, down.type)
        if down.type == "reverse_osmosis":
            assert down.influent.flow < up.effluent.flow
            assert down.influent.quality == up.effluent.quality
        else:
            assert down.influent.flow > up.effluent.flow
    assert d.effluent.flow > Q_(0, "m**3/day")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_has_numbered_streams_between_known_units(name):
    d = designed(name)
    tags = {u.tag for u in d.units}
    ids = [s.id for s in d.streams]
    assert ids == [f"S{i}" for i in range(1, len(ids) + 1)]
    assert d.streams[0].source == "" and d.streams[0].destination == d.units[0].tag
    for s in d.streams:
        assert s.source in tags or s is d.streams[0]
        assert s.destination in tags or s.destination == ""
    assert len({s.id for s in d.streams}) == len(d.streams)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_closes_its_plant_balance(name):
    d = designed(name)
    assert set(d.balance) == {"water", "tss", "tds"}
    for what, error in d.balance.items():
        assert error < BALANCE, f"{what} balance off by {error:.3%}"
    for u in d.units:
        for what, error in u.balance().items():
            assert error < BALANCE, f"{u.tag}: {what} balance off by {error:.3%}"
    assert d.extra["recycle"]["converged"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_has_finite_positive_sizes_and_costs(name):
    d = designed(name)
    for u in d.units:
        for q in quantities(u):
            # Indices (a Langelier index) may be negative; sizes, flows and powers may not.
            assert math.isfinite(q.magnitude) and (q.magnitude >= 0 or q.dimensionless), f"{u.tag}: {q}"
        assert u.equipment, f"{u.tag} lists no equipment"
    assert d.costs.capex_total.magnitude > 0
    assert d.costs.opex_total.magnitude > 0
    assert math.isfinite(d.costs.lcow.magnitude) and d.costs.lcow.magnitude > 0


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_target_is_checked_against_the_treated_water(name):
    d = designed(name)
    r = load_requirements(EXAMPLES / f"{name}.json").resolved()
    checked = {c.parameter for c in d.compliance}
    assert checked == {p for p in r.targets if p in d.effluent.quality}
    for c in d.compliance:
        assert c.source
        if c.kind == "max":
            assert c.met == (c.effluent <= c.limit * (1 + 1e-9))
            assert c.margin == pytest.approx((c.limit - c.effluent).magnitude / c.limit.magnitude, abs=1e-9)


def test_a_range_reports_both_bounds_and_the_margin_to_the_nearer():
    d = designed("brackish_to_drinking")
    ph = next(c for c in d.compliance if c.parameter == "ph")
    assert ph.kind == "range"
    value = ph.effluent.magnitude
    low, high = 6.5, 9.5  # Directive (EU) 2020/2184 via destinations.yaml
    assert ph.low is not None and (ph.low.magnitude, ph.limit.magnitude) == (low, high)
    assert ph.margin == pytest.approx(min((value - low) / low, (high - value) / high))
    assert ph.met == (low <= value <= high)
    assert all(c.low is None for c in d.compliance if c.kind == "max")


# -- the examples an engineer would check first -------------------------------------------------


def test_dairy_pretreatment_floats_the_fat_and_dewaters_the_float():
    d = designed("dairy_to_sewer")
    assert d.train == ["bar_screen", "equalization", "coagulation_flocculation", "daf"]
    assert d.extra["sludge_line"]["decision"] in ("dewater", "thicken_dewater")
    cake = [s for s in d.streams if s.kind == "cake"]
    assert cake and all(s.destination == "" for s in cake)
    returned = [s for s in d.streams if s.destination == d.units[0].tag and s is not d.streams[0]]
    assert returned and all(s.kind == "filtrate" for s in returned)
    # Filtrate returns to the head: the plant treats more than its raw flow.
    assert d.influent.flow > d.streams[0].flow
    bod = next(c for c in d.compliance if c.parameter == "bod")
    assert bod.effluent < d.streams[0].quality["bod"]


def test_municipal_plant_thickens_and_dewaters_its_sludge():
    d = designed("municipal_20000")
    assert d.extra["sludge_line"]["decision"] == "thicken_dewater"
    assert [u.type for u in d.units[len(d.train):]] == ["sludge_thickening", "sludge_dewatering"]
    assert d.extra["recycle"]["passes"] >= 2


def test_seawater_plant_makes_the_product_flow_asked_for():
    d = designed("seawater_ro_10000")
    assert d.effluent.flow.to("m**3/day").magnitude == pytest.approx(10000, rel=1e-3)
    feed = d.extra["feed_flow"].to("m**3/day").magnitude
    assert 18000 < feed < 30000  # SWRO recovers 40–50 % (FilmTec manual)
    concentrate = [s for s in d.streams if s.kind == "concentrate"]
    assert concentrate and all(s.destination == "" for s in concentrate)


def test_brackish_plant_blends_part_of_its_feed_into_the_permeate():
    d = designed("brackish_to_drinking")
    blending = d.extra["blending"]
    assert blending["fraction"].magnitude > 0
    bypass = next(s for s in d.streams if s.id == blending["bypass"])
    ro = d.train.index("reverse_osmosis")
    # The bypass joins the permeate inside the RO unit, ahead of its post-treatment.
    assert bypass.source == d.units[ro - 1].tag and bypass.destination == d.units[ro].tag
    tds = next(c for c in d.compliance if c.parameter == "tds")
    # Blended to 80 % of the 600 mg/L WHO palatability limit (or less where another parameter limits it).
    assert tds.effluent.to("mg/L").magnitude <= 0.8 * 600 * 1.01


def test_bypass_fraction_record_lists_the_post_treatment_allowance_and_recomputes():
    # AWWA M46 (2007), Ch. 5: the bypass takes the blend to a design fraction of the product-water goal; the
    # lime and CO2 of the post-treatment (AWWA M46, post-treatment) add dissolved solids and hardness, which
    # are taken off the room under the limit. The record must hold every number the fraction comes from.
    d = designed("brackish_to_drinking")
    ro = d.units[d.train.index("reverse_osmosis")]
    record = next(r for r in d.ctx.log.records if r.result_symbol == "f_bypass")
    inputs = {i.symbol: i for i in record.inputs}
    assert "A" in inputs and "− A" in record.equation
    assert inputs["A"].source == "calculated" and ro.tag in inputs["A"].description
    assert inputs["A"].quantity.magnitude > 0
    v = {k: i.quantity.magnitude for k, i in inputs.items()}
    x = (v["d"] * v["L"] - v["A"] - v["C_p"]) / (v["C_f"] - v["C_p"])
    k = x / (1 - x) * v["r_RO"]
    assert k / (1 + k) == pytest.approx(record.result.magnitude, rel=1e-9)
    assert record.result.magnitude == pytest.approx(d.extra["blending"]["fraction"].magnitude, rel=1e-9)


def test_brackish_product_is_stabilised_after_the_blend_so_doses_and_reported_quality_agree():
    # AWWA M46 (2007), post-treatment: the water delivered is stabilised, so the lime and CO2 are sized on the
    # blended product and the product's pH and Langelier index are those the compliance table reports.
    from agents.engine import osmotic

    d = designed("brackish_to_drinking")
    ro = d.units[d.train.index("reverse_osmosis")]
    assert ro.effluent.flow.to("m**3/day").magnitude == pytest.approx(
        (ro.permeate.flow + ro.bypass.flow).to("m**3/day").magnitude, rel=1e-9)
    ph = next(c for c in d.compliance if c.parameter == "ph")
    assert ph.met and ph.effluent.magnitude == pytest.approx(ro.sizing["product_ph"].quantity.magnitude, abs=1e-6)
    lime = next(c for c in ro.chemicals if c.key == "lime")
    assert lime.consumption.to("kg/day").magnitude == pytest.approx(
        (lime.dose * ro.effluent.flow).to("kg/day").magnitude, rel=1e-6)
    e = ro.effluent
    lsi = osmotic.langelier_index(e.get("ph").magnitude, e.get("tds").to("mg/L").magnitude,
                                  ro._carbonate["temperature"], ro.sizing["product_calcium"].quantity.magnitude,
                                  e.get("alkalinity").to("mg/L").magnitude)
    assert lsi == pytest.approx(ro.sizing["product_lsi"].quantity.magnitude, abs=0.01)
    # The units see the whole limit: the drinking-water pH range 6.5–9.5 (Directive (EU) 2020/2184, Annex I C).
    assert d.ctx.target("ph").magnitude == 9.5 and d.ctx.target_min("ph").magnitude == 6.5
    assert d.ctx.limit("ph").kind == "range"


def test_raw_water_backwash_goes_to_drain_but_wastewater_backwash_returns():
    sea = designed("seawater_ro_10000")
    assert all(s.destination == "" for s in sea.streams if s.kind == "backwash")
    brewery = designed("brewery_to_river")
    assert all(s.destination == brewery.units[0].tag for s in brewery.streams if s.kind == "backwash")


# -- overrides change exactly what they name ------------------------------------------------------


def test_an_override_changes_only_its_criterion_and_its_consequences():
    base_req = load_requirements(EXAMPLES / "dairy_to_sewer.json").model_dump(mode="json")
    changed_req = dict(base_req, overrides={"bar_screen": {"velocity_through_bars": "0.7 m/s"}})
    base, changed = design(base_req), design(changed_req)
    screen_b, screen_c = base.units[0], changed.units[0]
    crit_c = screen_c.criteria.used["velocity_through_bars"]
    assert crit_c.overridden and crit_c.quantity.to("m/s").magnitude == 0.7
    assert not screen_b.criteria.used["velocity_through_bars"].overridden
    # The screen's clear area grows by 0.9/0.7 (Q_p / V), and its channel with it.
    ratio = (screen_c.sizing["clear_area"].quantity / screen_b.sizing["clear_area"].quantity).to("").magnitude
    assert ratio == pytest.approx(0.9 / 0.7, rel=1e-6)
    # Every other criterion of every unit, and every other unit's sizing, is unchanged
    # (a screen does not change the water it passes).
    for ub, uc in zip(base.units, changed.units):
        for name, cb in ub.criteria.used.items():
            if (ub.type, name) == ("bar_screen", "velocity_through_bars"):
                continue
            assert uc.criteria.used[name].quantity == cb.quantity and not uc.criteria.used[name].overridden
        if ub.type != "bar_screen":
            assert {k: v.quantity for k, v in ub.sizing.items()} == {k: v.quantity for k, v in uc.sizing.items()}


def test_an_override_in_the_middle_of_the_train_changes_that_unit_alone():
    base_req = load_requirements(EXAMPLES / "dairy_to_sewer.json").model_dump(mode="json")
    changed_req = dict(base_req, overrides={"daf": {"hydraulic_loading": "6 m/h"}})
    base, changed = design(base_req), design(changed_req)

    def record(d, tag, symbol):
        return next(r.result for r in d.log.records if r.id == f"{tag}.{symbol}")

    daf = next(u.tag for u in base.units if u.type == "daf")
    # A_h = (Q_p + R) / HLR: the hydraulic area grows by 8/6 (published default 8 m/h).
    ratio = (record(changed, daf, "A_h") / record(base, daf, "A_h")).to("").magnitude
    assert ratio == pytest.approx(8 / 6, rel=1e-6)
    # The loading rate sets an area, not what the DAF removes: its effluent and float, and so every
    # other unit and stream, are the same.
    assert changed.effluent.quality == base.effluent.quality
    for ub, uc in zip(base.units, changed.units):
        if ub.tag != daf:
            assert {k: v.quantity for k, v in ub.sizing.items()} == {k: v.quantity for k, v in uc.sizing.items()}


def test_an_out_of_range_override_is_used_with_a_warning():
    req = load_requirements(EXAMPLES / "dairy_to_sewer.json").model_dump(mode="json")
    req["overrides"] = {"bar_screen": {"velocity_through_bars": "1.4 m/s"}}
    d = design(req)
    assert any("outside the published range" in w and "SCR" in w for w in d.warnings)


# -- alternatives -----------------------------------------------------------------------------------


def test_alternatives_are_designed_and_the_cheapest_compliant_one_is_chosen():
    d = designed("municipal_20000", alternatives=True)
    candidates = select_trains(load_requirements(EXAMPLES / "municipal_20000.json").resolved()).candidates
    assert len(d.alternatives) == len(candidates)
    chosen = [a for a in d.alternatives if a.chosen]
    assert len(chosen) == 1 and chosen[0].design is d
    compliant = [a for a in d.alternatives if a.meets_targets]
    pool = compliant or d.alternatives
    if compliant:
        assert chosen[0].lcow == min(a.lcow for a in pool)
    assert "levelized cost" in d.choice_reason
    for a in d.alternatives:
        assert a.design is not None and a.train == a.design.train
        assert a.capex == a.design.costs.capex_total and a.lcow == a.design.costs.lcow


def test_without_alternatives_the_other_candidates_are_named():
    d = designed("municipal_20000")
    assert d.alternatives == []
    assert "Membrane bioreactor" in d.choice_reason
    assert [c["key"] for c in d.extra["candidates"]][0] == "cas+uv"


# -- forced trains, currencies, defaults -------------------------------------------------------------


def test_a_forced_train_is_designed_and_checked_against_the_targets():
    req = load_requirements(EXAMPLES / "dairy_to_sewer.json").model_dump(mode="json")
    req["forced_train"] = ["bar_screen", "equalization"]
    d = design(req)
    assert d.train == ["bar_screen", "equalization"]
    fog = next(c for c in d.compliance if c.parameter == "fog")
    assert not fog.met and fog.margin < 0  # 400 mg/L of FOG against 100 mg/L: screening does nothing for it
    assert "forced_train" in d.choice_reason


def test_the_units_get_the_site_elevation_and_the_uf_feed_type_from_the_design():
    req = load_requirements(EXAMPLES / "seawater_ro_10000.json").model_dump(mode="json")
    req["location"] = {**(req.get("location") or {}), "elevation": "120 m"}
    req["forced_train"] = ["ultrafiltration", "cartridge_filtration", "reverse_osmosis"]
    d = design(req)
    assert d.ctx.site_elevation.quantity.to("m").magnitude == 120
    assert d.ctx.shared["ultrafiltration.feed_type"] == "seawater"
    assert d.units[0].feed_type == "seawater"
    wastewater = load_requirements(EXAMPLES / "textile_reuse.json").model_dump(mode="json")
    wastewater["forced_train"] = ["bar_screen", "equalization", "mbbr", "secondary_clarifier", "ultrafiltration"]
    assert design(wastewater).ctx.shared["ultrafiltration.feed_type"] == "wastewater"


def test_the_cost_report_currency_follows_the_request():
    d = design(EXAMPLES / "dairy_to_sewer.json", currency="usd")
    assert d.costs.currency == "USD"
    assert designed("dairy_to_sewer").costs.currency == "EUR"


def test_the_design_says_which_defaults_it_used():
    d = designed("municipal_20000")
    assert "bod" in d.defaults_used and "Metcalf & Eddy" in d.defaults_used["bod"]
    assert "peak_factor" in d.defaults_used
    calc_ids = {r.id for r in d.log.records}
    assert {"PLANT.Q", "PLANT.PF", "PLANT.Q_peak"} <= calc_ids


def test_the_economics_come_from_the_location():
    d = designed("boiler_feed")
    assert d.ctx.electricity_price.quantity.to("USD/kWh").magnitude == 0.08
    assert "EIA" in d.ctx.electricity_price.source
    assert d.ctx.discount_rate.quantity.magnitude == pytest.approx(0.08)


# -- mixing -------------------------------------------------------------------------------------------


def test_mixing_adds_loads_and_averages_what_is_not_a_load():
    a = Stream(flow=Q_(300, "m**3/day"), quality={"tss": Q_(100, "mg/L"), "ph": Q_(7.0, ""),
                                                  "temperature": Q_(20, "degC"), "bod": Q_(200, "mg/L")},
               peak_factor=2.0)
    b = Stream(flow=Q_(100, "m**3/day"), quality={"tss": Q_(500, "mg/L"), "temperature": Q_(40, "degC")})
    m = mix([a, b], name="mixed")
    assert m.flow.to("m**3/day").magnitude == 400
    assert m.quality["tss"].to("mg/L").magnitude == pytest.approx((300 * 100 + 100 * 500) / 400)  # 200 mg/L
    assert m.quality["temperature"].to("degC").magnitude == pytest.approx(25.0)  # flow-weighted
    assert m.quality["ph"].magnitude == pytest.approx(7.0)  # only stream a has a pH
    assert m.quality["bod"].to("mg/L").magnitude == pytest.approx(200.0)  # averaged over streams that carry it
    assert m.peak_factor == pytest.approx((300 * 2.0 + 100 * 1.0) / 400)
