"""Plant-wide costing: CAPEX with its estimate class, OPEX by category, LCOW.

The units report what they buy (purchased equipment, civil works, initial
membranes and media, with the cost curves they came from) and what they use
(power, chemicals, sludge, replacement parts). This module turns that into
the estimate an engineer would present:

* installed cost = purchased cost × installation factor (by category, lower
  for packaged skids), direct cost C_D = Σ installed;
* indirect costs (engineering, contractor, contingency) as fractions of C_D;
  CAPEX = C_D · (1 + Σ p);
* the AACE 18R-97 estimate class and its accuracy range;
* OPEX per year: energy, chemicals, sludge disposal, labour, maintenance,
  membrane/media replacement;
* LCOW = (CAPEX · CRF + OPEX) / annual treated volume.

Every factor comes from ``data/costing.yaml`` with its source and every
number is recorded in the calculation log (unit tag ``PLANT`` for plant-wide
records, the unit's tag for its own). Money is USD of the cost year (the
latest year of the CEPCI table) inside the engine; :meth:`CostSummary.to_json`
converts to another currency with the rates of ``data/currencies.yaml`` (or
the caller's), and always states the cost year and the rate used.

Cost curves stay the basis of equipment cost (each unit sizes them on its
own capacity variable). The historical price table (:mod:`.prices`) is a
cross-check: where a unit type maps to an item type of the table, both
estimates are recorded and a warning is given when they disagree by more than
the Class 5 accuracy band. The proposal agent may also call
:func:`.prices.historical_price` directly for single items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Iterable

from .calc import CalcLog
from .context import DesignContext
from .cost_curves import cost_index
from .criteria import load_data
from .i18n import mark, tr
from .prices import historical_price
from .quantities import Q_, Quantity, qjson, round_sig, ureg
from .stream import KIND_WORDS, WATER_DENSITY

if TYPE_CHECKING:
    from .units.base import UnitProcess

PLANT = "PLANT"
CAPEX_CATEGORIES = ("equipment", "civil", "membranes", "media")
INDIRECT_CATEGORIES = ("engineering", "contractor", "contingency")
OPEX_CATEGORIES = ("energy", "chemicals", "sludge", "labour", "maintenance", "replacement")
# Units of the sludge line: sludge from the main line goes to them, and only the
# output of the last one leaves the plant.
SLUDGE_LINE = ("sludge_thickening", "sludge_dewatering")
# Side streams that are solids to dispose of when they leave the plant (oil is recovered, not costed).
SOLIDS = ("sludge", "cake", "float", "scum", "underflow")

_USD = ureg.Unit("USD")
_USD_Y = ureg.Unit("USD/year")
_USD_M3 = ureg.Unit("USD/m**3")
_DIMLESS = ureg.Unit("dimensionless")
_KW = ureg.Unit("kW")
_KWH_Y = ureg.Unit("kWh/year")
_H_Y = ureg.Unit("hour/year")
_D_Y = ureg.Unit("day/year")
_KG_D = ureg.Unit("kg/day")
_M3_D = ureg.Unit("m**3/day")
_M3_Y = ureg.Unit("m**3/year")
_T_Y = ureg.Unit("t/year")
_PER_Y = ureg.Unit("1/year")
_USD_KG = ureg.Unit("USD/kg")
_USD_KWH = ureg.Unit("USD/kWh")
_USD_T = ureg.Unit("USD/t")
_H_Y_OP = ureg.Unit("hour/year/operator")
_OPERATOR = ureg.Unit("operator")
_YEAR = ureg.Unit("year")
_KWH_M3 = ureg.Unit("kWh/m**3")
_KG_M3 = ureg.Unit("kg/m**3")

# Words shown inside the costing's messages, translated where they are used.
_CATEGORY_WORDS = {"equipment": mark("equipment"), "civil": mark("civil"), "membranes": mark("membranes"),
                   "media": mark("media")}
_RESIDUAL_WORDS = {"screenings": mark("screenings"), "grit": mark("grit"), "spent cartridges": mark("spent cartridges"),
                   "landfill": mark("landfill")}
# By the unit classes of the labour estimate (data/costing.yaml, labour.hours_by_class).
_STAFF_COUNT = {"simple": mark("number of simple unit processes"),
                "mechanical": mark("number of mechanical unit processes"),
                "complex": mark("number of complex unit processes")}
_STAFF_HOURS = {"simple": mark("staff-hours per simple unit at the reference flow"),
                "mechanical": mark("staff-hours per mechanical unit at the reference flow"),
                "complex": mark("staff-hours per complex unit at the reference flow")}


def _mag(q: Quantity, unit: Any) -> float:
    """Magnitude of ``q`` in ``unit``; pint's conversion costs tens of µs even between equal units."""
    return float(q.magnitude) if q.units == unit else float(q.m_as(unit))


class CurrencyError(ValueError):
    """A currency the engine has no rate for, in plain words."""


@cache
def costing_data() -> dict[str, Any]:
    return load_data("costing")


