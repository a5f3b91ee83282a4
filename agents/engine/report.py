"""The design as JSON (the stable contract, docs/engine-design-json.md) and as a readable report.

``design_to_json`` is what ``python manage.py design`` prints and what the
agents and documents read: every quantity is ``{"value", "unit"}``, money is
in the requested currency with the cost year stated. ``design_to_text`` is
the same design for people: design basis, train, unit by unit, equipment
list, costs, compliance, warnings.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pint

from .costing import CostSummary, currency_data
from .quantities import Q_, fmt, qjson, round_sig
from .stream import PARAMETERS, Stream

if TYPE_CHECKING:
    from .model import Alternative, ComplianceItem, Design
    from .units.base import UnitProcess

SCHEMA_VERSION = "1.0"
# Parameters shown in the text report's stream and compliance tables, in this order.
KEY_PARAMETERS = ("bod", "cod", "tss", "tds", "fog", "tn", "nh4_n", "tp", "turbidity")


# -- JSON -----------------------------------------------------------------------


def design_to_json(design: "Design", currency: str | None = None) -> dict[str, Any]:
    """The whole design as plain JSON data (see docs/engine-design-json.md)."""
    costs = design.costs
    cur = (currency or costs.currency).upper()
    rate = costs.rate(cur)
    cost_json = costs.to_json(cur)
    unit_costs = cost_json.pop("units")
    return {
        "schema_version": SCHEMA_VERSION,
        "requirements": _requirements_json(design.requirements),
        "train": list(design.train),
        "units": [_unit_json(u, unit_costs.get(u.tag), rate, cur) for u in design.units],
        "streams": [s.to_json() for s in design.streams],
        "influent": design.influent.to_json(),
        "effluent": design.effluent.to_json(),
        "process": _process_json(design),
        "compliance": [_compliance_json(c) for c in design.compliance],
        "balance": {k: round_sig(float(v), 4) for k, v in design.balance.items()},
        "sludge": _sludge_json(costs, rate, cur),
        "energy": _energy_json(design, costs, rate, cur),
        "chemicals": _chemicals_json(design, costs, rate, cur),
        **cost_json,
        "alternatives": [_alternative_json(a, rate, cur) for a in design.alternatives],
        "choice_reason": design.choice_reason,
        "defaults_used": dict(design.defaults_used),
        "details": _plain(design.extra),
        "calculations": design.log.to_json(),
        "warnings": list(design.warnings),
    }


def _process_json(design: "Design") -> dict[str, Any]:
    """How the plant was solved: the client's water, what returns to the head, the sludge-line choice."""
    x = design.extra
    recycle = x.get("recycle", {})
    sludge = x.get("sludge_line")
    blending = x.get("blending")
    returned_flow = recycle.get("returned_flow")
    return {
        "raw_influent": raw_influent(design).to_json(),
        "returned": {
            "flow": qjson(returned_flow, "m3/d") if returned_flow is not None else {"value": 0.0, "unit": "m3/d"},
            "streams": list(recycle.get("returned_streams", [])),
            "passes": recycle.get("passes", 1),
            "converged": bool(recycle.get("converged", True)),
        },
        "sludge_line": None if sludge is None else {
            "decision": sludge["decision"], "reason": sludge["reason"],
            "dry_solids": qjson(sludge["dry_solids"], "kg/d"),
            "solids_fraction": round_sig(float(sludge["solids_fraction"].m_as("")), 6),
            "units": list(sludge["units"]),
        },
        "blending": None if blending is None else {
            "fraction": round_sig(float(blending["fraction"].m_as("")), 6), "note": blending["note"],
            "bypass": blending["bypass"],
        },
        "targets": {k: _plain(t) for k, t in x.get("targets", {}).items()},
        "feed_flow": qjson(x["feed_flow"], "m3/d") if x.get("feed_flow") is not None else None,
        "notes": list(x.get("notes", [])),
    }


def _money(q: pint.Quantity, rate: float, currency: str, per: str = "") -> dict[str, Any]:
    return {"value": round_sig(float(q.magnitude) * rate, 6), "unit": f"{currency}{per}"}


