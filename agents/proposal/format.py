"""Numbers and units for people, in the active language (Django's number
formats: 1,801,550.5 in English, 1.801.550,5 in Spanish).

Quantities keep three significant digits (four when the integer part needs
them); money is shown in whole currency units, LCOW with two decimals.
"""

from __future__ import annotations

import math
import re

from django.utils.formats import number_format

SIGNIFICANT = 3
_SUPERSCRIPT = re.compile(r"(?<=[A-Za-z])([23])(?![0-9])")


def unit_label(unit: str | None) -> str:
    """The engine's unit text for print: m3/d → m³/d, m2 → m²; pint spellings shortened."""
    text = (unit or "").strip()
    if text in ("", "dimensionless"):
        return ""
    text = (
        text.replace("**", "").replace("meter ** 3", "m3").replace("meter ** 2", "m2").replace(" / ", "/").replace("day", "d")
        .replace("hour", "h").replace("liter", "L").replace("milligram", "mg").replace("kilogram", "kg")
        .replace("degree_Celsius", "°C").replace("US_dollar", "USD").replace("kilowatt_hour", "kWh")
        .replace("kilowatt", "kW").replace("degC", "°C").replace("_per_", "/").replace("100mL", "100 mL")
        .replace("metric_ton", "t").replace("/year", "/a")
        .replace(" ", "")
    )  # fmt: skip
    return _SUPERSCRIPT.sub(lambda m: "²" if m.group(1) == "2" else "³", text)


def number_text(value: float | None, digits: int = SIGNIFICANT) -> str:
    """`value` with `digits` significant digits (integers above that keep all their digits)."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    magnitude = int(math.floor(math.log10(abs(value))))
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(value, decimals) if decimals else round(value, digits - 1 - magnitude)
    text = number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if decimals:
        decimal_sep = number_format(0.5, decimal_pos=1, use_l10n=True)[1]
        text = text.rstrip("0").rstrip(decimal_sep)
    return text


def quantity_text(value: float | None, unit: str | None = "", digits: int = SIGNIFICANT) -> str:
    label = unit_label(unit)
    if label == "%":
        return f"{number_text(value, digits)} %"
    return f"{number_text(value, digits)} {label}".strip()


def money_text(value: float | None, currency: str, *, decimals: int = 0) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)} {currency}"


def lcow_text(value: float | None, currency: str) -> str:
    return f"{money_text(value, currency, decimals=2)}/m³"


def percent_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{number_format(round(value), decimal_pos=0, use_l10n=True)} %"