@cache
def currency_data() -> dict[str, Any]:
    return load_data("currencies")


@cache
def _chemicals() -> dict[str, Any]:
    return load_data("chemicals")


def exchange_rate(currency: str, overrides: dict[str, float] | None = None) -> float:
    """Units of ``currency`` per USD (the caller's rate first, then data/currencies.yaml)."""
    code = currency.upper()
    if overrides and code in {k.upper() for k in overrides}:
        rate = float(next(v for k, v in overrides.items() if k.upper() == code))
    else:
        rates = currency_data()["rates"]
        if code not in rates:
            known = ", ".join(sorted(rates))
            raise CurrencyError(f"no exchange rate for currency {currency!r} (known: {known}); pass a rate for it")
        rate = float(rates[code])
    if not (rate > 0 and math.isfinite(rate)):
        raise CurrencyError(f"exchange rate for {currency!r} must be a positive number, got {rate!r}")
    return rate


def installation_factor(unit_type: str, category: str, packaged: bool) -> tuple[float, str]:
    """Installed / purchased cost of one cost category of a unit, and its source."""
    inst = costing_data()["installation"]
    if category == "equipment" and (packaged or unit_type in inst["packaged"]["unit_types"]):
        return float(inst["packaged"]["value"]), inst["packaged"]["source"]
    spec = inst["categories"].get(category, inst["categories"]["equipment"])
    return float(spec["value"]), spec["source"]


@dataclass(frozen=True)
class CurveItem:
    """One purchase a unit would make: a cost curve of its data file at a capacity, ``count`` times."""

    curve: str
    capacity: Quantity
    count: int = 1
    category: str = "equipment"
    description: str | None = None


def installed_estimate(unit: "UnitProcess", items: Iterable[CurveItem], *, packaged: bool) -> float:
    """Installed cost (USD of the cost year) of ``items`` bought by ``unit``, without recording anything.

    Units use it to compare design options on the basis the plant estimate
    uses (purchased cost from the same curves × the same installation
    factors), then cost the option they choose with recorded curve costs.
    """
    index = cost_index()
    total = 0.0
    for item in items:
        curve = unit.cost_curve(item.curve)
        s = float(item.capacity.m_as(curve.capacity_unit))
        purchased = item.count * curve.reference_cost * (s / curve.reference_capacity) ** curve.exponent
        total += purchased * index.factor(curve.year) * installation_factor(unit.type, item.category, packaged)[0]
    return total


def installed_cost(unit: "UnitProcess") -> float:
    """Installed cost (USD of the cost year) of what a run unit bought, as the plant estimate computes it."""
    return sum(_mag(i.cost, _USD) * installation_factor(unit.type, i.category, unit.packaged)[0] for i in unit.capex_items)


def capital_recovery_factor(rate: float, years: float) -> float:
    """CRF = i(1+i)^n / ((1+i)^n − 1); 1/n when the rate is zero."""
    if rate == 0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


@dataclass
class UnitCost:
    """The costs of one unit: what it buys, what it costs installed and per year."""

    tag: str
    type: str
    name: str
    purchased: dict[str, Quantity]  # by category, USD
    installed: Quantity  # USD
    capex: Quantity  # installed plus its share of the indirect costs, USD
    opex: dict[str, Quantity]  # by category, USD/year
    calculations: list[str] = field(default_factory=list)

    @property
    def purchased_total(self) -> Quantity:
        return sum(self.purchased.values(), Q_(0.0, _USD))

    @property
    def opex_total(self) -> Quantity:
        return sum(self.opex.values(), Q_(0.0, _USD_Y))

    def to_json(self, rate: float = 1.0, currency: str = "USD") -> dict[str, Any]:
        return {
            "purchased": _money(self.purchased_total, rate, currency),
            "purchased_by_category": {k: _money(v, rate, currency) for k, v in self.purchased.items()},
            "installed": _money(self.installed, rate, currency),
            "total": _money(self.capex, rate, currency),
            "opex": {
                "total": _money(self.opex_total, rate, currency, "/year"),
                "by_category": {k: _money(v, rate, currency, "/year") for k, v in self.opex.items()},
            },
            "calculations": list(self.calculations),
        }


