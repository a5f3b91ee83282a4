"""Units for every engineering value: one pint registry for the whole engine.

SI is used inside calculations; values are reported in the units water
engineers read (m3/d, mg/L, kW). Money is a pint dimension of its own
(``[currency]``) whose only unit is the engine's reference currency, USD;
conversion to other currencies happens at the edges with configurable
rates, never inside the registry (rates are not constants).
"""

from __future__ import annotations

import math
import operator
import re
from functools import lru_cache
from typing import Any

import pint
from pint.util import UnitsContainer, to_units_container

from .i18n import Problem, mark

# "m3/d", "m2", "ft3" are how engineers write volumes and areas; pint wants "m**3".
_POWER_SUFFIX = re.compile(r"(?<![A-Za-z_])(mm|cm|km|m|ft|in|yd|L)([23])(?![0-9A-Za-z_])")
_SUPERSCRIPTS = {"²": "**2", "³": "**3"}


# Organism counts are reported "per 100 mL"; a unit with a scaling factor cannot be a
# pint unit, so the conventional form is read as one named unit.
_PER_100ML = re.compile(r"(CFU|MPN)\s*/\s*\(?\s*100\s*mL\s*\)?")


# Pint evaluates powers exactly, so "9³³³" (9**3**3**3) or "10**99999999" never
# returns. No unit needs a power above 4 and no value needs one at all; text with
# chained powers, a large exponent, or an absurd length is refused before pint sees it.
_CHAINED_POWER = re.compile(r"(?:\*\*|\^)[\s\d.()+-]*(?:\*\*|\^)")
_EXPONENT = re.compile(r"(?:\*\*|\^)\s*\(?\s*([-+]?[\d.]+)")
MAX_TEXT_LENGTH = 100


def _unsafe(text: str) -> bool:
    if len(text) > MAX_TEXT_LENGTH or _CHAINED_POWER.search(text):
        return True
    for match in _EXPONENT.finditer(text):
        try:
            if abs(float(match.group(1))) > 4:
                return True
        except ValueError:
            return True
    return False


@lru_cache(maxsize=4096)
def _preprocess(text: str) -> str:
    # Pint runs its preprocessors on every unit string it meets, before its own cache.
    text = _PER_100ML.sub(r"\1_per_100mL", text)
    for sup, power in _SUPERSCRIPTS.items():
        text = text.replace(sup, power)
    text = text.replace("·", "*")
    return _POWER_SUFFIX.sub(r"\1**\2", text)


ureg = pint.UnitRegistry(
    autoconvert_offset_to_baseunit=True,
    preprocessors=[_preprocess],
    on_redefinition="raise",
)
ureg.define("million_gallons_per_day = 1e6 * gallon / day = MGD")
ureg.define("megaliter_per_day = 1e6 * liter / day = MLD")
ureg.define("gallon_per_minute = gallon / minute = gpm = GPM")
ureg.define("gallon_per_day = gallon / day = gpd")
ureg.define("US_dollar = [currency] = USD")
# Turbidity, colour and organism counts are not convertible to mass; own dimensions
# keep them from being added to concentrations by mistake.
ureg.define("NTU = [turbidity]")
ureg.define("CFU = [organisms]")
ureg.define("MPN = CFU")
ureg.define("CFU_per_100mL = CFU / deciliter")
ureg.define("MPN_per_100mL = CFU_per_100mL")
ureg.define("log_removal = [] = LRV")
ureg.define("pH_unit = [] = pH")
ureg.define("percent_sat = 0.01 = percent_saturation")
ureg.define("kWh = kilowatt * hour")
ureg.define("person = [] = operator")

# Pint caches parsed unit expressions only for single unit names, so every
# ``q.to("m3/d")`` re-parses "m**3/day"; the engine converts with a few dozen
# distinct unit strings thousands of times per design. Parsed containers are
# immutable, so memoizing the parser is safe and makes designs several times faster.
ureg.parse_units_as_container = lru_cache(maxsize=4096)(ureg.parse_units_as_container)


