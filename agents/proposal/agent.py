"""The proposal agent: a pydantic-ai `Agent` whose tools call the engine and
whose output is a `ProposalOutput`.

Tools: `design_summary` (the chosen design, computed once per run),
`compare_alternatives` (every train designed and compared) and
`equipment_price_estimate` (historical prices, six-tenths rule, CEPCI).

No invented numbers. The output validator refuses an answer whose figures
(CAPEX and its range, OPEX, LCOW, currency, estimate class), train or unit
tags differ from the design's, or whose prose states a number the tools did
not return (agents/proposal/numbers.py); the model is told what was wrong
and tries again. After the retries, or when the model cannot be reached at
all, `write_proposal` runs the same agent with the offline model (a
`FunctionModel` calling the same tools in a fixed plan and writing from
templates) and says why in `Proposal.fallback_reason`. Whatever the model,
the figures printed are then replaced by the engine's own values.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop
from pydantic_ai import Agent, ModelRetry, RunContext
from pydantic_ai.exceptions import UnexpectedModelBehavior, UsageLimitExceeded
from pydantic_ai.models import Model
from pydantic_ai.usage import UsageLimits

from .facts import DesignFacts
from .narrative import schedule, standard_disclaimers
from .numbers import NumberSet, invented_numbers
from .schema import Proposal, ProposalOutput

logger = logging.getLogger(__name__)

OFFLINE = "offline"
# Seconds per model request, requests per run, and seconds for the whole run: a proposal
# must not hang on a slow provider (the offline plan then writes it in a fraction of a second).
MODEL_TIMEOUT = 60
MAX_REQUESTS = 12
MODEL_BUDGET = 180
# Retries of an answer the validator refused, and of a tool call with bad arguments.
OUTPUT_RETRIES = 2
TOOL_RETRIES = 2
# Figures restated by the model may differ from the engine's by rounding, no more.
FIGURE_TOLERANCE = 0.01

# Why the configured model's answer was not used (stored untranslated, shown translated).
FALLBACK_INVALID = gettext_noop("its answers did not pass the checks against the design")
FALLBACK_TOO_LONG = gettext_noop("it needed more steps than allowed")
FALLBACK_TOO_SLOW = gettext_noop("it took longer than allowed")
FALLBACK_UNAVAILABLE = gettext_noop("the model could not be reached")
FALLBACK_REASONS = (FALLBACK_INVALID, FALLBACK_TOO_LONG, FALLBACK_TOO_SLOW, FALLBACK_UNAVAILABLE)

LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}


@dataclass
class ProposalDeps:
    """What one proposal run works on. The design is computed at most once
    (the phase computes it before the agent runs, to report its steps)."""

    requirements: Any  # agents.engine.Requirements
    language: str
    project: dict[str, Any] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    design: Any = None  # agents.engine.Design
    facts: DesignFacts | None = None
    allowed: NumberSet = field(default_factory=NumberSet)
    tool_calls: list[str] = field(default_factory=list)
    engine_seconds: float = 0.0

    def __post_init__(self) -> None:
        # The project's own words (its name, the client's) and the product's schedule may hold numbers.
        self.allowed.add_data(self.project)
        with translation.override(self.language):
            self.allowed.add_data(schedule())

    def get_facts(self) -> DesignFacts:
        if self.facts is None:
            from agents.engine import design

            started = time.perf_counter()
            if self.design is None:
                self.design = design(self.requirements, alternatives=True)
            self.facts = DesignFacts.from_design(
                self.design, language=self.language, project=self.project, skipped=self.skipped
            )
            self.engine_seconds += time.perf_counter() - started
        return self.facts


proposal_agent: Agent[ProposalDeps, ProposalOutput] = Agent(
    None,
    output_type=ProposalOutput,
    deps_type=ProposalDeps,
    retries={"tools": TOOL_RETRIES, "output": OUTPUT_RETRIES},
    name="proposal",
    defer_model_check=True,
)


@proposal_agent.instructions
def _instructions(ctx: RunContext[ProposalDeps]) -> str:
    with translation.override(ctx.deps.language):
        steps = "; ".join(f"{item['activity']} ({item['duration']})" for item in schedule())
    language = LANGUAGE_NAMES.get(ctx.deps.language, "English")
    return (
        "You are a senior process engineer at H2O Allegiant writing a conceptual proposal for a water or "
        "wastewater treatment plant, for the client's management. Call design_summary first and "
        "compare_alternatives second; you may call equipment_price_estimate for main equipment "
        "(price_checks in the summary name the items and capacities). Then return the proposal.\n"
        f"Write every text in {language}, plainly, as an engineer would to a client.\n"
        "Rules:\n"
        "- Every number you write must be one the tools returned (you may round it to three significant "
        "digits). Never invent a size, a price, a percentage, a date or a duration; when in doubt, leave the "
        "number out.\n"
        "- figures: copy the design's costs exactly (currency, capex, capex_range as capex_low/capex_high, "
        "opex_per_year, lcow_per_m3 as lcow, estimate_class).\n"
        "- train: the unit types of the design's main line, in order.\n"
        "- units: one description for every unit of the design (main line and sludge line), by its tag.\n"
        f"- schedule: exactly these steps with these durations: {steps}.\n"
        "- Say which values of the design basis are the client's and which are typical defaults."
    )


@proposal_agent.tool(retries=TOOL_RETRIES)
def design_summary(ctx: RunContext[ProposalDeps]) -> dict[str, Any]:
    """The chosen design: the treatment train, every unit with its key sizes, equipment and costs,
    compliance with each limit, the costs (CAPEX with its accuracy range and AACE estimate class, OPEX,
    LCOW), the values that are sector defaults, and the engine's warnings."""
    summary = ctx.deps.get_facts().summary()
    ctx.deps.allowed.add_data(summary)
    ctx.deps.tool_calls.append("design_summary")
    return summary


