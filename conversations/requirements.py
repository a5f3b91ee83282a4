"""From the questionnaire's answers to the engine's requirements.

`requirements_from_answers(metadata)` reads a proposal conversation's
metadata and returns a dict in the engine's Requirements JSON format
(agents/engine/requirements.py; examples/*.json): what
`agents.engine.requirements.load_requirements` accepts once the
questionnaire is complete.

The contract:

- Input: the conversation metadata — ``questionnaire.sector`` (required),
  ``answers`` (see conversations/questionnaire.py), and optionally
  ``language`` ("es"/"en") and ``name``. The subsector comes from
  ``answers.subsector``.
- Only answers to questions that apply (their conditions hold) are used;
  answers left behind by a changed answer (reuse questions after the
  destination changed to the sewer) are ignored.
- Quantities are given as ``{"value": …, "unit": …}`` in the engine's unit
  (m3/d, mg/L, °C, bar, USD/kWh, year); fractions as plain numbers (0.08).
- A question the user skipped whose default is the engine's (sector influent,
  destination limits, country prices) is left out, so the engine fills it
  and lists it among its defaults. A skipped question with a questionnaire
  default (e.g. the destination) is given with that default; `defaults_used`
  names every default so that the proposal can say which values came from
  the client.
- Quality parameters read from an upload or a message that no question asks
  about still go to ``influent`` (measured data is never dropped).
- Answers without a place in the requirements (text, context choices) go to
  ``description`` as "question: answer" lines.

Pure function of the metadata: no database, never raises for odd metadata
(it returns what it can; the engine's validation names what is missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .questionnaire import Questionnaire, QuestionnaireError, engine_value, load_questionnaire

REQUIREMENTS_SECTIONS = ("flow", "influent", "destination", "targets", "location", "economics")


def _answers(metadata: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    answers = metadata.get("answers") if isinstance(metadata, Mapping) else None
    if not isinstance(answers, Mapping):
        return {}
    return {k: v for k, v in answers.items() if isinstance(k, str) and isinstance(v, Mapping)}


def questionnaire_from_metadata(metadata: Mapping[str, Any]) -> Questionnaire | None:
    info = metadata.get("questionnaire") if isinstance(metadata, Mapping) else None
    sector = info.get("sector") if isinstance(info, Mapping) else None
    if not isinstance(sector, str):
        return None
    subsector = (_answers(metadata).get("subsector") or {}).get("value") or ""
    try:
        return load_questionnaire(sector, str(subsector))
    except (QuestionnaireError, OSError):
        return None


def _set(target: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _counts(question, answer: Mapping[str, Any]) -> bool:
    """Whether an answer goes into the requirements (not an engine default left to the engine)."""
    if answer.get("value") is None:
        return False
    return not (answer.get("skipped") and question.engine_default)


def requirements_from_answers(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's requirements (a JSON-ready dict) from a conversation's metadata."""
    questionnaire = questionnaire_from_metadata(metadata)
    if questionnaire is None:
        return {}
    answers = _answers(metadata)
    language = metadata.get("language") if metadata.get("language") in ("es", "en") else "es"
    requirements: dict[str, Any] = {"language": language, "sector": questionnaire.sector}
    if isinstance(metadata.get("name"), str) and metadata["name"].strip():
        requirements["name"] = metadata["name"].strip()[:200]
    if questionnaire.subsector:
        requirements["subsector"] = questionnaire.subsector

    for key, value in questionnaire.fixed.items():
        question = questionnaire.question(key)
        if question is not None and question.maps_to:
            _set(requirements, question.maps_to, engine_value(question, value))

    description: list[str] = []
    for question in questionnaire.applicable(answers):
        answer = answers.get(question.key)
        if answer is None or question.key == "subsector" or not _counts(question, answer):
            continue
        value = answer["value"]
        if question.maps_to is None:
            if not answer.get("skipped"):
                description.append(f"{question.short_text(language)}: {question.display(answer, language)}")
            continue
        if question.type == "choice" and value in question.omit_values:
            continue
        try:
            _set(requirements, question.maps_to, engine_value(question, value))
        except (TypeError, ValueError, AttributeError):
            continue  # a malformed stored value: the engine reports the gap

    for key in questionnaire.extra_parameters(answers):
        question = questionnaire.question(key)
        answer = answers[key]
        if question is not None and question.maps_to and _counts(question, answer):
            try:
                _set(requirements, question.maps_to, engine_value(question, answer["value"]))
            except (TypeError, ValueError, AttributeError):
                continue

    if description:
        requirements["description"] = "\n".join(description)
    # The engine takes a plain destination type too, but an object is clearer.
    return requirements


def defaults_used(metadata: Mapping[str, Any]) -> list[str]:
    """Keys of the applicable questions answered with a default (skipped), in order."""
    questionnaire = questionnaire_from_metadata(metadata)
    if questionnaire is None:
        return []
    answers = _answers(metadata)
    return [
        q.key for q in questionnaire.applicable(answers) if (answers.get(q.key) or {}).get("skipped")
    ]
