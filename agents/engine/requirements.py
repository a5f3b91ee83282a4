"""The client's requirements: what comes in, where it goes, where the plant is, what the engineer insists on.

:class:`Requirements` is a pydantic model loadable from JSON. Values with a
unit are parsed by pint (``"500 m3/d"``, ``"20 L/s"``, ``"2 MGD"``,
``"35 g/L"``, ``"45 °C"``; a bare number is in the parameter's own unit).
Whatever is wrong with the input — an unknown unit, a negative flow, an
impossible target, an unknown criterion, unit type, country or sector —
raises one :class:`RequirementsError` listing every problem in plain words.

:meth:`Requirements.resolved` fills what the client left out (the sector's
typical influent, the destination's limits, the country's prices and
climate) and says where every default came from, so the design can say so.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .calc import Sourced
from .criteria import check_overrides, load_data
from .i18n import LANGUAGES, SOURCE_LANGUAGE, Problem, mark, tr, trn
from .quantities import Q_, Quantity, QuantityError, parse_quantity, qjson
from .stream import PARAMETERS, parameter_label, parameter_unit

WATER_SOURCES = ("surface_water", "groundwater", "brackish_groundwater", "seawater")
DESTINATIONS = ("sewer", "surface_water", "irrigation_reuse", "industrial_reuse", "boiler_feed", "potable")
SLUDGE_UNIT_TYPES = ("sludge_thickening", "sludge_dewatering")

# Other names people give the parameters (after lower-casing and turning
# punctuation and spaces into "_").
PARAMETER_ALIASES = {
    "bod5": "bod", "dbo": "bod", "dbo5": "bod",
    "dqo": "cod",
    "sst": "tss", "ss": "tss", "suspended_solids": "tss",
    "sdt": "tds", "dissolved_solids": "tds",
    "oil_and_grease": "fog", "oil_grease": "fog", "o_g": "fog", "grease": "fog", "fats_oils_grease": "fog",
    "grasas_y_aceites": "fog",
    "total_nitrogen": "tn", "nt": "tn",
    "ammonia_n": "nh4_n", "nh3_n": "nh4_n", "ammonium_n": "nh4_n", "tan": "nh4_n",
    "nitrate_n": "no3_n",
    "total_phosphorus": "tp", "pt": "tp",
    "temp": "temperature",
    "colour": "color",
    "pathogens": "coliforms", "fecal_coliforms": "coliforms", "faecal_coliforms": "coliforms", "e_coli": "coliforms",
    "ecoli": "coliforms", "thermotolerant_coliforms": "coliforms",
}
DESTINATION_ALIASES = {
    "river": "surface_water", "lake": "surface_water", "sea": "surface_water", "discharge": "surface_water",
    "municipal_sewer": "sewer", "sewer_discharge": "sewer",
    "irrigation": "irrigation_reuse", "reuse_irrigation": "irrigation_reuse",
    "process_water": "industrial_reuse", "industrial": "industrial_reuse", "reuse": "industrial_reuse",
    "boiler": "boiler_feed", "boiler_feedwater": "boiler_feed",
    "drinking": "potable", "drinking_water": "potable", "potable_water": "potable",
}
# Parameters for which a lower limit makes sense (a stable, non-corrosive water).
MIN_LIMIT_PARAMETERS = ("ph", "temperature", "alkalinity", "hardness")
# Parameters whose limit may be zero ("not detectable").
ZERO_LIMIT_PARAMETERS = ("coliforms",)

_CURRENCY_CODE = re.compile(r"\b(?!USD\b)[A-Z]{3}\b")


def _said(problem: Any, language: str) -> str:
    return problem.said(language) if isinstance(problem, Problem) else str(problem)


class _Problems(ValueError):
    """Several problems of one field, raised from a validator (pydantic keeps the exception)."""

    def __init__(self, problems: list[Any]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


def _language_of(data: Any) -> str:
    """The language the requirements ask for (English when it is missing or not one we write)."""
    if isinstance(data, (str, bytes, bytearray)):
        try:
            data = json.loads(data)
        except (ValueError, TypeError):
            return SOURCE_LANGUAGE
    language = data.get("language") if isinstance(data, dict) else getattr(data, "language", None)
    return language if isinstance(language, str) and language in LANGUAGES else SOURCE_LANGUAGE


class RequirementsError(ValueError):
    """Everything wrong with a set of requirements, each problem in plain words (in the requirements' language)."""

    def __init__(self, problems: list[str], language: str = SOURCE_LANGUAGE):
        self._raw = list(dict.fromkeys(problems))  # each problem once, in order
        self.language = language if language in LANGUAGES else SOURCE_LANGUAGE
        self.problems = [_said(p, self.language) for p in self._raw]
        super().__init__(self.__str__())

    def __str__(self) -> str:
        n = len(self.problems)
        head = trn(self.language, "The requirements have a problem:", "The requirements have {n} problems:", n)
        return head + "".join(f"\n- {p}" for p in self.problems)


# -- data ------------------------------------------------------------------------


@cache
def sectors_data() -> dict[str, Any]:
    return load_data("sectors")


@cache
def destinations_data() -> dict[str, Any]:
    return load_data("destinations")


@cache
def locations_data() -> dict[str, Any]:
    return load_data("locations")


@cache
def _known_currencies() -> frozenset[str] | None:
    try:
        return frozenset(load_data("currencies")["rates"])
    except (FileNotFoundError, KeyError, TypeError):
        return None


def _unit_types() -> dict[str, Any]:
    from .units import UNIT_TYPES

    return UNIT_TYPES


# -- parsing helpers ---------------------------------------------------------------


def normalise_parameter(name: str) -> str | None:
    """``"NH4-N"`` → ``"nh4_n"``, ``"BOD5"`` → ``"bod"``; None when it is no parameter we know."""
    key = re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")
    key = PARAMETER_ALIASES.get(key, key)
    return key if key in PARAMETERS else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


_POWER = re.compile(r"(\*\*|\^)\s*\(?\s*[-+]?\s*([0-9.]+)")
_CHAINED_POWER = re.compile(r"(\*\*|\^)\s*\(?\s*[-+]?\s*[0-9.]+\s*\)?\s*(\*\*|\^)")


def _unsafe(raw: Any) -> bool:
    """Text pint would take forever on (see :func:`_parse`)."""
    if isinstance(raw, dict):
        return any(_unsafe(v) for v in raw.values())
    if not isinstance(raw, str):
        return False
    text = raw.replace("²", "**2").replace("³", "**3")
    too_big = any(m.group(2).count(".") <= 1 and m.group(2) != "." and float(m.group(2)) > 4
                  for m in _POWER.finditer(text))
    return len(raw) > 100 or too_big or bool(_CHAINED_POWER.search(text))


def _parse(raw: Any, unit: str | None, name: str) -> Quantity:
    """parse_quantity, guarded against input pint cannot handle safely.

    Pint evaluates powers exactly, so ``9³³³`` or ``10**99999999`` never returns:
    text with chained powers or exponents above 4 (no unit needs more) is refused
    before pint sees it. The odd exception pint's tokenizer raises on garbage is
    turned into plain words.
    """
    if _unsafe(raw):
        raise QuantityError(Problem(mark("{name}: cannot read {value} as a number with a unit"), name=name, value=_short(raw)))
    try:
        return parse_quantity(raw, unit, name=name)
    except QuantityError:
        raise
    except Exception as exc:
        raise QuantityError(Problem(mark("{name}: cannot read {value} as a number with a unit ({error})"), name=name,
                                    value=_short(raw), error=type(exc).__name__)) from None


def parse_parameter(parameter: str, raw: Any, *, name: str) -> Quantity:
    """A water-quality value in the parameter's unit; raises QuantityError in plain words."""
    unit = parameter_unit(parameter)
    value = raw
    if isinstance(raw, str):
        text = raw.strip()
        # "250 mg/L as CaCO3", "12 mg/L as N": the basis is part of the parameter's definition.
        text = re.sub(r"\s+as\s+[A-Za-z0-9]+\s*$", "", text)
        if parameter == "coliforms":
            text = re.sub(r"(?i)\s*(/|per)\s*\(?\s*100\s*m[lL]\s*\)?", "/100 mL", text)
            text = re.sub(r"(?i)\b(NMP|UFC)\b", lambda m: {"NMP": "MPN", "UFC": "CFU"}[m.group(1).upper()], text)
        elif unit == "mg/L":
            # Water engineers write ppm for mg/L (dilute solutions, density ≈ 1 kg/L).
            text = re.sub(r"\bppm\b", "mg/L", text)
            text = re.sub(r"\bppb\b", "µg/L", text)
        value = text
    if isinstance(value, dict) and "value" in value and parameter == "coliforms" and isinstance(value.get("unit"), str):
        value = {**value, "unit": re.sub(r"(?i)\s*(/|per)\s*\(?\s*100\s*m[lL]\s*\)?", "/100 mL", value["unit"])}
    q = _parse(value, None if unit == "dimensionless" else unit, name)
    if unit == "dimensionless":
        if not q.dimensionless:
            raise QuantityError(Problem(mark("{name}: {parameter} is a plain number, got {value}"), name=name,
                                        parameter=parameter, value=_short(raw)))
        return Q_(float(q.to("dimensionless").magnitude), "dimensionless")
    return q.to(unit)


def _problem_of(exc: BaseException) -> Any:
    """The problem an exception carries (a :class:`Problem` when we raised it, else its text)."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Problem) else str(exc)


def _check_value(parameter: str, q: Quantity, name: str, *, limit: bool) -> str | None:
    """Plain-words problem with a quality value or a limit, or None."""
    m = float(q.magnitude)
    if parameter == "ph":
        if not 0.0 <= m <= 14.0:
            return Problem(mark("{name}: pH must be between 0 and 14 (got {value:g})"), name=name, value=m)
        return None
    if parameter == "temperature":
        c = float(q.to("degC").magnitude)
        if not 0.0 <= c <= 100.0:
            return Problem(mark("{name}: a water temperature must be between 0 and 100 °C (got {value})"), name=name,
                           value=q.to("degC"))
        return None
    if m < 0:
        return Problem(mark("{name}: must not be negative (got {value})"), name=name, value=q)
    if parameter_unit(parameter) == "mg/L" and m > MAX_CONCENTRATION_MG_L:
        return Problem(mark("{name}: {value} is more than half the water's own mass; not a water to treat"), name=name, value=q)
    if limit and m == 0 and parameter not in ZERO_LIMIT_PARAMETERS:
        return Problem(mark("{name}: a limit of zero cannot be met or measured; give the detection limit or the "
                            "lowest value you need instead"), name=name)
    return None


def _parse_positive(raw: Any, unit: str, name: str, *, allow_zero: bool = False) -> Quantity:
    q = _parse(raw, unit, name)
    m = float(q.magnitude)
    if m < 0 or (m == 0 and not allow_zero):
        raise QuantityError(Problem(mark("{name}: must be {what} (got {value})"), name=name, value=_short(raw),
                                    what=Problem(mark("zero or more") if allow_zero else mark("greater than zero"))))
    return q


# The largest treatment works treat a few million m3/d (Stickney, Chicago: about 5.5).
MAX_FLOW_M3_D = 1.0e7
# Concentrations above half the density of water are no longer water.
MAX_CONCENTRATION_MG_L = 5.0e5


def _plant_flow(raw: Any, name: str) -> Quantity:
    q = _parse_positive(raw, "m3/d", name).to("m**3/day")
    if q.magnitude > MAX_FLOW_M3_D:
        raise QuantityError(Problem(mark("{name}: {flow} is more than any treatment plant handles "
                                         "(the largest treat a few million m3/d)"), name=name, flow=q))
    return q


def _money(raw: Any, unit: str, name: str) -> Quantity:
    if isinstance(raw, str) and _CURRENCY_CODE.search(raw):
        raise QuantityError(Problem(mark("{name}: give prices in USD (got {value}); the report converts to other "
                                         "currencies"), name=name, value=_short(raw)))
    return _parse_positive(raw, unit, name).to(unit)


def _quantity_schema(description: str) -> WithJsonSchema:
    return WithJsonSchema({
        "description": description,
        "anyOf": [{"type": "string"}, {"type": "number"},
                  {"type": "object", "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
                   "required": ["value"]}],
    })


def _as_json(q: Quantity) -> dict[str, Any]:
    return qjson(q)


QuantityValue = Annotated[Quantity, PlainSerializer(_as_json, return_type=dict), _quantity_schema("a number with a unit")]


# -- the model -----------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, populate_by_name=True)


class Flow(_Model):
    """Average flow and its peak (a factor or a flow); ``basis`` says which flow the average is."""

    average: QuantityValue
    peak_factor: float | None = None
    peak: QuantityValue | None = None
    basis: Literal["influent", "product"] = "influent"

    @field_validator("average", mode="before")
    @classmethod
    def _average(cls, v: Any) -> Quantity:
        return _plant_flow(v, "flow.average")

    @field_validator("peak", mode="before")
    @classmethod
    def _peak(cls, v: Any) -> Quantity | None:
        return None if v is None else _plant_flow(v, "flow.peak")

    @field_validator("peak_factor", mode="before")
    @classmethod
    def _peak_factor(cls, v: Any) -> float | None:
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(Problem(mark("flow.peak_factor: must be a number such as 1.8 (got {value})"), value=_short(v)))
        try:
            f = float(v)
        except ValueError:
            raise ValueError(Problem(mark("flow.peak_factor: must be a number such as 1.8 (got {value})"),
                                     value=_short(v))) from None
        if not math.isfinite(f) or not 1.0 <= f <= 10.0:
            raise ValueError(Problem(mark("flow.peak_factor: must be between 1 and 10 (got {value}); "
                                          "the peak flow cannot be smaller than the average"), value=_short(v)))
        return f

    @model_validator(mode="after")
    def _consistent(self) -> "Flow":
        if self.peak is not None:
            ratio = float((self.peak / self.average).to("dimensionless").magnitude)
            if ratio < 1.0 - 1e-9:
                raise ValueError(Problem(mark("flow.peak: the peak flow ({peak}) is smaller than the average ({average})"),
                                         peak=self.peak, average=self.average))
            if ratio > 10.0:
                raise ValueError(Problem(mark("flow.peak: the peak flow is {ratio:.1f} times the average; more than 10 "
                                              "times is not a plausible design peak"), ratio=ratio))
            if self.peak_factor is not None and abs(ratio - self.peak_factor) > 0.01 * self.peak_factor:
                raise ValueError(Problem(mark("flow: peak ({peak}) and peak_factor ({factor:g}) disagree; give one of them"),
                                         peak=self.peak, factor=self.peak_factor))
        return self


class Destination(_Model):
    """Where the treated water goes, with the options that change its limits."""

    type: Literal["sewer", "surface_water", "irrigation_reuse", "industrial_reuse", "boiler_feed", "potable"]
    sensitive_area: bool = False
    boiler_pressure: QuantityValue | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _alias(cls, v: Any) -> Any:
        if isinstance(v, str):
            key = re.sub(r"[^0-9a-z]+", "_", v.strip().lower()).strip("_")
            return DESTINATION_ALIASES.get(key, key)
        return v

    @field_validator("boiler_pressure", mode="before")
    @classmethod
    def _pressure(cls, v: Any) -> Quantity | None:
        if v is None:
            return None
        q = _parse_positive(v, "bar", "destination.boiler_pressure").to("bar")
        if q.magnitude > 250:
            raise QuantityError(Problem(mark("destination.boiler_pressure: {value} is beyond any drum boiler (250 bar at most)"),
                                        value=q))
        return q

    @model_validator(mode="after")
    def _options_fit(self) -> "Destination":
        if self.boiler_pressure is not None and self.type != "boiler_feed":
            raise ValueError(Problem(mark("destination.boiler_pressure: only applies to the boiler_feed destination")))
        if self.sensitive_area and self.type != "surface_water":
            raise ValueError(Problem(mark("destination.sensitive_area: only applies to the surface_water destination")))
        return self


class Location(_Model):
    """Where the plant is: the country sets currency, prices and climate unless given here."""

    country: str | None = None
    city: str | None = None
    electricity_price: QuantityValue | None = None
    labour_cost: QuantityValue | None = None
    temperature: QuantityValue | None = None
    sludge_disposal_price: QuantityValue | None = None
    elevation: QuantityValue | None = None

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, v: Any) -> str | None:
        if v is None:
            return None
        if not isinstance(v, str):
            raise ValueError(Problem(mark("location.country: must be a two-letter country code such as \"ES\" (got {value})"),
                                     value=_short(v)))
        code = v.strip().upper()
        known = locations_data()["countries"]
        if code not in known:
            raise ValueError(Problem(mark("location.country: unknown country {value} (known: {known}; "
                                          "leave it out for generic defaults)"), value=repr(v), known=", ".join(sorted(known))))
        return code

    @field_validator("electricity_price", mode="before")
    @classmethod
    def _electricity(cls, v: Any) -> Quantity | None:
        return None if v is None else _money(v, "USD/kWh", "location.electricity_price")

    @field_validator("labour_cost", mode="before")
    @classmethod
    def _labour(cls, v: Any) -> Quantity | None:
        return None if v is None else _money(v, "USD/year", "location.labour_cost")

    @field_validator("sludge_disposal_price", mode="before")
    @classmethod
    def _sludge(cls, v: Any) -> Quantity | None:
        return None if v is None else _money(v, "USD/t", "location.sludge_disposal_price")

    @field_validator("temperature", mode="before")
    @classmethod
    def _temperature(cls, v: Any) -> Quantity | None:
        if v is None:
            return None
        q = _parse(v, "degC", "location.temperature").to("degC")
        if not 0.0 <= q.magnitude <= 45.0:
            raise QuantityError(Problem(mark("location.temperature: the design water temperature must be between 0 and "
                                             "45 °C (got {value})"), value=q))
        return q


    @field_validator("elevation", mode="before")
    @classmethod
    def _elevation(cls, v: Any) -> Quantity | None:
        if v is None:
            return None
        q = _parse(v, "m", "location.elevation").to("m")
        # The Dead Sea shore (−430 m) to the highest cities with treatment plants (El Alto, about 4,150 m).
        if not -450.0 <= q.magnitude <= 5000.0:
            raise QuantityError(Problem(mark("location.elevation: the site elevation must be between −450 and 5,000 m "
                                             "(got {value})"), value=q))
        return q


class Economics(_Model):
    """Discount rate, plant life and the currency of the report."""

    discount_rate: QuantityValue | None = None
    plant_life: QuantityValue | None = None
    exchange_rates: dict[str, float] = Field(default_factory=dict)
    currency: str | None = None

    @field_validator("discount_rate", mode="before")
    @classmethod
    def _rate(cls, v: Any) -> Quantity | None:
        if v is None:
            return None
        q = _parse(v, None, "economics.discount_rate")
        if not q.dimensionless:
            raise QuantityError(Problem(mark("economics.discount_rate: must be a fraction or a percentage such as 0.08 or "
                                             "\"8 %\" (got {value})"), value=_short(v)))
        r = float(q.to("dimensionless").magnitude)
        if r >= 1.0:
            raise QuantityError(Problem(mark("economics.discount_rate: {value} is {rate:.0%}; write 0.08 or \"8 %\" for "
                                             "eight per cent"), value=_short(v), rate=r))
        if r < 0:
            raise QuantityError(Problem(mark("economics.discount_rate: must not be negative (got {value})"), value=_short(v)))
        return Q_(r, "dimensionless")

    @field_validator("plant_life", mode="before")
    @classmethod
    def _life(cls, v: Any) -> Quantity | None:
        if v is None:
            return None
        q = _parse(v, "year", "economics.plant_life").to("year")
        if not 1.0 <= q.magnitude <= 100.0:
            raise QuantityError(Problem(mark("economics.plant_life: must be between 1 and 100 years (got {value})"),
                                        value=_short(v)))
        return q

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, v: Any, info: ValidationInfo) -> str | None:
        if v is None:
            return None
        if not isinstance(v, str) or not re.fullmatch(r"[A-Za-z]{3}", v.strip()):
            raise ValueError(Problem(mark("economics.currency: must be a three-letter ISO 4217 code such as \"EUR\" "
                                          "(got {value})"), value=_short(v)))
        code = v.strip().upper()
        known = _known_currencies()
        if known is not None and code not in known and code not in (info.data.get("exchange_rates") or {}):
            raise ValueError(Problem(mark("economics.currency: no exchange rate for {code} (known: {known}); "
                                          "add it under economics.exchange_rates as {code} per USD"), code=code,
                                     known=", ".join(sorted(known))))
        return code

    @field_validator("exchange_rates", mode="before")
    @classmethod
    def _rates(cls, v: Any) -> Any:
        if v is None:
            return {}
        if not isinstance(v, dict):
            return v
        problems, rates = [], {}
        for code, rate in v.items():
            if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z]{3}", code.strip()):
                problems.append(Problem(mark("economics.exchange_rates: {code} is not a three-letter currency code"),
                                        code=_short(code)))
                continue
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= 0:
                problems.append(Problem(mark("economics.exchange_rates.{code}: must be a positive number of {upper} per USD "
                                             "(got {value})"), code=code, upper=code.upper(), value=_short(rate)))
                continue
            rates[code.strip().upper()] = float(rate)
        if problems:
            raise _Problems(problems)
        return rates


class Limit(_Model):
    """A user's limit for one parameter: a maximum, a minimum, or both (a range)."""

    min: QuantityValue | None = None
    max: QuantityValue | None = None


class Requirements(_Model):
    """Everything the engine needs to know about one plant; see the module docstring."""

    name: str | None = None
    description: str | None = None
    language: Literal["en", "es"] = "en"
    sector: Literal["industrial", "municipal", "agricultural"]
    subsector: str | None = Field(default=None, validate_default=True)
    water_source: str | None = Field(default=None, validate_default=True)
    flow: Flow = Field(validation_alias=AliasChoices("flow", "flows"))
    influent: dict[str, QuantityValue] = Field(default_factory=dict)
    destination: Destination
    targets: dict[str, Limit | None] = Field(default_factory=dict)
    location: Location = Field(default_factory=Location)
    economics: Economics = Field(default_factory=Economics)
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    forced_train: list[str] | None = None

    _resolved: "Resolved | None" = PrivateAttr(default=None)

    # Every way in raises RequirementsError, never pydantic's own error.
    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise RequirementsError(plain_problems(exc), _language_of(data)) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> "Requirements":
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise RequirementsError(plain_problems(exc), _language_of(obj)) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> "Requirements":
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise RequirementsError(plain_problems(exc), _language_of(json_data)) from None

    # -- fields ------------------------------------------------------------

    @field_validator("subsector", mode="before")
    @classmethod
    def _subsector(cls, v: Any, info: ValidationInfo) -> str | None:
        sector = info.data.get("sector")
        if sector is None:
            return v if isinstance(v, str) or v is None else None  # the sector's own error says enough
        known = sectors_data()["sectors"][sector]["subsectors"]
        if v is None:
            raise ValueError(Problem(mark("subsector: is required for the {sector} sector (one of: {known})"), sector=sector,
                                     known=", ".join(known)))
        if not isinstance(v, str) or v.strip().lower() not in known:
            raise ValueError(Problem(mark("subsector: unknown subsector {value} for the {sector} sector (one of: {known})"),
                                     value=_short(v), sector=sector, known=", ".join(known)))
        return v.strip().lower()

    @field_validator("water_source", mode="before")
    @classmethod
    def _water_source(cls, v: Any, info: ValidationInfo) -> str | None:
        if v is not None:
            key = re.sub(r"[^0-9a-z]+", "_", str(v).strip().lower()).strip("_") if isinstance(v, str) else None
            if key not in WATER_SOURCES:
                raise ValueError(Problem(mark("water_source: unknown water source {value} (one of: {known})"), value=_short(v),
                                         known=", ".join(WATER_SOURCES)))
            v = key
        sector, subsector = info.data.get("sector"), info.data.get("subsector")
        if sector is None or subsector is None:
            return v
        spec = sectors_data()["sectors"][sector]["subsectors"][subsector]
        if v is None and spec.get("requires_water_source"):
            raise ValueError(Problem(mark("water_source: is required for {sector} {subsector} — which water is treated? "
                                          "(one of: {known})"), sector=sector, subsector=subsector.replace("_", " "),
                                     known=", ".join(WATER_SOURCES)))
        if v is not None and sector == "municipal" and subsector == "wastewater":
            raise ValueError(Problem(mark("water_source: municipal wastewater is not a raw water source; leave "
                                          "water_source out")))
        return v

    @field_validator("influent", mode="before")
    @classmethod
    def _influent(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        problems, quality = [], {}
        for key, raw in v.items():
            name = normalise_parameter(key) if isinstance(key, str) else None
            if name is None:
                problems.append(Problem(mark("{path}: unknown water-quality parameter (known: {known})"), path=f"influent.{key}",
                                        known=", ".join(PARAMETERS)))
                continue
            if name in quality:
                problems.append(Problem(mark("{path}: {name} is given twice"), path=f"influent.{key}", name=name))
                continue
            if raw is None:
                continue
            try:
                q = parse_parameter(name, raw, name=f"influent.{key}")
            except QuantityError as exc:
                problems.append(_problem_of(exc))
                continue
            problem = _check_value(name, q, f"influent.{key}", limit=False)
            if problem:
                problems.append(problem)
                continue
            quality[name] = q
        if problems:
            raise _Problems(problems)
        return quality

    @field_validator("flow", mode="before")
    @classmethod
    def _flow(cls, v: Any) -> Any:
        # "flow": "500 m3/d" is the average flow.
        if isinstance(v, (str, int, float)) and not isinstance(v, bool) or (isinstance(v, dict) and "value" in v):
            return {"average": v}
        return v

    @field_validator("destination", mode="before")
    @classmethod
    def _destination(cls, v: Any) -> Any:
        return {"type": v} if isinstance(v, str) else v

    @field_validator("targets", mode="before")
    @classmethod
    def _targets(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        problems, limits = [], {}
        for key, raw in v.items():
            name = normalise_parameter(key) if isinstance(key, str) else None
            path = f"targets.{key}"
            if name is None:
                problems.append(Problem(mark("{path}: unknown water-quality parameter (known: {known})"), path=path,
                                        known=", ".join(PARAMETERS)))
                continue
            if name in limits:
                problems.append(Problem(mark("{path}: {name} is given twice"), path=path, name=name))
                continue
            if raw is None:
                limits[name] = None  # removes the destination's default limit
                continue
            try:
                low, high = _limit_parts(name, raw, path)
            except QuantityError as exc:
                problems.append(_problem_of(exc))
                continue
            found = [p for p in (_check_value(name, q, path, limit=True) for q in (low, high) if q is not None) if p]
            if low is not None and name not in MIN_LIMIT_PARAMETERS:
                found.append(Problem(mark("{path}: a minimum only makes sense for {known}; give {name} as a maximum"),
                                     path=path, known=", ".join(MIN_LIMIT_PARAMETERS), name=name))
            if low is not None and high is not None and float(low.magnitude) > float(high.to(low.units).magnitude):
                found.append(Problem(mark("{path}: the minimum ({low}) is above the maximum ({high})"), path=path, low=low,
                                     high=high))
            if found:
                problems.extend(found)
                continue
            limits[name] = {"min": low, "max": high}
        if problems:
            raise _Problems(problems)
        return limits

    @field_validator("overrides", mode="before")
    @classmethod
    def _overrides(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        known = _unit_types()
        problems = []
        for unit_type, criteria in v.items():
            if unit_type not in known:
                problems.append(Problem(mark("overrides.{unit_type}: unknown unit type (known: {known})"), unit_type=unit_type,
                                        known=", ".join(sorted(known))))
                continue
            if not isinstance(criteria, dict):
                problems.append(Problem(mark("overrides.{unit_type}: must be an object of criterion names and values "
                                             "(got {value})"), unit_type=unit_type, value=_short(criteria)))
                continue
            unsafe = [Problem(mark("{name}: cannot read {value} as a number with a unit"), name=f"overrides.{unit_type}.{k}",
                              value=_short(raw)) for k, raw in criteria.items() if _unsafe(raw)]
            if unsafe:
                problems.extend(unsafe)
                criteria = {k: raw for k, raw in criteria.items() if not _unsafe(raw)}
            try:
                found = check_overrides(unit_type, criteria)
            except Exception as exc:  # a unit's data file that cannot be read is a problem to report, not a crash
                found = [Problem(mark("overrides.{unit_type}: cannot check the criteria ({error})"), unit_type=unit_type,
                                 error=str(exc))]
            problems.extend(p if p.startswith("overrides.") else f"overrides.{p}" for p in found)
        if problems:
            raise _Problems(problems)
        return v

    @field_validator("forced_train", mode="before")
    @classmethod
    def _forced_train(cls, v: Any) -> Any:
        if v is None or not isinstance(v, list):
            return v
        known = _unit_types()
        problems = [Problem(mark("forced_train[{i}]: unknown unit type {value} (known: {known})"), i=str(i), value=_short(t),
                            known=", ".join(sorted(known)))
                    for i, t in enumerate(v) if not isinstance(t, str) or t not in known]
        if not problems and not [t for t in v if t not in SLUDGE_UNIT_TYPES]:
            problems.append(Problem(mark("forced_train: needs at least one unit that treats the water (not only sludge "
                                        "units)")))
        if problems:
            raise _Problems(problems)
        return v

    # -- what the design reads ---------------------------------------------

    def resolved(self) -> "Resolved":
        """The requirements with every default filled and its source (computed once)."""
        if self._resolved is None:
            self._resolved = _resolve(self)
        return self._resolved


def _limit_parts(name: str, raw: Any, path: str) -> tuple[Quantity | None, Quantity | None]:
    """(min, max) of a user's limit: a value (a maximum), {"min", "max"}, [low, high] or "6-9"."""
    if isinstance(raw, dict) and ("min" in raw or "max" in raw) and "value" not in raw:
        extra = set(raw) - {"min", "max"}
        if extra:
            raise QuantityError(Problem(mark("{path}: unknown key(s) {keys}; use min and max"), path=path,
                                        keys=", ".join(map(str, sorted(map(str, extra))))))
        low = None if raw.get("min") is None else parse_parameter(name, raw["min"], name=f"{path}.min")
        high = None if raw.get("max") is None else parse_parameter(name, raw["max"], name=f"{path}.max")
        if low is None and high is None:
            raise QuantityError(Problem(mark("{path}: give a min, a max or both"), path=path))
        return low, high
    if isinstance(raw, (list, tuple)):
        if len(raw) != 2:
            raise QuantityError(Problem(mark("{path}: a range is [low, high] (got {value})"), path=path, value=_short(raw)))
        return (parse_parameter(name, raw[0], name=f"{path}[0]"), parse_parameter(name, raw[1], name=f"{path}[1]"))
    if isinstance(raw, str):
        m = re.fullmatch(r"\s*([0-9.]+)\s*(?:-|–|to)\s*([0-9.]+)\s*(.*)", raw)
        if m:
            unit = f" {m.group(3)}" if m.group(3) else ""
            return (parse_parameter(name, m.group(1) + unit, name=path), parse_parameter(name, m.group(2) + unit, name=path))
    return None, parse_parameter(name, raw, name=path)


# -- pydantic's messages in plain words ------------------------------------------------

_MODEL_AT = {(): Requirements, ("flow",): Flow, ("flows",): Flow, ("destination",): Destination,
             ("location",): Location, ("economics",): Economics}


def plain_problems(exc: ValidationError) -> list[str]:
    problems: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        path = ".".join(loc)
        kind, msg, given = err["type"], err["msg"], err.get("input")
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, RequirementsError):
            # pydantic calls our own __init__ while validating and wraps what it raises.
            problems.extend(inner._raw)
        elif kind in ("value_error", "assertion_error"):
            if isinstance(inner, _Problems):
                lines = inner.problems
            elif isinstance(inner, BaseException) and isinstance(_problem_of(inner), Problem):
                lines = [_problem_of(inner)]
            else:
                lines = re.sub(r"^(Value error|Assertion failed), ", "", msg).split("\n")
            for line in lines:
                problems.append(line if not path or line.startswith(path.split(".")[0])
                                else Problem(mark("{path}: {problem}"), path=path, problem=line))
        elif kind == "missing":
            problems.append(Problem(mark("{path}: is required"), path=path))
        elif kind == "extra_forbidden":
            model = _MODEL_AT.get(loc[:-1])
            if model:
                problems.append(Problem(mark("{path}: unknown field (known: {known})"), path=path,
                                        known=", ".join(model.model_fields)))
            else:
                problems.append(Problem(mark("{path}: unknown field"), path=path))
        elif kind in ("literal_error", "enum"):
            expected = err.get("ctx", {}).get("expected", "")
            problems.append(Problem(mark("{path}: {value} is not one of {expected}"), path=path, value=_short(given),
                                    expected=expected))
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            if path:
                problems.append(Problem(mark("{path}: must be an object ({{…}}), got {value}"), path=path,
                                        value=_short(given)))
            else:
                problems.append(Problem(mark("the requirements must be an object ({{…}}), got {value}"),
                                        value=_short(given)))
        elif kind == "list_type":
            problems.append(Problem(mark("{path}: must be a list, got {value}"), path=path, value=_short(given)))
        elif kind in ("string_type", "string_unicode"):
            problems.append(Problem(mark("{path}: must be text, got {value}"), path=path, value=_short(given)))
        elif kind in ("bool_type", "bool_parsing"):
            problems.append(Problem(mark("{path}: must be true or false, got {value}"), path=path, value=_short(given)))
        elif kind.startswith(("float_", "int_")) or kind in ("finite_number",):
            problems.append(Problem(mark("{path}: must be a number, got {value}"), path=path, value=_short(given)))
        elif kind == "is_instance_of":
            problems.append(Problem(mark("{path}: must be a number with a unit, got {value}"), path=path,
                                    value=_short(given)))
        else:
            problems.append(f"{path or 'requirements'}: {msg} (got {_short(given)})")
    return problems or [str(exc)]


def load_requirements(source: "Requirements | dict[str, Any] | str | Path") -> Requirements:
    """Requirements from a model, a dict, a JSON text or the path of a JSON file."""
    if isinstance(source, Requirements):
        return source
    if isinstance(source, dict):
        return Requirements.model_validate(source)
    if isinstance(source, (str, Path)):
        text_given = isinstance(source, str) and source.lstrip().startswith(("{", "["))
        if text_given:
            text, where = str(source), "the requirements text"
        else:
            path = Path(source)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = "no such file" if isinstance(exc, FileNotFoundError) else str(exc)
                raise RequirementsError([Problem(mark("cannot read requirements file {path}: {reason}"),
                                                 path=repr(str(path)), reason=reason)]) from None
            where = f"file {str(path)!r}"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RequirementsError([f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]) from None
        return Requirements.model_validate(data)
    raise RequirementsError([f"requirements must be a JSON object, a file path or a dict (got {type(source).__name__})"])


# -- resolution: every default filled, with its source ----------------------------------


@dataclass(frozen=True)
class Target:
    """The limit the treated water must meet for one parameter, and where it comes from."""

    parameter: str
    min: Quantity | None
    max: Quantity | None
    source: str
    basis: str = ""  # health, acceptability, operational (where the source says)

    @property
    def kind(self) -> str:
        if self.min is not None and self.max is not None:
            return "range"
        return "min" if self.min is not None else "max"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.min is not None:
            data["min"] = qjson(self.min)
        if self.max is not None:
            data["max"] = qjson(self.max)
        data["source"] = self.source
        if self.basis:
            data["basis"] = self.basis
        return data


@dataclass
class Resolved:
    """The requirements with sector, destination and location defaults filled in."""

    requirements: Requirements
    sector: str
    subsector: str
    kind: str  # wastewater or raw_water
    water_source: str | None
    features: frozenset[str]
    destination: str
    destination_name: str
    flow: Sourced  # average, m3/d
    flow_basis: str
    peak_factor: Sourced  # dimensionless
    harmon_population: Sourced | None
    influent: dict[str, Sourced]
    defaults_used: dict[str, str]
    targets: dict[str, Target]
    population_equivalent: Sourced | None
    boiler_pressure: Sourced | None
    boiler_class: str
    country: str | None
    country_name: str
    city: str | None
    currency: str
    electricity_price: Sourced
    labour_cost: Sourced
    design_temperature: Sourced
    site_elevation: Sourced  # m above sea level
    sludge_disposal_price: Sourced
    discount_rate: Sourced
    plant_life: Sourced
    exchange_rates: dict[str, float]
    overrides: dict[str, dict[str, Any]]
    forced_train: list[str] | None
    language: str
    notes: list[str] = field(default_factory=list)
    # Magnitudes in each parameter's unit, for the rules (pint is slow in loops).
    _values: dict[str, float] = field(default_factory=dict)

    def value(self, parameter: str) -> float | None:
        """Influent concentration in the parameter's unit (None when unknown)."""
        return self._values.get(parameter)

    def limit(self, parameter: str) -> float | None:
        """Upper limit on the treated water in the parameter's unit (None when there is none)."""
        t = self.targets.get(parameter)
        if t is None or t.max is None:
            return None
        return float(t.max.to(parameter_unit(parameter)).magnitude)

    def removal_needed(self, parameter: str) -> float:
        """Fraction of the influent value the plant must remove to meet the limit (0 when none)."""
        c, lim = self.value(parameter), self.limit(parameter)
        if c is None or lim is None or c <= 0 or lim >= c:
            return 0.0
        return 1.0 - lim / c


def _source_text(raw: Any, sources: dict[str, str]) -> str:
    return sources.get(raw, raw) if isinstance(raw, str) else str(raw)


# What else than a parameter may be a default, as the notes name it.
_DEFAULT_NAMES = {"peak_factor": mark("peak factor")}


def _name(entry: dict[str, Any], language: str) -> str:
    """A bilingual name of the data files (``{en: …, es: …}``) in ``language``."""
    names = entry["name"]
    return names.get(language) or names["en"]


def _resolve(req: Requirements) -> Resolved:
    sectors = sectors_data()
    sub = sectors["sectors"][req.sector]["subsectors"][req.subsector]
    kind = "raw_water" if req.water_source else sub["kind"]
    notes: list[str] = []
    language = req.language

    # Location and economics first: the climate is a default for the water temperature.
    loc_data = locations_data()
    src = loc_data["sources"]
    country = req.location.country
    entry = loc_data["countries"][country] if country else loc_data["default"]
    default = loc_data["default"]
    where = _name(entry, language) if country else tr(language, "generic defaults (no country given)")

    def located(key: str, unit: str, given: Quantity | None, what: str) -> Sourced:
        if given is not None:
            return Sourced(given.to(unit), "user (location)")
        spec = entry.get(key) or default[key]
        return Sourced(Q_(float(spec["value"]), unit), tr(language, "{what} for {where}: {source}", what=tr(language, what), where=where,
                                                           source=tr(language, _source_text(spec["source"], src))))

    electricity = located("electricity_price", "USD/kWh", req.location.electricity_price,
                          mark("Industrial electricity price"))
    labour = located("labour_cost", "USD/year", req.location.labour_cost, mark("Operator cost"))
    climate = located("design_temperature", "degC", req.location.temperature, mark("Design water temperature"))
    sludge = located("sludge_disposal_price", "USD/t", req.location.sludge_disposal_price, mark("Sludge disposal price"))
    elevation = located("elevation", "m", req.location.elevation, mark("Site elevation"))
    discount = (Sourced(req.economics.discount_rate, "user (economics)") if req.economics.discount_rate is not None
                else Sourced(Q_(0.08, "dimensionless"), tr(language, 
                    "Default real discount rate 8 %/year (US EPA (2021), Guidelines for Preparing Economic Analyses, "
                    "Ch. 6 reviews 3–7 % social rates; 8 % is a typical industrial cost of capital)")))
    life = (Sourced(req.economics.plant_life, "user (economics)") if req.economics.plant_life is not None
            else Sourced(Q_(20.0, "year"), tr(language, 
                "Default economic plant life 20 years (typical for mechanical and electrical equipment of treatment "
                "plants; WaterTAP costing default plant_lifetime = 20 years)")))
    currency = req.economics.currency
    if currency is None:
        local = entry.get("currency", "USD")
        known = _known_currencies()
        if known is None or local in known or local in req.economics.exchange_rates:
            currency = local
        else:
            currency = "USD"
            notes.append(tr(language, "No exchange rate for {currency}, the currency of {country}: costs are reported in USD "
                             "(give economics.exchange_rates.{currency} to report in {currency}).",
                             currency=local, country=_name(entry, language)))

    # Influent: the user's values, then the sector's (or the water source's) defaults.
    if kind == "raw_water":
        ws = sectors["water_sources"][req.water_source]
        default_quality, set_source = ws["quality"], ws["source"]
        per_source = ws.get("sources", {})
        quality_label = _name(ws, language).lower()
    else:
        default_quality, set_source = sub.get("quality", {}), sub.get("source", "")
        per_source = sub.get("sources", {})
        quality_label = _name(sub, language).lower()
    influent: dict[str, Sourced] = {}
    defaults_used: dict[str, str] = {}
    for p, q in req.influent.items():
        influent[p] = Sourced(q, "user")
    for p, v in default_quality.items():
        if p in influent or v is None or p == "temperature":
            continue
        source = tr(language, "sector default (typical {name}): {source}", name=quality_label,
                     source=tr(language, per_source.get(p, set_source)))
        influent[p] = Sourced(Q_(float(v), parameter_unit(p)), source)
        defaults_used[p] = source
    if "temperature" not in influent:
        # Warm process effluents cool in sewers and tanks: design on the colder of the
        # sector's typical temperature and the local climate.
        typical = default_quality.get("temperature")
        if typical is not None and float(typical) < float(climate.quantity.magnitude):
            source = tr(language, "sector default (typical {name}): {source}", name=quality_label,
                         source=tr(language, per_source.get("temperature", set_source)))
            influent["temperature"] = Sourced(Q_(float(typical), "degC"), source)
        elif climate.source.startswith("user"):
            influent["temperature"] = Sourced(climate.quantity, climate.source)
        else:
            source = (tr(language, "climate default (colder than the sector's typical {typical:g} °C): {source}",
                          typical=float(typical), source=climate.source) if typical is not None
                      else tr(language, "climate default: {source}", source=climate.source))
            influent["temperature"] = Sourced(climate.quantity, source)
        if not influent["temperature"].source.startswith("user"):
            defaults_used["temperature"] = influent["temperature"].source
    values = {p: float(s.quantity.to(parameter_unit(p)).magnitude) for p, s in influent.items()}

    # The design temperature: the user's, else the water's own if measured, else the climate.
    if req.location.temperature is not None:
        design_t = climate
    elif "temperature" in req.influent:
        design_t = Sourced(req.influent["temperature"].to("degC"), "user (influent temperature)")
    else:
        design_t = influent["temperature"]

    # Flows.
    avg = Sourced(req.flow.average, "user")
    harmon_population = None
    if req.flow.peak_factor is not None:
        pf = Sourced(Q_(req.flow.peak_factor, "dimensionless"), "user")
    elif req.flow.peak is not None:
        pf = Sourced((req.flow.peak / req.flow.average).to("dimensionless"), "user (peak flow / average flow)")
    else:
        spec = sub.get("peak_factor", {"value": 1.5, "source": mark("generic default")})
        if kind == "raw_water" and spec.get("method") == "harmon":
            spec = {"value": 1.0, "source": mark("raw water treated at a steady rate")}
        if spec.get("method") == "harmon":
            per_capita = spec["per_capita_flow"]
            q_cap = Q_(float(per_capita["value"]), per_capita["unit"])
            population = (req.flow.average / q_cap).to("dimensionless")
            harmon_population = Sourced(population, tr(language, "average flow / {flow} per person ({source})", flow=q_cap,
                                                        source=tr(language, per_capita["source"])))
            p_thousands = float(population.magnitude) / 1000.0
            value = 1.0 + 14.0 / (4.0 + math.sqrt(max(p_thousands, 0.0)))
            pf = Sourced(Q_(value, "dimensionless"), tr(language, "sector default: {source}", source=tr(language, spec["source"])))
        else:
            pf = Sourced(Q_(float(spec["value"]), "dimensionless"),
                         tr(language, "sector default: {source}", source=tr(language, spec["source"])))
        defaults_used["peak_factor"] = pf.source

    # Population equivalent (91/271/EEC Art. 2(6): 60 g BOD5 per p.e. and day).
    pe = None
    if "bod" in values and kind == "wastewater":
        load = float(req.flow.average.to("m**3/day").magnitude) * values["bod"] / 1000.0  # kg/d
        pe = Sourced(Q_(load / 0.060, "dimensionless"),
                     tr(language, "BOD5 load / 60 g per person and day (Council Directive 91/271/EEC, Art. 2(6))"))

    # Targets: the destination's defaults for this plant, then the user's.
    dest_data = destinations_data()["destinations"][req.destination.type]
    targets: dict[str, Target] = {}
    boiler_pressure, boiler_class = None, ""

    def add_limits(limits: dict[str, Any], default_source: str, pressure_class: str = "") -> None:
        for p, spec in limits.items():
            if "by_population_equivalent" in spec:
                pe_value = float(pe.quantity.magnitude) if pe is not None else math.inf
                case = next(c for c in spec["by_population_equivalent"] if c.get("below") is None or pe_value < c["below"])
                spec = {**spec, **case}
            unit = parameter_unit(p)
            low = Q_(float(spec["min"]), unit) if spec.get("min") is not None else None
            high = Q_(float(spec["max"]), unit) if spec.get("max") is not None else None
            source = tr(language, spec.get("source") or default_source)
            if pressure_class:
                source = tr(language, "{source} — class {label}", source=source, label=pressure_class)
            targets[p] = Target(p, low, high, source, tr(language, spec.get("basis", "")))

    add_limits(dest_data.get("limits", {}), dest_data["source"])
    if req.destination.sensitive_area:
        sensitive = dest_data["sensitive_area"]
        add_limits(sensitive["limits"], sensitive["source"])
        if pe is not None and pe.quantity.magnitude < 10000:
            notes.append(tr(language, "Sensitive-area N and P limits of 91/271/EEC apply from 10,000 p.e.; applied to this "
                             "smaller plant because the client marked the area as sensitive."))
    if req.destination.type == "boiler_feed":
        given = req.destination.boiler_pressure
        dp = dest_data["default_pressure"]
        boiler_pressure = (Sourced(given, "user") if given is not None
                           else Sourced(Q_(float(dp["value"]), dp["unit"]),
                                        tr(language, "default drum pressure of an industrial watertube boiler (give "
                                            "destination.boiler_pressure)")))
        bar = float(boiler_pressure.quantity.to("bar").magnitude)
        cls = next(c for c in dest_data["pressure_classes"] if c["up_to"] is None or bar <= c["up_to"])
        boiler_class = tr(language, cls["label"])
        add_limits(cls["limits"], dest_data["source"], boiler_class)
    for p, limit in req.targets.items():
        if limit is None:
            targets.pop(p, None)
            notes.append(tr(language, "The default {parameter} limit of the destination is removed at the client's request.",
                             parameter=parameter_label(p, language)))
        else:
            targets[p] = Target(p, limit.min, limit.max, "user")

    within = []
    for p, t in targets.items():
        c = values.get(p)
        if c is None or t.max is None or p in ("ph", "temperature"):
            continue
        if float(t.max.to(parameter_unit(p)).magnitude) >= c:
            within.append(tr(language, "{parameter} ({value} against {limit})", parameter=parameter_label(p, language),
                              value=influent[p].quantity, limit=t.max))
    if within:
        notes.append(tr(language, "The influent already meets these limits, no removal is needed for them: {limits}.",
                         limits=", ".join(within)))
    for p, t in targets.items():
        if p not in values:
            notes.append(tr(language, "{parameter}: there is a limit ({limit}) but no influent value and no sector default; "
                             "compliance cannot be assessed for it.", parameter=parameter_label(p, language), limit=t.max or t.min))
    if defaults_used:
        notes.append(tr(language, "Defaults used for what the client did not give: {parameters}.", parameters=", ".join(
            parameter_label(p, language) if p in PARAMETERS else tr(language, _DEFAULT_NAMES.get(p, p.replace("_", " "))) for p in defaults_used)))

    return Resolved(
        requirements=req, sector=req.sector, subsector=req.subsector or "", kind=kind, water_source=req.water_source,
        features=frozenset(sub.get("features", []) if kind == "wastewater" else []),
        destination=req.destination.type, destination_name=_name(dest_data, language),
        flow=avg, flow_basis=req.flow.basis, peak_factor=pf, harmon_population=harmon_population,
        influent=influent, defaults_used=defaults_used, targets=targets, population_equivalent=pe,
        boiler_pressure=boiler_pressure, boiler_class=boiler_class,
        country=country, country_name=_name(entry, language), city=req.location.city, currency=currency,
        electricity_price=electricity, labour_cost=labour, design_temperature=design_t,
        site_elevation=elevation, sludge_disposal_price=sludge, discount_rate=discount, plant_life=life,
        exchange_rates=dict(req.economics.exchange_rates), overrides=req.overrides,
        forced_train=list(req.forced_train) if req.forced_train else None, language=req.language,
        notes=notes, _values=values,
    )