@proposal_agent.tool(retries=TOOL_RETRIES)
def compare_alternatives(ctx: RunContext[ProposalDeps]) -> list[dict[str, Any]]:
    """Every train designed for these requirements with its CAPEX, OPEX and LCOW, whether it meets every
    limit, and which one was chosen and why. Empty when only one train applies."""
    alternatives = ctx.deps.get_facts().alternatives_summary()
    ctx.deps.allowed.add_data(alternatives)
    ctx.deps.tool_calls.append("compare_alternatives")
    return alternatives


@proposal_agent.tool(retries=TOOL_RETRIES)
def equipment_price_estimate(
    ctx: RunContext[ProposalDeps], item_type: str, capacity: float, capacity_unit: str, count: int = 1
) -> dict[str, Any]:
    """Purchase price of `count` items of one equipment type, each of `capacity` (in `capacity_unit`),
    from historical price records scaled with the six-tenths rule and escalated to the cost year with the
    CEPCI, in the report currency. item_type is one of the price table's types (e.g. screen, daf_package,
    clarifier, uv_reactor, ro_system, centrifuge, blower, centrifugal_pump)."""
    from agents.engine.prices import historical_price, price_table
    from agents.engine.quantities import parse_quantity

    facts = ctx.deps.get_facts()
    table = price_table()
    if item_type not in table:
        raise ModelRetry(f"Unknown item_type {item_type!r}; use one of: {', '.join(sorted(table))}.")
    if not (isinstance(capacity, (int, float)) and math.isfinite(capacity) and capacity > 0) or count < 1:
        raise ModelRetry("capacity must be a positive number and count at least 1.")
    try:
        quantity = parse_quantity(capacity, capacity_unit, name="capacity")
        price, records, _calculation = historical_price(item_type, quantity, count=count)
    except Exception as exc:  # noqa: BLE001 — the model gave arguments the price table cannot use: say why
        raise ModelRetry(f"No price for these arguments: {exc}") from None
    spec = table[item_type]
    result = {
        "item_type": item_type,
        "item_name": spec.name.get(ctx.deps.language) or spec.name.get("en"),
        "capacity": capacity,
        "capacity_unit": capacity_unit,
        "count": count,
        "price": round(ctx.deps.design.costs.convert(price, facts.currency), 0),
        "currency": facts.currency,
        "cost_year": facts.figures.cost_year,
        "records": [{"description": r.description, "year": r.year, "source": r.source} for r in records],
    }
    ctx.deps.allowed.add_data(result)
    ctx.deps.tool_calls.append("equipment_price_estimate")
    return result


def _close(value: float, expected: float) -> bool:
    return abs(value - expected) <= FIGURE_TOLERANCE * max(abs(expected), 1e-9)


def problems_with(output: ProposalOutput, facts: DesignFacts, allowed: NumberSet) -> list[str]:
    """What an answer gets wrong against the design (empty when it is right)."""
    problems: list[str] = []
    f, given = facts.figures, output.figures
    if given.currency.upper() != f.currency:
        problems.append(f"figures.currency is {given.currency}, the design's is {f.currency}")
    if given.estimate_class != f.estimate_class:
        problems.append(f"figures.estimate_class is {given.estimate_class}, the design's is {f.estimate_class}")
    for name, expected in (
        ("capex", f.capex), ("capex_low", f.capex_low), ("capex_high", f.capex_high),
        ("opex_per_year", f.opex_per_year), ("lcow", f.lcow),
    ):  # fmt: skip
        value = getattr(given, name)
        if not _close(value, expected):
            problems.append(f"figures.{name} is {value:g}, the design's is {expected:g}")
    if list(output.train) != facts.train_types:
        problems.append(f"train is {output.train}, the design's main line is {facts.train_types}")
    tags = [u.tag for u in output.units]
    unknown = [t for t in tags if t not in facts.unit_tags]
    missing = [t for t in facts.unit_tags if t not in tags]
    if unknown:
        problems.append(f"units has tags the design does not: {', '.join(unknown)}")
    if missing:
        problems.append(f"units lacks a description of: {', '.join(missing)}")
    if len(set(tags)) != len(tags):
        problems.append("units describes a unit more than once")
    for where, text in output.texts().items():
        invented = invented_numbers(text, allowed)
        if invented:
            problems.append(f"{where} states numbers the tools did not return: {', '.join(invented[:8])}")
    return problems


