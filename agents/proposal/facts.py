"""What the engine computed, in the shape the proposal needs.

`DesignFacts.from_design(design, ...)` reads one engine `Design` (through its
stable JSON contract, `report.design_to_json`, in the report currency) and
keeps what the proposal shows: the key figures, the units with their key
sizes, the equipment list, the costs by unit and by category, the
alternatives, the historical-price cross-checks, the design basis (each
value with where it came from) and the process flow diagram (SVG).

Every number a proposal prints comes from here. The agent's tools hand the
model `summary()` and `alternatives`, and its numbers are the only ones the
model's prose may state (agents/proposal/numbers.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.utils.translation import override

from .format import number_text, quantity_text, unit_label

if TYPE_CHECKING:
    from agents.engine import Design

# Sizing entries shown in a unit's "key sizes", in this order of preference
# (the first SIZES_SHOWN present; units that have none of them show their first entries).
SIZES_SHOWN = 6
KEY_SIZES: dict[str, Any] = {
    "volume": _("Total volume"),
    "tank_volume": _("Volume of each tank"),
    "aerobic_volume": _("Aerobic volume"),
    "anoxic_volume": _("Anoxic volume"),
    "basins": _("Basins"),
    "basin_volume": _("Volume of each basin"),
    "surface_area": _("Total surface area"),
    "area": _("Total area"),
    "unit_area": _("Area of each unit"),
    "projected_area": _("Projected plate area"),
    "diameter": _("Diameter"),
    "side_water_depth": _("Side water depth"),
    "depth": _("Water depth"),
    "channel_width": _("Channel width"),
    "membrane_area": _("Membrane area"),
    "cassettes": _("Membrane cassettes"),
    "elements": _("Membrane elements"),
    "stages": _("Stages"),
    "housings": _("Housings (duty + standby)"),
    "cartridges": _("Cartridges installed"),
    "filter_area": _("Filter area"),
    "filters": _("Filters"),
    "vessels": _("Pressure vessels"),
    "lamps": _("UV lamps"),
    "reactors": _("UV reactors"),
    "tanks": _("Tanks"),
    "hrt": _("Hydraulic retention time"),
    "retention_time": _("Retention time"),
    "detention_time": _("Detention time"),
    "srt": _("Solids retention time"),
    "flux": _("Average flux"),
    "flux_avg": _("Net flux at average flow"),
    "recovery": _("Recovery"),
    "feed_pressure": _("Feed pressure"),
    "permeate_flow": _("Permeate flow"),
    "air_flow": _("Air flow"),
    "dose": _("Dose"),
    "ct_required": _("CT required"),
    "t10": _("Contact time T10"),
    "headloss": _("Headloss"),
    "screenings": _("Screenings"),
    "grit": _("Grit removed"),
    "px_tss": _("Excess sludge"),
    "float_flow": _("Float flow"),
    "sludge_flow": _("Sludge flow"),
    "recycle_ratio": _("Recycle ratio"),
    "coagulant_feed": _("Coagulant feed"),
    "specific_energy": _("Specific energy"),
    "cake_flow": _("Cake"),
}

COST_CATEGORIES: dict[str, Any] = {
    "equipment": _("Equipment"),
    "civil": _("Civil works"),
    "membranes": _("Membranes"),
    "media": _("Media"),
    "installation": _("Installation"),
    "engineering": _("Engineering"),
    "contractor": _("Contractor"),
    "contingency": _("Contingency"),
    "energy": _("Energy"),
    "chemicals": _("Chemicals"),
    "sludge": _("Sludge disposal"),
    "labour": _("Labour"),
    "maintenance": _("Maintenance"),
    "replacement": _("Replacement"),
}

DESTINATIONS: dict[str, Any] = {
    "sewer": _("discharge to the municipal sewer"),
    "surface_water": _("discharge to surface water"),
    "irrigation_reuse": _("reuse for irrigation"),
    "industrial_reuse": _("reuse as process water"),
    "boiler_feed": _("boiler feed water"),
    "potable": _("drinking water"),
}

WATER_KINDS: dict[str, Any] = {
    "wastewater": _("wastewater"),
    "raw_water": _("raw water"),
}


def _value(q: Any) -> float | None:
    """The magnitude of a {"value", "unit"} dict (or a bare number)."""
    if isinstance(q, Mapping):
        q = q.get("value")
    if isinstance(q, bool) or q is None:
        return None
    try:
        value = float(q)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _unit(q: Any) -> str:
    return str(q.get("unit", "")) if isinstance(q, Mapping) else ""


def _is_client(source: str) -> bool:
    return source.strip().lower().startswith("user")


@dataclass
class Figures:
    """The proposal's key figures, in the report currency (money) and per m³ (LCOW)."""

    currency: str
    capex: float
    capex_low: float
    capex_high: float
    opex_per_year: float
    lcow: float
    estimate_class: int
    accuracy_low_percent: float
    accuracy_high_percent: float
    accuracy_basis: str
    cost_year: int
    capex_usd: float
    opex_usd_per_year: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class BasisRow:
    key: str  # requirements path: flow.average, influent.bod, targets.bod…
    label: str
    value: str
    client: bool
    source: str  # "" for the client's values, else where the default comes from
    skipped: bool = False  # a questionnaire question the client skipped (a typical value was used)