# Pint re-derives, on every product, quotient and conversion, which units are
# offset units (°C) and the factor between two units, through several layers of
# registry facets: tens of microseconds each, and a design does tens of thousands.
# Both depend only on the (immutable, hashable) units, so they are memoized here.
# A conversion is cached as a factor only when it is linear (0 maps to 0: no
# offset unit involved); offset conversions and errors always go through pint.
# The engine never activates pint contexts, which could change a conversion.
_linear_factor: dict[tuple[Any, Any], float] = {}
_pint_convert = ureg._convert


def _convert(value: Any, src: Any, dst: Any, inplace: bool = False, **kwargs: Any) -> Any:
    if kwargs or ureg._active_ctx.contexts:
        return _pint_convert(value, src, dst, inplace, **kwargs)
    factor = _linear_factor.get((src, dst))
    if factor is None:
        if _pint_convert(0.0, src, dst) != 0.0:
            return _pint_convert(value, src, dst, inplace)
        factor = _linear_factor[(src, dst)] = _pint_convert(1.0, src, dst)
    return value * factor


ureg._convert = _convert

_nonmultiplicative: dict[Any, tuple[str, ...]] = {}
_QuantityClass = ureg.Quantity
_pint_nonmultiplicative = _QuantityClass._get_non_multiplicative_units


def _get_non_multiplicative_units(self: Any) -> list[str]:
    found = _nonmultiplicative.get(self._units)
    if found is None:
        found = _nonmultiplicative[self._units] = tuple(_pint_nonmultiplicative(self))
    return list(found)


_QuantityClass._get_non_multiplicative_units = _get_non_multiplicative_units

_validated: dict[Any, str | None] = {}
_pint_validate = ureg._validate_and_extract


def _validate_and_extract(units: Any) -> str | None:
    try:
        return _validated[units]
    except KeyError:
        found = _validated[units] = _pint_validate(units)  # raises, uncached, for invalid units
        return found


ureg._validate_and_extract = _validate_and_extract

# Every arithmetic result is a new Quantity built from a number and the units pint
# already computed; pint's constructor re-checks the value's type and creates a
# throw-away registry object on each. That common case is built directly.
_pint_new = _QuantityClass.__new__


@lru_cache(maxsize=4096)
def _units_of(text: str) -> UnitsContainer:
    return ureg.parse_units(text)._units


def _new_quantity(cls: type, value: Any = None, units: Any = None) -> Any:
    if type(units) is str:
        units = _units_of(units)
    if type(units) is UnitsContainer and type(value) in (float, int):
        inst = object.__new__(cls)
        inst._magnitude = value
        inst._units = units
        return inst
    return _pint_new(cls, value, units)


_QuantityClass.__new__ = staticmethod(_new_quantity)


# Every memo above is a dict keyed by unit containers, so each lookup compares two
# containers; pint's comparison re-derives both hashes and dispatches on type first.
# Containers of the same units are mostly distinct objects with cached hashes: compare
# those, then the unit exponents. Other types (parser helpers, strings) go through pint.
_pint_units_eq = UnitsContainer.__eq__


def _units_eq(self: UnitsContainer, other: Any) -> bool:
    if self is other:
        return True
    if type(other) is UnitsContainer and type(self) is UnitsContainer:
        if self._hash is not None and other._hash is not None and self._hash != other._hash:
            return False
        return self._d == other._d
    return _pint_units_eq(self, other)


UnitsContainer.__eq__ = _units_eq  # type: ignore[method-assign]


# Arithmetic and conversions between quantities in plain (non-offset) units: the
# same result pint gives, without its per-operation dispatch and checks. Anything
# else (offset units such as °C, arrays, other types, errors) goes through pint.
_NUMBER = (float, int)
_product_units: dict[tuple[Any, Any, bool], UnitsContainer] = {}


def _plain(units: UnitsContainer) -> bool:
    found = _nonmultiplicative.get(units)
    if found is None:
        found = _nonmultiplicative[units] = tuple(
            u for u in units if not ureg._units[u].is_multiplicative) if all(u in ureg._units for u in units) else ("?",)
    return not found


