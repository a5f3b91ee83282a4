"""What the proposal agent returns (`ProposalOutput`) and the proposal the
document is made from (`Proposal`).

The model writes prose and restates the key figures; the output validator
checks the figures, the train, the units and every number of the prose
against the engine (agents/proposal/agent.py). The tables (sizes, equipment,
costs by unit and category, alternatives) never pass through the model: the
document takes them from the design (`Proposal.facts`), and the validated
figures are replaced by the engine's own values before anything is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from .facts import DesignFacts

TEXT_MAX = 4000
ITEM_MAX = 600


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class KeyFigures(_Model):
    """The key figures as the engine gave them (tools: design_summary → costs)."""

    currency: str = Field(description="ISO 4217 code of the report currency, e.g. EUR", min_length=3, max_length=3)
    capex: float = Field(description="total capital cost, in the currency", ge=0)
    capex_low: float = Field(description="low end of the estimate's accuracy range", ge=0)
    capex_high: float = Field(description="high end of the estimate's accuracy range", ge=0)
    opex_per_year: float = Field(description="operating cost per year, in the currency", ge=0)
    lcow: float = Field(description="levelized cost of water, currency per m3", ge=0)
    estimate_class: int = Field(description="AACE estimate class (1–5)", ge=1, le=5)


class UnitDescription(_Model):
    tag: str = Field(description="the unit's tag from the design, e.g. DAF-104", max_length=40)
    description: str = Field(
        description="what the unit does in this plant and why, with its key sizes from the design",
        min_length=20,
        max_length=TEXT_MAX,
    )


class ScheduleItem(_Model):
    activity: str = Field(max_length=ITEM_MAX)
    duration: str = Field(max_length=120, description="as given in the instructions, e.g. '1–2 weeks'")


class ProposalOutput(_Model):
    """A conceptual proposal for a water or wastewater treatment plant."""

    executive_summary: str = Field(min_length=80, max_length=TEXT_MAX)
    design_basis: str = Field(
        min_length=40, max_length=TEXT_MAX,
        description="the design flow, the water to treat and the required quality; which values are the client's and which are typical defaults",
    )  # fmt: skip
    train: list[str] = Field(description="unit types of the chosen main line, in process order, as in the design")
    train_justification: str = Field(min_length=40, max_length=TEXT_MAX)
    alternatives_comparison: str = Field(min_length=20, max_length=TEXT_MAX)
    units: list[UnitDescription] = Field(description="one entry per unit of the design (main and sludge line)")
    equipment_notes: str = Field(default="", max_length=TEXT_MAX)
    figures: KeyFigures
    cost_commentary: str = Field(min_length=40, max_length=TEXT_MAX)
    assumptions: list[str] = Field(min_length=1, max_length=30)
    exclusions: list[str] = Field(min_length=1, max_length=30)
    schedule: list[ScheduleItem] = Field(min_length=1, max_length=12)
    next_steps: list[str] = Field(min_length=1, max_length=12)
    disclaimers: list[str] = Field(default_factory=list, max_length=12)

    def texts(self) -> dict[str, str]:
        """Every piece of prose by where it is (for the number check)."""
        texts = {
            "executive_summary": self.executive_summary,
            "design_basis": self.design_basis,
            "train_justification": self.train_justification,
            "alternatives_comparison": self.alternatives_comparison,
            "equipment_notes": self.equipment_notes,
            "cost_commentary": self.cost_commentary,
        }
        for unit in self.units:
            texts[f"units[{unit.tag}]"] = unit.description
        for name in ("assumptions", "exclusions", "next_steps", "disclaimers"):
            for index, item in enumerate(getattr(self, name)):
                texts[f"{name}[{index}]"] = item
        for index, item in enumerate(self.schedule):
            texts[f"schedule[{index}]"] = f"{item.activity} — {item.duration}"
        return texts


@dataclass
class Proposal:
    """The validated output merged with the design: what the document prints."""

    output: ProposalOutput
    facts: DesignFacts
    language: str
    model: str  # "offline" or the configured model's name
    fallback_reason: str = ""  # why the configured model's answer was not used ("" when it was)
    standard_disclaimers: list[str] = field(default_factory=list)

    @property
    def used_fallback(self) -> bool:
        return bool(self.fallback_reason)

    @property
    def disclaimers(self) -> list[str]:
        seen: set[str] = set()
        result = []
        for text in [*self.standard_disclaimers, *self.output.disclaimers]:
            key = " ".join(text.lower().split())
            if key and key not in seen:
                seen.add(key)
                result.append(text)
        return result

    def unit_description(self, tag: str) -> str:
        return next((u.description for u in self.output.units if u.tag == tag), "")