@dataclass
class CostSummary:
    cost_year: int
    currency: str  # the currency the report is shown in by default
    rates: dict[str, float]  # units per USD, including overrides
    aace_class: int
    accuracy_low: float  # fraction, e.g. −0.5
    accuracy_high: float  # fraction, e.g. +1.0
    accuracy_basis: str
    capex_total: Quantity  # USD
    range_low: Quantity
    range_high: Quantity
    direct_cost: Quantity  # installed cost of all units
    capex_by_category: dict[str, Quantity]  # purchased categories, installation, indirect categories
    opex_total: Quantity  # USD/year
    opex_by_category: dict[str, Quantity]
    lcow: Quantity  # USD/m3
    crf: float
    discount_rate: float
    plant_life: Quantity
    availability: float
    treated_flow: Quantity  # m3/d
    annual_volume: Quantity  # m3/year
    energy: dict[str, Quantity]  # consumed power, annual energy, specific energy
    operators: float  # full-time equivalents
    units: dict[str, UnitCost]  # by tag, in process order
    chemicals: list[dict[str, Any]]
    sludge: list[dict[str, Any]]
    cross_checks: list[dict[str, Any]] = field(default_factory=list)
    plant_opex: dict[str, Quantity] = field(default_factory=dict)  # plant-wide items not owed to one unit (labour)
    language: str = "en"  # the design's: the sources of the economics block are written in it

    @property
    def capex_by_unit(self) -> dict[str, Quantity]:
        return {tag: u.capex for tag, u in self.units.items()}

    @property
    def opex_by_unit(self) -> dict[str, Quantity]:
        by_unit = {tag: u.opex_total for tag, u in self.units.items()}
        if self.plant_opex:
            by_unit[PLANT] = sum(self.plant_opex.values(), Q_(0.0, _USD_Y))
        return by_unit

    def rate(self, currency: str | None = None) -> float:
        return exchange_rate(currency or self.currency, self.rates)

    def convert(self, money: Quantity, currency: str | None = None) -> float:
        """The magnitude of a USD (or USD/…) quantity in ``currency``."""
        return float(money.magnitude) * self.rate(currency)

    def to_json(self, currency: str | None = None) -> dict[str, Any]:
        """``capex``, ``opex``, ``lcow`` and ``economics`` blocks of the design JSON."""
        cur = (currency or self.currency).upper()
        rate = self.rate(cur)
        data = currency_data()
        given = cur in self.overridden_rates()  # the caller's rate, not the table's
        return {
            "capex": {
                "total": _money(self.capex_total, rate, cur),
                "currency": cur,
                "cost_year": self.cost_year,
                "aace_class": self.aace_class,
                "range_low": _money(self.range_low, rate, cur),
                "range_high": _money(self.range_high, rate, cur),
                "accuracy": {"low_percent": round(self.accuracy_low * 100), "high_percent": round(self.accuracy_high * 100),
                             "basis": self.accuracy_basis},
                "direct": _money(self.direct_cost, rate, cur),
                "by_unit": {tag: _money(q, rate, cur) for tag, q in self.capex_by_unit.items()},
                "by_category": {k: _money(q, rate, cur) for k, q in self.capex_by_category.items()},
                "cross_checks": [
                    {**c, "curve": _money(c["curve"], rate, cur), "historical": _money(c["historical"], rate, cur)}
                    for c in self.cross_checks
                ],
            },
            "opex": {
                "total": _money(self.opex_total, rate, cur, "/year"),
                "currency": cur,
                "cost_year": self.cost_year,
                "by_unit": {tag: _money(q, rate, cur, "/year") for tag, q in self.opex_by_unit.items()},
                "by_category": {k: _money(q, rate, cur, "/year") for k, q in self.opex_by_category.items()},
                "operators": {"value": round_sig(self.operators, 3), "unit": "operator"},
            },
            "lcow": _money(self.lcow, rate, cur, "/m3"),
            "economics": {
                "currency": cur,
                "cost_year": self.cost_year,
                "exchange_rate": {"value": round_sig(rate, 6), "unit": f"{cur}/USD",
                                  "date": tr(self.language, mark("given by the caller") if given else data["rate_date"]),
                                  "source": tr(self.language,
                                               mark("rate given by the caller") if given else data["source"])},
                "cost_index": {"name": cost_index().name, "year": self.cost_year,
                               "value": cost_index().values[self.cost_year],
                               "source": tr(self.language, cost_index().source)},
                "discount_rate": qjson(Q_(self.discount_rate, _DIMLESS)),
                "plant_life": qjson(self.plant_life, "year"),
                "capital_recovery_factor": qjson(Q_(self.crf, _PER_Y), "1/year"),
                "availability": qjson(Q_(self.availability, _DIMLESS)),
                "treated_flow": qjson(self.treated_flow, "m3/d"),
                "annual_volume": qjson(self.annual_volume, "m3/year"),
                "annualized_capex": _money(self.capex_total * self.crf, rate, cur, "/year"),
            },
            "units": {tag: u.to_json(rate, cur) for tag, u in self.units.items()},
        }

    def overridden_rates(self) -> set[str]:
        """Currencies whose rate the caller gave (not the table's)."""
        base = currency_data()["rates"]
        return {k for k, v in self.rates.items() if base.get(k) != v}


def _money(q: Quantity, rate: float, currency: str, per: str = "") -> dict[str, Any]:
    return {"value": round_sig(float(q.magnitude) * rate, 6), "unit": f"{currency}{per}"}


def cost_design(
    units: Iterable["UnitProcess"],
    ctx: DesignContext,
    *,
    treated_flow: Quantity,
    currency: str = "USD",
    aace_class: int | None = None,
    rates: dict[str, float] | None = None,
) -> CostSummary:
    """Cost a designed plant: ``units`` have been run; ``treated_flow`` is the product water flow."""
    units = list(units)
    all_rates = {k: float(v) for k, v in currency_data()["rates"].items()}
    for code, value in (rates or {}).items():
        all_rates[code.upper()] = exchange_rate(code, {code: value})
    exchange_rate(currency, all_rates)  # an unknown currency fails here, before any work
    return _Costing(units, ctx, treated_flow.to(_M3_D), currency.upper(), aace_class, all_rates).run()