def _quantity(magnitude: Any, units: UnitsContainer) -> Any:
    inst = object.__new__(_QuantityClass)
    inst._magnitude = magnitude
    inst._units = units
    return inst


def _factor(src: UnitsContainer, dst: UnitsContainer) -> float | None:
    """The factor from ``src`` to ``dst`` when both are plain units (raises when incompatible)."""
    if src == dst:
        return 1.0
    factor = _linear_factor.get((src, dst))
    if factor is None and _plain(src) and _plain(dst):
        factor = _linear_factor[(src, dst)] = _pint_convert(1.0, src, dst)
    return factor


def _fast_mul_div(divide: bool, pint_op: Any) -> Any:
    def op(self: Any, other: Any) -> Any:
        if type(self._magnitude) in _NUMBER:
            tother = type(other)
            if tother is _QuantityClass:
                if type(other._magnitude) in _NUMBER and _plain(self._units) and _plain(other._units):
                    key = (self._units, other._units, divide)
                    units = _product_units.get(key)
                    if units is None:
                        units = _product_units[key] = (self._units / other._units if divide
                                                       else self._units * other._units)
                    return _quantity(self._magnitude / other._magnitude if divide
                                     else self._magnitude * other._magnitude, units)
            elif tother in _NUMBER and _plain(self._units):
                return _quantity(self._magnitude / other if divide else self._magnitude * other, self._units)
        return pint_op(self, other)

    return op


def _fast_add_sub(subtract: bool, pint_op: Any) -> Any:
    def op(self: Any, other: Any) -> Any:
        if type(other) is _QuantityClass and type(self._magnitude) in _NUMBER and type(other._magnitude) in _NUMBER:
            factor = _factor(other._units, self._units) if _plain(self._units) else None
            if factor is not None:
                m = other._magnitude if factor == 1.0 else other._magnitude * factor
                return _quantity(self._magnitude - m if subtract else self._magnitude + m, self._units)
        return pint_op(self, other)

    return op


_root: dict[UnitsContainer, tuple[UnitsContainer, float]] = {}


def _in_root_units(q: Any) -> tuple[UnitsContainer, Any]:
    found = _root.get(q._units)
    if found is None:
        root = ureg._get_root_units(q._units)[1]
        found = _root[q._units] = (root, _pint_convert(1.0, q._units, root))
    return found[0], q._magnitude * found[1]


def _fast_compare(compare: Any, pint_op: Any) -> Any:
    # Quantities in different units are compared in root units, as pint does.
    def op(self: Any, other: Any) -> Any:
        if (type(other) is _QuantityClass and type(self._magnitude) in _NUMBER and type(other._magnitude) in _NUMBER
                and _plain(self._units) and _plain(other._units)):
            if self._units == other._units:
                return compare(self._magnitude, other._magnitude)
            root, a = _in_root_units(self)
            other_root, b = _in_root_units(other)
            if root == other_root:
                return compare(a, b)
        return pint_op(self, other)

    return op


@lru_cache(maxsize=4096)
def _units_of_text(text: str) -> UnitsContainer:
    return to_units_container(text, ureg)


_pint_to = _QuantityClass.to
_UnitClass = ureg.Unit


def _fast_to(self: Any, other: Any = None, *contexts: Any, **ctx_kwargs: Any) -> Any:
    if not contexts and not ctx_kwargs and type(self._magnitude) in _NUMBER:
        kind = type(other)
        units = (_units_of_text(other) if kind is str else other if kind is UnitsContainer
                 else other._units if kind is _UnitClass else None)
        if units is not None:
            factor = _factor(self._units, units)
            if factor is not None:
                return _quantity(self._magnitude if factor == 1.0 else self._magnitude * factor, units)
    return _pint_to(self, other, *contexts, **ctx_kwargs)


