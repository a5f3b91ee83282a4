"""Numbers with units as people type them in the chat, read with pint.

Every answer is kept in the SI unit of its dimension (flows in m³/s,
concentrations in kg/m³, temperatures in K, pressures in Pa, durations in s;
prices in USD/kWh, which has no SI form), together with the text and unit the
user gave. The engine's requirements get the value in the engine's unit for
the dimension (m3/d, mg/L, °C, bar, year).

`parse_quantity_text` raises `QuantityInputError` with a message for the user
(already translated into the active language): it never lets a pint error out.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pint
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agents.engine.quantities import _preprocess, ureg


@dataclass(frozen=True)
class Dimension:
    name: str
    si: str  # the unit values are stored in ("" for plain numbers)
    engine: str  # the unit the engine's requirements get ("" for plain numbers)
    default: str  # the unit offered first
    units: tuple[tuple[str, str], ...]  # (pint unit, label shown)
    what: Any  # "a flow", for messages
    plain: bool = False  # a plain number (pH, counts): no unit accepted
    # Words people write after a plain number that mean nothing to pint.
    ignored_words: tuple[str, ...] = ()


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in [
        Dimension(
            "flow", "m**3/s", "m3/d", "m3/d",
            (("m3/d", "m³/d"), ("m3/h", "m³/h"), ("L/s", "L/s"), ("MLD", "MLD"), ("MGD", "MGD"), ("gpm", "gpm")),
            gettext_lazy("a flow (such as m³/d, L/s, MGD or gpm)"),
        ),
        Dimension(
            "concentration", "kg/m**3", "mg/L", "mg/L",
            (("mg/L", "mg/L"), ("g/L", "g/L"), ("µg/L", "µg/L")),
            gettext_lazy("a concentration (such as mg/L or g/L)"),
        ),
        Dimension(
            "temperature", "K", "degC", "degC", (("degC", "°C"), ("degF", "°F")),
            gettext_lazy("a temperature (such as 25 °C)"),
        ),
        Dimension(
            "ph", "", "", "", (), gettext_lazy("a pH value (a number from 0 to 14)"), plain=True,
            ignored_words=("ph", "upH", "unidades", "unidades de ph", "units", "ph units"),
        ),
        Dimension(
            "turbidity", "NTU", "NTU", "NTU", (("NTU", "NTU"),), gettext_lazy("a turbidity (in NTU)"),
        ),
        Dimension(
            "color", "", "", "", (), gettext_lazy("a colour in Pt-Co units (a number)"), plain=True,
            ignored_words=("pt-co", "ptco", "upt-co", "uc", "cu", "hazen", "unidades pt-co", "pt-co units", "unidades", "units"),
        ),
        Dimension(
            "organisms", "CFU/dL", "CFU/dL", "CFU/dL", (("CFU/dL", gettext_lazy("CFU/100 mL")),),
            gettext_lazy("a count of organisms (such as 1000 CFU/100 mL)"),
        ),
        Dimension(
            "pressure", "Pa", "bar", "bar", (("bar", "bar"), ("psi", "psi"), ("kPa", "kPa"), ("MPa", "MPa")),
            gettext_lazy("a pressure (such as 30 bar or 450 psi)"),
        ),
        Dimension(
            "electricity_price", "USD/kWh", "USD/kWh", "USD/kWh", (("USD/kWh", "USD/kWh"),),
            gettext_lazy("a price per kWh (such as 0.12 USD/kWh)"),
        ),
        Dimension(
            "fraction", "", "", "percent", (("percent", "%"),), gettext_lazy("a percentage (such as 8 %)"),
        ),
        Dimension(
            "duration", "s", "year", "year", (("year", gettext_lazy("years")),), gettext_lazy("a number of years"),
            ignored_words=(),
        ),
        Dimension(
            "count", "", "", "", (), gettext_lazy("a whole number"), plain=True,
            ignored_words=("habitantes", "personas", "animales", "cabezas", "people", "persons", "inhabitants",
                           "animals", "head"),
        ),
    ]
}  # fmt: skip


class QuantityInputError(ValueError):
    """The text is not a number with a unit of the expected kind; the message is for the user."""


# --- Text clean-up ---------------------------------------------------------------------

# Thousands grouped by spaces only in threes ("1 500"), so "500 2" is not 5002.
NUMBER = r"[-+−]?(?:(?:\d{1,3}(?:[\u00a0\u202f ]\d{3})+|\d+)(?:[.,']\d+)*|[.,]\d+)(?:[eE][-+]?\d+)?"
_NUMBER = NUMBER
_LEADING_NUMBER = re.compile(rf"^\s*(?:(?:US)?\$\s*)?({_NUMBER})\s*(.*?)\s*$", re.DOTALL)

# Spanish (and loose English) unit words → pint. Applied to the unit part only.
_UNIT_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), r)
    for p, r in [
        (r"\bmetros?\s+c[uú]bicos?\b", "m3"),
        (r"\bm³", "m3"),
        (r"\blitros?\b|\blts?\b", "L"),
        (r"\bgalones\b|\bgallons?\b", "gallon"),
        (r"\bmillones de galones por d[ií]a\b", "MGD"),
        (r"\bd[ií]as?\b|\bdays?\b", "d"),
        (r"\bhoras?\b|\bhours?\b|\bhr\b", "h"),
        (r"\bminutos?\b|\bminutes?\b", "min"),
        (r"\bsegundos?\b|\bseg\b|\bseconds?\b|\bsec\b", "s"),
        (r"\ba[ñn]os?\b|\byears?\b|\byr\b", "year"),
        (r"\s+por\s+|\s+per\s+", "/"),
        (r"\blps\b", "L/s"),
        (r"\bmgd\b", "MGD"),
        (r"\bmld\b", "MLD"),
        (r"\bgpm\b", "gpm"),
        (r"\bntu\b|\bunt\b|\bnefelom[eé]tricas?\b", "NTU"),
        (r"\bkwh\b", "kWh"),
        (r"\bl\b", "L"),
        (r"\s*\(?\s*(?:como|as)\s+(?:CaCO3|N|P|SiO2|NO3|NH4)\s*\)?\s*$", ""),
    ]
]
_ORGANISMS = re.compile(
    r"^(?:UFC|CFU|NMP|MPN|col(?:onias)?|organisms|organismos|E\.?\s*coli)?\s*(?:/|por|per)\s*\(?\s*100\s*m[lL]\s*\)?$",
    re.IGNORECASE,
)
_TEMPERATURE = [
    (re.compile(r"^(?:°|º|˚)?\s*C(?:elsius)?$|^grados(?:\s+(?:celsius|cent[ií]grados))?$|^degC$|^deg\s*C$", re.IGNORECASE), "degC"),
    (re.compile(r"^(?:°|º|˚)?\s*F(?:ahrenheit)?$|^degF$|^deg\s*F$", re.IGNORECASE), "degF"),
    (re.compile(r"^K(?:elvin)?$", re.IGNORECASE), "K"),
]
_CURRENCY_CODE = re.compile(r"\b(?!USD\b)(EUR|MXN|COP|CLP|PEN|ARS|BRL|GBP|CAD|INR|CNY|AUD|ZAR|SAR|AED|EGP|MAD|€|£)\b|[€£]")


def plain_text(text: str) -> str:
    """Lower case, without accents, single spaces: 'Dureza  Total' -> 'dureza total'."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def parse_number(text: str) -> float:
    """A number as people write it: '1,500.5', '1.500,5', '1 500', '6,5' (decimal
    comma), '1e12'. A lone comma or dot followed by exactly three digits groups
    thousands only when the other separator also appears or it repeats
    ('1.500.000'); a lone ',ddd' groups thousands ('1,500'), a lone '.ddd' is a
    decimal point ('1.500' = 1.5, as most of the world's software writes it).
    Raises ValueError."""
    text = text.strip().replace("−", "-").replace("\u00a0", " ").replace("\u202f", " ").replace("'", " ")
    mantissa, exponent = re.fullmatch(r"(.*?)((?:[eE][-+]?\d+)?)", text).groups()
    mantissa = mantissa.replace(" ", "")
    sign = ""
    if mantissa[:1] in "+-":
        sign, mantissa = mantissa[0], mantissa[1:]
    if "," in mantissa and "." in mantissa:
        decimal = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        mantissa = mantissa.replace(thousands, "").replace(decimal, ".")
    elif mantissa.count(",") > 1:
        mantissa = mantissa.replace(",", "")
    elif mantissa.count(".") > 1:
        mantissa = mantissa.replace(".", "")
    elif "," in mantissa:
        # "1,500" is fifteen hundred in Mexico and in English; "6,5" is six and a half.
        grouped = re.fullmatch(r"\d{1,3},\d{3}", mantissa)
        mantissa = mantissa.replace(",", "" if grouped else ".")
    if not re.fullmatch(r"\d*\.?\d+|\d+\.", mantissa):
        raise ValueError(text)
    return float(sign + mantissa + exponent)


