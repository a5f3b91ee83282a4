"""Conversations from the earlier system become projects.

The earlier system kept one conversation per proposal, with the
questionnaire's answers in `metadata` (`flow_rate` + `flow_rate_unit`,
`water_type`, `user_location`, `selected_sector`, a CAPEX figure or the
proposal text it appears in, and `has_proposal` once the proposal PDF was
produced). `conversation_migrate_to_project()` turns one such conversation
into a project in the proposal phase, in one transaction.

Metadata was written by hand-rolled front-ends over the years: every value
may be missing, of the wrong type or in Spanish. Extraction never raises; it
keeps what it can read and says in plain words what it could not.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from projects.models import NAME_MAX_LENGTH, SUBSECTORS_BY_SECTOR, Phase, Project, Sector
from projects.services import ServiceError, project_create

from .models import Conversation

# A sector the metadata does not name is assumed to be this one (and reported):
# most proposals of the earlier system were for industrial plants.
DEFAULT_SECTOR = Sector.INDUSTRIAL

SECTOR_WORDS: dict[str, str] = {
    "industrial": Sector.INDUSTRIAL,
    "industria": Sector.INDUSTRIAL,
    "industry": Sector.INDUSTRIAL,
    "municipal": Sector.MUNICIPAL,
    "municipio": Sector.MUNICIPAL,
    "municipality": Sector.MUNICIPAL,
    "agricultural": Sector.AGRICULTURAL,
    "agricola": Sector.AGRICULTURAL,
    "agriculture": Sector.AGRICULTURAL,
    "agricultura": Sector.AGRICULTURAL,
}

# Country names as people typed them after the city ("Monterrey, México").
COUNTRY_CODES: dict[str, str] = {
    "argentina": "AR", "bolivia": "BO", "brasil": "BR", "brazil": "BR", "chile": "CL",
    "colombia": "CO", "costa rica": "CR", "cuba": "CU", "ecuador": "EC", "el salvador": "SV",
    "espana": "ES", "spain": "ES", "guatemala": "GT", "honduras": "HN", "mexico": "MX",
    "nicaragua": "NI", "panama": "PA", "paraguay": "PY", "peru": "PE", "puerto rico": "PR",
    "republica dominicana": "DO", "dominican republic": "DO", "uruguay": "UY", "venezuela": "VE",
    "estados unidos": "US", "united states": "US", "usa": "US", "eeuu": "US", "canada": "CA",
}  # fmt: skip

# Spanish unit words the earlier front-end allowed in `flow_rate_unit`.
_SPANISH_UNITS = [
    (re.compile(r"\b(?:dias?|días?)\b", re.IGNORECASE), "d"),
    (re.compile(r"\bhoras?\b", re.IGNORECASE), "h"),
    (re.compile(r"\b(?:segundos?|seg)\b", re.IGNORECASE), "s"),
    (re.compile(r"\blps\b", re.IGNORECASE), "L/s"),
]
_CAPEX_IN_TEXT = re.compile(
    r"CAPEX[^0-9$\n]{0,40}(?:US\$|USD|\$)?\s*([0-9][0-9.,\s]*[0-9]|[0-9])\s*(millones|million|mill\.?|mm|m)?\b",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    """Lower case without accents: 'Agrícola' -> 'agricola'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().lower()


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


@dataclass
class Extracted:
    """What a conversation's metadata says about the project it should become."""

    name: str
    client: str = ""
    sector: str = DEFAULT_SECTOR
    subsector: str = ""
    country: str = ""
    city: str = ""
    technical_context: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_flow_m3_d(value: Any, unit: Any = None) -> float:
    """A flow as m³/d from `500`, `"500 m3/d"`, `"20 L/s"`, `{"value", "unit"}`
    or a number with a separate unit ("m³/día"). Raises ValueError with a
    readable message."""
    from agents.engine.quantities import QuantityError, parse_quantity

    default_unit = _text(unit) or "m3/d"
    if isinstance(value, str):
        value = value.strip().replace(",", ".") if re.fullmatch(r"\s*\d+,\d+\s*", value) else value
    for pattern, replacement in _SPANISH_UNITS:
        default_unit = pattern.sub(replacement, default_unit)
        if isinstance(value, str):
            value = pattern.sub(replacement, value)
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9.]+\s*", value):
        value = float(value)
    try:
        flow = parse_quantity(value, default_unit, name="flow").to("m**3/day").magnitude
    except (QuantityError, ValueError, TypeError) as exc:
        raise ValueError(str(exc)) from None
    except Exception:  # noqa: BLE001 — pint's parser has more ways to fail than it documents
        raise ValueError(f"flow: cannot read {value!r} as a number with a unit") from None
    flow = round(float(flow), 3) if math.isfinite(flow) else flow
    if not math.isfinite(flow) or flow <= 0:
        raise ValueError(f"flow: {value!r} is not a positive flow")
    return flow