_QuantityClass.to = _fast_to
_QuantityClass.__mul__ = _QuantityClass.__rmul__ = _fast_mul_div(False, _QuantityClass.__mul__)
_QuantityClass.__truediv__ = _fast_mul_div(True, _QuantityClass.__truediv__)
_QuantityClass.__add__ = _QuantityClass.__radd__ = _fast_add_sub(False, _QuantityClass.__add__)
_QuantityClass.__sub__ = _fast_add_sub(True, _QuantityClass.__sub__)
for _name, _compare in (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt),
                        ("__ge__", operator.ge)):
    setattr(_QuantityClass, _name, _fast_compare(_compare, getattr(_QuantityClass, _name)))

Q_ = ureg.Quantity
Quantity = pint.Quantity

_reduced: dict[UnitsContainer, tuple[UnitsContainer, float]] = {}


def reduced(q: pint.Quantity) -> pint.Quantity:
    """``q.to_reduced_units()``, with the reduction of each unit worked out once."""
    if type(q._magnitude) not in _NUMBER or not _plain(q._units):
        return q.to_reduced_units()
    found = _reduced.get(q._units)
    if found is None:
        units = q.to_reduced_units()._units
        found = _reduced[q._units] = (units, _pint_convert(1.0, q._units, units))
    return _quantity(q._magnitude * found[1], found[0])


class QuantityError(ValueError):
    """A value that is not a number with a unit we understand, in plain words."""


def parse_quantity(value: Any, unit: str | None = None, *, name: str = "value") -> pint.Quantity:
    """Parse ``"500 m3/d"``, ``{"value": 500, "unit": "m3/d"}``, a Quantity or a bare number.

    ``unit`` is the default for a bare number and the unit the result must be
    convertible to; a value in an incompatible unit raises :class:`QuantityError`.
    """
    if isinstance(value, pint.Quantity):
        q = value
    elif isinstance(value, dict) and "value" in value:
        q = _from_parts(value.get("value"), value.get("unit") or unit, name)
    elif isinstance(value, bool):
        raise QuantityError(Problem(mark("{name}: expected a number with a unit, got {value}"), name=name,
                                     value=repr(value)))
    elif isinstance(value, (int, float)):
        q = _from_parts(value, unit, name)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise QuantityError(Problem(mark("{name}: is empty"), name=name))
        if _unsafe(_preprocess(text)):
            shown = text if len(text) <= 40 else text[:37] + "…"
            raise QuantityError(Problem(mark("{name}: cannot read {value} as a number with a unit"), name=name,
                                         value=repr(shown)))
        try:
            q = ureg.Quantity(text)
        except (pint.errors.PintError, SyntaxError, ValueError, TypeError, AttributeError, KeyError) as exc:
            raise QuantityError(Problem(mark("{name}: cannot read {value} as a number with a unit ({error})"),
                                         name=name, value=repr(value), error=_reason(exc))) from None
        if not isinstance(q, pint.Quantity):
            q = _from_parts(q, unit, name)
        elif q.dimensionless and unit and not ureg.Unit(_preprocess(unit)).dimensionless and q.units == ureg.dimensionless:
            q = _from_parts(q.magnitude, unit, name)
    else:
        raise QuantityError(Problem(mark("{name}: expected a number with a unit, got {value}"), name=name,
                                     value=repr(value)))
    magnitude = q.magnitude
    if not isinstance(magnitude, (int, float)) or not math.isfinite(magnitude):
        raise QuantityError(Problem(mark("{name}: {value} is not a finite number"), name=name, value=repr(value)))
    if unit is not None:
        try:
            q.to(_preprocess(unit))
        except pint.errors.DimensionalityError:
            raise QuantityError(Problem(mark("{name}: {value} is not convertible to {unit} (expected {expected})"),
                                         name=name, value=repr(value), unit=unit,
                                         expected=_dimension_words(unit))) from None
    return q