class _Costing:
    """One costing run; floats inside (pint is slow in loops), quantities in the records and the result."""

    def __init__(self, units: list["UnitProcess"], ctx: DesignContext, treated_flow: Quantity, currency: str,
                 aace_class: int | None, rates: dict[str, float]):
        self.units = units
        self.ctx = ctx
        self.log: CalcLog = ctx.log
        self.data = costing_data()
        self.treated_flow = treated_flow
        self.currency = currency
        self.rates = rates
        self.aace_class = int(aace_class or self.data["aace"]["default_class"])
        if self.aace_class not in self.data["aace"]["classes"]:
            raise ValueError(f"AACE estimate class {self.aace_class} is not one of "
                             f"{sorted(self.data['aace']['classes'])}")
        self.index = cost_index()
        self.cost_year = self.index.latest_year
        op = self.data["operation"]
        self.availability = float(op["availability"]["value"])
        self.hours = float(op["hours_per_year"]["value"])
        # Inputs shared by many records, built once.
        self.f_a = (Q_(self.availability, _DIMLESS), op["availability"]["source"], mark("availability"))
        self.t_year = (Q_(self.hours, _H_Y), op["hours_per_year"]["source"], mark("hours per year"))
        self.unit_opex: dict[str, dict[str, float]] = {u.tag: {} for u in units}
        self.unit_calcs: dict[str, list[str]] = {u.tag: [] for u in units}

    def _record(self, tag: str, symbol: str, description: str, equation: str, inputs: dict[str, Any],
                result: Quantity, note: str = "", unit: Any = None) -> float:
        # hour/year and operators are dimensionless to pint; ``unit`` keeps them from being reduced away.
        self.log.record(tag, symbol, description, equation, inputs, result, note=note, unit=unit)
        if tag in self.unit_calcs:
            self.unit_calcs[tag].append(self.log.records[-1].id)
        return float(result.magnitude)

    # -- CAPEX -------------------------------------------------------------

    def _installation_factor(self, unit: "UnitProcess", category: str) -> tuple[float, str]:
        return installation_factor(unit.type, category, unit.packaged)

    def capex(self) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
        purchased: dict[str, dict[str, float]] = {}
        installed: dict[str, float] = {}
        for u in self.units:
            by_cat: dict[str, float] = {}
            for item in u.capex_items:
                cat = item.category if item.category in CAPEX_CATEGORIES else "equipment"
                by_cat[cat] = by_cat.get(cat, 0.0) + _mag(item.cost, _USD)
            purchased[u.tag] = by_cat
            if not by_cat:
                installed[u.tag] = 0.0
                continue
            inputs: dict[str, Any] = {}
            terms = []
            total = 0.0
            for cat, cost in by_cat.items():
                f, source = self._installation_factor(u, cat)
                word = self.ctx.t(_CATEGORY_WORDS[cat])
                inputs[f"C_{cat}"] = (Q_(cost, _USD), mark("unit cost curves"),
                                      self.ctx.t("purchased cost, {category}", category=word))
                inputs[f"f_{cat}"] = (Q_(f, _DIMLESS), source, self.ctx.t("installation factor, {category}", category=word))
                terms.append(f"f_{cat} · C_{cat}")
                total += f * cost
            installed[u.tag] = self._record(u.tag, "C_inst", "Installed cost (purchased cost × installation factor)",
                                            "C_inst = " + " + ".join(terms), inputs, Q_(total, _USD))
        return purchased, installed

    # -- OPEX --------------------------------------------------------------

    def energy(self) -> tuple[float, float]:
        price = self.ctx.electricity_price
        p = _mag(price.quantity, _USD_KWH)
        total_kw = 0.0
        for u in self.units:
            kw = sum(_mag(pw.consumed, _KW) for pw in u.power)
            if kw <= 0:
                continue
            total_kw += kw
            cost = kw * self.hours * self.availability * p
            self.unit_opex[u.tag]["energy"] = self._record(
                u.tag, "OPEX_energy", "Yearly electricity cost", "OPEX_energy = P · t · f_a · c_e",
                {"P": (Q_(kw, _KW), "unit power list", "average consumed power"),
                 "t": self.t_year,
                 "f_a": self.f_a,
                 "c_e": price},
                Q_(cost, _USD_Y))
        kwh = total_kw * self.hours * self.availability
        self._record(PLANT, "E_year", "Yearly electricity consumption of the plant", "E_year = ΣP · t · f_a",
                     {"ΣP": (Q_(total_kw, _KW), "unit power lists", "average consumed power, all units"),
                      "t": self.t_year,
                      "f_a": self.f_a},
                     Q_(kwh, _KWH_Y))
        return total_kw, kwh

    def chemicals(self) -> list[dict[str, Any]]:
        table = _chemicals()
        year = int(table["price_year"])
        escalation = self.index.factor(year, self.cost_year)
        rows = []
        for u in self.units:
            for chem in u.chemicals:
                spec = table["chemicals"].get(chem.key)
                kg_d = _mag(chem.consumption, _KG_D)
                if spec is None:
                    self.ctx.warnings.append(self.ctx.t("{tag}: no price for chemical {key!r}; its cost is not included",
                                                        tag=u.tag, key=chem.key))
                    continue
                price = float(spec["price"])
                cost = kg_d * 365.0 * self.availability * price * escalation
                self._record(
                    u.tag, f"OPEX_{chem.key}",
                    self.ctx.t("Yearly cost of {name}", name=spec["name"].get(self.ctx.language, spec["name"]["en"])),
                    f"OPEX_{chem.key} = M · 365 d/year · f_a · c · I_{self.cost_year} / I_{year}",
                    {"M": (chem.consumption, "unit chemical list", "consumption as product"),
                     "f_a": self.f_a,
                     "c": (Q_(price, _USD_KG), " ".join(spec.get("source", table["source"]).split()),
                           self.ctx.t("delivered price ({year})", year=year)),
                     f"I_{self.cost_year}": (Q_(self.index.values[self.cost_year], _DIMLESS), self.index.source, self.index.name),
                     f"I_{year}": (Q_(self.index.values[year], _DIMLESS), self.index.source,
                                   self.ctx.t("{index}; {note}", index=self.index.name,
                                              note=self.ctx.t(self.data["operation"]["chemicals_escalation"])))},
                    Q_(cost, _USD_Y))
                opex = self.unit_opex[u.tag]
                opex["chemicals"] = opex.get("chemicals", 0.0) + cost
                rows.append({"unit": u.tag, "chemical": chem.key, "name": spec["name"], "purpose": chem.purpose,
                             "consumption": kg_d, "price": price * escalation, "annual": cost})
        return rows

    def sludge(self) -> list[dict[str, Any]]:
        """Disposal of what leaves the plant as solids: cake, residuals, or liquid sludge without dewatering."""
        price = self.ctx.sludge_disposal_price
        c = _mag(price.quantity, _USD_T)
        tags = {u.tag for u in self.units}
        sludge_units = [u for u in self.units if u.type in SLUDGE_LINE]
        last = sludge_units[-1] if sludge_units else None
        items: list[tuple["UnitProcess", str, str, float]] = []  # unit, kind, description, wet kg/d
        for u in self.units:
            # A sludge-line unit's product may be its effluent (thickened sludge, cake) rather than a side stream.
            outputs = [*u.side_streams, *([u.effluent] if u.effluent is not None and u.effluent.kind in SOLIDS else [])]
            for s in outputs:
                if s.kind not in SOLIDS or (s.destination and s.destination in tags):
                    continue
                # Unrouted streams (a unit list costed on its own): main-line sludge goes to the sludge line.
                if not s.id and last is not None and u is not last:
                    continue
                wet = _mag(s.flow, _M3_D) * _mag(WATER_DENSITY, _KG_M3)
                what = (self.ctx.t("dewatered cake") if s.kind == "cake" else
                        self.ctx.t("liquid {kind} hauled (not dewatered)",
                                   kind=self.ctx.t(KIND_WORDS.get(s.kind, s.kind))))
                items.append((u, s.kind, what, wet))
            for r in u.residuals:
                what = self.ctx.t("{kind} to {disposal}", kind=self.ctx.t(_RESIDUAL_WORDS.get(r["kind"], r["kind"])),
                                  disposal=self.ctx.t(_RESIDUAL_WORDS.get(r["disposal"], r["disposal"])))
                items.append((u, r["kind"], what, _mag(r["mass"], _KG_D)))
        rows = []
        for u, kind, description, wet in items:
            if wet <= 0:
                continue
            tonnes = wet * 365.0 * self.availability / 1000.0
            cost = tonnes * c
            self._record(u.tag, f"OPEX_sludge_{kind}", self.ctx.t("Yearly disposal cost, {what}", what=description),
                         "OPEX_sludge = M_wet · 365 d/year · f_a · c_s",
                         {"M_wet": (Q_(wet, _KG_D), "unit side streams and residuals", "wet mass leaving the plant"),
                          "f_a": self.f_a,
                          "c_s": price},
                         Q_(cost, _USD_Y), note=self.data["operation"]["sludge"] if kind == "sludge" else "")
            opex = self.unit_opex[u.tag]
            opex["sludge"] = opex.get("sludge", 0.0) + cost
            rows.append({"unit": u.tag, "kind": kind, "description": description, "wet_mass": wet,
                         "wet_tonnes_per_year": tonnes, "annual": cost})
        return rows

    def maintenance(self, purchased: dict[str, dict[str, float]]) -> None:
        spec = self.data["operation"]["maintenance"]
        m_eq, m_civ = float(spec["equipment"]["value"]), float(spec["civil"]["value"])
        for u in self.units:
            by_cat = purchased[u.tag]
            mech = sum(v for k, v in by_cat.items() if k != "civil")
            civil = by_cat.get("civil", 0.0)
            if mech + civil <= 0:
                continue
            self.unit_opex[u.tag]["maintenance"] = self._record(
                u.tag, "OPEX_maint", "Yearly maintenance and repair", "OPEX_maint = m_e · C_e + m_c · C_c",
                {"m_e": (Q_(m_eq, _PER_Y), spec["equipment"]["source"], spec["equipment"]["description"]),
                 "C_e": (Q_(mech, _USD), "unit cost curves", "purchased equipment, membranes and media"),
                 "m_c": (Q_(m_civ, _PER_Y), spec["civil"]["source"], spec["civil"]["description"]),
                 "C_c": (Q_(civil, _USD), "unit cost curves", "civil works")},
                Q_(m_eq * mech + m_civ * civil, _USD_Y))

    def unit_items(self) -> None:
        """Yearly costs the units computed themselves (membrane, media, lamp, cartridge replacement)."""
        for u in self.units:
            for item in u.opex_items:
                cat = item.category if item.category in OPEX_CATEGORIES else "replacement"
                opex = self.unit_opex[u.tag]
                opex[cat] = opex.get(cat, 0.0) + _mag(item.annual, _USD_Y)
                if item.calc_id:
                    self.unit_calcs[u.tag].append(item.calc_id)

    def labour(self) -> float:
        spec = self.data["labour"]
        q_ref = float(spec["reference_flow"]["value"])
        q = _mag(self.units[0].influent.flow, _M3_D) if self.units and self.units[0].influent else 0.0
        q = max(q, _mag(self.treated_flow, _M3_D))
        counts = {cls: 0 for cls in spec["hours_by_class"]}
        for u in self.units:
            counts[spec["unit_class"].get(u.type, "mechanical")] += 1
        b, a = float(spec["exponent"]), float(spec["laboratory_admin_fraction"])
        hours = sum(n * float(spec["hours_by_class"][cls]) for cls, n in counts.items()) * (q / q_ref) ** b * (1 + a)
        inputs: dict[str, Any] = {}
        for cls, n in counts.items():
            inputs[f"n_{cls}"] = (Q_(n, _DIMLESS), mark("design train"), self.ctx.t(_STAFF_COUNT[cls]))
            inputs[f"h_{cls}"] = (Q_(float(spec["hours_by_class"][cls]), _H_Y), spec["source"],
                                  self.ctx.t(_STAFF_HOURS[cls]))
        inputs.update({"Q": (Q_(q, _M3_D), mark("design"), mark("plant flow")),
                       "Q_ref": (Q_(q_ref, _M3_D), spec["source"], mark("reference flow (1 MGD)")),
                       "b": (Q_(b, _DIMLESS), spec["source"], mark("flow exponent")),
                       "a": (Q_(a, _DIMLESS), spec["source"], mark("laboratory and administration allowance"))})
        terms = " + ".join(f"n_{cls}·h_{cls}" for cls in counts)
        self._record(PLANT, "H_staff", "Operator staff-hours per year", f"H_staff = ({terms}) · (Q / Q_ref)^b · (1 + a)",
                     inputs, Q_(hours, _H_Y), unit=_H_Y)
        per_fte, minimum = float(spec["hours_per_fte"]), float(spec["minimum_fte"])
        fte = max(minimum, math.ceil(2 * hours / per_fte - 1e-9) / 2)
        self._record(PLANT, "N_op", "Operators (full-time equivalents)", "N_op = max(N_min, ⌈2 · H_staff / H_FTE⌉ / 2)",
                     {"H_staff": (Q_(hours, _H_Y), "calculated"),
                      "H_FTE": (Q_(per_fte, _H_Y_OP), spec["source"], "productive hours per operator-year"),
                      "N_min": (Q_(minimum, _OPERATOR), spec["source"], "at least one responsible operator")},
                     Q_(fte, _OPERATOR), unit=_OPERATOR)
        return fte

    # -- the whole run -------------------------------------------------------

    def run(self) -> CostSummary:
        purchased, installed = self.capex()
        direct = sum(installed.values())
        self._record(PLANT, "C_D", "Direct cost: installed cost of all units", "C_D = Σ C_inst",
                     {f"C_inst,{tag}": (Q_(v, _USD), f"{tag}.C_inst") for tag, v in installed.items() if v},
                     Q_(direct, _USD))
        indirect: dict[str, float] = {}
        for key in INDIRECT_CATEGORIES:
            spec = self.data["indirect"][key]
            p = float(spec["value"])
            name = spec["name"].get(self.ctx.language, spec["name"]["en"])
            indirect[key] = self._record(PLANT, f"C_{key}", name, f"C_{key} = p_{key} · C_D",
                                         {f"p_{key}": (Q_(p, _DIMLESS), spec["source"], name),
                                          "C_D": (Q_(direct, _USD), "calculated")},
                                         Q_(p * direct, _USD))
        capex = self._record(PLANT, "CAPEX", "Total capital cost", "CAPEX = C_D + " + " + ".join(f"C_{k}" for k in indirect),
                             {"C_D": (Q_(direct, _USD), "calculated"),
                              **{f"C_{k}": (Q_(v, _USD), "calculated") for k, v in indirect.items()}},
                             Q_(direct + sum(indirect.values()), _USD))
        aace = self.data["aace"]
        cls = aace["classes"][self.aace_class]
        low, high = float(cls["low"]) / 100.0, float(cls["high"]) / 100.0
        basis = self.ctx.t(
            "AACE Class {n} ({name}): published range {low_narrow} % to {low_wide} % / +{high_narrow} % to "
            "+{high_wide} %; {low} % / +{high} % used. {why}",
            n=self.aace_class, name=cls["name"].get(self.ctx.language, cls["name"]["en"]),
            low_narrow=cls["published_low"][0], low_wide=cls["published_low"][1],
            high_narrow=cls["published_high"][0], high_wide=cls["published_high"][1],
            low=cls["low"], high=cls["high"], why=self.ctx.t(cls["why"].strip()))
        range_inputs = {"CAPEX": (Q_(capex, _USD), "calculated")}
        self._record(PLANT, "CAPEX_low", self.ctx.t("Low end of the Class {n} accuracy range", n=self.aace_class),
                     "CAPEX_low = CAPEX · (1 + L)",
                     {**range_inputs, "L": (Q_(low, _DIMLESS), aace["source"], basis)}, Q_(capex * (1 + low), _USD))
        self._record(PLANT, "CAPEX_high", self.ctx.t("High end of the Class {n} accuracy range", n=self.aace_class),
                     "CAPEX_high = CAPEX · (1 + H)",
                     {**range_inputs, "H": (Q_(high, _DIMLESS), aace["source"], basis)}, Q_(capex * (1 + high), _USD))

        total_kw, kwh = self.energy()
        chemicals = self.chemicals()
        sludge = self.sludge()
        self.maintenance(purchased)
        self.unit_items()
        operators = self.labour()
        labour = operators * _mag(self.ctx.labour_cost.quantity, _USD_Y)
        self._record(PLANT, "OPEX_labour", "Yearly operator labour cost", "OPEX_labour = N_op · c_L",
                     {"N_op": (Q_(operators, _OPERATOR), "calculated"), "c_L": self.ctx.labour_cost},
                     Q_(labour, _USD_Y))

        opex_by_cat = {k: 0.0 for k in OPEX_CATEGORIES}
        for tag, items in self.unit_opex.items():
            for cat, v in items.items():
                opex_by_cat[cat] = opex_by_cat.get(cat, 0.0) + v
        opex_by_cat["labour"] += labour
        opex = self._record(PLANT, "OPEX", "Total operating cost per year", "OPEX = " + " + ".join(f"C_{k}" for k in opex_by_cat),
                            {f"C_{k}": (Q_(v, _USD_Y), "calculated") for k, v in opex_by_cat.items()},
                            Q_(sum(opex_by_cat.values()), _USD_Y))

        i = _mag(self.ctx.discount_rate.quantity, _DIMLESS)
        n = _mag(self.ctx.plant_life.quantity, _YEAR)
        crf = capital_recovery_factor(i, n)
        self._record(PLANT, "CRF", "Capital recovery factor", "CRF = i · (1 + i)^n / ((1 + i)^n − 1)",
                     {"i": self.ctx.discount_rate, "n": self.ctx.plant_life}, Q_(crf, _PER_Y))
        q = _mag(self.treated_flow, _M3_D)
        volume = self._record(PLANT, "V_year", "Water treated per year", "V_year = Q · 365 d/year · f_a",
                              {"Q": (self.treated_flow, "design", "treated (product) water flow"),
                               "f_a": self.f_a},
                              Q_(q * 365.0 * self.availability, _M3_Y))
        lcow = (capex * crf + opex) / volume if volume > 0 else float("nan")
        self._record(PLANT, "LCOW", "Levelized cost of water", "LCOW = (CAPEX · CRF + OPEX) / V_year",
                     {"CAPEX": (Q_(capex, _USD), "calculated"), "CRF": (Q_(crf, _PER_Y), "calculated"),
                      "OPEX": (Q_(opex, _USD_Y), "calculated"), "V_year": (Q_(volume, _M3_Y), "calculated")},
                     Q_(lcow, _USD_M3))
        specific = kwh / volume if volume > 0 else 0.0
        self._record(PLANT, "E_spec", "Specific energy consumption", "E_spec = E_year / V_year",
                     {"E_year": (Q_(kwh, _KWH_Y), "calculated"), "V_year": (Q_(volume, _M3_Y), "calculated")},
                     Q_(specific, _KWH_M3))

        share = capex / direct if direct > 0 else 0.0
        unit_costs = {}
        for u in self.units:
            unit_costs[u.tag] = UnitCost(
                tag=u.tag, type=u.type, name=u.name,
                purchased={k: Q_(v, _USD) for k, v in purchased[u.tag].items()},
                installed=Q_(installed[u.tag], _USD),
                capex=Q_(installed[u.tag] * share, _USD),
                opex={k: Q_(v, _USD_Y) for k, v in self.unit_opex[u.tag].items()},
                calculations=self.unit_calcs[u.tag],
            )
        purchased_by_cat = {k: 0.0 for k in CAPEX_CATEGORIES}
        for by_cat in purchased.values():
            for k, v in by_cat.items():
                purchased_by_cat[k] += v
        capex_by_cat = {k: Q_(v, _USD) for k, v in purchased_by_cat.items()}
        capex_by_cat["installation"] = Q_(direct - sum(purchased_by_cat.values()), _USD)
        capex_by_cat.update({k: Q_(v, _USD) for k, v in indirect.items()})

        summary = CostSummary(
            cost_year=self.cost_year, currency=self.currency, rates=self.rates, aace_class=self.aace_class,
            accuracy_low=low, accuracy_high=high, accuracy_basis=basis,
            capex_total=Q_(capex, _USD), range_low=Q_(capex * (1 + low), _USD), range_high=Q_(capex * (1 + high), _USD),
            direct_cost=Q_(direct, _USD), capex_by_category=capex_by_cat,
            opex_total=Q_(opex, _USD_Y), opex_by_category={k: Q_(v, _USD_Y) for k, v in opex_by_cat.items()},
            lcow=Q_(lcow, _USD_M3), crf=crf, discount_rate=i, plant_life=Q_(n, _YEAR),
            availability=self.availability, treated_flow=self.treated_flow, annual_volume=Q_(volume, _M3_Y),
            energy={"consumed_power": Q_(total_kw, _KW), "annual": Q_(kwh, _KWH_Y),
                    "specific": Q_(specific, _KWH_M3)},
            operators=operators, units=unit_costs, chemicals=chemicals, sludge=sludge,
            plant_opex={"labour": Q_(labour, _USD_Y)}, language=self.ctx.language,
        )
        summary.cross_checks = self.cross_check(purchased, installed)
        return summary

    def cross_check(self, purchased: dict[str, dict[str, float]], installed: dict[str, float]) -> list[dict[str, Any]]:
        """Compare each mapped unit's cost-curve estimate with the historical price of the same capacity and scope."""
        cfg = self.data["cross_check"]
        low, high = float(cfg["low_ratio"]), float(cfg["high_ratio"])
        rows = []
        for u in self.units:
            spec = cfg["unit_types"].get(u.type)
            if spec is None or u.influent is None:
                continue
            item, scope = spec["item"], spec["scope"]
            trains = max(1, int(u.trains))
            hist_q, used, calc = historical_price(item, u.influent.flow / trains, count=trains, log=self.log,
                                                  unit_tag=u.tag)
            self.unit_calcs[u.tag].append(calc.id)
            basis = used[0].basis
            if basis == "installed":
                curve, what = installed[u.tag], self.ctx.t("installed cost")
            elif scope == "complete":
                curve, what = sum(purchased[u.tag].values()), self.ctx.t("purchased cost, civil works included")
            else:
                curve = sum(v for k, v in purchased[u.tag].items() if k == "equipment")
                what = self.ctx.t("purchased equipment")
            hist = float(hist_q.magnitude)
            if curve <= 0 or hist <= 0:
                continue
            ratio = self._record(u.tag, "R_check", self.ctx.t("Cost curve against historical prices ({what})", what=what),
                                 "R = C_curve / C_hist",
                                 {"C_curve": (Q_(curve, _USD), "unit cost curves",
                                              self.ctx.t("{what} from the cost curves", what=what)),
                                  "C_hist": (Q_(hist, _USD), calc.id,
                                             self.ctx.t("historical price, same capacity; {why}",
                                                        why=self.ctx.t(spec["why"])))},
                                 Q_(curve / hist, _DIMLESS))
            # An extrapolated historical price is shown but is no ground for a warning.
            agrees = None if calc.note else low <= ratio <= high
            if agrees is False:
                self.ctx.warnings.append(self.ctx.t(
                    "{tag}: the cost-curve estimate ({curve:,.0f} USD, {what}) is {ratio:.2g} times the historical "
                    "price of the same capacity ({hist:,.0f} USD, {source}); the two disagree by more than the "
                    "Class 5 range — check the equipment scope",
                    tag=u.tag, curve=curve, what=what, ratio=ratio, hist=hist,
                    source=self.ctx.t(used[0].source).split(",")[0]))
            rows.append({"unit": u.tag, "item": item, "basis": basis, "scope": scope, "curve": Q_(curve, _USD),
                         "historical": Q_(hist, _USD), "ratio": round_sig(ratio, 3), "agrees": agrees, "note": calc.note,
                         "records": [self.ctx.t(r.description) for r in used], "calculation": calc.id})
        return rows
