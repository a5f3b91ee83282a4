"""The design JSON contract and the text report, on designs assembled by hand from run units."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from agents.engine.context import DesignContext
from agents.engine.costing import cost_design
from agents.engine.model import Alternative, ComplianceItem, Design
from agents.engine.quantities import Q_, parse_quantity
from agents.engine.report import design_to_json, design_to_text
from agents.engine.stream import Stream
from agents.engine.units import UNIT_TYPES
from agents.engine.units.base import UnitProcess

from .harness import make_stream

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "design.schema.json"


class FakeUnit(UnitProcess):
    """A unit with set removals and side streams, for unit types whose module has not landed yet."""

    type = "bar_screen"  # borrows the bar screen's data file for criteria only
    tag_prefix = "FK"

    def __init__(self, ctx: DesignContext, tag: str, as_type: str, name: str, *, removals: dict[str, float] | None = None,
                 solids_fraction: float = 0.0, side_kind: str = "", side_fraction: float = 0.0,
                 extra_solids: float = 0.0, kw: float = 0.0, cost: float = 50_000.0, size: tuple[str, str] = ("", "")):
        super().__init__(ctx, tag)
        self.type = as_type  # type: ignore[misc]
        self._name = name
        self.spec = dict(removals=removals or {}, solids_fraction=solids_fraction, side_kind=side_kind,
                         side_fraction=side_fraction, extra_solids=extra_solids, kw=kw, cost=cost, size=size)

    @property
    def name(self) -> str:
        return self._name

    def size(self, influent: Stream) -> None:
        spec = self.spec
        changes = {p: influent.quality[p] * (1 - f) for p, f in spec["removals"].items() if p in influent.quality and p != "tss"}
        if spec["solids_fraction"]:
            kind = "cake" if self.type == "sludge_dewatering" else "sludge"
            self.separate_solids(influent, spec["removals"].get("tss", 0.0), spec["solids_fraction"], kind=kind,
                                 extra_solids=Q_(spec["extra_solids"], "kg/day"), effluent_changes=changes,
                                 name=f"{self.tag} {kind}")
            if self.type == "sludge_dewatering":
                self.effluent.kind, self.effluent.name = "filtrate", f"{self.tag} filtrate"
        elif spec["side_kind"]:
            f = spec["side_fraction"]
            tds = influent.get("tds", 0.0)
            product = influent.derive(flow=influent.flow * (1 - f), tds=tds * 0.02)
            reject_tds = (influent.flow * tds - product.flow * product.quality["tds"]) / (influent.flow * f)
            self.effluent = product
            self.add_side_stream(influent.derive(flow=influent.flow * f, kind=spec["side_kind"], tds=reject_tds,
                                                 name=f"{self.tag} {spec['side_kind']}"))
        else:
            self.effluent = influent.derive(**changes)
        key, value = spec["size"]
        if key:
            self.add_sizing(key, key.replace("_", " ").capitalize(), parse_quantity(value))
        self.add_equipment("-01", f"{self._name} package", quantity=2, standby=1, power=Q_(spec["kw"] or 1.0, "kW"))
        if spec["kw"]:
            self.add_power(self._name, Q_(2 * spec["kw"], "kW"), Q_(spec["kw"], "kW"))

    def cost(self) -> None:
        self.add_capex(f"{self._name} package", Q_(self.spec["cost"], "USD"))


def _merge(streams: list[Stream], name: str) -> Stream:
    flow = sum((s.flow for s in streams), Q_(0.0, "m**3/day"))
    tss = sum((s.mass_flow("tss") for s in streams), Q_(0.0, "kg/day")) / flow
    return Stream(flow=flow, quality={"tss": tss.to("mg/L")}, kind="sludge", name=name)


@dataclass
class Requirements:
    """A stand-in for the requirements model: only its JSON echo is used here."""

    data: dict[str, Any] = field(default_factory=dict)

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        return dict(self.data)


def hand_design(kind: str = "wastewater", currency: str = "USD") -> Design:
    """A design put together as design() will: run the train, route the streams, cost, check the targets."""
    ctx = DesignContext(targets={"bod": Q_(30, "mg/L"), "tss": Q_(30, "mg/L")} if kind == "wastewater"
                        else {"tds": Q_(500, "mg/L")},
                        destination="surface_water" if kind == "wastewater" else "potable")
    if kind == "wastewater":
        influent = make_stream("2000 m3/d", peak_factor=2.0, bod=600, cod=1200, tss=400, tds=1500, fog=80, tn=50, tp=8)
        main = [
            UNIT_TYPES["bar_screen"](ctx, "SCR-101"),
            UNIT_TYPES["grit_chamber"](ctx, "GRT-101"),
            FakeUnit(ctx, "DAF-101", "daf", "Dissolved air flotation", removals={"tss": 0.8, "bod": 0.4, "fog": 0.9},
                     solids_fraction=0.03, kw=7.5, size=("surface_area", "18 m2")),
            FakeUnit(ctx, "AS-101", "activated_sludge", "Activated sludge", removals={"bod": 0.95, "cod": 0.85, "tn": 0.6},
                     kw=45, cost=600_000, size=("volume", "1800 m3")),
            FakeUnit(ctx, "SC-101", "secondary_clarifier", "Secondary clarifier", removals={"tss": 0.9},
                     solids_fraction=0.008, extra_solids=300, cost=250_000, size=("diameter", "16 m")),
            FakeUnit(ctx, "UV-101", "uv", "UV disinfection", kw=4, size=("lamps", "24")),
        ]
        sludge_line = [
            FakeUnit(ctx, "THK-101", "sludge_thickening", "Gravity thickener", removals={"tss": 0.95}, solids_fraction=0.05),
            FakeUnit(ctx, "DEW-101", "sludge_dewatering", "Screw press", removals={"tss": 0.95}, solids_fraction=0.2, kw=5.5),
        ]
        train = ["bar_screen", "grit_chamber", "daf", "activated_sludge", "secondary_clarifier", "uv"]
    else:
        influent = make_stream("1000 m3/d", tds=3500, tss=5, hardness=400, silica=25)
        main = [
            FakeUnit(ctx, "CF-101", "cartridge_filtration", "Cartridge filters", removals={"tss": 0.5}),
            FakeUnit(ctx, "RO-101", "reverse_osmosis", "Reverse osmosis", side_kind="concentrate", side_fraction=0.25,
                     kw=60, cost=450_000, size=("membrane_area", "2400 m2")),
            FakeUnit(ctx, "CL-101", "chlorination", "Chlorination"),
        ]
        sludge_line = []
        train = ["cartridge_filtration", "reverse_osmosis", "chlorination"]

    streams: list[Stream] = []

    def route(stream: Stream, source: str, destination: str) -> Stream:
        stream.id, stream.source, stream.destination = f"S{len(streams) + 1}", source, destination
        streams.append(stream)
        return stream

    route(influent, "", main[0].tag)
    current = influent
    sludges: list[Stream] = []
    for i, u in enumerate(main):
        current = u.run(current)
        for side in u.side_streams:
            if side.kind == "sludge" and sludge_line:
                sludges.append(route(side, u.tag, sludge_line[0].tag))
            else:
                route(side, u.tag, "")
        route(current, u.tag, main[i + 1].tag if i + 1 < len(main) else "")
    if sludge_line:
        thickener, dewatering = sludge_line
        thickener.run(_merge(sludges, "Combined sludge"))
        thickener.effluent.kind, thickener.effluent.name = "supernatant", "THK-101 supernatant"
        route(thickener.side_streams[0], thickener.tag, dewatering.tag)
        route(thickener.effluent, thickener.tag, main[0].tag)
        dewatering.run(thickener.side_streams[0])
        route(dewatering.side_streams[0], dewatering.tag, "")
        route(dewatering.effluent, dewatering.tag, main[0].tag)
    units = main + sludge_line
    effluent = main[-1].effluent
    costs = cost_design(units, ctx, treated_flow=effluent.flow, currency=currency)
    compliance = []
    for p, limit in ctx.targets.items():
        value = effluent.quality[p]
        margin = float(1 - (value / limit).to("dimensionless").magnitude)
        compliance.append(ComplianceItem(p, value, limit, "max", margin >= 0, margin, "destination default (test)"))
    alternative = Alternative("chosen train", train, costs.capex_total, costs.opex_total, costs.lcow, True, True,
                              "lowest LCOW of the trains that meet the targets")
    return Design(requirements=Requirements({"sector": "industrial", "flow": "2000 m3/d"}), ctx=ctx, train=train,
                  units=units, streams=streams, influent=influent, effluent=effluent, compliance=compliance,
                  balance={"water": 0.0, "tss": 1e-6}, costs=costs, alternatives=[alternative],
                  choice_reason="lowest LCOW", defaults_used={"tds": "sector default (test)"})


def walk_quantities(node: Any, path: str = "") -> list[str]:
    """Paths of dicts that look like a quantity but are not {"value": number, "unit": str}."""
    bad = []
    if isinstance(node, dict):
        if "value" in node and "unit" in node:
            if not isinstance(node["unit"], str) or not isinstance(node["value"], (int, float)):
                bad.append(path)
        for k, v in node.items():
            bad += walk_quantities(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            bad += walk_quantities(v, f"{path}[{i}]")
    return bad


@pytest.fixture(scope="module")
def wastewater() -> Design:
    return hand_design("wastewater")


def test_the_json_has_every_key_of_the_stable_contract(wastewater):
    data = design_to_json(wastewater)
    for key in ("effluent", "compliance", "sludge", "energy", "chemicals", "capex", "opex", "lcow", "alternatives",
                "calculations", "warnings", "requirements", "train", "streams", "balance", "defaults_used", "units"):
        assert key in data, key
    for key in ("total", "currency", "cost_year", "aace_class", "range_low", "range_high", "by_unit", "by_category"):
        assert key in data["capex"], key
    for unit in data["units"]:
        for key in ("tag", "type", "name", "criteria", "sizing", "equipment", "influent", "effluent", "power",
                    "capex", "opex"):
            assert key in unit, (unit["tag"], key)


def test_the_json_is_plain_json_and_every_quantity_has_a_value_and_a_unit(wastewater):
    data = design_to_json(wastewater)
    text = json.dumps(data)  # raises on anything that is not plain JSON
    assert json.loads(text) == data
    assert walk_quantities(data) == []
    assert data["capex"]["total"]["unit"] == "USD" and data["lcow"]["unit"] == "USD/m3"


def test_the_json_validates_against_the_published_schema(wastewater):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(design_to_json(wastewater), schema)
    jsonschema.validate(design_to_json(hand_design("ro"), currency="EUR"), schema)
    broken = design_to_json(wastewater)
    broken["capex"]["total"] = 12.5  # a bare number where the contract promises {"value", "unit"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_unit_costs_add_up_to_the_plant_capex(wastewater):
    data = design_to_json(wastewater)
    total = sum(u["capex"]["total"]["value"] for u in data["units"])
    assert total == pytest.approx(data["capex"]["total"]["value"], rel=1e-5)
    assert sum(data["capex"]["by_unit"][u["tag"]]["value"] for u in data["units"]) == pytest.approx(total, rel=1e-5)


def test_a_currency_converts_every_money_figure_and_keeps_the_cost_year(wastewater):
    usd, eur = design_to_json(wastewater), design_to_json(wastewater, currency="EUR")
    assert eur["capex"]["total"]["value"] == pytest.approx(usd["capex"]["total"]["value"] * 0.924, rel=1e-5)
    assert eur["units"][0]["capex"]["total"]["unit"] == "EUR"
    assert eur["alternatives"][0]["lcow"]["unit"] == "EUR/m3"
    assert eur["capex"]["cost_year"] == usd["capex"]["cost_year"] == 2024


def test_sludge_energy_and_calculations_come_from_the_costing(wastewater):
    data = design_to_json(wastewater)
    assert [s["unit"] for s in data["sludge"]["streams"] if s["kind"] == "cake"] == ["DEW-101"]
    assert data["energy"]["consumed_power"]["value"] == pytest.approx(
        sum(u["power"]["consumed"]["value"] for u in data["units"]), rel=1e-4)
    ids = {c["id"] for c in data["calculations"]}
    assert "PLANT.LCOW" in ids and "SCR-101.W" in ids
    assert all(cid in ids for u in data["units"] for cid in u["calculations"])


def test_the_text_report_reads_as_a_design_report(wastewater):
    text = design_to_text(wastewater)
    for heading in ("Design basis", "Treatment train", "Units", "Equipment list", "Treated water and compliance",
                    "Sludge, residuals and energy", "Costs (USD of 2024)", "Alternatives compared"):
        assert heading in text
    assert "SCR-101" in text and "AACE Class 5" in text and "LCOW" in text
    assert "Channel width" in text or "Width of each screen channel" in text
    assert "2 of 2 targets met" in text or "of 2 targets met" in text


def test_the_text_report_states_the_conversion_rate():
    text = design_to_text(hand_design("ro"), currency="MXN")
    assert "Costs (MXN of 2024)" in text and "MXN/USD" in text


@cache
def _first_real_design() -> Design | None:
    from agents.engine.design import design

    for path in sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json")):
        try:
            return design(path, alternatives=True)
        except Exception:  # a unit type its train needs has not landed yet
            continue
    return None


def real_design() -> Design:
    """The first example the real design() can design today; skips while every example still misses a unit."""
    d = _first_real_design()
    if d is None:
        pytest.skip("no example can be designed yet: the units its train needs are still missing")
    return d


def test_a_real_design_follows_the_contract_in_json_and_text():
    d = real_design()
    data = design_to_json(d)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert walk_quantities(data) == []
    assert sum(u["capex"]["total"]["value"] for u in data["units"]) == pytest.approx(data["capex"]["total"]["value"],
                                                                                     rel=1e-5)
    text = design_to_text(d)
    assert all(u.tag in text for u in d.units)


def test_the_design_basis_is_the_clients_water_and_the_returned_streams_are_stated_apart():
    from agents.engine.design import design

    # The example's client flow is 20,000 m3/d; filtrate and supernatant returned from the sludge
    # line make the first unit treat more than that, and the design basis must not show that sum.
    d = design(Path(__file__).resolve().parents[2] / "examples" / "municipal_20000.json")
    raw, head = d.extra["raw_influent"], d.influent
    assert raw.flow.m_as("m**3/day") == pytest.approx(20_000) and head.flow > raw.flow
    text = design_to_text(d)
    basis = text.split("Treatment train")[0]
    assert "Flow: 20,000 m3/d average" in basis
    assert "Returned to the head of the plant" in basis
    assert "Site elevation: 650 m" in basis  # Spain (Madrid) in locations.yaml
    data = design_to_json(d)
    process = data["process"]
    assert process["raw_influent"]["id"] == "S1" and process["raw_influent"]["flow"]["value"] == pytest.approx(20_000)
    # What returned in the last pass matches what the head was given within the recycle tolerance
    # (3e-4 of the plant flow, train_rules.yaml).
    assert process["returned"]["flow"]["value"] == pytest.approx(head.flow.m_as("m**3/day") - 20_000, abs=6)
    assert process["returned"]["streams"] and all(s in {x["id"] for x in data["streams"]} for s in process["returned"]["streams"])
    assert process["sludge_line"]["decision"] == d.extra["sludge_line"]["decision"]
    assert process["targets"]["bod"]["kind"] == "max" and process["notes"] == d.extra["notes"]
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_a_range_target_shows_both_bounds_in_json_and_text():
    from agents.engine.design import design

    d = design(Path(__file__).resolve().parents[2] / "examples" / "brackish_to_drinking.json")
    ph = next(c for c in design_to_json(d)["compliance"] if c["parameter"] == "ph")
    assert (ph["kind"], ph["low"]["value"], ph["limit"]["value"]) == ("range", 6.5, 9.5)  # Directive (EU) 2020/2184
    assert "6.5 – 9.5" in design_to_text(d)


def test_a_spanish_design_reports_in_spanish_with_spanish_numbers():
    from agents.engine.design import design

    data = json.loads((Path(__file__).resolve().parents[2] / "examples" / "municipal_20000.json").read_text())
    d = design({**data, "language": "es"})
    text = design_to_text(d)
    basis = text.split("Tren de tratamiento")[0]
    assert basis.startswith("H2O Allegiant — diseño conceptual")
    assert "Bases de diseño" in basis and "Caudal: 20\u00a0000 m3/d medio" in basis
    assert "Altitud del sitio: 650 m sobre el nivel del mar" in basis
    for heading in ("Unidades", "Lista de equipos", "Agua tratada y cumplimiento", "Lodos, residuos y energía"):
        assert f"\n{heading}\n" in text, heading
    assert "/year" not in text.split("Costos (")[1].split("Verificación cruzada")[0]
    assert design_to_json(d)["compliance"][0]["label"] in ("DBO5", "DQO", "SST", "Nitrógeno total", "Fósforo total")