def _from_parts(magnitude: Any, unit: str | None, name: str) -> pint.Quantity:
    if isinstance(magnitude, bool) or not isinstance(magnitude, (int, float)):
        raise QuantityError(Problem(mark("{name}: {value} is not a number"), name=name, value=repr(magnitude)))
    try:
        return ureg.Quantity(float(magnitude), _preprocess(unit) if unit else "dimensionless")
    except (pint.errors.PintError, SyntaxError, ValueError, TypeError, AttributeError) as exc:
        raise QuantityError(Problem(mark("{name}: unknown unit {unit} ({error})"), name=name, unit=repr(unit),
                                     error=_reason(exc))) from None


def _reason(exc: Exception) -> Any:
    if isinstance(exc, pint.errors.UndefinedUnitError):
        return Problem(mark("unknown unit {names}"),
                        names=", ".join(exc.unit_names) if hasattr(exc, "unit_names") else str(exc))
    return str(exc) or exc.__class__.__name__


def _dimension_words(unit: str) -> Any:
    dim = ureg.Unit(_preprocess(unit)).dimensionality
    names = {
        "[length] ** 3 / [time]": mark("a flow such as m3/d, L/s, MGD or gpm"),
        "[mass] / [length] ** 3": mark("a concentration such as mg/L or g/L"),
        "[temperature]": mark("a temperature such as 25 °C"),
        "[length] / [time]": mark("a velocity or loading rate such as m/h"),
        "[time]": mark("a time such as min, h or d"),
        "[length]": mark("a length such as m"),
        "[length] ** 2": mark("an area such as m2"),
        "[length] ** 3": mark("a volume such as m3"),
    }
    found = names.get(str(dim))
    return Problem(found) if found else Problem(mark("units of {dimension}"), dimension=str(dim))


def unit_label(unit: pint.Unit | str) -> str:
    """Compact, re-parseable unit text: ``m3/d``, ``kg/m3``, ``mg/L``, ``°C``, ``CFU/100 mL``."""
    if isinstance(unit, str):
        unit = ureg.Unit(_preprocess(unit))
    return _unit_label(unit)


@lru_cache(maxsize=512)
def _unit_label(unit: pint.Unit) -> str:
    # Formatting a pint unit costs tens of microseconds and the JSON of a design
    # formats thousands of quantities in a few dozen distinct units.
    if unit == ureg.dimensionless:
        return ""
    text = f"{unit:~C}"
    text = re.sub(r"\*\*(\d+)", r"\1", text)
    text = re.sub(r"(?<![A-Za-z])(m|µ|k)?l(?![A-Za-z])", lambda m: (m.group(1) or "") + "L", text)
    text = re.sub(r"(CFU|MPN)_per_100mL", r"\1/100 mL", text)
    return text.replace("*", "·").replace("delta_degC", "°C").replace("degC", "°C")


def qjson(q: pint.Quantity, unit: str | None = None, digits: int = 6) -> dict[str, Any]:
    """A quantity as ``{"value": …, "unit": "…"}`` (the engine's JSON contract)."""
    if unit is not None:
        q = q.to(_preprocess(unit))
        label = unit
    else:
        label = _labels.get(q._units)
        if label is None:
            label = _labels[q._units] = unit_label(q.units)
    return {"value": round_sig(float(q.magnitude), digits), "unit": label}


# Labels by units container: building the pint Unit that unit_label formats costs more
# than the label itself, and a design's JSON has tens of thousands of quantities.
_labels: dict[UnitsContainer, str] = {}


def round_sig(x: float, digits: int = 6) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    try:
        return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))
    except OverflowError:  # near the largest float, rounding to tens of digits overflows
        return x


def fmt(q: pint.Quantity, unit: str | None = None, digits: int = 3) -> str:
    """A quantity for people: ``1,250 m3/d``, ``4.2 m/h``."""
    if unit is not None:
        q = q.to(_preprocess(unit))
    value = round_sig(float(q.magnitude), digits)
    decimals = 0 if value == 0 else max(0, digits - 1 - int(math.floor(math.log10(abs(value)))))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    label = unit if unit is not None else unit_label(q.units)
    return f"{text} {label}".strip()
