"""The deterministic free-text reader: numbers with units and the names of what
they measure, in Spanish and English.

"caudal 500 m3/d, DQO 3000 mg/L, pH 6.5" → {"flow_average": "500 m3/d",
"cod": "3000 mg/L", "ph": "6.5"}. It only finds candidate answers (as text);
the questionnaire validates each one exactly as if it had been typed in the
question's own field. Used when no LLM is configured, and as the fallback
when the extraction agent fails.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.utils.translation import get_language

from .quantities import DIMENSIONS, NUMBER, QuantityInputError, parse_quantity_text
from .questionnaire import Question, Questionnaire, parameter_spec, parameters_data

# Words between a name and its number ("DQO de unos 3000") or after a number
# that are not its unit ("500 de agua").
STOPWORDS = {
    "de", "del", "en", "y", "e", "o", "a", "al", "es", "son", "con", "para", "que", "el", "la", "los", "las",
    "un", "una", "unos", "unas", "in", "at", "of", "and", "or", "for", "with", "the", "is", "are", "was", "about",
}  # fmt: skip
# Phrases between two answers: the unit of one never runs past them.
_CLAUSE_END = re.compile(r"[,;\n]|[.!?](?=\s|$)|\s(?:y|e|and|with|con|pero|but)\s", re.IGNORECASE)
_NUMBER_RE = re.compile(NUMBER)
# A name is this close to its number, with no digit in between.
_MAX_GAP = 40
# Units are at most this many words ("millones de galones por día").
_MAX_UNIT_WORDS = 5
# Dimensions that name their question on their own ("35 °C" is the temperature).
_SELF_NAMING = ("flow", "temperature", "turbidity", "pressure", "electricity_price", "organisms")


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so spans map back to `text`)."""
    out = []
    for char in text:
        if char in "ºª˚":
            out.append("°")
            continue
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(base.lower() if len(base) == 1 else char.lower()[:1] or char)
    return "".join(out)


@dataclass
class Found:
    key: str
    text: str  # the value as written ("3000 mg/L")
    name: str = ""  # the words that named it ("DQO"); "" when the unit did


@dataclass
class FreeTextResult:
    found: dict[str, Found] = field(default_factory=dict)
    # Numbers with a unit that names no question ("3000 mg/L" with no parameter).
    unassigned: list[str] = field(default_factory=list)
    # Values whose unit does not fit what they were named as ("caudal 2500 mg/L").
    problems: dict[str, str] = field(default_factory=dict)