@dataclass
class DesignFacts:
    language: str
    currency: str
    data: dict[str, Any]  # design_to_json(design, currency)
    figures: Figures
    train: list[dict[str, Any]]  # main line: tag, type, name
    units: list[dict[str, Any]]
    equipment: list[dict[str, Any]]
    compliance: list[dict[str, Any]]
    alternatives: list[dict[str, Any]]
    cross_checks: list[dict[str, Any]]
    basis: list[BasisRow]
    capex_by_unit: list[dict[str, Any]]
    capex_by_category: list[dict[str, Any]]
    opex_by_category: list[dict[str, Any]]
    economics: dict[str, Any]
    energy: dict[str, Any]
    sludge: dict[str, Any]
    chemicals: list[dict[str, Any]]
    flow: dict[str, Any]
    destination: str
    water_kind: str
    sector: str
    subsector: str
    location: dict[str, Any]
    choice_reason: str
    warnings: list[str]
    notes: list[str]
    pfd_svg: str
    project: dict[str, Any] = field(default_factory=dict)

    # --- building -----------------------------------------------------------------

    @classmethod
    def from_design(
        cls,
        design: Design,
        *,
        language: str,
        project: Mapping[str, Any] | None = None,
        skipped: set[str] | frozenset[str] = frozenset(),
        pfd_svg: str | None = None,
    ) -> DesignFacts:
        """`skipped`: requirement paths (influent.bod, destination.type…) the client
        left to a typical value in the questionnaire."""
        from agents.engine.pfd import render_pfd_svg
        from agents.engine.report import design_to_json

        currency = design.costs.currency.upper()
        data = design_to_json(design, currency=currency)
        resolved = design.requirements.resolved()
        capex, opex = data["capex"], data["opex"]
        accuracy = capex.get("accuracy") or {}
        figures = Figures(
            currency=currency,
            capex=_value(capex["total"]) or 0.0,
            capex_low=_value(capex.get("range_low")) or 0.0,
            capex_high=_value(capex.get("range_high")) or 0.0,
            opex_per_year=_value(opex["total"]) or 0.0,
            lcow=_value(data["lcow"]) or 0.0,
            estimate_class=int(capex.get("aace_class") or 5),
            accuracy_low_percent=float(accuracy.get("low_percent") or 0),
            accuracy_high_percent=float(accuracy.get("high_percent") or 0),
            accuracy_basis=str(accuracy.get("basis") or ""),
            cost_year=int(capex.get("cost_year") or data.get("economics", {}).get("cost_year") or 0),
            capex_usd=design.costs.convert(design.costs.capex_total, "USD"),
            opex_usd_per_year=design.costs.convert(design.costs.opex_total, "USD"),
        )
        main_tags = [u["tag"] for u in data["units"][: len(data["train"])]]
        with override(language):
            units = [_unit_facts(u, data, line="water" if u["tag"] in main_tags else "sludge") for u in data["units"]]
            names = {u["tag"]: u["name"] for u in units}
            facts = cls(
                language=language,
                currency=currency,
                data=data,
                figures=figures,
                train=[{"tag": u["tag"], "type": u["type"], "name": u["name"]} for u in units if u["line"] == "water"],
                units=units,
                equipment=[item for u in units for item in u["equipment"]],
                compliance=_compliance(data, language),
                alternatives=_alternatives(data, language),
                cross_checks=_cross_checks(data, names, language),
                basis=_basis(resolved, data, language, skipped),
                capex_by_unit=[
                    {"tag": tag, "name": names.get(tag, tag), "value": _value(value) or 0.0}
                    for tag, value in capex.get("by_unit", {}).items()
                ],
                capex_by_category=_categories(capex.get("by_category", {})),
                opex_by_category=_categories(opex.get("by_category", {})),
                economics=data.get("economics", {}),
                energy=data.get("energy", {}),
                sludge=data.get("sludge", {}),
                chemicals=data.get("chemicals", []),
                flow={
                    "average": resolved.flow.quantity.m_as("m**3/day"),
                    "peak": resolved.flow.quantity.m_as("m**3/day") * float(resolved.peak_factor.quantity.m_as("")),
                    "treated": _value(data.get("effluent", {}).get("flow")) or 0.0,
                },
                destination=resolved.destination,
                water_kind=resolved.kind,
                sector=resolved.sector,
                subsector=resolved.subsector,
                location={
                    "country": resolved.country or "",
                    "country_name": _country_name(resolved.country, language, resolved.country_name or ""),
                    "city": resolved.city or "",
                },
                choice_reason=data.get("choice_reason", ""),
                warnings=list(data.get("warnings", [])),
                notes=[str(n) for n in (data.get("details") or {}).get("notes", [])],
                pfd_svg=pfd_svg if pfd_svg is not None else render_pfd_svg(design, language),
                project=dict(project or {}),
            )
        return facts

    # --- what the agent's tools return ------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The chosen design, compact: what the `design_summary` tool returns."""
        f = self.figures
        return {
            "language": self.language,
            "project": self.project,
            "sector": self.sector,
            "subsector": self.subsector,
            "water": self.water_kind,
            "destination": self.destination,
            "location": self.location,
            "flow_m3_per_day": {"average": _round(self.flow["average"]), "peak": _round(self.flow["peak"]),
                                "treated": _round(self.flow["treated"])},
            "train": self.train,
            "sludge_line": [{"tag": u["tag"], "type": u["type"], "name": u["name"]} for u in self.units if u["line"] == "sludge"],
            "choice_reason": self.choice_reason,
            "units": [
                {
                    "tag": u["tag"], "type": u["type"], "name": u["name"], "line": u["line"], "trains": u["trains"],
                    "key_sizes": [{"label": s["label"], "value": s["value"], "unit": s["unit"]} for s in u["key_sizes"]],
                    "equipment": [{"tag": e["tag"], "description": e["description"], "quantity": e["quantity"],
                                   "standby": e["standby"]} for e in u["equipment"]],
                    "installed_power_kw": u["installed_power"],
                    "capex": u["capex"], "opex_per_year": u["opex"],
                    "notes": u["notes"],
                }
                for u in self.units
            ],
            "compliance": [
                {"parameter": c["label"], "effluent": c["effluent"], "limit": c["limit"], "met": c["met"]}
                for c in self.compliance
            ],
            "costs": {
                "currency": f.currency,
                "cost_year": f.cost_year,
                "capex": f.capex,
                "capex_range": [f.capex_low, f.capex_high],
                "estimate_class": f.estimate_class,
                "accuracy_percent": [f.accuracy_low_percent, f.accuracy_high_percent],
                "opex_per_year": f.opex_per_year,
                "lcow_per_m3": f.lcow,
                "economics": {
                    "discount_rate": _value(self.economics.get("discount_rate")),
                    "plant_life_years": _value(self.economics.get("plant_life")),
                },
                "capex_by_category": {c["key"]: c["value"] for c in self.capex_by_category},
                "opex_by_category": {c["key"]: c["value"] for c in self.opex_by_category},
            },
            "energy_kwh_per_m3": _value(self.energy.get("specific")),
            "sludge_wet_tonnes_per_year": _value(self.sludge.get("total_wet_tonnes")),
            "price_checks": [
                {k: c[k] for k in ("unit", "item", "item_name", "capacity", "capacity_unit", "count", "curve", "historical")}
                for c in self.cross_checks if c.get("capacity")
            ],
            "defaults_used": [row.label for row in self.basis if not row.client],
            "warnings": self.warnings,
        }

    def alternatives_summary(self) -> list[dict[str, Any]]:
        return [
            {k: a[k] for k in ("name", "train", "capex", "opex_per_year", "lcow", "meets_targets", "chosen", "reason")}
            for a in self.alternatives
        ]

    @property
    def unit_tags(self) -> list[str]:
        return [u["tag"] for u in self.units]

    @property
    def train_types(self) -> list[str]:
        return [u["type"] for u in self.train]


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or value == 0:
        return value
    return round(value, -int(math.floor(math.log10(abs(value)))) + digits - 1)


