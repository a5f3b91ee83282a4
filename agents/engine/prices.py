"""Historical equipment prices: published price points, scaled and escalated.

``data/historical_prices.yaml`` holds price points of water-treatment
equipment (item type, capacity and its unit, price, currency, year, basis,
source). :func:`historical_price` estimates the price of an item of another
capacity from the nearest records:

    C = N · (1/k) · Σ P_i · (S / S_i)^n · I_cost_year / I_year_i

with the k ≤ 2 records nearest in log-capacity, the item type's exponent n
(0.6, the six-tenths rule, unless the data says otherwise) and the CEPCI
(:func:`.cost_curves.cost_index`). The costing module uses it to cross-check
the units' cost curves; the proposal and procurement agents may call it
directly for single items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import pint

from .calc import CalcLog, Calculation
from .cost_curves import cost_index
from .criteria import load_data
from .i18n import mark, tr
from .quantities import Q_, Quantity, _preprocess, ureg

# How many records an estimate is averaged over: the nearest one alone follows a
# single data point; more than two reaches for records far from the asked size.
NEAREST = 2
# Beyond this factor outside the records' capacity range the estimate is an extrapolation.
EXTRAPOLATION_FACTOR = 2.0
_USD = ureg.Unit("USD")
_DIMLESS = ureg.Unit("dimensionless")


@cache
def _unit(text: str) -> pint.Unit:
    # Parsing a unit string costs far more than the arithmetic it serves; parse each once.
    return ureg.Unit(_preprocess(text))


# The basis of a price, shown in descriptions.
_BASIS_WORDS = {"purchased": mark("purchased"), "installed": mark("installed")}


class PriceError(ValueError):
    """An item type or capacity the price table cannot answer, in plain words."""


@dataclass(frozen=True)
class PriceRecord:
    item: str
    description: str
    capacity: float
    unit: str
    price: float
    currency: str
    year: int
    basis: str  # "purchased" or "installed"
    source: str

    @property
    def capacity_quantity(self) -> Quantity:
        return Q_(self.capacity, _unit(self.unit))

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "description": self.description,
                "capacity": {"value": self.capacity, "unit": self.unit},
                "price": {"value": self.price, "unit": self.currency}, "year": self.year,
                "basis": self.basis, "source": self.source}


@dataclass(frozen=True)
class ItemType:
    key: str
    name: dict[str, str]
    exponent: float
    unit: str  # capacity unit shared by all its records
    basis: str
    records: tuple[PriceRecord, ...]


@cache
def price_table() -> dict[str, ItemType]:
    """The item types of data/historical_prices.yaml with their records (validated once)."""
    raw = load_data("historical_prices")
    sources = raw["sources"]
    index = cost_index()
    by_item: dict[str, list[PriceRecord]] = {}
    for row in raw["records"]:
        item = row["item"]
        if item not in raw["item_types"]:
            raise ValueError(f"historical price of unknown item type {item!r}")
        if row.get("currency", "USD") != "USD":
            raise ValueError(f"historical price of {item}: prices are kept in USD")
        if int(row["year"]) not in index.values:
            raise ValueError(f"historical price of {item}: year {row['year']} is not in the cost index")
        by_item.setdefault(item, []).append(PriceRecord(
            item=item, description=row["description"], capacity=float(row["capacity"]), unit=row["unit"],
            price=float(row["price"]), currency="USD", year=int(row["year"]), basis=row["basis"],
            source=" ".join(sources[row["source"]].split()),
        ))
    table = {}
    for key, spec in raw["item_types"].items():
        records = by_item.get(key, [])
        if not records:
            raise ValueError(f"item type {key!r} has no historical price")
        if len({r.unit for r in records}) != 1 or len({r.basis for r in records}) != 1:
            raise ValueError(f"item type {key!r}: all records must share one capacity unit and one basis")
        table[key] = ItemType(key, spec["name"], float(spec.get("exponent", 0.6)), records[0].unit,
                              records[0].basis, tuple(records))
    return table


def historical_price(
    item_type: str,
    capacity: Quantity,
    *,
    count: int = 1,
    log: CalcLog | None = None,
    unit_tag: str = "PLANT",
) -> tuple[Quantity, list[PriceRecord], Calculation]:
    """Price of ``count`` items of ``capacity`` each, USD of the cost year, from the nearest records.

    Returns the price, the records it was scaled from and the calculation
    record (added to ``log`` if one is given).
    """
    table = price_table()
    spec = table.get(item_type)
    if spec is None:
        raise PriceError(f"no historical prices for {item_type!r} (known: {', '.join(sorted(table))})")
    try:
        unit = _unit(spec.unit)
        s = float(capacity.magnitude) if capacity.units == unit else float(capacity.m_as(unit))
    except (pint.errors.DimensionalityError, AttributeError):
        raise PriceError(f"{item_type}: capacity {capacity!r} is not convertible to {spec.unit}") from None
    if not (s > 0 and math.isfinite(s)):
        raise PriceError(f"{item_type}: capacity must be a positive number, got {capacity!r}")
    if count < 1:
        raise PriceError(f"{item_type}: count must be at least 1, got {count}")

    used = sorted(spec.records, key=lambda r: abs(math.log(s / r.capacity)))[:NEAREST]
    index = cost_index()
    year = index.latest_year
    n = spec.exponent
    estimates = [r.price * (s / r.capacity) ** n * index.factor(r.year, year) for r in used]
    price = count * sum(estimates) / len(estimates)

    log = log if log is not None else CalcLog()
    language = log.language
    inputs: dict[str, Any] = {
        "N": (Q_(count, _DIMLESS), mark("design"), mark("number of items")),
        "S": (Q_(s, unit), mark("design"), mark("capacity of one item")),
        "n": (Q_(n, _DIMLESS), mark("six-tenths rule (data/historical_prices.yaml)"), mark("scale exponent")),
        f"I_{year}": (Q_(index.values[year], _DIMLESS), index.source, index.name),
    }
    terms = []
    for i, r in enumerate(used, start=1):
        inputs[f"P_{i}"] = (Q_(r.price, _USD), r.source,
                            tr(language, "{description} ({year}, {basis})", description=tr(language, r.description),
                               year=str(r.year), basis=tr(language, _BASIS_WORDS.get(r.basis, r.basis))))
        inputs[f"S_{i}"] = (r.capacity_quantity, r.source, mark("capacity of the record"))
        inputs[f"I_{r.year}"] = (Q_(index.values[r.year], _DIMLESS), index.source, index.name)
        terms.append(f"P_{i} · (S / S_{i})^n · I_{year} / I_{r.year}")
    equation = (f"C_hist = N · ({' + '.join(terms)}) / {len(used)}" if len(used) > 1
                else f"C_hist = N · {terms[0]}")
    capacities = [r.capacity for r in spec.records]
    note = ""
    if s > EXTRAPOLATION_FACTOR * max(capacities) or s < min(capacities) / EXTRAPOLATION_FACTOR:
        note = tr(language, "extrapolated: {s:g} {unit} is outside the records' range {low:g}–{high:g} {unit}",
                  s=s, unit=spec.unit, low=min(capacities), high=max(capacities))
    log.record(unit_tag, f"C_hist_{item_type}",
               tr(language, "Historical price, {name} ({basis})",
                  name=spec.name.get(language, spec.name["en"]).lower(),
                  basis=tr(language, _BASIS_WORDS.get(spec.basis, spec.basis))),
               equation, inputs, Q_(price, _USD), note=note)
    return Q_(price, _USD), list(used), log.records[-1]