def _normalise_unit(unit: str, dimension: Dimension) -> str:
    unit = unit.strip().replace("μ", "µ").replace("·", "*")
    if dimension.name == "temperature":
        for pattern, replacement in _TEMPERATURE:
            if pattern.match(unit):
                return replacement
    if dimension.name == "organisms" and _ORGANISMS.match(unit):
        return "CFU/dL"
    if dimension.name == "fraction" and unit in ("%", "por ciento", "percent", "pct"):
        return "percent"
    for pattern, replacement in _UNIT_WORDS:
        unit = pattern.sub(replacement, unit)
    if dimension.name in ("concentration", "turbidity", "organisms"):
        unit = re.sub(r"\bppm\b", "mg/L", unit, flags=re.IGNORECASE)
        unit = re.sub(r"\bppb\b", "µg/L", unit, flags=re.IGNORECASE)
    unit = re.sub(r"\s*/\s*", "/", unit.strip())
    return unit


# What a wrongly dimensioned answer is, in words.
def _what_it_is(q: pint.Quantity) -> str:
    for dimension in DIMENSIONS.values():
        if dimension.plain or not dimension.si:
            continue
        if q.dimensionality == ureg.Unit(_preprocess(dimension.si)).dimensionality:
            return str(dimension.what)
    words = {
        "[length]": _("a length"),
        "[mass]": _("a mass"),
        "[time]": _("a time"),
        "[length] ** 3": _("a volume"),
        "[length] ** 2": _("an area"),
        "[length] / [time]": _("a velocity"),
        "[mass] / [time]": _("a mass flow"),
    }
    return words.get(str(q.dimensionality), _("a value in other units"))


