"""The proposal phase (phase 1): requirements → engine design → proposal
agent → PDF, each step reported live through the phase machinery.

Registered from AgentsConfig.ready(). The requirements come from the
project's proposal conversation: the questionnaire's answers
(conversations.requirements.requirements_from_answers), or, for a project
made from a requirements file (`manage.py run_project`), the engine's JSON
kept under the metadata key "requirements".

A run writes nothing until the end: the PDF (kind proposal), the flow diagram
(kind pfd, SVG) and the project's technical context are stored in one
transaction, so an attempt that fails leaves no half result; a new run makes
new versions and keeps the old ones.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from projects.models import Phase, PhaseRun, Project
from projects.phases import PermanentPhaseError, ProgressReporter

logger = logging.getLogger(__name__)

PHASE = Phase.PROPOSAL
STEPS = [
    ("requirements", _("Reading the requirements")),
    ("train", _("Selecting the treatment train")),
    ("sizing", _("Sizing the units")),
    ("costing", _("Estimating the costs")),
    ("writing", _("Writing the proposal")),
    ("rendering", _("Rendering the PDF")),
]
LANGUAGES = ("es", "en")

QUESTIONNAIRE_INCOMPLETE = gettext_noop(
    "The questionnaire is not complete yet. Answer (or skip) the open questions, then start the proposal."
)
REQUIREMENTS_REFUSED = gettext_noop(
    "The design engine refused the requirements. Correct the answers the summary names, then start the proposal again."
)
DESIGN_FAILED = gettext_noop(
    "The design engine could not design a plant for these requirements. The activity feed says why; contact support if it is not clear."
)


@dataclass
class ProjectRequirements:
    """The engine's requirements of a project, and what the client left to typical values."""

    data: dict[str, Any]
    language: str
    skipped: frozenset[str] = field(default_factory=frozenset)
    complete: bool = True


def _language(value: Any) -> str:
    from django.conf import settings

    return value if value in LANGUAGES else settings.LANGUAGE_CODE


def project_requirements(project: Project) -> ProjectRequirements:
    """What the proposal is designed from (see the module's docstring)."""
    from conversations.models import Conversation

    conversation = Conversation.objects.filter(project=project, phase=PHASE).order_by("pk").first()
    metadata = dict(conversation.metadata) if conversation is not None and isinstance(conversation.metadata, dict) else {}
    given = metadata.get("requirements")
    questionnaire_done = bool(metadata.get("complete"))
    if isinstance(given, dict) and not questionnaire_done:
        data = dict(given)
        data.setdefault("name", project.name)
        return ProjectRequirements(data=data, language=_language(data.get("language")))
    from conversations.requirements import defaults_used, questionnaire_from_metadata
    from conversations.selectors import project_requirements as questionnaire_requirements

    data = questionnaire_requirements(project)
    current = {**metadata, "questionnaire": {"sector": project.sector}}
    questionnaire = questionnaire_from_metadata(current)
    skipped: set[str] = set()
    if questionnaire is not None:
        for key in defaults_used(current):
            question = questionnaire.question(key)
            if question is not None and question.maps_to:
                skipped.add(question.maps_to)
    return ProjectRequirements(
        data=data, language=_language(data.get("language") or metadata.get("language")),
        skipped=frozenset(skipped), complete=questionnaire_done,
    )  # fmt: skip


def requirements_problems(project: Project) -> list[str]:
    """Why the proposal cannot start ([] when it can): the engine's own words."""
    from agents.engine import RequirementsError, load_requirements

    found = project_requirements(project)
    if not found.complete or not found.data:
        return [str(_(QUESTIONNAIRE_INCOMPLETE))]
    try:
        load_requirements(found.data)
    except RequirementsError as exc:
        return list(exc.problems)
    return []


def _ready_to_start(project: Project) -> str | None:
    """The phase's start condition (projects.phases `requires`)."""
    found = project_requirements(project)
    if not found.complete or not found.data:
        return _(QUESTIONNAIRE_INCOMPLETE)
    from agents.engine import RequirementsError, load_requirements

    try:
        load_requirements(found.data)
    except RequirementsError as exc:
        return _("The design engine refused the requirements: %(problems)s") % {"problems": "; ".join(exc.problems[:5])}
    return None


