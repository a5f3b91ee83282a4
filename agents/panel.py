"""The workspace's proposal panel: key figures, flow diagram, download and
next action of the latest proposal (templates/projects/_proposal_summary.html).

Rendered in the page by `{% proposal_panel %}` and pushed over the project's
websocket when a proposal run finishes (with the documents list), so the
download appears without a reload.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from projects.models import Phase, PhaseRun, Project

logger = logging.getLogger(__name__)

TEMPLATE = "projects/_proposal_summary.html"
DOCUMENTS_TEMPLATE = "projects/_documents.html"
# A flow diagram larger than this is linked, not inlined.
PFD_INLINE_MAX_BYTES = 400_000


@dataclass
class ProposalPanel:
    project: Project
    run: PhaseRun | None  # the latest succeeded proposal run
    active: PhaseRun | None  # a proposal run queued or running
    document: Any  # the latest proposal PDF (documents.Document) or None
    pfd: Any  # the latest flow diagram (SVG) or None
    may_run: bool

    @property
    def ready(self) -> bool:
        return self.run is not None and self.document is not None

    @property
    def result(self) -> dict[str, Any]:
        return self.run.result if self.run is not None and isinstance(self.run.result, dict) else {}

    @property
    def figures(self) -> dict[str, str]:
        from agents.proposal.format import lcow_text, money_text

        figures = self.result.get("figures") or {}
        currency = figures.get("currency", "")
        if not figures:
            return {}
        def amount(key: str) -> str:
            return money_text(figures.get(key), currency).removesuffix(currency).strip()

        return {
            "currency": currency,
            "capex_amount": amount("capex"),
            "opex_amount": amount("opex_per_year"),
            "lcow_amount": lcow_text(figures.get("lcow"), currency).removesuffix(f"{currency}/m³").strip(),
            "capex": money_text(figures.get("capex"), currency),
            "capex_low": money_text(figures.get("capex_low"), currency),
            "capex_high": money_text(figures.get("capex_high"), currency),
            "opex": money_text(figures.get("opex_per_year"), currency),
            "lcow": lcow_text(figures.get("lcow"), currency),
            "estimate_class": str(figures.get("estimate_class", "")),
            "capex_usd": money_text(figures.get("capex_usd"), "USD") if currency != "USD" else "",
        }

    @property
    def train(self) -> list[str]:
        return [str(name) for name in self.result.get("train") or []]

    @cached_property
    def pfd_svg(self) -> SafeString:
        """The stored diagram inline (our engine's SVG: its texts are escaped where it is drawn)."""
        if self.pfd is None or not self.pfd.file.name or (self.pfd.size or 0) > PFD_INLINE_MAX_BYTES:
            return mark_safe("")
        try:
            with self.pfd.file.storage.open(self.pfd.file.name, "rb") as handle:
                svg = handle.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            logger.warning("Flow diagram %s could not be read", self.pfd.file.name)
            return mark_safe("")
        if not svg.lstrip().startswith("<svg"):
            return mark_safe("")
        return mark_safe(svg)

    @property
    def next_phase(self) -> str | None:
        """The engineering phase, once it is installed."""
        from projects.phases import find_phase

        return Phase.ENGINEERING if find_phase(Phase.ENGINEERING) is not None else None


def proposal_panel(project: Project, *, may_run: bool) -> ProposalPanel:
    from documents.models import Document

    runs = list(PhaseRun.objects.filter(project=project, phase=Phase.PROPOSAL).order_by("-queued_at", "-pk")[:20])
    succeeded = next((r for r in runs if r.status == PhaseRun.Status.SUCCEEDED), None)
    active = next((r for r in runs if r.status in (PhaseRun.Status.QUEUED, PhaseRun.Status.RUNNING)), None)
    latest: dict[str, Any] = {}
    for document in Document.objects.filter(
        project=project, phase=Phase.PROPOSAL, kind__in=[Document.Kind.PROPOSAL, Document.Kind.PFD]
    ).order_by("kind", "-version", "-pk"):
        latest.setdefault(document.kind, document)
    return ProposalPanel(
        project=project,
        run=succeeded,
        active=active,
        document=latest.get(Document.Kind.PROPOSAL),
        pfd=latest.get(Document.Kind.PFD),
        may_run=may_run,
    )


def render_panel(project: Project, *, may_run: bool, oob: bool = False) -> str:
    return render_to_string(TEMPLATE, {"project": project, "panel": proposal_panel(project, may_run=may_run), "oob": oob})


def push_panel(project_id: Any) -> None:
    """Send the panel and the documents list to the project's websocket group
    (every language × may-run variant, as projects.phases.live does)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from projects.phases.live import FRAGMENTS_EVENT, project_group, variant_key
    from projects.selectors import project_documents

    layer = get_channel_layer()
    project = Project.objects.filter(pk=project_id).first()
    if layer is None or project is None:
        return
    try:
        documents = list(project_documents(project))
        fragments = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                documents_html = render_to_string(DOCUMENTS_TEMPLATE, {"project": project, "documents": documents, "oob": True})
                for may_run in (True, False):
                    fragments[variant_key(language, may_run)] = render_panel(project, may_run=may_run, oob=True) + documents_html
        async_to_sync(layer.group_send)(project_group(project_id), {"type": FRAGMENTS_EVENT, "fragments": fragments})
    except Exception:  # noqa: BLE001 — live updates are a courtesy; the page renders the truth on reload
        logger.exception("Could not push the proposal panel of project %s", project_id)


def on_phase_finished(sender: Any, run: PhaseRun, **kwargs: Any) -> None:
    # Only runs of this app's phase stored a proposal (tests register other functions under the name).
    stored = isinstance(run.result, dict) and run.result.get("document")
    if run.phase == Phase.PROPOSAL and run.status == PhaseRun.Status.SUCCEEDED and stored:
        push_panel(run.project_id)