def _names(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(folded alias, question key), longest first. Every quality parameter is known,
    also those this questionnaire does not ask about."""
    pairs: dict[str, str] = {}
    for q in questionnaire.questions:
        if q.type == "quantity":
            for alias in q.aliases:
                pairs.setdefault(fold(alias), q.key)
    for parameter, spec in parameters_data()["parameters"].items():
        for alias in spec.get("aliases", []):
            pairs.setdefault(fold(alias), parameter)
    return sorted(((a, k) for a, k in pairs.items() if len(a) >= 2), key=lambda p: -len(p[0]))


@cache
def _alias_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(alias) + r"(?![a-z0-9])")


def _value_at(original: str, folded: str, start: int, dimension: str | None) -> tuple[str, int, str | None] | None:
    """The number starting at `start` and the longest following words that make it a
    valid value of `dimension`: (text, end, problem). None when there is no number."""
    match = _NUMBER_RE.match(folded, start)
    if not match:
        return None
    number_end = match.end()
    clause = _CLAUSE_END.search(folded, number_end)
    clause_end = clause.start() if clause else len(folded)
    rest = original[number_end:clause_end]
    words = rest.split()[:_MAX_UNIT_WORDS]
    number_text = original[start:number_end].strip()
    if dimension is None:
        return number_text, number_end, None
    problem = None
    first = fold(words[0]).strip(".:") if words else ""
    if words and first not in STOPWORDS:
        for n in range(len(words), 0, -1):
            candidate = f"{number_text} {' '.join(words[:n])}"
            error = _parse_error(candidate, dimension)
            if error is not None:
                if n == 1 and _is_dimension_problem(candidate, dimension):
                    problem = error
                continue
            offset = 0
            for word in words[:n]:
                offset = rest.index(word, offset) + len(word)
            return candidate, number_end + offset, None
    if problem:
        return number_text, number_end, problem
    return number_text, number_end, None


@lru_cache(maxsize=4096)
def _parse_error_in(text: str, dimension: str, language: str) -> str | None:
    try:
        parse_quantity_text(text, dimension)
    except QuantityInputError as exc:
        return str(exc)
    return None


def _parse_error(text: str, dimension: str) -> str | None:
    """Why `text` is not a value of `dimension` (None when it is). Cached: long messages
    repeat the same values."""
    return _parse_error_in(text, dimension, get_language() or "")


def _is_dimension_problem(text: str, dimension: str) -> bool:
    """Whether the unit in `text` is a real unit of another kind (not an unknown word)."""
    return any(
        _parse_error(text, other) is None
        for other in DIMENSIONS
        if other != dimension and not DIMENSIONS[other].plain
    )


def _choice_keywords(question: Question) -> list[tuple[str, str]]:
    pairs = []
    for option in question.options:
        words = set(option.keywords) | {option.text("es"), option.text("en")}
        for word in words:
            folded = fold(word)
            if len(folded) >= 3:
                pairs.append((folded, option.value))
    return pairs


def parse_free_text(text: str, questionnaire: Questionnaire, answers: Mapping[str, Mapping[str, Any]]) -> FreeTextResult:
    """Candidate answers in a message: named values, self-naming units, choice keywords."""
    original = str(text or "")[:5000]
    folded = fold(original)
    result = FreeTextResult()
    consumed: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in consumed)

    # 1. "name … number unit"
    names = _names(questionnaire)
    hits: list[tuple[int, int, str, str]] = []
    for alias, key in names:
        for m in _alias_pattern(alias).finditer(folded):
            if free(m.start(), m.end()) and all(m.end() <= s or m.start() >= e for s, e, _k, _a in hits):
                hits.append((m.start(), m.end(), key, alias))
    hits.sort()
    for index, (start, end, key, alias) in enumerate(hits):
        next_name = hits[index + 1][0] if index + 1 < len(hits) else len(folded)
        gap = folded[end : min(next_name, end + _MAX_GAP)]
        number = _NUMBER_RE.search(gap)
        if not number or re.search(r"\d", gap[: number.start()]):
            continue
        between = re.sub(r"[:=~≈\s().-]+", " ", gap[: number.start()]).split()
        if any(word not in STOPWORDS and word not in {"medio", "promedio", "average", "mean", "total", "aprox", "aproximadamente", "approximately", "around", "cerca", "typical", "tipico", "agua", "water", "residual", "efluente", "effluent", "influent", "influente", "entrada", "inlet", "we", "have", "tenemos", "hay", "our", "nuestro", "nuestra"} for word in between):
            continue
        question = questionnaire.question(key)
        if question is None:
            continue
        number_start = end + number.start()
        value = _value_at(original, folded, number_start, question.dimension)
        if value is None:
            continue
        value_text, value_end, problem = value
        consumed.append((start, value_end))
        if problem:
            result.problems[key] = problem
            continue
        result.found.setdefault(key, Found(key=key, text=value_text, name=original[start:end]))

    # 2. Numbers whose unit names the question ("500 m3/d", "35 °C").
    for m in _NUMBER_RE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        if m.start() > 0 and (folded[m.start() - 1].isalnum() or folded[m.start() - 1] in "-_"):
            continue  # part of a name such as "DBO5" or "NH4-N"
        for dimension in _SELF_NAMING:
            value = _value_at(original, folded, m.start(), dimension)
            if value is None or value[0] == original[m.start() : m.end()].strip():
                continue
            keys = [q.key for q in questionnaire.questions if q.type == "quantity" and q.dimension == dimension
                    and not q.ratio_to and q.key not in result.found]
            if dimension == "flow":
                keys = [k for k in keys if k == "flow_average"]
            if len(keys) == 1:
                result.found[keys[0]] = Found(key=keys[0], text=value[0])
                consumed.append((m.start(), value[1]))
                break
        else:
            value = _value_at(original, folded, m.start(), "concentration")
            if value and value[0] != original[m.start() : m.end()].strip():
                result.unassigned.append(value[0])
                consumed.append((m.start(), value[1]))

    # 3. Choice keywords ("alcantarillado" → destination: sewer), for questions not yet answered.
    values = {k: a.get("value") for k, a in answers.items()}
    for q in questionnaire.applicable(answers):
        if q.type != "choice" or q.key in answers or q.key in result.found:
            continue
        matched = {value for word, value in _choice_keywords(q) if _alias_pattern(word).search(folded)}
        if len(matched) == 1:
            option = q.option(matched.pop())
            if option is not None:
                result.found[q.key] = Found(key=q.key, text=option.value)
                values[q.key] = option.value
    return result


def known_parameter(name: str) -> str | None:
    """The parameter a cell or a phrase names (any alias, in either language), or None."""
    folded = " ".join(fold(name).replace("_", " ").split()).strip(" .:")
    for parameter, spec in parameters_data()["parameters"].items():
        if folded == parameter.replace("_", " ") or folded in {fold(a) for a in spec.get("aliases", [])}:
            return parameter
    return None


def is_parameter(key: str) -> bool:
    return parameter_spec(key) is not None