@dataclass(frozen=True)
class ParsedQuantity:
    si: float  # value in the dimension's SI unit
    magnitude: float  # as the user gave it
    unit: str  # the pint unit used ("" for plain numbers)


def parse_quantity_text(
    text: str, dimension_name: str, unit: str | None = None
) -> ParsedQuantity:
    """Read '500 m3/d', '20 L/s', '6,5', '35 °C' or a bare number (in `unit`, else the
    dimension's default) as a value of `dimension_name`. Raises QuantityInputError."""
    dimension = DIMENSIONS[dimension_name]
    raw = " ".join(str(text or "").split())
    if not raw:
        raise QuantityInputError(_("Please write a number."))
    match = _LEADING_NUMBER.match(raw)
    if not match:
        raise QuantityInputError(
            _("I could not find a number in “%(text)s”. Write the number first, then the unit, for example %(example)s.")
            % {"text": raw, "example": example_text(dimension)}
        )
    number_text, unit_text = match.group(1), match.group(2)
    try:
        magnitude = parse_number(number_text)
    except ValueError:
        raise QuantityInputError(_("“%(text)s” is not a number I can read.") % {"text": number_text}) from None
    if not math.isfinite(magnitude):
        raise QuantityInputError(_("“%(text)s” is not a finite number.") % {"text": raw})
    if raw.lstrip().startswith(("$", "US$")) and dimension.name == "electricity_price" and not unit_text:
        unit_text = "USD/kWh"
    unit_text = re.sub(r"^\$\s*/", "USD/", unit_text.strip())
    if dimension.name == "electricity_price" and _CURRENCY_CODE.search(unit_text):
        raise QuantityInputError(
            _("Please give the price in US dollars per kWh (for example 0.12 USD/kWh); the proposal converts it.")
        )

    if dimension.plain:
        if unit_text and plain_text(unit_text) not in {plain_text(w) for w in dimension.ignored_words}:
            raise QuantityInputError(
                _("%(what)s has no unit; write just the number (I could not use “%(unit)s”).")
                % {"what": str(dimension.what).capitalize(), "unit": unit_text}
            )
        return ParsedQuantity(si=magnitude, magnitude=magnitude, unit="")

    chosen = _normalise_unit(unit_text, dimension) if unit_text else (unit or dimension.default)
    try:
        q = ureg.Quantity(magnitude, _preprocess(chosen))
    except Exception:  # noqa: BLE001 — pint has many ways to refuse a unit
        raise QuantityInputError(
            _("I do not know the unit “%(unit)s”. Use one of: %(units)s.")
            % {"unit": unit_text or chosen, "units": unit_choices_text(dimension)}
        ) from None
    try:
        si = float(q.to(_preprocess(dimension.si)).magnitude)
    except pint.errors.DimensionalityError:
        raise QuantityInputError(
            _("“%(text)s” is %(given)s, not %(expected)s.")
            % {"text": raw, "given": _what_it_is(q), "expected": dimension.what}
        ) from None
    except Exception:  # noqa: BLE001
        raise QuantityInputError(
            _("I could not read “%(text)s” as %(expected)s.") % {"text": raw, "expected": dimension.what}
        ) from None
    if not math.isfinite(si):
        raise QuantityInputError(_("“%(text)s” is not a finite number.") % {"text": raw})
    return ParsedQuantity(si=si, magnitude=magnitude, unit=chosen)


