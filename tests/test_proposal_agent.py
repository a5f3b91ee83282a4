"""The proposal agent: the offline model's fixed plan, TestModel, and models
that answer malformed JSON, plain text, or numbers the engine did not
compute. A bad answer is retried, then the offline plan writes the proposal
and says why; an engine number is never replaced by an invented one."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.utils import translation
from pydantic_ai.messages import ModelRequest, ModelResponse, RetryPromptPart, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from agents.proposal import OFFLINE, problems_with, write_proposal
from agents.proposal.agent import FALLBACK_INVALID, FALLBACK_UNAVAILABLE, OUTPUT_RETRIES
from agents.proposal.format import money_text
from agents.proposal.narrative import offline_output
from agents.proposal.numbers import NumberSet, invented_numbers
from agents.proposal.schema import ProposalOutput

from .proposal_helpers import deps_for


def _engine_figures(deps) -> dict:
    f = deps.get_facts().figures
    return {"capex": f.capex, "capex_low": f.capex_low, "capex_high": f.capex_high, "opex": f.opex_per_year,
            "lcow": f.lcow, "class": f.estimate_class, "currency": f.currency}  # fmt: skip


def _output_figures(proposal) -> dict:
    f = proposal.output.figures
    return {"capex": f.capex, "capex_low": f.capex_low, "capex_high": f.capex_high, "opex": f.opex_per_year,
            "lcow": f.lcow, "class": f.estimate_class, "currency": f.currency}  # fmt: skip


def _good_answer(deps) -> dict:
    """What a well-behaved model would return: the offline text for this design."""
    facts = deps.get_facts()
    with translation.override(deps.language):
        return offline_output(facts.summary(), facts.alternatives_summary())


def _retries(message) -> list[str]:
    """What a request told the model to fix (a retry prompt, or an output tool's return marked retried)."""
    return [
        str(part.content)
        for part in getattr(message, "parts", [])
        if isinstance(part, RetryPromptPart) or getattr(part, "outcome", None) == "retried"
    ]


def _tool_returns(messages) -> dict:
    return {
        part.tool_name: part.content
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    }


# --- The offline model -----------------------------------------------------------------


def test_the_offline_model_calls_every_tool_and_its_answer_passes_the_checks():
    deps = deps_for()
    proposal = write_proposal(deps, model=OFFLINE)

    assert proposal.model == OFFLINE and not proposal.used_fallback
    assert {"design_summary", "compare_alternatives", "equipment_price_estimate"} <= set(deps.tool_calls)
    assert _output_figures(proposal) == _engine_figures(deps)
    assert problems_with(proposal.output, proposal.facts, deps.allowed) == []
    assert [u.tag for u in proposal.output.units] == proposal.facts.unit_tags
    assert proposal.output.train == proposal.facts.train_types


def test_without_a_configured_model_the_offline_model_writes_the_proposal(settings):
    settings.H2O_AI_MODEL = ""
    proposal = write_proposal(deps_for())
    assert proposal.model == OFFLINE and proposal.fallback_reason == ""


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_offline_proposal_is_written_in_the_projects_language(language):
    deps = deps_for(language=language)
    proposal = write_proposal(deps, model=OFFLINE)
    summary = proposal.output.executive_summary
    capex = proposal.facts.figures.capex
    with translation.override(language):
        assert money_text(capex, "EUR") in summary
    if language == "es":
        assert "H2O Allegiant propone" in summary and "costo nivelado del agua" in summary
        assert any("No es una cotización" in d for d in proposal.disclaimers)
    else:
        assert "H2O Allegiant proposes" in summary and "levelized cost of water" in summary
        assert any("not a quotation" in d for d in proposal.disclaimers)


def test_the_price_tool_gives_the_engines_historical_price_in_the_report_currency():
    deps = deps_for()
    write_proposal(deps, model=OFFLINE)
    check = next(c for c in deps.get_facts().cross_checks if c["capacity"])
    from agents.proposal.agent import equipment_price_estimate

    # The tool as the agent calls it (the run context only carries the deps).
    ctx = SimpleNamespace(deps=deps)
    result = equipment_price_estimate(ctx, check["item"], check["capacity"], check["capacity_unit"], check["count"])
    assert result["currency"] == "EUR"
    assert result["price"] == pytest.approx(check["historical"], rel=1e-3)


# --- TestModel -----------------------------------------------------------------------------


def test_testmodel_calling_the_tools_with_an_answer_that_matches_the_design_is_accepted():
    deps = deps_for()
    model = TestModel(call_tools=["design_summary", "compare_alternatives"], custom_output_args=_good_answer(deps))
    proposal = write_proposal(deps, model=model)

    assert proposal.model == "test" and not proposal.used_fallback
    assert deps.tool_calls[:2] == ["design_summary", "compare_alternatives"] or set(deps.tool_calls) >= {"design_summary"}
    assert _output_figures(proposal) == _engine_figures(deps)


def test_testmodels_generated_answer_is_refused_and_the_offline_plan_writes_the_proposal():
    deps = deps_for()
    # TestModel calls every tool with made-up arguments and answers with made-up figures.
    proposal = write_proposal(deps, model=TestModel())

    assert proposal.model == OFFLINE and proposal.fallback_reason == FALLBACK_INVALID
    assert _output_figures(proposal) == _engine_figures(deps)


def test_the_configured_model_comes_from_the_settings(settings):
    settings.H2O_AI_MODEL = "test"  # pydantic-ai's name for TestModel
    proposal = write_proposal(deps_for())
    assert proposal.fallback_reason == FALLBACK_INVALID and proposal.model == OFFLINE


# --- Malformed answers ---------------------------------------------------------------------


def test_malformed_json_is_retried_then_the_offline_plan_writes_the_proposal():
    calls = []

    def malformed(messages, info: AgentInfo) -> ModelResponse:
        calls.append(messages)
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, '{"executive_summary": "The plant')])

    deps = deps_for()
    proposal = write_proposal(deps, model=FunctionModel(malformed))

    assert len(calls) == 1 + OUTPUT_RETRIES
    # Each retry told the model what was wrong.
    assert "Invalid JSON" in " ".join(_retries(calls[-1][-1]))
    assert proposal.model == OFFLINE and proposal.fallback_reason == FALLBACK_INVALID
    assert _output_figures(proposal) == _engine_figures(deps)


