"""The numbers a text states, and whether each one comes from the engine.

An LLM writes the proposal's prose; the engine computes every size and
price. `NumberSet` holds the numbers the agent was given (the tools'
results, the project's own data) and `invented_numbers(text, allowed)`
lists the numbers of a text that match none of them, so the output
validator can refuse an answer that states a number the engine did not
produce.

A number in a text matches a known one within its printed precision (one
unit of its last digit: "1.8 million" matches 1,801,550, "1.79" matches
1.78554), never looser than 1 % nor than 5 % (so "2 million" does not pass
for 1.8 million). Both the English (1,801,550.5) and the Spanish
(1.801.550,5) separators are read. Digits inside words (m3, CO2, SCR-101,
5th) are not numbers; small counts (0–12) are always allowed.

Pure Python: no Django.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

# Counts ("three stages", "2 trains", "Class 5") are too small to be an engine figure worth checking.
SMALL_COUNT = 12
MIN_TOLERANCE = 0.01
MAX_TOLERANCE = 0.05

# Scale words after a number ("1.8 million", "500 k"). "M"/"MM" (millions) only in capitals: "500 m" is metres.
_SCALES = {
    "k": 1e3, "thousand": 1e3, "thousands": 1e3, "mil": 1e3,
    "million": 1e6, "millions": 1e6, "millón": 1e6, "millon": 1e6, "millones": 1e6, "mill": 1e6,
    "bn": 1e9, "billion": 1e9, "billions": 1e9,
}  # fmt: skip
_CAPITAL_SCALES = {"M": 1e6, "MM": 1e6}
# A word with a digit in it (a unit, a tag, a formula) or an ordinal is not a number: blanked first.
_WORD_WITH_DIGIT = re.compile(r"[^\W\d_][\w\-/.·]*\d[\w\-]*|\d+(?:st|nd|rd|th|º|ª)\b", re.UNICODE)
_NUMBER = re.compile(
    r"(?<![\w.,])"
    r"(\d{1,3}(?:[,.\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?![\w])"
    r"(?:\s*(?P<scale>[^\W\d_]+))?",
    re.UNICODE,
)
_CONVENTIONS = ((",", "."), (".", ","))  # (thousands, decimal): English, Spanish


def _reading(token: str, thousands: str, decimal: str) -> tuple[float, float] | None:
    """(value, unit of the last printed digit) of `token` read with these separators, or None."""
    token = token.replace("\u00a0", thousands).replace("\u202f", thousands)
    integer, _sep, fraction = token.partition(decimal)
    if decimal in fraction or thousands in fraction:
        return None
    groups = integer.split(thousands)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    digits = "".join(groups)
    if not digits.isdigit() or (fraction and not fraction.isdigit()):
        return None
    value = float(f"{digits}.{fraction}" if fraction else digits)
    if fraction:
        return value, 10.0 ** -len(fraction)
    # Trailing zeros of an integer are not precision: 1,800 reads as "about 1.8 thousand".
    zeros = len(digits) - len(digits.rstrip("0")) if value else 0
    return value, float(10**zeros)


def numbers_in_text(text: str) -> Iterator[tuple[str, list[tuple[float, float]]]]:
    """Each number token of `text` with its readings (value, unit of the last digit), scale applied."""
    cleaned = _WORD_WITH_DIGIT.sub(lambda m: " " * len(m.group(0)), text or "")
    for match in _NUMBER.finditer(cleaned):
        token, word = match.group(1), match.group("scale") or ""
        scale = _CAPITAL_SCALES.get(word) or _SCALES.get(word.lower(), 1.0) if word not in ("m", "mm") else 1.0
        readings = {r for r in (_reading(token, t, d) for t, d in _CONVENTIONS) if r is not None}
        if readings:
            yield (f"{token} {word}" if scale != 1.0 else token), [(v * scale, last * scale) for v, last in sorted(readings)]


def numbers_in_data(data: Any) -> Iterator[float]:
    """Every number in JSON-like data, including those written inside its strings."""
    if isinstance(data, bool) or data is None:
        return
    if isinstance(data, (int, float)):
        if math.isfinite(data):
            yield float(data)
        return
    if isinstance(data, str):
        for _token, readings in numbers_in_text(data):
            for value, _last in readings:
                yield value
        return
    if isinstance(data, dict):
        for value in data.values():
            yield from numbers_in_data(value)
        return
    if isinstance(data, (list, tuple, set)):
        for value in data:
            yield from numbers_in_data(value)


class NumberSet:
    """Known numbers (absolute values), with the percent form of fractions."""

    def __init__(self, values: Iterable[float] = ()) -> None:
        self._values: list[float] = []
        self.add(values)

    def add(self, values: Iterable[float]) -> None:
        new = []
        for value in values:
            value = abs(float(value))
            if not math.isfinite(value):
                continue
            new.append(value)
            if 0 < value < 1:
                new.append(value * 100)  # 0.08 is stated as 8 %
        if new:
            self._values = sorted(set(self._values).union(new))

    def add_data(self, data: Any) -> None:
        self.add(numbers_in_data(data))

    def __len__(self) -> int:
        return len(self._values)

    def matches(self, value: float, last_digit: float) -> bool:
        value = abs(value)
        if value <= SMALL_COUNT and float(value).is_integer():
            return True
        if value == 0:
            return True
        tolerance = min(MAX_TOLERANCE, max(MIN_TOLERANCE, last_digit / value))
        low, high = value * (1 - tolerance) / (1 + tolerance), value * (1 + tolerance) / (1 - tolerance)
        index = bisect.bisect_left(self._values, low)
        while index < len(self._values) and self._values[index] <= high:
            known = self._values[index]
            if abs(value - known) <= tolerance * known:
                return True
            index += 1
        return False


def invented_numbers(text: str, allowed: NumberSet) -> list[str]:
    """The number tokens of `text` that match no allowed number, in order."""
    return [token for token, readings in numbers_in_text(text) if not any(allowed.matches(v, last) for v, last in readings)]
