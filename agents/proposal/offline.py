"""The offline model: a pydantic-ai `FunctionModel` that drives the proposal
agent's tools in a fixed plan and writes the prose from templates.

    1. design_summary and compare_alternatives;
    2. equipment_price_estimate for every price check the summary names;
    3. the final answer, written by narrative.offline_output() from what the
       tools returned, in the design's language.

No network and no key: the product works without an LLM, and the phase
falls back to this plan when the configured model's answers fail.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from .narrative import offline_output

MODEL_NAME = "h2o-offline"


def _returns(messages: list[ModelMessage]) -> dict[str, list[Any]]:
    """What each tool returned so far, by tool name."""
    results: dict[str, list[Any]] = {}
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, ToolReturnPart):
                    results.setdefault(part.tool_name, []).append(part.content)
    return results


def _returns_by_call(messages: list[ModelMessage]) -> dict[str, Any]:
    return {
        part.tool_call_id: part.content
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    }


def _called(messages: list[ModelMessage], tool: str) -> bool:
    return any(
        isinstance(part, ToolCallPart) and part.tool_name == tool
        for message in messages
        if isinstance(message, ModelResponse)
        for part in message.parts
    )


def plan(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    returns = _returns(messages)
    if "design_summary" not in returns or "compare_alternatives" not in returns:
        return ModelResponse(parts=[ToolCallPart("design_summary", {}), ToolCallPart("compare_alternatives", {})])
    summary = returns["design_summary"][-1]
    checks = [c for c in summary.get("price_checks", []) if c.get("capacity")]
    # Asked once: a check the price table refuses is left out, never asked again.
    if checks and not _called(messages, "equipment_price_estimate"):
        return ModelResponse(
            parts=[
                ToolCallPart(
                    "equipment_price_estimate",
                    {"item_type": c["item"], "capacity": c["capacity"], "capacity_unit": c["capacity_unit"],
                     "count": c.get("count") or 1},
                    tool_call_id=f"price-{index}",
                )
                for index, c in enumerate(checks)
            ]
        )
    by_call = _returns_by_call(messages)
    prices = [
        {**by_call[f"price-{index}"], "unit": check["unit"]}
        for index, check in enumerate(checks)
        if isinstance(by_call.get(f"price-{index}"), dict)
    ]
    output_tool = info.output_tools[0].name
    # FunctionModel calls this in a worker thread: the caller's active translation does not reach it.
    with translation.override(summary.get("language") or None):
        arguments = offline_output(summary, returns["compare_alternatives"][-1], prices)
    return ModelResponse(parts=[ToolCallPart(output_tool, arguments)])


def offline_model() -> FunctionModel:
    return FunctionModel(plan, model_name=MODEL_NAME)
