"""Pydantic schemas for the JSON contexts a Project carries.

Services validate a context with these before writing it (never `save()`).
Unknown keys are kept (`extra="allow"`): each phase adds its own fields, and
the engine's richer models live in agents/. Quantities carry their unit in
the field name (SI or the trade's customary unit) so the JSON stays readable.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "ContextError",
    "EngineeringContext",
    "ProcurementContext",
    "TechnicalContext",
    "validate_context",
]


class _Context(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)


class TechnicalContext(_Context):
    """What phase 1 (proposal) knows: the questionnaire and its result."""

    flow_m3_d: float | None = Field(default=None, ge=0, description="average design flow, m³/d")
    peak_flow_m3_d: float | None = Field(default=None, ge=0, description="peak flow, m³/d")
    water_type: str | None = Field(default=None, max_length=100)
    destination: str | None = Field(default=None, max_length=100)
    influent: dict[str, Any] = Field(default_factory=dict, description="quality parameters with units")
    target: dict[str, Any] = Field(default_factory=dict, description="target quality with units")
    capex_usd: float | None = Field(default=None, ge=0, description="estimated CAPEX, USD")
    opex_usd_per_year: float | None = Field(default=None, ge=0, description="estimated OPEX, USD/year")
    currency: str = Field(default="USD", min_length=3, max_length=3)


class EngineeringContext(_Context):
    """What phase 2 (detailed engineering) adds."""

    design_overrides: dict[str, Any] = Field(default_factory=dict)


class ProcurementContext(_Context):
    """What phase 3 (procurement) adds."""

    selected_quotes: dict[str, Any] = Field(default_factory=dict)
    savings_usd: float | None = None


class ContextError(ValueError):
    def __init__(self, error: ValidationError) -> None:
        super().__init__(str(error))
        self.errors = error.errors()


_SCHEMAS: dict[str, type[_Context]] = {
    "technical_context": TechnicalContext,
    "engineering_context": EngineeringContext,
    "procurement_context": ProcurementContext,
}


def validate_context(field: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate one of the Project JSON contexts; return its JSON form."""
    schema = _SCHEMAS[field]
    try:
        return schema.model_validate(data).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise ContextError(exc) from exc