def parse_money(value: Any) -> float:
    """USD from `1450000`, `"$1,450,000"`, `"1.450.000,50"`, `"2.3 M"`,
    `"USD 2,3 millones"`. Raises ValueError."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, (int, float)):
        amount = float(value)
    elif isinstance(value, str):
        match = re.fullmatch(
            r"\s*(?:US\$|USD|\$)?\s*([0-9][0-9.,\s]*)\s*(millones|million|mill\.?|mm|m)?\s*(?:USD|US\$|dólares|dolares)?\s*",
            value,
            re.IGNORECASE,
        )
        if not match:
            raise ValueError(f"{value!r} is not an amount")
        amount = _number(match.group(1)) * (1e6 if match.group(2) else 1)
    else:
        raise ValueError(f"{value!r} is not an amount")
    if not math.isfinite(amount) or amount < 0:
        raise ValueError(f"{value!r} is not a positive amount")
    return round(amount, 2)


def _number(text: str) -> float:
    """'1,450,000' / '1.450.000' / '1.450.000,50' / '2,3' / '2.3' as a float."""
    text = re.sub(r"\s", "", text)
    if "," in text and "." in text:
        # The last separator is the decimal one.
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") > 1 or re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    elif text.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    return float(text)


def _sector(metadata: dict[str, Any], warnings: list[str]) -> tuple[str, str]:
    raw = metadata.get("selected_sector", metadata.get("sector"))
    raw_subsector = _plain(_text(metadata.get("selected_subsector", metadata.get("subsector"))))
    word = _plain(_text(raw))
    subsector = raw_subsector.replace(" ", "_")
    for sector, subsectors in SUBSECTORS_BY_SECTOR.items():
        # Some conversations stored the subsector in selected_sector.
        if word.replace(" ", "_") in subsectors and not subsector:
            return sector, word.replace(" ", "_")
    sector = SECTOR_WORDS.get(word)
    if sector is None:
        shown = "missing" if raw in (None, "") else f"{raw!r} not recognised"
        warnings.append(f"sector {shown}: assumed {DEFAULT_SECTOR.label.lower()}")
        sector = DEFAULT_SECTOR
    if subsector and subsector not in SUBSECTORS_BY_SECTOR[sector]:
        warnings.append(f"subsector {raw_subsector!r} does not belong to {sector}: left empty")
        subsector = ""
    return sector, subsector


def _location(value: Any, warnings: list[str]) -> tuple[str, str, str]:
    """(city, country code, the location as written)."""
    if isinstance(value, dict):
        city = _text(value.get("city"))
        country = _text(value.get("country"))
        written = ", ".join(part for part in (city, country) if part)
    elif isinstance(value, str):
        written = _text(value)
        parts = [part.strip() for part in written.split(",") if part.strip()]
        city, country = (", ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (written, "")
    else:
        if value not in (None, ""):
            warnings.append(f"location {value!r} is not text: ignored")
        return "", "", ""
    code = country.upper() if re.fullmatch(r"[A-Za-z]{2}", country) else COUNTRY_CODES.get(_plain(country), "")
    if country and not code:
        # Not a country we know: keep it all as the city rather than lose it.
        city = written
    return city[:120], code, written


def _capex(metadata: dict[str, Any], warnings: list[str]) -> float | None:
    for key in ("capex_usd", "capex_estimated", "capex"):
        if metadata.get(key) not in (None, ""):
            try:
                return parse_money(metadata[key])
            except ValueError as exc:
                warnings.append(f"{key}: {exc}: ignored")
                return None
    text = metadata.get("proposal_text")
    if isinstance(text, str):
        match = _CAPEX_IN_TEXT.search(text)
        if match:
            try:
                return parse_money(" ".join(part for part in match.groups() if part))
            except ValueError as exc:
                warnings.append(f"CAPEX in the proposal text: {exc}: ignored")
    return None


def extract_project_data(conversation_id: int, metadata: Any) -> Extracted:
    """Read a conversation's metadata; never raises."""
    warnings: list[str] = []
    if not isinstance(metadata, dict):
        metadata = {}
        warnings.append("metadata is not an object: nothing extracted")
    client = _text(metadata.get("company_name") or metadata.get("client_name") or metadata.get("client"))
    name = _text(metadata.get("project_name")) or client or f"Proposal from conversation #{conversation_id}"
    if len(name) > NAME_MAX_LENGTH:
        warnings.append(f"name shortened to {NAME_MAX_LENGTH} characters")
        name = name[:NAME_MAX_LENGTH].rstrip()

    sector, subsector = _sector(metadata, warnings)
    city, country, location = _location(metadata.get("user_location", metadata.get("location")), warnings)
    context: dict[str, Any] = {"source_conversation_id": conversation_id}
    if location:
        context["location"] = location

    raw_flow = metadata.get("flow_rate", metadata.get("flow"))
    if raw_flow in (None, ""):
        warnings.append("flow missing")
    else:
        try:
            context["flow_m3_d"] = parse_flow_m3_d(raw_flow, metadata.get("flow_rate_unit"))
        except ValueError as exc:
            warnings.append(f"{exc}: ignored")

    water_type = metadata.get("water_type")
    if isinstance(water_type, str) and water_type.strip():
        context["water_type"] = _text(water_type)[:100]
    elif water_type not in (None, ""):
        warnings.append(f"water type {water_type!r} is not text: ignored")
    else:
        warnings.append("water type missing")

    capex = _capex(metadata, warnings)
    if capex is None:
        if not any(w.startswith(("capex", "CAPEX")) for w in warnings):
            warnings.append("CAPEX missing")
    else:
        context["capex_usd"] = capex

    return Extracted(
        name=name,
        client=client[:NAME_MAX_LENGTH],
        sector=sector,
        subsector=subsector,
        country=country,
        city=city,
        technical_context=context,
        warnings=warnings,
    )