def _categories(by_category: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, amount in by_category.items():
        value = _value(amount) or 0.0
        if value:
            rows.append({"key": key, "label": str(COST_CATEGORIES.get(key, key.replace("_", " ").capitalize())), "value": value})
    return rows


def _key_sizes(sizing: Mapping[str, Any]) -> list[dict[str, Any]]:
    keys = [k for k in KEY_SIZES if k in sizing][:SIZES_SHOWN]
    if len(keys) < 3:
        keys += [k for k in sizing if k not in keys][: 3 - len(keys)]
    sizes = []
    for key in keys:
        item = sizing[key]
        value = _value(item)
        if value is None:
            continue
        label = KEY_SIZES.get(key) or item.get("description") or key
        sizes.append({"key": key, "label": str(label), "value": value, "unit": _unit(item),
                      "text": quantity_text(value, _unit(item))})
    return sizes


def _unit_facts(u: Mapping[str, Any], data: Mapping[str, Any], *, line: str) -> dict[str, Any]:
    power = u.get("power") or {}
    installed = _value(power.get("installed")) if isinstance(power, Mapping) else None
    equipment = []
    for item in u.get("equipment", []):
        capacity = item.get("capacity")
        power_item = item.get("power")
        equipment.append({
            "unit": u["tag"],
            "tag": item.get("tag", ""),
            "description": item.get("description", ""),
            "quantity": int(item.get("quantity") or 0),
            "standby": int(item.get("standby") or 0),
            "capacity": quantity_text(_value(capacity), _unit(capacity)) if _value(capacity) is not None else "",
            "power": quantity_text(_value(power_item), _unit(power_item)) if _value(power_item) is not None else "",
            "material": item.get("material", "") or "",
        })
    return {
        "tag": u["tag"],
        "type": u["type"],
        "name": u["name"],
        "line": line,
        "trains": int(u.get("trains") or 1),
        "packaged": bool(u.get("packaged")),
        "key_sizes": _key_sizes(u.get("sizing", {})),
        "sizing": [
            {"label": str(v.get("description") or k), "value": _value(v), "unit": _unit(v),
             "text": quantity_text(_value(v), _unit(v))}
            for k, v in u.get("sizing", {}).items() if _value(v) is not None
        ],
        "equipment": equipment,
        "installed_power": installed,
        "capex": _value((u.get("capex") or {}).get("total")),
        "opex": _value((u.get("opex") or {}).get("total")),
        "notes": list(u.get("notes", [])),
    }


def _parameter_label(parameter: str, language: str, fallback: str = "") -> str:
    from agents.engine.stream import PARAMETERS, parameter_label

    return parameter_label(parameter, language) if parameter in PARAMETERS else fallback or parameter


def _compliance(data: Mapping[str, Any], language: str) -> list[dict[str, Any]]:
    rows = []
    for item in data.get("compliance", []):
        limit = item.get("limit")
        target = (data.get("details") or {}).get("targets", {}).get(item["parameter"], {})
        low = _value(target.get("min")) if target.get("kind") == "range" else None
        limit_text = quantity_text(_value(limit), _unit(limit))
        if low is not None:
            limit_text = f"{quantity_text(low, _unit(limit))} – {limit_text}"
        elif item.get("kind") == "min":
            limit_text = f"≥ {limit_text}"
        else:
            limit_text = f"≤ {limit_text}"
        rows.append({
            "parameter": item["parameter"],
            "label": _parameter_label(item["parameter"], language, item.get("label", "")),
            "effluent": quantity_text(_value(item.get("effluent")), _unit(item.get("effluent"))),
            "limit": limit_text,
            "met": bool(item.get("met")),
            "client": _is_client(str(item.get("source", ""))),
        })
    return rows


def _type_name(unit_type: str, language: str) -> str:
    try:
        from agents.engine.criteria import load_unit_data

        names = load_unit_data(unit_type).get("name")
    except Exception:  # noqa: BLE001 — a unit type the engine does not know (yet): its key reads well enough
        names = None
    if isinstance(names, Mapping):
        return str(names.get(language) or names.get("en") or unit_type)
    return str(names or unit_type.replace("_", " ").capitalize())


def _alternatives(data: Mapping[str, Any], language: str) -> list[dict[str, Any]]:
    rows = []
    for alt in data.get("alternatives", []):
        rows.append({
            "name": alt.get("name", ""),
            "train": [_type_name(t, language) for t in alt.get("train", [])],
            "capex": _value(alt.get("capex")),
            "opex_per_year": _value(alt.get("opex")),
            "lcow": _value(alt.get("lcow")),
            "meets_targets": bool(alt.get("meets_targets")),
            "chosen": bool(alt.get("chosen")),
            "reason": alt.get("reason", ""),
        })
    return rows


def _cross_checks(data: Mapping[str, Any], names: Mapping[str, str], language: str) -> list[dict[str, Any]]:
    from agents.engine.prices import price_table

    calculations = {c.get("id"): c for c in data.get("calculations", [])}
    table = price_table()
    rows = []
    for check in (data.get("capex") or {}).get("cross_checks", []):
        inputs = {i.get("symbol"): i for i in (calculations.get(check.get("calculation")) or {}).get("inputs", [])}
        spec = table.get(check.get("item", ""))
        item_name = (spec.name.get(language) or spec.name.get("en")) if spec is not None else check.get("item", "")
        rows.append({
            "unit": check.get("unit", ""),
            "unit_name": names.get(check.get("unit", ""), check.get("unit", "")),
            "item": check.get("item", ""),
            "item_name": item_name,
            "basis": check.get("basis", ""),
            "curve": _value(check.get("curve")),
            "historical": _value(check.get("historical")),
            "ratio": check.get("ratio"),
            "agrees": check.get("agrees"),
            "note": check.get("note", ""),
            "capacity": _value(inputs.get("S")),
            "capacity_unit": _unit(inputs.get("S")),
            "count": int(_value(inputs.get("N")) or 1),
        })
    return rows


def _basis(resolved: Any, data: Mapping[str, Any], language: str, skipped: set[str] | frozenset[str]) -> list[BasisRow]:
    def row(key: str, label: Any, quantity: Any, unit: str | None, source: str) -> BasisRow:
        try:
            value = float(quantity.m_as(unit) if unit else quantity.magnitude)
            text = quantity_text(value, unit if unit is not None else unit_label(str(quantity.units)))
        except Exception:  # noqa: BLE001 — a quantity without a sensible unit shows as it is
            text = str(quantity)
        client = _is_client(source) and key not in skipped
        return BasisRow(key=key, label=str(label), value=text, client=client,
                        source="" if client else ("" if key in skipped else source), skipped=key in skipped)

    rows = [
        row("flow.average", _("Average flow"), resolved.flow.quantity, "m**3/day", resolved.flow.source),
        row("flow.peak_factor", _("Peak factor"), resolved.peak_factor.quantity, "", resolved.peak_factor.source),
    ]
    for parameter, sourced in resolved.influent.items():
        from agents.engine.stream import parameter_unit

        unit = parameter_unit(parameter) if parameter in _parameters() else None
        rows.append(row(f"influent.{parameter}", _parameter_label(parameter, language), sourced.quantity, unit or None,
                        sourced.source))
    destination = DESTINATIONS.get(resolved.destination)
    rows.append(BasisRow(key="destination.type", label=str(_("Destination")),
                         value=_capitalized(str(destination)) if destination else str(resolved.destination_name),
                         client="destination.type" not in skipped, source="", skipped="destination.type" in skipped))
    for parameter, target in resolved.targets.items():
        key = f"targets.{parameter}"
        limit = target.max if target.max is not None else target.min
        if limit is None:
            continue
        try:
            unit = unit_label(str(limit.units)) if str(limit.units) != "dimensionless" else ""
            text = quantity_text(float(limit.magnitude), unit)
            if target.kind == "range" and target.min is not None:
                text = f"{quantity_text(float(target.min.magnitude), unit)} – {text}"
            elif target.kind == "min":
                text = f"≥ {text}"
            else:
                text = f"≤ {text}"
        except Exception:  # noqa: BLE001
            text = str(limit)
        client = _is_client(target.source) and key not in skipped
        label = _("Limit: %(parameter)s") % {"parameter": _parameter_label(parameter, language)}
        rows.append(BasisRow(key=key, label=str(label), value=text, client=client,
                             source="" if client or key in skipped else target.source, skipped=key in skipped))
    economics = [
        ("location.electricity_price", _("Electricity price"), resolved.electricity_price, None),
        ("economics.discount_rate", _("Discount rate"), resolved.discount_rate, ""),
        ("economics.plant_life", _("Plant life"), resolved.plant_life, "year"),  # printed as "20 years"
        ("location.labour_cost", _("Labour cost"), resolved.labour_cost, None),
        ("location.sludge_disposal_price", _("Sludge disposal price"), resolved.sludge_disposal_price, None),
    ]
    for key, label, sourced, unit in economics:
        if sourced is None:
            continue
        if key == "economics.plant_life":
            years = float(sourced.quantity.m_as("year"))
            client = _is_client(sourced.source) and key not in skipped
            text = ngettext("%(years)s year", "%(years)s years", int(years)) % {"years": number_text(years)}
            rows.append(BasisRow(key=key, label=str(label), value=text, client=client,
                                 source="" if client or key in skipped else sourced.source, skipped=key in skipped))
            continue
        if key == "economics.discount_rate":
            value = float(sourced.quantity.m_as(""))
            client = _is_client(sourced.source) and key not in skipped
            rows.append(BasisRow(key=key, label=str(label), value=quantity_text(value * 100, "%"), client=client,
                                 source="" if client or key in skipped else sourced.source, skipped=key in skipped))
            continue
        rows.append(row(key, label, sourced.quantity, unit, sourced.source))
    return rows


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _country_name(code: str | None, language: str, fallback: str) -> str:
    if not code:
        return fallback
    try:
        from agents.engine.requirements import locations_data

        names = locations_data()["countries"][code]["name"]
        return str(names.get(language) or names.get("en") or fallback)
    except (KeyError, TypeError, AttributeError):
        return fallback


def _parameters() -> set[str]:
    from agents.engine.stream import PARAMETERS

    return set(PARAMETERS)