def _refused(project: Project, verb: str, problems: list[str]) -> None:
    from projects.services import activity_record

    activity_record(project=project, actor=None, verb=verb, data={"problems": "; ".join(problems)[:900]})


def run_proposal(run: PhaseRun, progress: ProgressReporter) -> dict[str, Any]:
    from agents.engine import DesignError, RequirementsError, design, load_requirements
    from agents.engine.train import select_trains
    from agents.proposal import ProposalDeps, write_proposal

    started = time.perf_counter()
    project = Project.objects.get(pk=run.project_id)

    progress.step("requirements", gettext_noop("Reading the questionnaire's answers"))
    found = project_requirements(project)
    if not found.complete or not found.data:
        raise PermanentPhaseError(QUESTIONNAIRE_INCOMPLETE)
    data = {**found.data, "language": found.language}
    try:
        requirements = load_requirements(data)
    except RequirementsError as exc:
        _refused(project, "proposal.requirements_refused", list(exc.problems))
        raise PermanentPhaseError(REQUIREMENTS_REFUSED) from exc

    engine_started = time.perf_counter()
    progress.step("train", gettext_noop("Comparing the trains that fit the water and the limits"))
    try:
        candidates = select_trains(requirements.resolved()).candidates
        progress.update(25)
        progress.step("sizing", gettext_noop("Sizing every unit and closing the mass balance"))
        result = design(requirements, alternatives=len(candidates) > 1)
    except RequirementsError as exc:
        _refused(project, "proposal.requirements_refused", list(exc.problems))
        raise PermanentPhaseError(REQUIREMENTS_REFUSED) from exc
    except DesignError as exc:
        _refused(project, "proposal.design_failed", [str(exc)])
        raise PermanentPhaseError(DESIGN_FAILED) from exc

    progress.step("costing", gettext_noop("CAPEX, OPEX and the levelized cost of water"))
    deps = ProposalDeps(
        requirements=requirements,
        language=found.language,
        project={"name": project.name, "client": project.client, "description": requirements.description or ""},
        skipped=found.skipped,
        design=result,
    )
    deps.get_facts()
    engine_seconds = time.perf_counter() - engine_started

    progress.step("writing", gettext_noop("Writing the proposal"))
    writing_started = time.perf_counter()
    proposal = write_proposal(deps)
    narrative_seconds = time.perf_counter() - writing_started
    if proposal.used_fallback:
        from projects.services import activity_record

        activity_record(
            project=project,
            actor=None,
            verb="proposal.fallback",
            data={"reason": proposal.fallback_reason, "model": _configured_model_name()},
        )

    progress.step("rendering", gettext_noop("Rendering the PDF"))
    rendering_started = time.perf_counter()
    stored = store_proposal(project=project, proposal=proposal, created_by=None)
    pdf_seconds = time.perf_counter() - rendering_started
    facts = proposal.facts
    return {
        "document": stored["document"].pk,
        "version": stored["document"].version,
        "pfd_document": stored["pfd"].pk,
        "language": proposal.language,
        "model": proposal.model,
        "fallback_reason": proposal.fallback_reason,
        "figures": {k: v for k, v in facts.figures.as_dict().items() if k != "accuracy_basis"},
        "train": [u["name"] for u in facts.train],
        "flow_m3_d": facts.flow["average"],
        "timings": {
            "engine": round(engine_seconds, 3),
            "narrative": round(narrative_seconds, 3),
            "pdf": round(pdf_seconds, 3),
            "total": round(time.perf_counter() - started, 3),
        },
    }


def _configured_model_name() -> str:
    from agents.proposal import configured_model

    return configured_model() or ""


def _next_version(project: Project) -> int:
    from django.db.models import Max

    from documents.models import Document

    latest = Document.objects.filter(project=project, phase=PHASE, kind=Document.Kind.PROPOSAL).aggregate(v=Max("version"))
    return (latest["v"] or 0) + 1


