"""Reading a free-text message with an LLM (when `settings.H2O_AI_MODEL` is set).

A pydantic-ai `Agent` whose output type is `PartialRequirements`: the parts of
the engine's requirements that the message states, each value as the text
the client wrote ("500 m3/d"). Nothing it returns is trusted: the values
are mapped onto the questionnaire by their place in the requirements
(`Question.maps_to`) and validated exactly like a typed answer. If the model
fails (no network, a malformed answer after the retries), the deterministic
parser reads the message instead, so a chat message never fails.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import Agent

from .freetext import FreeTextResult, Found, known_parameter, parse_free_text
from .questionnaire import Questionnaire, parameters_data

logger = logging.getLogger(__name__)

# Seconds: a chat reply must not hang on a slow provider.
MODEL_TIMEOUT = 20


class PartialFlow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    average: str | None = Field(default=None, description="average flow with its unit, e.g. '500 m3/d' or '20 L/s'")
    peak: str | None = Field(default=None, description="peak flow with its unit")


class PartialLocation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 country code, e.g. 'MX'")
    city: str | None = None
    electricity_price: str | None = Field(default=None, description="e.g. '0.12 USD/kWh'")


class PartialRequirements(BaseModel):
    """What one message says about the plant; every field optional, values as written."""

    model_config = ConfigDict(extra="ignore")

    subsector: str | None = Field(default=None, description="e.g. dairy, brewery, textile, wastewater, drinking_water")
    water_source: str | None = Field(
        default=None, description="surface_water, groundwater, brackish_groundwater or seawater"
    )
    flow: PartialFlow | None = None
    destination: str | None = Field(
        default=None,
        description="sewer, surface_water, irrigation_reuse, industrial_reuse, boiler_feed or potable",
    )
    influent: dict[str, str] = Field(
        default_factory=dict, description="water-quality parameter -> value with unit, e.g. {'cod': '3000 mg/L'}"
    )
    targets: dict[str, str] = Field(
        default_factory=dict, description="required limits on the treated water, parameter -> value with unit"
    )
    location: PartialLocation | None = None


def _instructions() -> str:
    names = ", ".join(parameters_data()["parameters"])
    return (
        "You read a message from a client describing a water or wastewater treatment need, in Spanish or "
        "English, and return only the values the message states explicitly. Never guess, never fill in "
        "typical values, never convert units: copy each number with the unit the client wrote. "
        f"Water-quality parameters use these names: {names} (DQO = cod, DBO = bod, SST = tss, SDT = tds, "
        "grasas y aceites = fog, nitrógeno total = tn, fósforo total = tp). Leave out anything not stated."
    )


extraction_agent: Agent[None, PartialRequirements] = Agent(
    None,
    output_type=PartialRequirements,
    instructions=_instructions(),
    retries=2,
    name="questionnaire_extraction",
)


def _by_place(questionnaire: Questionnaire) -> dict[str, str]:
    """maps_to -> question key ("flow.average" -> "flow_average")."""
    return {q.maps_to: q.key for q in questionnaire.questions if q.maps_to}


def result_from_output(output: PartialRequirements, questionnaire: Questionnaire) -> FreeTextResult:
    """The agent's output as candidate answers keyed by question."""
    places = _by_place(questionnaire)
    result = FreeTextResult()

    def put(place: str, value: Any) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        key = places.get(place)
        if key is None and place.startswith("influent."):
            key = place.split(".", 1)[1]  # a parameter no question asks: still measured data
        if key is None:
            result.unassigned.append(str(value))
            return
        result.found[key] = Found(key=key, text=str(value).strip()[:200])

    put("subsector", output.subsector)
    put("water_source", output.water_source)
    if output.flow:
        put("flow.average", output.flow.average)
        put("flow.peak", output.flow.peak)
    put("destination.type", output.destination)
    for name, value in output.influent.items():
        parameter = known_parameter(name)
        if parameter is None:
            result.unassigned.append(f"{name}: {value}")
            continue
        put(f"influent.{parameter}", value)
    for name, value in output.targets.items():
        parameter = known_parameter(name)
        if parameter is None:
            result.unassigned.append(f"{name}: {value}")
            continue
        put(f"targets.{parameter}", value)
    if output.location:
        put("location.country", (output.location.country or "").upper() or None)
        put("location.city", output.location.city)
        put("location.electricity_price", output.location.electricity_price)
    return result


def extract(text: str, questionnaire: Questionnaire, answers: Mapping[str, Mapping[str, Any]]) -> tuple[FreeTextResult, str]:
    """Candidate answers from a message and how they were read: "agent" or "parser"."""
    model = settings.H2O_AI_MODEL
    if model:
        try:
            run = extraction_agent.run_sync(
                f"Sector: {questionnaire.sector}; subsector: {questionnaire.subsector or 'unknown'}.\n\nMessage:\n{text}",
                model=model,
                model_settings={"timeout": MODEL_TIMEOUT},
            )
            return result_from_output(run.output, questionnaire), "agent"
        except Exception:  # noqa: BLE001 — any model failure falls back to the parser
            logger.warning("extraction agent failed; reading the message with the parser", exc_info=True)
    return parse_free_text(text, questionnaire, answers), "parser"