@proposal_agent.output_validator
def _check_against_design(ctx: RunContext[ProposalDeps], output: ProposalOutput) -> ProposalOutput:
    problems = problems_with(output, ctx.deps.get_facts(), ctx.deps.allowed)
    if problems:
        raise ModelRetry(
            "The proposal does not match the design. Fix these and answer again (call the tools if you have "
            "not):\n- " + "\n- ".join(problems)
        )
    return output


def _prompt(deps: ProposalDeps) -> str:
    project = deps.project
    lines = [f"Write the conceptual proposal for the project “{project.get('name', '')}”."]
    if project.get("client"):
        lines.append(f"Client: {project['client']}.")
    if project.get("description"):
        lines.append(f"What the client says: {project['description']}")
    return "\n".join(lines)


def merged(output: ProposalOutput, facts: DesignFacts) -> ProposalOutput:
    """The validated output with the engine's exact figures (the model's were within rounding)."""
    f = facts.figures
    figures = output.figures.model_copy(update={
        "currency": f.currency, "capex": f.capex, "capex_low": f.capex_low, "capex_high": f.capex_high,
        "opex_per_year": f.opex_per_year, "lcow": f.lcow, "estimate_class": f.estimate_class,
    })  # fmt: skip
    return output.model_copy(update={"figures": figures})


def configured_model() -> str | None:
    name = (getattr(settings, "H2O_AI_MODEL", "") or "").strip()
    return None if name in ("", OFFLINE) else name


def _model_name(model: str | Model) -> str:
    return model if isinstance(model, str) else getattr(model, "model_name", type(model).__name__)


def write_proposal(deps: ProposalDeps, *, model: str | Model | None = None) -> Proposal:
    """Run the proposal agent with `model` (default: settings.H2O_AI_MODEL), falling back to the
    offline model when that model's answers fail the checks or the model cannot be used."""
    from .offline import offline_model

    model = model if model is not None else configured_model()
    reason = ""
    if model is not None and model != OFFLINE:
        try:
            with translation.override(deps.language):
                result = asyncio.run(_run_within_budget(deps, model))
            return _proposal(result.output, deps, _model_name(model))
        except UnexpectedModelBehavior:
            reason = FALLBACK_INVALID
            logger.warning("Proposal agent (%s): answers refused; the offline model writes it", _model_name(model), exc_info=True)
        except UsageLimitExceeded:
            reason = FALLBACK_TOO_LONG
            logger.warning("Proposal agent (%s): too many requests; the offline model writes it", _model_name(model))
        except TimeoutError:
            reason = FALLBACK_TOO_SLOW
            logger.warning("Proposal agent (%s): over %s s; the offline model writes it", _model_name(model), MODEL_BUDGET)
        except Exception:  # noqa: BLE001 — no provider, no key, no network: the offline plan still works
            reason = FALLBACK_UNAVAILABLE
            logger.warning("Proposal agent (%s) failed; the offline model writes it", _model_name(model), exc_info=True)
        deps.tool_calls.clear()
    with translation.override(deps.language):
        result = proposal_agent.run_sync(_prompt(deps), model=offline_model(), deps=deps)
    return _proposal(result.output, deps, OFFLINE, reason)


async def _run_within_budget(deps: ProposalDeps, model: str | Model) -> Any:
    return await asyncio.wait_for(
        proposal_agent.run(
            _prompt(deps),
            model=model,
            deps=deps,
            usage_limits=UsageLimits(request_limit=MAX_REQUESTS),
            model_settings={"timeout": MODEL_TIMEOUT},
        ),
        timeout=MODEL_BUDGET,
    )


def _proposal(output: ProposalOutput, deps: ProposalDeps, model: str, reason: str = "") -> Proposal:
    facts = deps.get_facts()
    with translation.override(deps.language):
        disclaimers = standard_disclaimers(facts.figures.as_dict())
    return Proposal(
        output=merged(output, facts),
        facts=facts,
        language=deps.language,
        model=model,
        fallback_reason=reason,
        standard_disclaimers=disclaimers,
    )


__all__ = [
    "FALLBACK_REASONS",
    "OFFLINE",
    "ProposalDeps",
    "configured_model",
    "merged",
    "problems_with",
    "proposal_agent",
    "write_proposal",
]
