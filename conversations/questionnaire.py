"""Sector questionnaires as data (conversations/questionnaires/*.yaml).

A `Questionnaire` is the ordered list of `Question`s for one sector and
subsector. Which questions apply depends on the answers so far (`when`
conditions); `next_question` is the first that applies and has no answer;
the questionnaire is complete when every question that applies is answered
or skipped. `validate_answer` turns what the user typed into a stored answer
or raises `AnswerError` with a message for the user.

Answers (conversation metadata, ``answers[key]``)::

    {"value": 0.005787,        # SI for quantities; option value(s), bool or text otherwise
     "text": "500 m3/d",       # what the user gave (or the option's label)
     "unit": "m3/d",           # the unit they used ("" when none)
     "source": "user",         # user | default | free_text | agent | upload | project | fixed
     "skipped": false,         # true when the user did not know and a default stands
     "at": "2026-…"}

This module is pure logic: no database.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .quantities import (
    DIMENSIONS,
    QuantityInputError,
    format_si,
    parse_quantity_text,
    unit_label,
    plain_text,
    to_unit,
)

DATA_DIR = Path(__file__).parent / "questionnaires"
QUESTION_TYPES = ("quantity", "choice", "multi_choice", "text", "yes_no")
SECTIONS = ("general", "flow", "destination", "influent", "targets", "location", "economics", "notes")
SOURCES = ("user", "default", "free_text", "agent", "upload", "project", "fixed")
# An engine default: skipping leaves the value to the engine (sector, destination or country data).
ENGINE_DEFAULT = "engine"
TEXT_MAX_LENGTH = 1000

# (sector, subsector) -> questionnaire file; "*": every subsector of the sector.
FILES: dict[tuple[str, str], str] = {
    ("industrial", "*"): "industrial.yaml",
    ("municipal", "wastewater"): "municipal_wastewater.yaml",
    ("municipal", "drinking_water"): "municipal_drinking_water.yaml",
    ("agricultural", "*"): "agricultural.yaml",
}


class QuestionnaireError(Exception):
    """The questionnaire data is malformed (a bug in the YAML, caught by the tests)."""


class AnswerError(ValueError):
    """An answer that cannot be used; the message (translated) says why and how to fix it."""


def language() -> str:
    return (get_language() or "es")[:2]


def tr(texts: Mapping[str, str] | str | None, lang: str | None = None) -> str:
    """The text in `lang` (the active language by default), else English, else Spanish."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    lang = lang or language()
    return texts.get(lang) or texts.get("en") or texts.get("es") or ""


@dataclass(frozen=True)
class Option:
    value: str
    label: Mapping[str, str]
    keywords: tuple[str, ...] = ()

    def text(self, lang: str | None = None) -> str:
        return tr(self.label, lang)


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: Mapping[str, str]
    section: str = "general"
    help: Mapping[str, str] = field(default_factory=dict)
    dimension: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    ratio_to: Mapping[str, Any] | None = None
    required: bool = False
    default: Any = None
    when: Mapping[str, Any] | None = None
    maps_to: str | None = None
    omit_values: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    options_from: str | None = None
    aliases: tuple[str, ...] = ()
    example: str | None = None
    max_length: int = TEXT_MAX_LENGTH
    parameter: str | None = None  # the engine's quality parameter (influent or target)
    short: Mapping[str, str] = field(default_factory=dict)  # the summary's label

    def text(self, lang: str | None = None) -> str:
        return tr(self.label, lang)

    def short_text(self, lang: str | None = None) -> str:
        """'Average flow', 'COD', 'COD limit': how the summary and the replies name it."""
        if self.short:
            return tr(self.short, lang)
        label = self.text(lang).strip("¿?")
        return label[:1].upper() + label[1:]

    def help_text(self, lang: str | None = None) -> str:
        return tr(self.help, lang)

    @property
    def default_unit(self) -> str:
        if self.dimension is None:
            return ""
        return self.unit or DIMENSIONS[self.dimension].default

    @property
    def can_skip(self) -> bool:
        """Optional questions, and required ones with a default, may be left to the default."""
        return not self.required or self.default is not None

    @property
    def engine_default(self) -> bool:
        return self.default == ENGINE_DEFAULT

    def option(self, value: Any) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def display(self, answer: Mapping[str, Any] | None, lang: str | None = None) -> str:
        """The answer as the summary shows it ('500 m³/d', 'Sewer', 'Yes', '—')."""
        if not answer:
            return "—"
        value = answer.get("value")
        if value is None:
            return "—"
        if self.type == "quantity" and self.dimension and isinstance(value, (int, float)):
            return format_si(float(value), self.dimension, self.default_unit or None)
        if self.type == "choice":
            option = self.option(value)
            return option.text(lang) if option else str(value)
        if self.type == "multi_choice" and isinstance(value, list):
            return ", ".join(o.text(lang) if (o := self.option(v)) else str(v) for v in value) or "—"
        if self.type == "yes_no":
            from django.utils import translation

            with translation.override(lang or language()):
                return _("Yes") if value else _("No")
        return str(value)


