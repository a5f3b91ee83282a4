"""The engine's words in the design's language.

Every sentence the engine writes for people (calculation and sizing
descriptions, equipment, notes, warnings, the train's justification, the
criteria's descriptions and sources in the data files) is English text in the
code or data, translated through one gettext catalogue:
``locale/<language>/LC_MESSAGES/engine.po`` next to this module, compiled to
``engine.mo`` and read with the standard library, so the engine stays free of
Django. ``python manage.py engine_messages`` extracts the messages (see
``messages.py``) and keeps the catalogue and its compiled form in step.

In code a message is marked by the call that translates it:

* ``ctx.t(message, **params)`` / ``unit.t(...)``: in the design's language;
* ``ctx.tn(singular, plural, n, **params)``: with a plural form;
* ``tr(language, message, **params)``: where there is no context;
* ``mark(message)``: a message stored now and translated later (a table).

Parameters are filled with ``str.format`` after translation, so a translator
may move them. Numbers are written the way the language writes them: 1,250.5
in English, 1 250,5 in Spanish (Django's Spanish number format), so a Spanish
reader never takes a thousands separator for a decimal comma. Quantities are
written as ``fmt`` writes them (three significant digits and the unit).
"""

from __future__ import annotations

import gettext
import math
from functools import cache
from numbers import Real
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "engine"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "es")

# Spanish number format (Django's conf/locale/es/formats.py): no-break space between
# thousands, comma before the decimals (and a space before "%").
_SEPARATORS = {"es": ("\u00a0", ",")}


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def mark(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it (it is translated where it is shown)."""
    return message


def local_number(text: str, language: str) -> str:
    """A number formatted the English way (``1,250.5``) written the way ``language`` writes it."""
    separators = _SEPARATORS.get(language)
    if separators is None:
        return text
    group, decimal = separators
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


class _Number:
    """A number parameter: formats with the message's spec, then in the language's separators."""

    __slots__ = ("value", "language")

    def __init__(self, value: Any, language: str):
        self.value = value
        self.language = language

    def __format__(self, spec: str) -> str:
        text = local_number(format(self.value, spec), self.language)
        # Spanish puts a space before the percent sign ("75 %"), as before any unit.
        return text[:-1] + "\u00a0%" if spec.endswith("%") else text


class _Quantity(_Number):
    """A quantity parameter: ``fmt`` (three significant digits and the unit), or the magnitude with the spec."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        from .quantities import unit_label

        if not spec:
            return local_quantity(self.value, self.language)
        return f"{local_number(format(float(self.value.magnitude), spec), self.language)} {unit_label(self.value.units)}"


def local_quantity(q: Any, language: str, unit: str | None = None, digits: int = 3) -> str:
    """``fmt(q)`` in ``language``'s number format."""
    from .quantities import fmt

    text = fmt(q, unit, digits)
    if language not in _SEPARATORS:
        return text
    number, _, label = text.partition(" ")
    return f"{local_number(number, language)} {label}".strip()


def _param(value: Any, language: str) -> Any:
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return value
    if (kind is int or kind is float) and language not in _SEPARATORS:
        return value
    if isinstance(value, Real):
        if language in _SEPARATORS and math.isfinite(float(value)):
            return _Number(value, language)
        return value
    if hasattr(value, "magnitude") and hasattr(value, "units"):
        return _Quantity(value, language)
    return value


def _format(message: str, fallback: str, params: dict[str, Any], language: str) -> str:
    if not params:
        return message
    values = {k: _param(v, language) for k, v in params.items()}
    try:
        return message.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation whose placeholders do not match its message (the catalogue
        # test prevents it): the English text is better than no text.
        return fallback.format(**values)


def tr(language: str, message: str, /, **params: Any) -> str:
    """``message`` in ``language`` (English when the catalogue has no translation), ``params`` filled in."""
    if language == SOURCE_LANGUAGE:
        # Designs in English write tens of thousands of messages: no catalogue to look in, and
        # only quantities need a wrapper to be written.
        if not params:
            return message
        if not any(hasattr(v, "_units") for v in params.values()):
            return message.format(**params)
        return _format(message, message, params, language)
    translated = catalogue(language).gettext(message) if message else message
    return _format(translated, message, params, language)


def trn(language: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The singular or plural form for ``n`` in ``language``; ``n`` is also a parameter."""
    translated = catalogue(language).ngettext(singular, plural, n)
    return _format(translated, singular if n == 1 else plural, {"n": n, **params}, language)


class Problem(str):
    """One problem in plain words: the English text, and the message and parameters to say it in another language.

    ``Problem(mark("{name}: must not be negative (got {value})"), name=..., value=q)`` is the English
    text (a ``str``); :meth:`said` is the same problem in the language of the requirements.
    """

    message: str
    params: dict[str, Any]

    def __new__(cls, message: str, /, **params: Any) -> "Problem":
        self = super().__new__(cls, tr(SOURCE_LANGUAGE, message, **params))
        self.message, self.params = message, params
        return self

    def said(self, language: str) -> str:
        params = {k: v.said(language) if isinstance(v, Problem) else v for k, v in self.params.items()}
        return tr(language, self.message, **params)


class Translator:
    """The ``t``/``tn`` methods of whatever knows its design's language (the context, a unit)."""

    language: str

    def t(self, message: str, /, **params: Any) -> str:
        language = self.language
        if not params and language == SOURCE_LANGUAGE:
            return message
        return tr(language, message, **params)

    def tn(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        return trn(self.language, singular, plural, n, **params)