# --- Display ------------------------------------------------------------------------------


def unit_choices_text(dimension: Dimension) -> str:
    return ", ".join(str(label) for _unit, label in dimension.units)


def unit_label(dimension: Dimension, unit: str | None = None) -> str:
    unit = unit if unit is not None else dimension.default
    for pint_unit, label in dimension.units:
        if pint_unit == unit:
            return str(label)
    return {"degC": "°C", "degF": "°F", "percent": "%"}.get(unit, unit.replace("**3", "³").replace("3/", "³/"))


def example_text(dimension: Dimension) -> str:
    examples = {
        "flow": "500 m³/d",
        "concentration": "250 mg/L",
        "temperature": "25 °C",
        "ph": "7.5",
        "turbidity": "20 NTU",
        "color": "50",
        "organisms": "1000 CFU/100 mL",
        "pressure": "30 bar",
        "electricity_price": "0.12 USD/kWh",
        "fraction": "8 %",
        "duration": "20",
        "count": "25000",
    }
    return examples.get(dimension.name, "1")


def round_sig(x: float, digits: int = 4) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def to_unit(si_value: float, dimension_name: str, unit: str | None = None) -> float:
    """An SI value in another unit of its dimension (the dimension's default when None)."""
    dimension = DIMENSIONS[dimension_name]
    if dimension.plain:
        return si_value
    unit = unit or dimension.default
    q = ureg.Quantity(si_value, _preprocess(dimension.si))
    return float(q.to(_preprocess(unit)).magnitude)


def from_unit(value: float, dimension_name: str, unit: str) -> float:
    """A value in `unit` as the dimension's SI value."""
    dimension = DIMENSIONS[dimension_name]
    if dimension.plain:
        return float(value)
    return float(ureg.Quantity(value, _preprocess(unit)).to(_preprocess(dimension.si)).magnitude)


def format_number(value: float, digits: int = 4) -> str:
    """In the active language's format: 1.500,5 in Spanish, 1,500.5 in English."""
    value = round_sig(float(value), digits)
    decimals = 0 if abs(value) >= 10 ** (digits - 1) or value == int(value) else max(
        0, digits - 1 - int(math.floor(math.log10(abs(value)))) if value else 0
    )
    if abs(value) >= 1e9 or (0 < abs(value) < 1e-4):
        return f"{value:.3g}"
    text = formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if "," in text or "." in text:
        # number_format pads to decimal_pos; drop trailing zeros after the decimal separator.
        sep = formats.get_format("DECIMAL_SEPARATOR")
        if sep in text:
            whole, frac = text.rsplit(sep, 1)
            frac = frac.rstrip("0")
            text = whole + (sep + frac if frac else "")
    return text


def format_si(si_value: float, dimension_name: str, unit: str | None = None) -> str:
    """'500 m³/d' from 0.005787 m³/s (in the dimension's default unit unless `unit`)."""
    dimension = DIMENSIONS[dimension_name]
    if dimension.name == "fraction":
        return f"{format_number(si_value * 100)} %"
    if dimension.plain:
        return format_number(si_value, 6 if dimension.name == "count" else 4)
    value = to_unit(si_value, dimension_name, unit)
    return f"{format_number(value)} {unit_label(dimension, unit or dimension.default)}"