# --- Conditions -------------------------------------------------------------------------------


def condition_holds(condition: Mapping[str, Any] | None, values: Mapping[str, Any]) -> bool:
    """Whether `condition` (the `when` of a question) holds for the answer values."""
    if not condition:
        return True
    for key, test in condition.items():
        if key == "any":
            if not any(condition_holds(c, values) for c in test):
                return False
            continue
        if key == "all":
            if not all(condition_holds(c, values) for c in test):
                return False
            continue
        if not _test_holds(test, values.get(key)):
            return False
    return True


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _test_holds(test: Any, value: Any) -> bool:
    if not isinstance(test, Mapping):
        return value == test
    for op, expected in test.items():
        number = _number(value)
        if op == "in":
            ok = value in expected
        elif op == "not_in":
            ok = value not in expected
        elif op == "eq":
            ok = value == expected
        elif op == "ne":
            ok = value != expected
        elif op == "gt":
            ok = number is not None and number > expected
        elif op == "gte":
            ok = number is not None and number >= expected
        elif op == "lt":
            ok = number is not None and number < expected
        elif op == "lte":
            ok = number is not None and number <= expected
        elif op == "answered":
            ok = (value is not None) == bool(expected)
        elif op == "includes":
            ok = isinstance(value, list) and expected in value
        else:
            raise QuestionnaireError(f"unknown condition operator {op!r}")
        if not ok:
            return False
    return True


def condition_keys(condition: Mapping[str, Any] | None) -> set[str]:
    keys: set[str] = set()
    for key, test in (condition or {}).items():
        if key in ("any", "all"):
            for sub in test:
                keys |= condition_keys(sub)
        else:
            keys.add(key)
    return keys


# --- Loading -------------------------------------------------------------------------------


