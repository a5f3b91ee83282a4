"""The common shape of a unit process.

A unit is created for one design with a tag (``DAF-101``), then ``run``
with its influent: ``size`` computes the criteria-driven sizing, equipment,
effluent, side streams, power and chemicals; ``cost`` adds its purchased
equipment cost (from the cost curves in its data file) and any unit-specific
operating cost (membrane or media replacement). Plant-wide costs (energy,
chemicals, sludge disposal, labour, maintenance, installation, indirects)
are computed by the costing module from what the unit reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..calc import CalcLog
from ..context import DesignContext
from ..cost_curves import CostCurve, curve_cost
from ..criteria import Criterion, load_data, load_unit_data
from ..i18n import Translator
from ..quantities import Q_, Quantity, qjson
from ..stream import MASS_PARAMETERS, WATER_DENSITY, Stream

UNIT_TYPES: dict[str, type["UnitProcess"]] = {}

# Balance tolerance: water and each conserved load must close within 0.1 %.
BALANCE_TOLERANCE = 1e-3


def register(cls: type["UnitProcess"]) -> type["UnitProcess"]:
    if cls.type in UNIT_TYPES:
        raise ValueError(f"unit type {cls.type!r} registered twice")
    UNIT_TYPES[cls.type] = cls
    return cls


@dataclass
class Equipment:
    tag: str
    description: str
    quantity: int = 1
    capacity: Quantity | None = None
    power: Quantity | None = None  # installed power of one item
    material: str = ""
    standby: int = 0  # of ``quantity``, how many are installed spares

    def to_json(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "description": self.description,
            "quantity": self.quantity,
            "standby": self.standby,
            "capacity": qjson(self.capacity) if self.capacity is not None else None,
            "power": qjson(self.power, "kW") if self.power is not None else None,
            "material": self.material,
        }


@dataclass
class Chemical:
    key: str  # key in data/chemicals.yaml
    purpose: str
    dose: Quantity  # mg/L of treated flow, as product
    consumption: Quantity  # kg/d of product

    def to_json(self) -> dict[str, Any]:
        return {
            "chemical": self.key,
            "purpose": self.purpose,
            "dose": qjson(self.dose, "mg/L"),
            "consumption": qjson(self.consumption, "kg/d"),
        }


@dataclass
class CostItem:
    description: str
    cost: Quantity  # USD of the cost year
    category: str = "equipment"  # equipment, civil, membranes, media
    calc_id: str = ""


@dataclass
class OpexItem:
    category: str  # replacement, chemicals, energy, sludge, labour, maintenance, other
    description: str
    annual: Quantity  # USD/year
    calc_id: str = ""


@dataclass
class Power:
    description: str
    installed: Quantity  # kW, all items including standby
    consumed: Quantity  # kW, average absorbed

    def to_json(self) -> dict[str, Any]:
        return {"description": self.description, "installed": qjson(self.installed, "kW"),
                "consumed": qjson(self.consumed, "kW")}


@dataclass
class SizingValue:
    description: str
    quantity: Quantity
    calc_id: str = ""


class UnitProcess(Translator):
    """Base class of every unit type. Subclasses set ``type`` and implement ``size`` and ``cost``.

    Texts handed to the helpers below (descriptions, purposes, notes,
    warnings) are English messages of the engine catalogue, written in the
    design's language as they are recorded; text with values goes through
    ``self.t(message, **params)`` (agents/engine/i18n.py).
    """

    type: ClassVar[str]
    tag_prefix: ClassVar[str]

    def __init__(self, ctx: DesignContext, tag: str):
        self.ctx = ctx
        self.tag = tag
        self.data = load_unit_data(self.type)
        self.criteria = ctx.criteria(self.type, tag)
        self.sizing: dict[str, SizingValue] = {}
        self.equipment: list[Equipment] = []
        self.chemicals: list[Chemical] = []
        self.side_streams: list[Stream] = []
        self.power: list[Power] = []
        self.capex_items: list[CostItem] = []
        self.opex_items: list[OpexItem] = []
        self.removals: dict[str, float] = {}
        # Loads created (+) or destroyed (−) inside the unit, kg/d: biomass grown,
        # chemical solids precipitated, solids digested, salts dosed.
        self.generated: dict[str, Quantity] = {}
        self.notes: list[str] = []
        # Solid residuals that leave the process outside the streams (screenings, grit,
        # spent media): kind, wet volume per day, wet mass per day, disposal route.
        self.residuals: list[dict[str, Any]] = []
        self.influent: Stream | None = None
        self.effluent: Stream | None = None
        self.trains = 1
        self.packaged = False

    # -- the lifecycle -------------------------------------------------

    def run(self, influent: Stream) -> Stream:
        self.influent = influent
        self.size(influent)
        if self.effluent is None:
            raise RuntimeError(f"{self.tag}: size() did not set an effluent")
        self.cost()
        return self.effluent

    def size(self, influent: Stream) -> None:
        raise NotImplementedError

    def cost(self) -> None:
        raise NotImplementedError

    # -- names ---------------------------------------------------------

    @property
    def name(self) -> str:
        names = self.data["name"]
        return names.get(self.ctx.language, names["en"]) if isinstance(names, dict) else names

    @property
    def language(self) -> str:
        return self.ctx.language

    @property
    def log(self) -> CalcLog:
        return self.ctx.log

    def chemical_name(self, key: str) -> str:
        """A chemical's name from data/chemicals.yaml in the design's language (its key when unknown)."""
        names = (load_data("chemicals")["chemicals"].get(key) or {}).get("name")
        if not isinstance(names, dict):
            return key.replace("_", " ")
        return names.get(self.language) or names["en"]

    def note(self, message: str, /, **params: Any) -> None:
        """A note on the unit's design for the reader, in the design's language."""
        self.notes.append(self.t(message, **params))

    def warn(self, message: str, /, **params: Any) -> None:
        """A warning on the whole design, prefixed with the unit's tag."""
        self.ctx.warnings.append(": ".join((self.tag, self.t(message, **params))))

    # -- helpers for size() and cost() ------------------------------------

    def c(self, name: str) -> Criterion:
        return self.criteria[name]

    def outside_range(self, name: str, value: Quantity) -> Criterion | None:
        """Criterion ``name`` when ``value``, calculated in its place, is outside its published range (else None).

        For a quantity that follows from other criteria but has a published range
        of its own; the caller words the warning.
        """
        criterion = self.c(name)
        return None if replace(criterion, quantity=value).in_range() else criterion

    def calc(self, symbol: str, description: str, equation: str, inputs: dict[str, Any], result: Quantity,
             unit: str | None = None, note: str = "") -> Quantity:
        return self.log.record(self.tag, symbol, description, equation, inputs, result, unit=unit, note=note)

    def add_sizing(self, key: str, description: str, quantity: Quantity, unit: str | None = None) -> Quantity:
        q = quantity.to(unit) if unit else quantity
        self.sizing[key] = SizingValue(self.t(description), q, self._record_of(q))
        return q

    def _record_of(self, q: Quantity) -> str:
        """The id of this unit's calculation that produced ``q`` ("" for a value taken straight from a criterion)."""
        # Only records in the same unit are compared: a conversion per candidate would
        # cost more than the sizing itself, and sizing values keep their record's unit.
        for record in reversed(self.log.records[-12:]):
            if record.unit_tag != self.tag:
                break
            if record.result._units == q._units and math.isclose(record.result.magnitude, q.magnitude,
                                                               rel_tol=1e-9, abs_tol=1e-12):
                return record.id
        return ""

    def add_equipment(self, suffix: str, description: str, *, quantity: int = 1, capacity: Quantity | None = None,
                      power: Quantity | None = None, material: str = "", standby: int = 0) -> Equipment:
        eq = Equipment(f"{self.tag}{suffix}", self.t(description), quantity, capacity, power, self.t(material), standby)
        self.equipment.append(eq)
        return eq

    def add_power(self, description: str, installed: Quantity, consumed: Quantity) -> None:
        self.power.append(Power(self.t(description), installed.to("kW"), consumed.to("kW")))

    def add_chemical(self, key: str, purpose: str, dose: Quantity, flow: Quantity) -> Chemical:
        purpose = self.t(purpose)
        consumption = self.calc(
            f"M_{key}", self.t("{purpose}: {chemical} consumption", purpose=purpose, chemical=self.chemical_name(key)),
            f"M_{key} = D · Q",
            {"D": (dose, "design", "dose as product"), "Q": (flow, "design", "treated flow")},
            (dose * flow), unit="kg/day",
        )
        chem = Chemical(key, purpose, dose.to("mg/L"), consumption)
        self.chemicals.append(chem)
        return chem

    def add_side_stream(self, stream: Stream) -> Stream:
        self.side_streams.append(stream)
        return stream

    def add_residual(self, kind: str, volume: Quantity, mass: Quantity, disposal: str) -> None:
        self.residuals.append({"kind": kind, "volume": volume.to("m**3/day"), "mass": mass.to("kg/day"),
                               "disposal": disposal})

    def add_capex(self, description: str, cost: Quantity, category: str = "equipment") -> None:
        last = self.log.records[-1].id if self.log.records else ""
        self.capex_items.append(CostItem(self.t(description), cost.to("USD"), category, last))

    def add_opex(self, category: str, description: str, annual: Quantity) -> None:
        last = self.log.records[-1].id if self.log.records else ""
        self.opex_items.append(OpexItem(category, self.t(description), annual.to("USD/year"), last))

    def cost_curve(self, name: str) -> CostCurve:
        return CostCurve.from_data(name, self.data["cost_curves"][name])

    def curve_cost(self, name: str, capacity: Quantity, *, count: int = 1, category: str = "equipment",
                   description: str | None = None) -> Quantity:
        curve = self.cost_curve(name)
        cost = curve_cost(curve, capacity, log=self.log, unit_tag=self.tag, warnings=self.ctx.warnings, count=count)
        self.add_capex(description or curve.description, cost, category)
        return cost

    def costed_size(self, symbol: str, size: Quantity, smallest: Criterion, what: str) -> Quantity:
        """The size ``what`` is costed at: its design size, or the smallest practical size when it is smaller.

        A power-law cost curve extrapolated far below the sizes it was fitted on
        tends to zero, while the smallest unit that is built (or bought) has a
        fixed cost; below ``smallest`` the item is costed at ``smallest``.
        """
        if size >= smallest.quantity:
            return size
        return self.calc(symbol, self.t("{what}: size costed (not below the smallest practical size)", what=self.t(what)),
                         f"{symbol} = max(S, S_min)", {"S": (size, "calculated", "design size"), "S_min": smallest},
                         smallest.quantity.to(size.units), unit=str(size.units))

    def parallel_trains(self, total: Quantity, max_per_train: Criterion | Quantity, what: str,
                        minimum: int = 1) -> int:
        """Number of parallel trains so that none exceeds its practical maximum size."""
        limit = max_per_train.quantity if isinstance(max_per_train, Criterion) else max_per_train
        source = max_per_train.source if isinstance(max_per_train, Criterion) else "design"
        n = max(minimum, math.ceil((total / limit).to("dimensionless").magnitude - 1e-9))
        what = self.t(what)
        self.calc("N", self.t("Number of parallel {what}", what=what), "N = max(N_min, ⌈X / X_max⌉)",
                  {"X": (total, "design", self.t("total {what} required", what=what)),
                   "X_max": (limit, source, "practical maximum per unit"),
                   "N_min": (Q_(minimum, "dimensionless"), "design", "minimum number for redundancy")},
                  Q_(n, "dimensionless"))
        self.trains = n
        return n

    def separate_solids(self, influent: Stream, removal: float, solids_fraction: float, *,
                        extra_solids: Quantity | None = None, kind: str = "sludge",
                        effluent_changes: dict[str, Quantity | None] | None = None,
                        name: str = "") -> tuple[Stream, Stream]:
        """Split ``influent`` into an effluent and a sludge that close the water and TSS balance exactly.

        ``removal`` is the TSS removal fraction (effluent TSS = (1 − removal) ·
        influent TSS). ``extra_solids`` (kg/d) are solids formed in the unit
        (chemical precipitate, biomass) that leave with the sludge; they are
        recorded in ``generated``. The sludge water carries the effluent's
        dissolved quality, so dissolved loads close too.
        """
        c_in = influent.get("tss", 0.0)
        c_eff = c_in * (1.0 - removal)
        extra = (extra_solids or Q_(0.0, "kg/day")).to("kg/day")
        # S = [Q_in·(C_in − C_eff) + X] / (1 − C_eff / (f·ρ)): the sludge's own water carries C_eff too.
        denominator = 1.0 - (c_eff / (solids_fraction * WATER_DENSITY)).to("dimensionless").magnitude
        solids = ((influent.flow * (c_in - c_eff)).to("kg/day") + extra) / denominator
        sludge_flow = (solids / (solids_fraction * WATER_DENSITY)).to("m**3/day")
        effluent = influent.derive(flow=influent.flow - sludge_flow, tss=c_eff, **(effluent_changes or {}))
        sludge_quality = dict(effluent.quality)
        sludge_quality["tss"] = (solids / sludge_flow).to("mg/L") if sludge_flow.magnitude > 0 else Q_(0.0, "mg/L")
        sludge = Stream(flow=sludge_flow, quality=sludge_quality, kind=kind, name=name or kind)
        if extra.magnitude:
            self.generated["tss"] = self.generated.get("tss", Q_(0.0, "kg/day")) + extra
        self.removals["tss"] = removal
        self.effluent = effluent
        self.add_side_stream(sludge)
        return effluent, sludge

    # -- checks and output -------------------------------------------------

    def balance(self) -> dict[str, float]:
        """Relative closure error of water and each conserved load (0 = closed)."""
        assert self.influent is not None and self.effluent is not None
        errors = {}
        q_out = self.effluent.flow + sum((s.flow for s in self.side_streams), Q_(0.0, "m**3/day"))
        q_added = self.generated.get("water", Q_(0.0, "m**3/day"))
        q_in = self.influent.flow + q_added
        errors["water"] = abs((q_out - q_in) / q_in).to("dimensionless").magnitude if q_in.magnitude else 0.0
        for p in MASS_PARAMETERS:
            m_in = self.influent.mass_flow(p) + self.generated.get(p, Q_(0.0, "kg/day"))
            m_out = self.effluent.mass_flow(p) + sum((s.mass_flow(p) for s in self.side_streams), Q_(0.0, "kg/day"))
            scale = max(m_in.magnitude, m_out.magnitude)
            errors[p] = abs(m_out.magnitude - m_in.magnitude) / scale if scale > 1e-9 else 0.0
        return errors

    @property
    def installed_power(self) -> Quantity:
        return sum((p.installed for p in self.power), Q_(0.0, "kW"))

    @property
    def consumed_power(self) -> Quantity:
        return sum((p.consumed for p in self.power), Q_(0.0, "kW"))

    @property
    def equipment_cost(self) -> Quantity:
        return sum((i.cost for i in self.capex_items), Q_(0.0, "USD"))

    def to_json(self) -> dict[str, Any]:
        """The unit's part of the design JSON (costs are completed by the costing module)."""
        return {
            "tag": self.tag,
            "type": self.type,
            "name": self.name,
            "trains": self.trains,
            "packaged": self.packaged,
            "criteria": self.criteria.to_json(),
            "sizing": {k: {"description": v.description, **qjson(v.quantity), "calculation": v.calc_id}
                       for k, v in self.sizing.items()},
            "equipment": [e.to_json() for e in self.equipment],
            "influent": self.influent.to_json() if self.influent else None,
            "effluent": self.effluent.to_json() if self.effluent else None,
            "side_streams": [s.to_json() for s in self.side_streams],
            "removals": {k: round(v, 4) for k, v in self.removals.items()},
            "power": {"installed": qjson(self.installed_power, "kW"), "consumed": qjson(self.consumed_power, "kW"),
                      "items": [p.to_json() for p in self.power]},
            "chemicals": [c.to_json() for c in self.chemicals],
            "residuals": [{"kind": r["kind"], "volume": qjson(r["volume"], "m3/d"), "mass": qjson(r["mass"], "kg/d"),
                           "disposal": r["disposal"]} for r in self.residuals],
            "notes": list(self.notes),
        }