# --- Migration ------------------------------------------------------------------


class Outcome:
    CREATED = "created"
    WOULD_CREATE = "would create"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class MigrationResult:
    conversation_id: int
    outcome: str
    project: Project | None = None
    extracted: Extracted | None = None
    reason: str = ""


def conversations_to_migrate() -> QuerySet[Conversation]:
    """Conversations holding a finished proposal and belonging to no project.
    The earlier system wrote `has_proposal` as a JSON boolean or as "true"."""
    return (
        Conversation.objects.filter(project__isnull=True)
        .filter(Q(metadata__has_proposal=True) | Q(metadata__has_proposal="true"))
        .order_by("pk")
    )


class _DryRun(Exception):
    """Raised to roll back a dry run after it has done everything."""


def conversation_migrate_to_project(*, conversation_id: int, dry_run: bool = False) -> MigrationResult:
    """Turn one conversation into a project in the proposal phase.

    One transaction: the project, its owner membership, its timeline entry and
    the conversation's link are written together or not at all. A dry run
    does the same work and rolls it back, so it fails exactly where the real
    run would.
    """
    try:
        with transaction.atomic():
            # of=("self",): PostgreSQL cannot lock the nullable side of the
            # outer join to the owner.
            conversation = (
                Conversation.objects.select_for_update(of=("self",))
                .select_related("owner")
                .filter(pk=conversation_id)
                .first()
            )
            # Another run may have migrated it since we listed it.
            if conversation is None or conversation.project_id is not None:
                return MigrationResult(conversation_id, Outcome.SKIPPED, reason="already migrated")
            extracted = extract_project_data(conversation.pk, conversation.metadata)
            if conversation.owner is None:
                return MigrationResult(
                    conversation_id, Outcome.SKIPPED, extracted=extracted, reason="no owner: a project needs one"
                )
            project = project_create(
                owner=conversation.owner,
                name=extracted.name,
                client=extracted.client,
                sector=extracted.sector,
                subsector=extracted.subsector,
                country=extracted.country,
                city=extracted.city,
                technical_context=extracted.technical_context,
            )
            conversation.project = project
            conversation.phase = Phase.PROPOSAL
            conversation.save(update_fields=["project", "phase", "updated"])
            result = MigrationResult(conversation_id, Outcome.CREATED, project=project, extracted=extracted)
            if dry_run:
                raise _DryRun
            return result
    except _DryRun:
        result.outcome = Outcome.WOULD_CREATE
        return result
    except ServiceError as exc:
        return MigrationResult(conversation_id, Outcome.FAILED, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 — one bad conversation must not stop the others
        return MigrationResult(conversation_id, Outcome.FAILED, reason=f"{type(exc).__name__}: {exc}")