def _requirements_json(requirements: Any) -> Any:
    """Echo the requirements as given (the requirements model knows its own JSON form)."""
    if requirements is None:
        return None
    for method in ("to_json", "model_dump"):
        fn = getattr(requirements, method, None)
        if callable(fn):
            data = fn(mode="json") if method == "model_dump" else fn()
            return _plain(data)
    return _plain(requirements)


def _plain(value: Any) -> Any:
    """JSON-safe data: quantities become {"value", "unit"}."""
    if isinstance(value, pint.Quantity):
        return qjson(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return _plain(to_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return str(value)


def _unit_json(u: "UnitProcess", costs: dict[str, Any] | None, rate: float, cur: str) -> dict[str, Any]:
    data = u.to_json()
    items = [{"description": i.description, "category": i.category, "cost": _money(i.cost, rate, cur),
              "calculation": i.calc_id} for i in u.capex_items]
    opex_items = [{"description": i.description, "category": i.category, "annual": _money(i.annual, rate, cur, "/year"),
                   "calculation": i.calc_id} for i in u.opex_items]
    if costs is None:  # a unit the costing did not see (should not happen in a full design)
        costs = {"purchased": _money(u.equipment_cost, rate, cur), "purchased_by_category": {},
                 "installed": None, "total": None,
                 "opex": {"total": {"value": 0.0, "unit": f"{cur}/year"}, "by_category": {}}, "calculations": []}
    data["capex"] = {
        "total": costs["total"],
        "purchased": costs["purchased"],
        "installed": costs["installed"],
        "by_category": costs["purchased_by_category"],
        "items": items,
    }
    data["opex"] = {**costs["opex"], "items": opex_items}
    data["calculations"] = [r.id for r in u.log.for_unit(u.tag)]
    return data


def _compliance_json(c: "ComplianceItem") -> dict[str, Any]:
    return {
        "parameter": c.parameter,
        "label": PARAMETERS[c.parameter][1] if c.parameter in PARAMETERS else c.parameter,
        "effluent": qjson(c.effluent),
        "limit": qjson(c.limit),
        "low": qjson(c.low) if c.low is not None else None,
        "kind": c.kind,
        "met": bool(c.met),
        "margin": {"value": round_sig(float(c.margin) * 100, 4), "unit": "%"},
        "source": c.source,
    }


def _sludge_json(costs: CostSummary, rate: float, cur: str) -> dict[str, Any]:
    rows = [{
        "unit": r["unit"],
        "kind": r["kind"],
        "description": r["description"],
        "wet_mass": {"value": round_sig(r["wet_mass"], 6), "unit": "kg/d"},
        "wet_tonnes": {"value": round_sig(r["wet_tonnes_per_year"], 6), "unit": "t/year"},
        "disposal_cost": _money(Q_(r["annual"], "USD/year"), rate, cur, "/year"),
    } for r in costs.sludge]
    return {
        "streams": rows,
        "total_wet_mass": {"value": round_sig(sum(r["wet_mass"] for r in costs.sludge), 6), "unit": "kg/d"},
        "total_wet_tonnes": {"value": round_sig(sum(r["wet_tonnes_per_year"] for r in costs.sludge), 6),
                             "unit": "t/year"},
        "disposal_cost": _money(costs.opex_by_category["sludge"], rate, cur, "/year"),
    }


def _energy_json(design: "Design", costs: CostSummary, rate: float, cur: str) -> dict[str, Any]:
    installed = sum((u.installed_power for u in design.units), Q_(0.0, "kW"))
    return {
        "installed_power": qjson(installed, "kW"),
        "consumed_power": qjson(costs.energy["consumed_power"], "kW"),
        "annual": qjson(costs.energy["annual"], "kWh/year"),
        "specific": qjson(costs.energy["specific"], "kWh/m3"),
        "cost": _money(costs.opex_by_category["energy"], rate, cur, "/year"),
        "by_unit": {u.tag: {"installed": qjson(u.installed_power, "kW"), "consumed": qjson(u.consumed_power, "kW")}
                    for u in design.units},
    }


def _chemicals_json(design: "Design", costs: CostSummary, rate: float, cur: str) -> list[dict[str, Any]]:
    doses = {(u.tag, c.key): c.dose for u in design.units for c in u.chemicals}
    return [{
        "unit": r["unit"],
        "chemical": r["chemical"],
        "name": r["name"].get(design.ctx.language, r["name"]["en"]),
        "purpose": r["purpose"],
        "dose": qjson(doses[(r["unit"], r["chemical"])], "mg/L") if (r["unit"], r["chemical"]) in doses else None,
        "consumption": {"value": round_sig(r["consumption"], 6), "unit": "kg/d"},
        "price": {"value": round_sig(r["price"] * rate, 6), "unit": f"{cur}/kg"},
        "annual_cost": _money(Q_(r["annual"], "USD/year"), rate, cur, "/year"),
    } for r in costs.chemicals]


def _alternative_json(a: "Alternative", rate: float, cur: str) -> dict[str, Any]:
    return {
        "name": a.name,
        "train": list(a.train),
        "capex": _money(a.capex.to("USD"), rate, cur),
        "opex": _money(a.opex.to("USD/year"), rate, cur, "/year"),
        "lcow": _money(a.lcow.to("USD/m**3"), rate, cur, "/m3"),
        "meets_targets": bool(a.meets_targets),
        "chosen": bool(a.chosen),
        "reason": a.reason,
    }


# -- text -----------------------------------------------------------------------


def design_to_text(design: "Design", currency: str | None = None) -> str:
    """A readable conceptual-design report."""
    costs = design.costs
    cur = (currency or costs.currency).upper()
    rate = costs.rate(cur)
    out: list[str] = []
    title = "H2O Allegiant — conceptual design"
    out += [title, "=" * len(title), ""]
    out += _basis_section(design)
    out += _section("Treatment train")
    main, sludge_line = design.units[:len(design.train)], design.units[len(design.train):]
    out.append("  Water line:  " + " → ".join(f"{u.tag} {u.name}" for u in main))
    if sludge_line:
        out.append("  Sludge line: " + " → ".join(f"{u.tag} {u.name}" for u in sludge_line))
    if design.choice_reason:
        out.append(f"  Why this train: {design.choice_reason}")
    out += _units_section(design, rate, cur)
    out += _equipment_section(design)
    out += _compliance_section(design)
    out += _sludge_energy_section(design, costs)
    out += _costs_section(costs, rate, cur)
    if design.alternatives:
        out += _section("Alternatives compared")
        for a in design.alternatives:
            mark = "chosen" if a.chosen else ("meets targets" if a.meets_targets else "does not meet targets")
            out.append(f"  {'*' if a.chosen else '-'} {a.name} ({mark}): LCOW {_m(a.lcow.to('USD/m**3'), rate, cur, '/m3', 3)}, "
                       f"CAPEX {_m(a.capex.to('USD'), rate, cur)}, OPEX {_m(a.opex.to('USD/year'), rate, cur, '/year')}")
            if a.reason:
                out.append(f"      {a.reason}")
    if design.warnings:
        out += _section("Warnings")
        out += [f"  ! {w}" for w in design.warnings]
    if design.defaults_used:
        out += _section("Defaults used (not given by the client)")
        out += [f"  {k}: {v}" for k, v in design.defaults_used.items()]
    out += ["", f"Every number above has a calculation record ({len(design.log.records)} records): "
                "see the JSON output (--format json), key \"calculations\"."]
    return "\n".join(out) + "\n"


def _section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _m(q: pint.Quantity, rate: float, cur: str, per: str = "", digits: int = 0) -> str:
    value = float(q.magnitude) * rate
    return f"{value:,.{digits}f} {cur}{per}"


def _label(name: str) -> str:
    return PARAMETERS[name][1] if name in PARAMETERS else name


def _quality_line(stream: Stream) -> str:
    parts = [f"{_label(p)} {fmt(stream.quality[p])}" for p in KEY_PARAMETERS if p in stream.quality]
    return ", ".join(parts) or "no quality data"


def raw_influent(design: "Design") -> Stream:
    """The water the client sends to the plant (S1), before any returned stream joins it."""
    raw = design.extra.get("raw_influent")
    return raw if isinstance(raw, Stream) else design.influent


def _basis_section(design: "Design") -> list[str]:
    ctx = design.ctx
    raw = raw_influent(design)
    out = ["Design basis", "------------"]
    sector = ctx.sector + (f" / {ctx.subsector}" if ctx.subsector else "")
    out.append(f"  Sector: {sector}    Destination: {ctx.destination}")
    out.append(f"  Flow: {fmt(raw.flow, 'm3/d')} average, {fmt(raw.peak_flow, 'm3/d')} peak "
               f"(peak factor {raw.peak_factor:.2g})")
    out.append(f"  Influent: {_quality_line(raw)}")
    ids = set(design.extra.get("recycle", {}).get("returned_streams", []))
    returned = [s for s in design.streams if s.id in ids]
    if returned:
        names = ", ".join(f"{s.id} {s.kind} from {s.source}" for s in returned)
        out.append(f"  Returned to the head of the plant: {fmt(design.influent.flow - raw.flow, 'm3/d')} ({names}); "
                   f"the first unit treats {fmt(design.influent.flow, 'm3/d')}: {_quality_line(design.influent)}")
    if ctx.targets:
        out.append("  Targets: " + ", ".join(_target_text(k, v, design.extra.get("targets", {}).get(k))
                                           for k, v in ctx.targets.items()))
    out.append(f"  Site elevation: {fmt(ctx.site_elevation.quantity, 'm')} above sea level ({ctx.site_elevation.source})")
    out.append(f"  Economics: electricity {fmt(ctx.electricity_price.quantity, 'USD/kWh')}, "
               f"operator {fmt(ctx.labour_cost.quantity, 'USD/year')}, "
               f"sludge disposal {fmt(ctx.sludge_disposal_price.quantity, 'USD/t')}, discount rate "
               f"{ctx.discount_rate.quantity.m_as('dimensionless'):.1%}, life {ctx.plant_life.quantity.m_as('year'):g} years")
    return out


def _target_text(name: str, limit: Any, target: Any) -> str:
    low, high = getattr(target, "min", None), getattr(target, "max", None)
    if low is not None and high is not None:
        return f"{_label(name)} {fmt(low)} – {fmt(high)}"
    if low is not None:
        return f"{_label(name)} ≥ {fmt(low)}"
    return f"{_label(name)} ≤ {fmt(limit)}"


def _units_section(design: "Design", rate: float, cur: str) -> list[str]:
    out = _section("Units")
    for u in design.units:
        head = f"{u.tag}  {u.name}"
        extras = []
        if u.trains > 1:
            extras.append(f"{u.trains} trains")
        if u.packaged:
            extras.append("packaged unit")
        out.append("  " + head + (f"  ({', '.join(extras)})" if extras else ""))
        for value in u.sizing.values():
            out.append(f"      {value.description}: {fmt(value.quantity)}")
        if u.power:
            out.append(f"      Power: {fmt(u.installed_power, 'kW')} installed, {fmt(u.consumed_power, 'kW')} consumed")
        for c in u.chemicals:
            out.append(f"      {c.purpose}: {c.key.replace('_', ' ')} {fmt(c.dose, 'mg/L')} → {fmt(c.consumption, 'kg/d')}")
        for s in u.side_streams:
            out.append(f"      {s.kind.capitalize()}: {fmt(s.flow, 'm3/d')}" + (f", TSS {fmt(s.quality['tss'])}" if "tss" in s.quality else ""))
        for r in u.residuals:
            out.append(f"      {r['kind'].capitalize()}: {fmt(r['volume'], 'm3/d')} ({fmt(r['mass'], 'kg/d')}) to {r['disposal']}")
        if u.effluent is not None:
            out.append(f"      Effluent: {fmt(u.effluent.flow, 'm3/d')}; {_quality_line(u.effluent)}")
        if u.tag in design.costs.units:
            uc = design.costs.units[u.tag]
            out.append(f"      Cost: purchased {_m(uc.purchased_total, rate, cur)}, installed {_m(uc.installed, rate, cur)}, "
                       f"OPEX {_m(uc.opex_total, rate, cur, '/year')}")
        for note in u.notes:
            out.append(f"      Note: {note}")
    return out


def _equipment_section(design: "Design") -> list[str]:
    out = _section("Equipment list")
    out.append(f"  {'Tag':<12} {'Qty':>10}  {'Description':<58} {'Capacity':>16} {'Power':>10}")
    for u in design.units:
        for e in u.equipment:
            qty = f"{e.quantity}" + (f" ({e.standby} sb)" if e.standby else "")  # sb: installed standby
            cap = fmt(e.capacity) if e.capacity is not None else ""
            power = fmt(e.power, "kW") if e.power is not None else ""
            desc = e.description if len(e.description) <= 58 else e.description[:57] + "…"
            out.append(f"  {e.tag:<12} {qty:>10}  {desc:<58} {cap:>16} {power:>10}")
    return out


def _compliance_section(design: "Design") -> list[str]:
    out = _section("Treated water and compliance")
    out.append(f"  Effluent: {fmt(design.effluent.flow, 'm3/d')}; {_quality_line(design.effluent)}")
    if not design.compliance:
        out.append("  No targets were set.")
        return out
    out.append(f"  {'Parameter':<24} {'Effluent':>14} {'Limit':>16} {'Met':>4} {'Margin':>8}")
    for c in design.compliance:
        if c.kind == "range" and c.low is not None:
            limit = f"{fmt(c.low)} – {fmt(c.limit)}"
        else:
            limit = ("≥ " if c.kind == "min" else "≤ ") + fmt(c.limit)
        out.append(f"  {_label(c.parameter):<24} {fmt(c.effluent):>14} {limit:>16} {'yes' if c.met else 'NO':>4} "
                   f"{c.margin:>+8.0%}")
    met = sum(1 for c in design.compliance if c.met)
    out.append(f"  {met} of {len(design.compliance)} targets met.")
    return out


def _sludge_energy_section(design: "Design", costs: CostSummary) -> list[str]:
    out = _section("Sludge, residuals and energy")
    if costs.sludge:
        for r in costs.sludge:
            out.append(f"  {r['unit']}: {r['description']}, {r['wet_mass']:,.0f} kg/d wet "
                       f"({r['wet_tonnes_per_year']:,.0f} t/year)")
    else:
        out.append("  No sludge or residuals leave the plant.")
    installed = sum((u.installed_power for u in design.units), Q_(0.0, "kW"))
    out.append(f"  Power: {fmt(installed, 'kW')} installed, {fmt(costs.energy['consumed_power'], 'kW')} average; "
               f"{fmt(costs.energy['annual'], 'kWh/year')}, {fmt(costs.energy['specific'], 'kWh/m3')}")
    return out


def _costs_section(costs: CostSummary, rate: float, cur: str) -> list[str]:
    data = currency_data()
    out = _section(f"Costs ({cur} of {costs.cost_year})")
    if cur != "USD":
        out.append(f"  Converted from USD at {rate:,.4g} {cur}/USD "
                   f"({data['rate_date'] if cur not in costs.overridden_rates() else 'rate given by the caller'}).")
    out.append(f"  CAPEX {_m(costs.capex_total, rate, cur)}  — AACE Class {costs.aace_class} estimate, "
               f"{costs.accuracy_low:+.0%} / {costs.accuracy_high:+.0%}: "
               f"{_m(costs.range_low, rate, cur)} to {_m(costs.range_high, rate, cur)}")
    for key, q in costs.capex_by_category.items():
        if q.magnitude:
            out.append(f"      {key.capitalize():<14} {_m(q, rate, cur):>22}")
    out.append("    By unit:")
    for tag, q in costs.capex_by_unit.items():
        out.append(f"      {tag:<14} {_m(q, rate, cur):>22}")
    out.append(f"  OPEX {_m(costs.opex_total, rate, cur, '/year')}")
    for key, q in costs.opex_by_category.items():
        if q.magnitude:
            out.append(f"      {key.capitalize():<14} {_m(q, rate, cur, '/year'):>27}")
    out.append(f"      ({costs.operators:g} operator{'' if costs.operators == 1 else 's'})")
    out.append(f"  LCOW {_m(costs.lcow, rate, cur, '/m3', 3)}  (CRF {costs.crf:.4f}/year at "
               f"{costs.discount_rate:.1%} over {costs.plant_life.m_as('year'):g} years, "
               f"{fmt(costs.annual_volume, 'm3/year')} treated)")
    for c in costs.cross_checks:
        verdict = {True: "agrees", False: "DISAGREES", None: "not comparable (extrapolated)"}[c["agrees"]]
        out.append(f"  Cross-check {c['unit']}: cost curve {_m(c['curve'], rate, cur)} vs historical prices "
                   f"{_m(c['historical'], rate, cur)} ({c['ratio']:.2g}×, {verdict})")
    return out
