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

from .costing import CostSummary, _chemicals, currency_data
from .i18n import Translator, local_number, local_quantity, mark
from .quantities import Q_, qjson, round_sig
from .stream import PARAMETERS, Stream, parameter_label

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
        "compliance": [_compliance_json(c, design.ctx.language) for c in design.compliance],
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


def _compliance_json(c: "ComplianceItem", language: str) -> dict[str, Any]:
    return {
        "parameter": c.parameter,
        "label": _Text(language).label(c.parameter),
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


# Words the text report shows for keys of the design (stream and residual kinds, disposal routes,
# cost categories): translated where they are shown.
_WORDS = {
    "water": mark("water"), "effluent": mark("effluent"), "sludge": mark("sludge"), "cake": mark("cake"),
    "filtrate": mark("filtrate"), "centrate": mark("centrate"), "supernatant": mark("supernatant"),
    "backwash": mark("backwash"), "concentrate": mark("concentrate"), "reject": mark("reject"), "oil": mark("oil"),
    "scum": mark("scum"), "float": mark("float"), "permeate": mark("permeate"), "screenings": mark("screenings"),
    "grit": mark("grit"), "spent cartridges": mark("spent cartridges"), "landfill": mark("landfill"),
    "equipment": mark("equipment"), "civil": mark("civil"), "membranes": mark("membranes"), "media": mark("media"),
    "installation": mark("installation"), "engineering": mark("engineering"), "contractor": mark("contractor"),
    "contingency": mark("contingency"), "energy": mark("energy"), "chemicals": mark("chemicals"),
    "labour": mark("labour"), "maintenance": mark("maintenance"), "replacement": mark("replacement"),
}


class _Text(Translator):
    """The report's words (``t``) and numbers in the design's language."""

    def __init__(self, language: str):
        self.language = language

    def q(self, q: pint.Quantity, unit: str | None = None) -> str:
        return self.per_year(local_quantity(q, self.language, unit))

    def n(self, text: str) -> str:
        return self.per_year(local_number(text, self.language))

    def per_year(self, text: str) -> str:
        """``… USD/year`` with the year in the language (``USD/año``); other unit symbols stay as they are."""
        return text if self.language == "en" else text.replace("/year", "/" + self.t("year"))

    def word(self, key: str) -> str:
        return self.t(_WORDS[key]) if key in _WORDS else key

    def label(self, name: str) -> str:
        return parameter_label(name, self.language) if name in PARAMETERS else name

    def m(self, q: pint.Quantity, rate: float, cur: str, per: str = "", digits: int = 0) -> str:
        return self.n(_m(q, rate, cur, per, digits))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plant_words(design: "Design", language: str) -> tuple[str, str]:
    """The plant's sector (``industrial / brewery``) and destination as the report and the diagram name them.

    English keeps the keys of the requirements (as the report always wrote them); other languages
    take the bilingual names of the data files.
    """
    ctx = design.ctx
    if language == "en":
        return ctx.sector + (f" / {ctx.subsector}" if ctx.subsector else ""), ctx.destination
    from .requirements import destinations_data, sectors_data

    def name(entry: dict[str, Any] | None, fallback: str) -> str:
        names = (entry or {}).get("name")
        return names.get(language) or names.get("en", fallback) if isinstance(names, dict) else fallback

    sector = sectors_data()["sectors"].get(ctx.sector, {})
    text = name(sector, ctx.sector)
    if ctx.subsector:
        text += " / " + name(sector.get("subsectors", {}).get(ctx.subsector), ctx.subsector)
    destination = name(destinations_data()["destinations"].get(ctx.destination), ctx.destination)
    return text.lower(), destination[:1].lower() + destination[1:]


def design_to_text(design: "Design", currency: str | None = None) -> str:
    """A readable conceptual-design report, in the design's language."""
    w = _Text(design.ctx.language)
    costs = design.costs
    cur = (currency or costs.currency).upper()
    rate = costs.rate(cur)
    out: list[str] = []
    title = w.t("H2O Allegiant — conceptual design")
    out += [title, "=" * len(title), ""]
    out += _basis_section(design, w)
    out += _section(w.t("Treatment train"))
    main, sludge_line = design.units[:len(design.train)], design.units[len(design.train):]
    water_word, sludge_word = w.t("Water line:"), w.t("Sludge line:")
    width = max(len(water_word), len(sludge_word)) + 1
    out.append(f"  {water_word:<{width}}" + " → ".join(f"{u.tag} {u.name}" for u in main))
    if sludge_line:
        out.append(f"  {sludge_word:<{width}}" + " → ".join(f"{u.tag} {u.name}" for u in sludge_line))
    if design.choice_reason:
        out.append("  " + w.t("Why this train: {reason}", reason=design.choice_reason))
    out += _units_section(design, rate, cur, w)
    out += _equipment_section(design, w)
    out += _compliance_section(design, w)
    out += _sludge_energy_section(design, costs, w)
    out += _costs_section(costs, rate, cur, w)
    if design.alternatives:
        out += _section(w.t("Alternatives compared"))
        for a in design.alternatives:
            status = (w.t("chosen") if a.chosen else
                      w.t("meets targets") if a.meets_targets else w.t("does not meet targets"))
            out.append(f"  {'*' if a.chosen else '-'} " + w.t(
                "{name} ({status}): LCOW {lcow}, CAPEX {capex}, OPEX {opex}", name=a.name, status=status,
                lcow=w.m(a.lcow.to("USD/m**3"), rate, cur, "/m3", 3), capex=w.m(a.capex.to("USD"), rate, cur),
                opex=w.m(a.opex.to("USD/year"), rate, cur, "/year")))
            if a.reason:
                out.append(f"      {a.reason}")
    if design.warnings:
        out += _section(w.t("Warnings"))
        out += [f"  ! {x}" for x in design.warnings]
    if design.defaults_used:
        out += _section(w.t("Defaults used (not given by the client)"))
        out += [f"  {k if w.language == 'en' else w.label(k)}: {v}" for k, v in design.defaults_used.items()]
    out += ["", w.t("Every number above has a calculation record ({n} records): see the JSON output (--format json), "
                    "key \"calculations\".", n=len(design.log.records))]
    return "\n".join(out) + "\n"


def _section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _m(q: pint.Quantity, rate: float, cur: str, per: str = "", digits: int = 0) -> str:
    value = float(q.magnitude) * rate
    return f"{value:,.{digits}f} {cur}{per}"


def _quality_line(stream: Stream, w: _Text) -> str:
    parts = [f"{w.label(p)} {w.q(stream.quality[p])}" for p in KEY_PARAMETERS if p in stream.quality]
    return ", ".join(parts) or w.t("no quality data")


def raw_influent(design: "Design") -> Stream:
    """The water the client sends to the plant (S1), before any returned stream joins it."""
    raw = design.extra.get("raw_influent")
    return raw if isinstance(raw, Stream) else design.influent


def _basis_section(design: "Design", w: _Text) -> list[str]:
    ctx = design.ctx
    raw = raw_influent(design)
    heading = w.t("Design basis")
    out = [heading, "-" * len(heading)]
    sector, destination = plant_words(design, w.language)
    out.append("  " + w.t("Sector: {sector}    Destination: {destination}", sector=sector, destination=destination))
    out.append("  " + w.t("Flow: {average} average, {peak} peak (peak factor {factor:.2g})",
                          average=w.q(raw.flow, "m3/d"), peak=w.q(raw.peak_flow, "m3/d"), factor=raw.peak_factor))
    out.append("  " + w.t("Influent: {quality}", quality=_quality_line(raw, w)))
    ids = set(design.extra.get("recycle", {}).get("returned_streams", []))
    returned = [s for s in design.streams if s.id in ids]
    if returned:
        names = ", ".join(w.t("{id} {kind} from {source}", id=s.id, kind=w.word(s.kind), source=s.source)
                          for s in returned)
        out.append("  " + w.t("Returned to the head of the plant: {flow} ({streams}); the first unit treats {head}: "
                              "{quality}", flow=w.q(design.influent.flow - raw.flow, "m3/d"), streams=names,
                              head=w.q(design.influent.flow, "m3/d"), quality=_quality_line(design.influent, w)))
    if ctx.targets:
        out.append("  " + w.t("Targets: {targets}", targets=", ".join(
            _target_text(k, v, design.extra.get("targets", {}).get(k), w) for k, v in ctx.targets.items())))
    out.append("  " + w.t("Site elevation: {elevation} above sea level ({source})",
                          elevation=w.q(ctx.site_elevation.quantity, "m"), source=w.t(ctx.site_elevation.source)))
    out.append("  " + w.t("Economics: electricity {electricity}, operator {operator}, sludge disposal {sludge}, "
                          "discount rate {rate:.1%}, life {life:g} years",
                          electricity=w.q(ctx.electricity_price.quantity, "USD/kWh"),
                          operator=w.q(ctx.labour_cost.quantity, "USD/year"),
                          sludge=w.q(ctx.sludge_disposal_price.quantity, "USD/t"),
                          rate=ctx.discount_rate.quantity.m_as("dimensionless"),
                          life=ctx.plant_life.quantity.m_as("year")))
    return out


def _target_text(name: str, limit: Any, target: Any, w: _Text) -> str:
    low, high = getattr(target, "min", None), getattr(target, "max", None)
    if low is not None and high is not None:
        return f"{w.label(name)} {w.q(low)} – {w.q(high)}"
    if low is not None:
        return f"{w.label(name)} ≥ {w.q(low)}"
    return f"{w.label(name)} ≤ {w.q(limit)}"


def _units_section(design: "Design", rate: float, cur: str, w: _Text) -> list[str]:
    out = _section(w.t("Units"))
    for u in design.units:
        head = f"{u.tag}  {u.name}"
        extras = []
        if u.trains > 1:
            extras.append(w.t("{n} trains", n=u.trains))
        if u.packaged:
            extras.append(w.t("packaged unit"))
        out.append("  " + head + (f"  ({', '.join(extras)})" if extras else ""))
        for value in u.sizing.values():
            out.append(f"      {value.description}: {w.q(value.quantity)}")
        if u.power:
            out.append("      " + w.t("Power: {installed} installed, {consumed} consumed",
                                      installed=w.q(u.installed_power, "kW"), consumed=w.q(u.consumed_power, "kW")))
        for c in u.chemicals:
            out.append(f"      {c.purpose}: {_chemical_name(c.key, w.language)} {w.q(c.dose, 'mg/L')} → "
                       f"{w.q(c.consumption, 'kg/d')}")
        for s in u.side_streams:
            tss = w.t(", {tss} {value}", tss=w.label("tss"), value=w.q(s.quality["tss"])) if "tss" in s.quality else ""
            out.append(f"      {_capital(w.word(s.kind))}: {w.q(s.flow, 'm3/d')}" + tss)
        for r in u.residuals:
            out.append("      " + w.t("{kind}: {volume} ({mass}) to {disposal}", kind=_capital(w.word(r["kind"])),
                                      volume=w.q(r["volume"], "m3/d"), mass=w.q(r["mass"], "kg/d"),
                                      disposal=w.word(r["disposal"])))
        if u.effluent is not None:
            out.append("      " + w.t("Effluent: {flow}; {quality}", flow=w.q(u.effluent.flow, "m3/d"),
                                      quality=_quality_line(u.effluent, w)))
        if u.tag in design.costs.units:
            uc = design.costs.units[u.tag]
            out.append("      " + w.t("Cost: purchased {purchased}, installed {installed}, OPEX {opex}",
                                      purchased=w.m(uc.purchased_total, rate, cur), installed=w.m(uc.installed, rate, cur),
                                      opex=w.m(uc.opex_total, rate, cur, "/year")))
        for note in u.notes:
            out.append("      " + w.t("Note: {note}", note=note))
    return out


def _chemical_name(key: str, language: str) -> str:
    """A chemical's name: its key in English (as the report always wrote it), the data file's name otherwise."""
    if language != "en":
        names = (_chemicals()["chemicals"].get(key) or {}).get("name")
        if isinstance(names, dict) and names.get(language):
            return names[language][:1].lower() + names[language][1:]
    return key.replace("_", " ")


def _equipment_section(design: "Design", w: _Text) -> list[str]:
    out = _section(w.t("Equipment list"))
    out.append(f"  {w.t('Tag'):<12} {w.t('Qty'):>10}  {w.t('Description'):<58} {w.t('Capacity'):>16} "
               f"{w.t('Power'):>10}")
    for u in design.units:
        for e in u.equipment:
            # sb: installed standby
            qty = f"{e.quantity}" + (" " + w.t("({n} sb)", n=e.standby) if e.standby else "")
            cap = w.q(e.capacity) if e.capacity is not None else ""
            power = w.q(e.power, "kW") if e.power is not None else ""
            desc = e.description if len(e.description) <= 58 else e.description[:57] + "…"
            out.append(f"  {e.tag:<12} {qty:>10}  {desc:<58} {cap:>16} {power:>10}")
    return out


def _compliance_section(design: "Design", w: _Text) -> list[str]:
    out = _section(w.t("Treated water and compliance"))
    out.append("  " + w.t("Effluent: {flow}; {quality}", flow=w.q(design.effluent.flow, "m3/d"),
                          quality=_quality_line(design.effluent, w)))
    if not design.compliance:
        out.append("  " + w.t("No targets were set."))
        return out
    out.append(f"  {w.t('Parameter'):<24} {w.t('Effluent'):>14} {w.t('Limit'):>16} {w.t('Met'):>4} "
               f"{w.t('Margin'):>8}")
    for c in design.compliance:
        if c.kind == "range" and c.low is not None:
            limit = f"{w.q(c.low)} – {w.q(c.limit)}"
        else:
            limit = ("≥ " if c.kind == "min" else "≤ ") + w.q(c.limit)
        met = w.t("yes") if c.met else w.t("NO")
        out.append(f"  {w.label(c.parameter):<24} {w.q(c.effluent):>14} {limit:>16} {met:>4} "
                   f"{w.n(format(c.margin, '>+8.0%'))}")
    met = sum(1 for c in design.compliance if c.met)
    out.append("  " + w.t("{met} of {total} targets met.", met=met, total=len(design.compliance)))
    return out


def _sludge_energy_section(design: "Design", costs: CostSummary, w: _Text) -> list[str]:
    out = _section(w.t("Sludge, residuals and energy"))
    if costs.sludge:
        for r in costs.sludge:
            out.append(f"  {r['unit']}: " + w.t("{description}, {wet:,.0f} kg/d wet ({tonnes:,.0f} t/year)",
                                                 description=r["description"], wet=r["wet_mass"],
                                                 tonnes=r["wet_tonnes_per_year"]))
    else:
        out.append("  " + w.t("No sludge or residuals leave the plant."))
    installed = sum((u.installed_power for u in design.units), Q_(0.0, "kW"))
    out.append("  " + w.t("Power: {installed} installed, {average} average; {annual}, {specific}",
                          installed=w.q(installed, "kW"), average=w.q(costs.energy["consumed_power"], "kW"),
                          annual=w.q(costs.energy["annual"], "kWh/year"), specific=w.q(costs.energy["specific"], "kWh/m3")))
    return out


def _costs_section(costs: CostSummary, rate: float, cur: str, w: _Text) -> list[str]:
    data = currency_data()
    out = _section(w.t("Costs ({currency} of {year})", currency=cur, year=str(costs.cost_year)))
    if cur != "USD":
        when = w.t(data["rate_date"]) if cur not in costs.overridden_rates() else w.t("rate given by the caller")
        out.append("  " + w.t("Converted from USD at {rate:,.4g} {currency}/USD ({when}).", rate=rate, currency=cur,
                              when=when))
    out.append("  " + w.t("CAPEX {capex}  — AACE Class {cls} estimate, {low:+.0%} / {high:+.0%}: {bottom} to {top}",
                          capex=w.m(costs.capex_total, rate, cur), cls=str(costs.aace_class), low=costs.accuracy_low,
                          high=costs.accuracy_high, bottom=w.m(costs.range_low, rate, cur),
                          top=w.m(costs.range_high, rate, cur)))
    # Category names wider than the English column (13 characters) widen it.
    width = max([14] + [len(w.word(k)) + 1 for k in (*costs.capex_by_category, *costs.opex_by_category)])
    for key, q in costs.capex_by_category.items():
        if q.magnitude:
            out.append(f"      {_capital(w.word(key)):<{width}} {w.m(q, rate, cur):>22}")
    out.append("    " + w.t("By unit:"))
    for tag, q in costs.capex_by_unit.items():
        out.append(f"      {tag:<{width}} {w.m(q, rate, cur):>22}")
    out.append("  " + w.t("OPEX {opex}", opex=w.m(costs.opex_total, rate, cur, "/year")))
    for key, q in costs.opex_by_category.items():
        if q.magnitude:
            out.append(f"      {_capital(w.word(key)):<{width}} {w.m(q, rate, cur, '/year'):>27}")
    operators = costs.operators
    out.append("      (" + (w.t("{n:g} operator", n=operators) if operators == 1
                            else w.t("{n:g} operators", n=operators)) + ")")
    out.append("  " + w.t("LCOW {lcow}  (CRF {crf:.4f}/year at {rate:.1%} over {life:g} years, {volume} treated)",
                          lcow=w.m(costs.lcow, rate, cur, "/m3", 3), crf=costs.crf, rate=costs.discount_rate,
                          life=costs.plant_life.m_as("year"), volume=w.q(costs.annual_volume, "m3/year")))
    for c in costs.cross_checks:
        verdict = {True: w.t("agrees"), False: w.t("DISAGREES"), None: w.t("not comparable (extrapolated)")}[c["agrees"]]
        out.append("  " + w.t("Cross-check {unit}: cost curve {curve} vs historical prices {historical} ({ratio:.2g}×, "
                              "{verdict})", unit=c["unit"], curve=w.m(c["curve"], rate, cur),
                              historical=w.m(c["historical"], rate, cur), ratio=c["ratio"], verdict=verdict))
    return out