def _read(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@cache
def parameters_data() -> dict[str, Any]:
    return _read("parameters.yaml")


@cache
def common_data() -> dict[str, Any]:
    return _read("common.yaml")


def parameter_spec(parameter: str) -> dict[str, Any] | None:
    return parameters_data()["parameters"].get(parameter)


def parameter_name(parameter: str, lang: str | None = None) -> str:
    spec = parameter_spec(parameter)
    return tr(spec["short"], lang) if spec else parameter


def _format_texts(texts: Mapping[str, str], **values: Mapping[str, str]) -> dict[str, str]:
    return {lang: text.format(**{k: v.get(lang, v.get("en", "")) for k, v in values.items()}) for lang, text in texts.items()}


def _parameter_definition(parameter: str, *, target: bool = False) -> dict[str, Any]:
    spec = parameter_spec(parameter)
    if spec is None:
        raise QuestionnaireError(f"unknown parameter {parameter!r}")
    texts = common_data()["texts"]
    definition: dict[str, Any] = {
        "type": "quantity",
        "dimension": spec["dimension"],
        "min": spec.get("min", 0),
        "max": spec.get("max"),
        "default": ENGINE_DEFAULT,
        "parameter": parameter,
        "example": spec.get("example"),
    }
    if target:
        definition.update(
            key=f"target_{parameter}",
            section="targets",
            short=_format_texts(texts["target_short"], param=spec["short"]),
            label=_format_texts(texts["target_label"], param=spec["short"]),
            help=dict(texts["target_help"]),
            maps_to=f"targets.{parameter}",
            # A limit of zero cannot be met or measured (the engine refuses it).
            min_exclusive=parameter not in ("ph", "temperature"),
        )
    else:
        definition.update(
            key=parameter,
            section="influent",
            short=dict(spec["short"]),
            label=_format_texts(texts["parameter_label"], param=spec["label"]),
            help=dict(texts["parameter_help"]),
            maps_to=f"influent.{parameter}",
            aliases=spec.get("aliases", []),
        )
    return definition


def _expand(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A questionnaire entry (use/parameter/target/full) as a full question definition."""
    entry = dict(entry)
    if "use" in entry:
        key = entry.pop("use")
        base = common_data()["questions"].get(key)
        if base is None:
            raise QuestionnaireError(f"use: unknown common question {key!r}")
        definition = {**copy.deepcopy(base), "key": key}
    elif "parameter" in entry and "key" not in entry:
        definition = _parameter_definition(entry.pop("parameter"))
    elif "target" in entry:
        definition = _parameter_definition(entry.pop("target"), target=True)
    else:
        definition = {}
    options = entry.pop("options", None)
    if options is not None and all(isinstance(o, str) for o in options):
        # A subset of the common question's options, by value.
        known = {o["value"]: o for o in definition.get("options", [])}
        missing = [o for o in options if o not in known]
        if missing:
            raise QuestionnaireError(f"{definition.get('key')}: unknown options {missing}")
        definition["options"] = [known[o] for o in options]
    elif options is not None:
        definition["options"] = options
    definition.update(entry)
    return definition


def _question(definition: Mapping[str, Any]) -> Question:
    d = dict(definition)
    for transient in ("after", "replace"):
        d.pop(transient, None)
    key = d.get("key")
    if not key:
        raise QuestionnaireError(f"a question has no key: {definition!r}")
    qtype = d.get("type")
    if qtype not in QUESTION_TYPES:
        raise QuestionnaireError(f"{key}: unknown type {qtype!r}")
    if qtype == "quantity" and d.get("dimension") not in DIMENSIONS:
        raise QuestionnaireError(f"{key}: a quantity needs a known dimension, got {d.get('dimension')!r}")
    options = tuple(
        Option(value=str(o["value"]), label=o["label"], keywords=tuple(o.get("keywords", ()))) for o in d.pop("options", [])
    )
    default = d.pop("default", None)
    if qtype == "quantity" and isinstance(default, str) and default != ENGINE_DEFAULT:
        try:
            default = parse_quantity_text(default, d["dimension"], d.get("unit")).si
        except QuantityInputError as exc:
            raise QuestionnaireError(f"{key}: default {default!r}: {exc}") from None
    question = Question(
        key=key,
        type=qtype,
        label=d.pop("label"),
        section=d.pop("section", "general"),
        help=d.pop("help", {}) or {},
        dimension=d.pop("dimension", None),
        unit=d.pop("unit", None),
        min=d.pop("min", None),
        max=d.pop("max", None),
        min_exclusive=bool(d.pop("min_exclusive", False)),
        ratio_to=d.pop("ratio_to", None),
        required=bool(d.pop("required", False)),
        default=default,
        when=d.pop("when", None),
        maps_to=d.pop("maps_to", None),
        omit_values=tuple(d.pop("omit_values", ())),
        options=options,
        options_from=d.pop("options_from", None),
        aliases=tuple(d.pop("aliases", ())),
        example=None if d.get("example") is None else str(d.pop("example")),
        max_length=int(d.pop("max_length", TEXT_MAX_LENGTH)),
        parameter=d.pop("parameter", None),
        short=d.pop("short", {}) or {},
    )
    d.pop("key")
    d.pop("type")
    d.pop("example", None)
    if d:
        raise QuestionnaireError(f"{key}: unknown fields {sorted(d)}")
    if question.section not in SECTIONS:
        raise QuestionnaireError(f"{key}: unknown section {question.section!r}")
    return question


def _dynamic_options(question: Question, sector: str) -> Question:
    if question.options_from == "subsectors":
        from projects.models import SUBSECTORS_BY_SECTOR, Subsector

        labels = dict(Subsector.choices)
        options = tuple(
            Option(value=str(s), label=_lazy_label(labels[s]), keywords=(plain_text(s).replace("_", " "),))
            for s in SUBSECTORS_BY_SECTOR.get(sector, [])
        )
    elif question.options_from == "countries":
        options = tuple(
            Option(value=code, label=names, keywords=(plain_text(names.get("es", "")), plain_text(names.get("en", ""))))
            for code, names in engine_countries().items()
        ) + (Option(value="other", label={"es": "Otro país", "en": "Other country"}),)
    else:
        return question
    return _replace(question, options=options)


class _lazy_label(dict):  # noqa: N801 — behaves like the {lang: text} mapping of the YAML
    """A Django lazy label as a {language: text} mapping."""

    def __init__(self, lazy: Any) -> None:
        super().__init__()
        self._lazy = lazy

    def get(self, lang: str, default: Any = None) -> Any:  # type: ignore[override]
        from django.utils import translation

        with translation.override(lang):
            return str(self._lazy)

    def __getitem__(self, lang: str) -> str:
        return self.get(lang)

    def __bool__(self) -> bool:
        return True


def _replace(question: Question, **changes: Any) -> Question:
    from dataclasses import replace

    return replace(question, **changes)


@cache
def engine_countries() -> dict[str, dict[str, str]]:
    """Countries the engine has prices and climate for: code -> {es, en}. Empty when the
    engine's data cannot be read (the question then only offers "other")."""
    try:
        with open(Path(__file__).resolve().parent.parent / "agents" / "engine" / "data" / "locations.yaml", encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        return {code: dict(entry["name"]) for code, entry in sorted(data.get("countries", {}).items())}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return {}


@dataclass(frozen=True)
class Questionnaire:
    sector: str
    subsector: str
    questions: tuple[Question, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    fixed_questions: tuple[Question, ...] = ()

    def question(self, key: str) -> Question | None:
        """A question by key: the questionnaire's own, a fixed one, or a quality parameter
        read from an upload or a message that this questionnaire does not ask about."""
        for q in self.questions:
            if q.key == key:
                return q
        for q in self.fixed_questions:
            if q.key == key:
                return q
        if parameter_spec(key) is not None:
            return _question(_parameter_definition(key))
        return None

    @property
    def keys(self) -> list[str]:
        return [q.key for q in self.questions]

    def effective_values(self, answers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        """Values of the answers that count: fixed ones and those of applicable questions,
        walking in order (a question's conditions only see earlier, applicable answers)."""
        values: dict[str, Any] = dict(self.fixed)
        for q in self.questions:
            if not condition_holds(q.when, values):
                continue
            answer = answers.get(q.key)
            if answer is not None:
                values[q.key] = answer.get("value")
        return values

    def applicable(self, answers: Mapping[str, Mapping[str, Any]]) -> list[Question]:
        values: dict[str, Any] = dict(self.fixed)
        result = []
        for q in self.questions:
            if not condition_holds(q.when, values):
                continue
            result.append(q)
            answer = answers.get(q.key)
            if answer is not None:
                values[q.key] = answer.get("value")
        return result

    def next_question(self, answers: Mapping[str, Mapping[str, Any]]) -> Question | None:
        return next((q for q in self.applicable(answers) if q.key not in answers), None)

    def is_complete(self, answers: Mapping[str, Mapping[str, Any]]) -> bool:
        return bool(self.questions) and self.subsector != "" and self.next_question(answers) is None

    def progress(self, answers: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
        """(answered, applicable) — the applicable count grows as answers open conditions."""
        applicable = self.applicable(answers)
        return sum(1 for q in applicable if q.key in answers), len(applicable)

    def extra_parameters(self, answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
        """Quality parameters answered (from an upload or a message) that no question asks."""
        asked = set(self.keys)
        return [key for key in answers if key not in asked and parameter_spec(key) is not None]


def _assemble(sector: str, subsector: str, data: Mapping[str, Any]) -> Questionnaire:
    definitions = [_expand(e) for e in data.get("questions", [])]
    fixed = dict(data.get("fixed") or {})
    sub = (data.get("subsectors") or {}).get(subsector) or {}
    fixed.update(sub.get("fixed") or {})
    insert_before = data.get("insert_before")
    for entry in sub.get("questions", []):
        definition = _expand(entry)
        keys = [d["key"] for d in definitions]
        if definition["key"] in keys:
            # Same key as a common question: change it in place.
            index = keys.index(definition["key"])
            merged = {**definitions[index], **{k: v for k, v in definition.items() if k not in ("after", "replace")}}
            definitions[index] = merged
            continue
        after = definition.get("after")
        if after is not None:
            if after not in keys:
                raise QuestionnaireError(f"{sector}/{subsector}: {definition['key']} comes after unknown {after!r}")
            definitions.insert(keys.index(after) + 1, definition)
        elif insert_before in keys:
            definitions.insert(keys.index(insert_before), definition)
        else:
            definitions.append(definition)
    questions = tuple(_dynamic_options(_question(d), sector) for d in definitions)
    seen: set[str] = set()
    for q in questions:
        if q.key in seen:
            raise QuestionnaireError(f"{sector}/{subsector}: question {q.key!r} appears twice")
        seen.add(q.key)
    fixed_questions = []
    for key in fixed:
        base = common_data()["questions"].get(key)
        if base is None:
            raise QuestionnaireError(f"{sector}/{subsector}: fixed {key!r} is not a common question")
        fixed_questions.append(_question({**base, "key": key}))
    return Questionnaire(sector, subsector, questions, fixed, tuple(fixed_questions))


def subsector_question(sector: str) -> Question:
    return _dynamic_options(_question(_expand({"use": "subsector"})), sector)


@cache
def load_questionnaire(sector: str, subsector: str) -> Questionnaire:
    """The questionnaire for a sector and subsector; with no (or an unknown) subsector,
    only the subsector question."""
    from projects.models import SUBSECTORS_BY_SECTOR

    if subsector not in SUBSECTORS_BY_SECTOR.get(sector, []):
        return Questionnaire(sector, "", (subsector_question(sector),))
    name = FILES.get((sector, subsector)) or FILES.get((sector, "*"))
    if name is None:
        raise QuestionnaireError(f"no questionnaire for {sector}/{subsector}")
    data = _read(name)
    if data.get("sector") != sector:
        raise QuestionnaireError(f"{name}: sector is {data.get('sector')!r}, expected {sector!r}")
    return _assemble(sector, subsector, data)


def questionnaire_for(sector: str, answers: Mapping[str, Mapping[str, Any]]) -> Questionnaire:
    subsector = (answers.get("subsector") or {}).get("value") or ""
    return load_questionnaire(sector, str(subsector))


# --- Engine defaults, for display and for the conditions --------------------------------------


def _engine_data(name: str) -> dict[str, Any]:
    try:
        from agents.engine.requirements import destinations_data, sectors_data

        return {"sectors": sectors_data, "destinations": destinations_data}[name]()
    except Exception:  # noqa: BLE001 — the engine may be mid-change; defaults are then unknown
        return {}


def engine_default_si(question: Question, sector: str, values: Mapping[str, Any]) -> float | None:
    """The value the engine will use when the user skips `question`, in SI, if known."""
    if question.parameter is None or question.dimension is None:
        return None
    unit = "mg/L" if question.dimension == "concentration" else (
        "degC" if question.dimension == "temperature" else None
    )
    raw = None
    if question.section == "influent":
        data = _engine_data("sectors")
        if not data:
            return None
        source = values.get("water_source") or values.get("water_to_treat")
        if source and source in data.get("water_sources", {}):
            raw = data["water_sources"][source].get("quality", {}).get(question.parameter)
        else:
            sub = data.get("sectors", {}).get(sector, {}).get("subsectors", {}).get(values.get("subsector") or "", {})
            raw = (sub.get("quality") or {}).get(question.parameter)
    elif question.section == "targets":
        data = _engine_data("destinations")
        dest = data.get("destinations", {}).get(values.get("destination") or "", {})
        spec = (dest.get("limits") or {}).get(question.parameter) or {}
        raw = spec.get("max")
    if raw is None:
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    if unit:
        from .quantities import from_unit

        return from_unit(value, question.dimension, unit)
    return value


# --- Answers -----------------------------------------------------------------------------------

YES = {"yes", "y", "si", "s", "true", "1", "on", "afirmativo", "claro"}
NO = {"no", "n", "false", "0", "off", "negativo"}


def make_answer(value: Any, *, text: str, unit: str = "", source: str = "user", skipped: bool = False) -> dict[str, Any]:
    return {
        "value": value,
        "text": text,
        "unit": unit,
        "source": source,
        "skipped": skipped,
        "at": timezone.now().isoformat(),
    }


def _bound_text(question: Question, si: float) -> str:
    return format_si(si, question.dimension or "count", question.default_unit or None)


def validate_answer(
    question: Question,
    raw: Any,
    *,
    unit: str | None = None,
    values: Mapping[str, Any] | None = None,
    source: str = "user",
) -> dict[str, Any]:
    """Check and convert an answer. `raw` is the text (or list of option values for a
    multiple choice); `unit` the unit chosen next to a number field; `values` the
    current answer values (for `ratio_to`). Raises AnswerError."""
    values = values or {}
    if question.type == "multi_choice":
        chosen = raw if isinstance(raw, (list, tuple)) else [v for v in str(raw or "").split(",") if v.strip()]
        chosen = [str(v).strip() for v in chosen if str(v).strip()]
        unknown = [v for v in chosen if question.option(v) is None]
        if unknown:
            matched = [_match_option(question, v) for v in unknown]
            if any(m is None for m in matched):
                raise AnswerError(_("Choose among the options shown."))
            chosen = [v for v in chosen if question.option(v) is not None] + [m.value for m in matched if m]
        if not chosen:
            raise AnswerError(_("Choose at least one option."))
        chosen = list(dict.fromkeys(chosen))
        text = ", ".join(question.option(v).text() for v in chosen)  # type: ignore[union-attr]
        return make_answer(chosen, text=text, source=source)

    text = " ".join(str(raw if raw is not None else "").split())
    if question.type == "text":
        text = str(raw or "").strip()
        if not text:
            raise AnswerError(_("Please write an answer, or skip the question."))
        if len(text) > question.max_length:
            raise AnswerError(
                _("That is too long: at most %(max)d characters, please.") % {"max": question.max_length}
            )
        return make_answer(text, text=text, source=source)

    if not text:
        raise AnswerError(_("Please answer the question, or skip it if you do not know."))

    if question.type == "choice":
        option = question.option(text) or _match_option(question, text)
        if option is None:
            raise AnswerError(_("Choose one of the options shown."))
        return make_answer(option.value, text=option.text(), source=source)

    if question.type == "yes_no":
        word = plain_text(text).strip(".!¡¿?")
        if word in YES or word in (plain_text(_("Yes")),):
            return make_answer(True, text=_("Yes"), source=source)
        if word in NO or word in (plain_text(_("No")),):
            return make_answer(False, text=_("No"), source=source)
        raise AnswerError(_("Please answer yes or no."))

    # A number with a unit.
    assert question.dimension is not None
    if unit and unit not in {u for u, _label in DIMENSIONS[question.dimension].units}:
        raise AnswerError(_("Choose one of the units offered."))
    try:
        parsed = parse_quantity_text(text, question.dimension, unit or question.default_unit or None)
    except QuantityInputError as exc:
        raise AnswerError(str(exc)) from None
    si = parsed.si
    if question.dimension == "count" and si != int(si):
        raise AnswerError(_("Please give a whole number."))
    if question.min is not None:
        too_low = si <= question.min if question.min_exclusive else si < question.min
        if too_low:
            if question.min_exclusive and question.min == 0:
                raise AnswerError(_("%(label)s must be greater than zero.") % {"label": _short_label(question)})
            raise AnswerError(
                _("%(label)s cannot be below %(min)s.")
                % {"label": _short_label(question), "min": _bound_text(question, question.min)}
            )
    if question.max is not None and si > question.max:
        if question.dimension == "ph":
            raise AnswerError(_("The pH scale goes from 0 to 14; %(value)s is outside it.") % {"value": text})
        raise AnswerError(
            _("%(value)s is more than %(max)s, the most I can accept for %(label)s. Please check the number and the unit.")
            % {"value": text, "max": _bound_text(question, question.max), "label": _short_label(question).lower()}
        )
    problem = ratio_problem(question, si, values)
    if problem:
        raise AnswerError(problem)
    if parsed.unit and not any(ch.isalpha() or ch in "%°$" for ch in text):
        # A bare number with the unit chosen next to it: keep them together.
        text = f"{text} {unit_label(DIMENSIONS[question.dimension], parsed.unit)}"
    return make_answer(si, text=text, unit=parsed.unit, source=source)


def ratio_problem(question: Question, si: float, values: Mapping[str, Any]) -> str | None:
    """Why `si` does not fit the answer it is tied to (`ratio_to`), or None."""
    if not question.ratio_to:
        return None
    other = values.get(question.ratio_to["key"])
    if isinstance(other, bool) or not isinstance(other, (int, float)) or other <= 0:
        return None
    ratio = si / other
    low, high = question.ratio_to.get("min"), question.ratio_to.get("max")
    reference = _bound_text(question, other)
    if low is not None and ratio < low - 1e-9:
        return _("This cannot be less than %(ratio)s times the answer to “%(other)s” (%(reference)s).") % {
            "ratio": _ratio(low), "other": _other_label(question), "reference": reference
        }
    if high is not None and ratio > high + 1e-9:
        return _("This cannot be more than %(ratio)s times the answer to “%(other)s” (%(reference)s).") % {
            "ratio": _ratio(high), "other": _other_label(question), "reference": reference
        }
    return None


def _ratio(value: float) -> str:
    from .quantities import format_number

    return format_number(value)


def _other_label(question: Question) -> str:
    key = question.ratio_to["key"] if question.ratio_to else ""
    base = common_data()["questions"].get(key)
    return tr(base.get("short") or base["label"]) if base else key


def _short_label(question: Question) -> str:
    return question.short_text()


def _match_option(question: Question, text: str) -> Option | None:
    """An option named by its value, its label in either language or a keyword."""
    word = plain_text(text).strip(".!¡¿?")
    for option in question.options:
        names = {plain_text(option.value), plain_text(option.value.replace("_", " "))}
        names |= {plain_text(option.text(lang)) for lang in ("es", "en")}
        names |= {plain_text(k) for k in option.keywords}
        if word in names:
            return option
    return None


def skip_answer(question: Question, sector: str, values: Mapping[str, Any], *, source: str = "default") -> dict[str, Any]:
    """The answer stored when the user skips: the default value (the engine's when known,
    for the conditions and the summary) marked as a default."""
    if question.engine_default:
        value = engine_default_si(question, sector, values)
    else:
        value = question.default
    if question.type == "choice" and value is not None:
        option = question.option(value)
        text = option.text() if option else str(value)
    elif question.type == "yes_no" and value is not None:
        text = _("Yes") if value else _("No")
    elif question.type == "quantity" and isinstance(value, (int, float)):
        text = format_si(float(value), question.dimension or "count", question.default_unit or None)
    else:
        text = ""
    return make_answer(value, text=text, source=source, skipped=True)


def engine_value(question: Question, value: Any) -> Any:
    """An answer value as the engine's requirements take it."""
    if question.type != "quantity" or question.dimension is None:
        return value
    dimension = DIMENSIONS[question.dimension]
    if dimension.name == "fraction":
        return round(float(value), 6)
    if not dimension.engine:
        return float(value)
    from .quantities import round_sig

    return {"value": round_sig(to_unit(float(value), dimension.name, dimension.engine), 6), "unit": dimension.engine}