def test_an_answer_missing_required_parts_is_refused():
    def partial(messages, info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"executive_summary": "x" * 100})])

    proposal = write_proposal(deps_for(), model=FunctionModel(partial))
    assert proposal.fallback_reason == FALLBACK_INVALID


def test_plain_text_instead_of_the_proposal_is_refused():
    def chatty(messages, info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("Sure! Here is a great proposal for your plant.")])

    proposal = write_proposal(deps_for(), model=FunctionModel(chatty))
    assert proposal.model == OFFLINE and proposal.fallback_reason == FALLBACK_INVALID


def test_a_model_that_cannot_be_reached_falls_back():
    def unreachable(messages, info: AgentInfo) -> ModelResponse:
        raise ConnectionError("connection refused")

    proposal = write_proposal(deps_for(), model=FunctionModel(unreachable))
    assert proposal.model == OFFLINE and proposal.fallback_reason == FALLBACK_UNAVAILABLE


def test_a_model_slower_than_the_budget_falls_back(monkeypatch):
    import asyncio

    from agents.proposal import agent

    async def slow(messages, info: AgentInfo) -> ModelResponse:
        await asyncio.sleep(30)
        raise AssertionError("not reached")

    monkeypatch.setattr(agent, "MODEL_BUDGET", 0.2)
    proposal = write_proposal(deps_for(), model=FunctionModel(slow))
    assert proposal.model == OFFLINE and proposal.fallback_reason == agent.FALLBACK_TOO_SLOW


def test_a_provider_without_credentials_falls_back_without_a_network_call(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    proposal = write_proposal(deps_for(), model="openai:gpt-4o")
    assert proposal.model == OFFLINE and proposal.fallback_reason == FALLBACK_UNAVAILABLE


# --- Lying answers -------------------------------------------------------------------------


def _liar(lie, *, honest_after: int | None = None, seen: list | None = None):
    """A model that reads the design through the tools, then answers `lie(answer)`;
    from request `honest_after` on (if given) it answers truthfully."""

    def model(messages, info: AgentInfo) -> ModelResponse:
        if seen is not None:
            seen.append(messages)
        returns = _tool_returns(messages)
        if "design_summary" not in returns:
            return ModelResponse(parts=[ToolCallPart("design_summary", {}), ToolCallPart("compare_alternatives", {})])
        with translation.override(returns["design_summary"]["language"]):
            answer = offline_output(returns["design_summary"], returns["compare_alternatives"])
        answers = sum(1 for m in messages if isinstance(m, ModelResponse) and any(
            isinstance(p, ToolCallPart) and p.tool_name == info.output_tools[0].name for p in m.parts))  # fmt: skip
        if honest_after is None or answers < honest_after:
            answer = lie(answer)
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, answer)])

    return model