def store_proposal(*, project: Project, proposal: Any, created_by: Any = None) -> dict[str, Any]:
    """Render the PDF and store it, the flow diagram and the technical context, in one transaction."""
    from documents.models import Document
    from documents.pdf import render_proposal_pdf
    from documents.services import document_add_version
    from projects.services import project_update_context

    revision = _next_version(project)
    pdf = render_proposal_pdf(proposal, project_name=project.name, client=project.client, revision=revision)
    facts = proposal.facts
    with translation.override(proposal.language):
        pdf_title = str(_("Conceptual proposal"))
        pfd_title = str(_("Process flow diagram"))
    slug = slugify(project.name)[:40].strip("-") or "project"
    created: list[Document] = []
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            document = document_add_version(
                project=locked, phase=PHASE, kind=Document.Kind.PROPOSAL, title=pdf_title, content=pdf,
                filename=f"{slug}-{slugify(pdf_title)}.pdf", mime_type="application/pdf", created_by=created_by,
            )  # fmt: skip
            created.append(document)
            pfd = document_add_version(
                project=locked, phase=PHASE, kind=Document.Kind.PFD, title=pfd_title,
                content=facts.pfd_svg.encode("utf-8"), filename=f"{slug}-{slugify(pfd_title)}.svg",
                mime_type="image/svg+xml", created_by=created_by, record=False,
            )  # fmt: skip
            created.append(pfd)
            project_update_context(
                project=locked, actor=created_by, field="technical_context",
                data={**(locked.technical_context or {}), **technical_context(proposal, document)},
            )  # fmt: skip
    except Exception:
        # The rows were rolled back; their files were already written.
        for document in created:
            try:
                document.file.storage.delete(document.file.name)
            except Exception:  # noqa: BLE001 — an orphaned file is the lesser harm
                logger.warning("Could not remove %s after a failed proposal store", document.file.name)
        raise
    project.technical_context = locked.technical_context
    return {"document": document, "pfd": pfd, "pdf_size": len(pdf)}


def technical_context(proposal: Any, document: Any) -> dict[str, Any]:
    """What phase 1 adds to Project.technical_context (projects.schemas.TechnicalContext)."""
    facts = proposal.facts
    f = facts.figures
    requirements = facts.data.get("requirements") or {}
    water_source = requirements.get("water_source")
    return {
        "flow_m3_d": round(facts.flow["average"], 3),
        "peak_flow_m3_d": round(facts.flow["peak"], 3),
        "water_type": facts.water_kind + (f" ({water_source})" if water_source else ""),
        "destination": facts.destination,
        "influent": requirements.get("influent") or {},
        "target": {c["parameter"]: c["limit"] for c in facts.compliance},
        "capex_usd": round(f.capex_usd, 2),
        "opex_usd_per_year": round(f.opex_usd_per_year, 2),
        "currency": f.currency,
        "capex": f.capex,
        "capex_low": f.capex_low,
        "capex_high": f.capex_high,
        "opex_per_year": f.opex_per_year,
        "lcow": f.lcow,
        "estimate_class": f.estimate_class,
        "sector": facts.sector,
        "subsector": facts.subsector,
        "location": facts.location,
        "train": facts.train_types,
        "train_names": [u["name"] for u in facts.train],
        "proposal_complete": True,
        "proposal_document": document.pk,
        "proposal_version": document.version,
        "proposal_language": proposal.language,
    }


# --- Activity sentences ----------------------------------------------------------------


def _fallback_text(data: dict) -> str:
    reason = data.get("reason") or ""
    return str(_("wrote the proposal with the offline model because the AI model could not be used: %(reason)s")) % {
        "reason": translation.gettext(reason) if reason else ""
    }


def register() -> None:
    """Register the phase and its activity sentences (AgentsConfig.ready)."""
    from projects.activity import register_verb
    from projects.phases import register_phase

    register_verb("proposal.fallback", _fallback_text)
    register_verb("proposal.requirements_refused", _("could not start the proposal: %(problems)s"))
    register_verb("proposal.design_failed", _("could not design the plant: %(problems)s"))
    register_phase(PHASE, STEPS, run_proposal, requires=[_ready_to_start], max_attempts=2)
