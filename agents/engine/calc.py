"""Calculation records: every sized or costed number, with its equation and inputs.

A record says what was computed, the equation as text, each input with its
units and where it came from (the user, a sector default, a design
criterion and its source, another calculation), and the result. The
engineering phase prints its calculation report from these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .criteria import Criterion
from .i18n import SOURCE_LANGUAGE, mark, tr
from .quantities import Quantity, qjson, reduced

# Where an input came from, in the words most calculations use (translated with the record).
SOURCE_WORDS = (mark("calculated"), mark("design"), mark("influent"), mark("influent peak"), mark("physical constant"),
                mark("default"), mark("user"), mark("target"), mark("upstream biological unit"))


@dataclass(frozen=True)
class Sourced:
    """A value and where it came from (``"user"``, ``"sector default (…)"``, a criterion's source)."""

    quantity: Quantity
    source: str


@dataclass
class CalcInput:
    symbol: str
    description: str
    quantity: Quantity
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"symbol": self.symbol, "description": self.description, **qjson(self.quantity), "source": self.source}


@dataclass
class Calculation:
    id: str
    unit_tag: str
    description: str
    equation: str
    inputs: list[CalcInput]
    result: Quantity
    result_symbol: str
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit_tag,
            "description": self.description,
            "equation": self.equation,
            "inputs": [i.to_json() for i in self.inputs],
            "result": {"symbol": self.result_symbol, **qjson(self.result)},
            **({"note": self.note} if self.note else {}),
        }


InputSpec = "Sourced | tuple[Quantity, str] | tuple[Quantity, str, str] | Criterion"


@dataclass
class CalcLog:
    """The calculations of one design, in the order they were made.

    Descriptions, notes and the sources and descriptions of inputs given as
    tuples are English messages, recorded in ``language`` (the design's).
    """

    records: list[Calculation] = field(default_factory=list)
    _ids: dict[str, int] = field(default_factory=dict)
    language: str = SOURCE_LANGUAGE

    def record(
        self,
        unit_tag: str,
        symbol: str,
        description: str,
        equation: str,
        inputs: dict[str, Any],
        result: Quantity,
        *,
        unit: str | None = None,
        note: str = "",
    ) -> Quantity:
        """Record ``symbol = equation`` and return the result (converted to ``unit`` if given).

        ``inputs`` maps each symbol in the equation to a :class:`Sourced`, a
        criterion (anything with ``quantity``, ``source`` and ``description``),
        or a tuple ``(quantity, source)`` / ``(quantity, source, description)``.
        """
        if unit is not None:
            result = result.to(unit)
        elif result.dimensionless:
            result = reduced(result)
        parsed = [self._input(sym, spec) for sym, spec in inputs.items()]
        base = f"{unit_tag}.{symbol}"
        n = self._ids.get(base, 0)
        self._ids[base] = n + 1
        calc_id = base if n == 0 else f"{base}.{n + 1}"
        language = self.language
        if language != SOURCE_LANGUAGE:
            description, note = tr(language, description), tr(language, note)
        self.records.append(Calculation(calc_id, unit_tag, description, equation, parsed, result, symbol, note))
        return result

    def _input(self, symbol: str, spec: Any) -> CalcInput:
        kind = type(spec)
        if kind is Criterion:
            return CalcInput(symbol, spec.description, spec.quantity, spec.source)
        if kind is tuple:
            quantity, source, *rest = spec
            description = rest[0] if rest else ""
            if self.language != SOURCE_LANGUAGE:
                source, description = tr(self.language, source), tr(self.language, description)
            return CalcInput(symbol, description, quantity, source)
        if isinstance(spec, Sourced):
            return CalcInput(symbol, "", spec.quantity, tr(self.language, spec.source))
        if hasattr(spec, "quantity") and hasattr(spec, "source"):
            return CalcInput(symbol, getattr(spec, "description", ""), spec.quantity, spec.source)
        raise TypeError(f"calculation input {symbol!r} has no source: {spec!r}")

    def for_unit(self, unit_tag: str) -> list[Calculation]:
        return [r for r in self.records if r.unit_tag == unit_tag]

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.records]