def test_a_model_stating_a_different_capex_is_refused_and_its_number_never_reaches_the_proposal():
    seen: list = []

    def inflate(answer):
        answer["figures"]["capex"] *= 1.5
        answer["executive_summary"] += " The CAPEX is 9,999,999 EUR and the plant has 480 m3 of tanks."
        return answer

    deps = deps_for()
    proposal = write_proposal(deps, model=FunctionModel(_liar(inflate, seen=seen)))

    told = " ".join(_retries(seen[-1][-1]))
    assert "figures.capex" in told and "9,999,999" in told
    assert proposal.model == OFFLINE and proposal.fallback_reason == FALLBACK_INVALID
    assert _output_figures(proposal) == _engine_figures(deps)
    assert "9,999,999" not in json.dumps(proposal.output.model_dump(), ensure_ascii=False)


def test_a_model_that_corrects_itself_after_being_told_is_used():
    def inflate(answer):
        answer["figures"]["lcow"] *= 0.5
        return answer

    deps = deps_for()
    proposal = write_proposal(deps, model=FunctionModel(_liar(inflate, honest_after=1), model_name="honest-later"))
    assert proposal.model == "honest-later" and not proposal.used_fallback
    assert _output_figures(proposal) == _engine_figures(deps)


@pytest.mark.parametrize(
    ("lie", "problem"),
    [
        (lambda a: {**a, "train": list(reversed(a["train"]))}, "train is"),
        (lambda a: {**a, "units": a["units"][1:]}, "units lacks a description of"),
        (lambda a: {**a, "units": [*a["units"], {"tag": "RO-999", "description": "An imaginary reverse osmosis unit."}]},
         "units has tags the design does not"),
        (lambda a: {**a, "figures": {**a["figures"], "currency": "USD"}}, "figures.currency"),
        (lambda a: {**a, "figures": {**a["figures"], "estimate_class": 3}}, "figures.estimate_class"),
        (lambda a: {**a, "cost_commentary": a["cost_commentary"] + " Spare parts cost 73,219,811 EUR."}, "cost_commentary states numbers"),
        (lambda a: {**a, "schedule": [{"activity": "Construction", "duration": "4,873 weeks"}]}, "schedule[0] states numbers"),
    ],
    ids=["train", "missing unit", "invented unit", "currency", "estimate class", "invented price", "invented duration"],
)
def test_an_answer_that_contradicts_the_design_is_named_for_what_it_gets_wrong(lie, problem):
    deps = deps_for()
    write_proposal(deps, model=OFFLINE)  # the tools ran: their numbers are allowed
    output = ProposalOutput.model_validate(lie(_good_answer(deps)))
    problems = problems_with(output, deps.get_facts(), deps.allowed)
    assert any(problem in p for p in problems), problems


# --- The number check ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("La inversión es de 1.801.550 EUR y el LCOW de 1,79 EUR/m3.", []),
        ("The CAPEX is 1,801,550 EUR, about 1.8 million EUR or 1.8 M EUR.", []),
        ("A flow of 500 m3/d through SCR-101, with CO2 stripping (5th ed.), at 8 %.", []),
        ("The CAPEX is 2 million EUR.", ["2 million"]),
        ("The CAPEX is 1.9 million EUR.", ["1.9 million"]),
        ("OPEX 125,740 EUR per year; spares 999,999 EUR.", ["999,999"]),
        ("Three trains and 2 standby pumps.", []),
    ],
)
def test_numbers_in_prose_must_come_from_the_engine(text, invented):
    allowed = NumberSet([1801550.0, 1.78554, 500.0, 0.08, 125740.0])
    assert invented_numbers(text, allowed) == invented
