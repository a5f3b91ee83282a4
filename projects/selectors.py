"""Reads: the querysets and view-models the pages render.

Every function here issues a fixed number of queries, whatever the number of
projects, members, runs or documents (tests/test_dashboard_queries.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Lower
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ActivityEvent, Invitation, Phase, PhaseRun, Project, ProjectMember, ProjectStatus

PHASE_ORDER: list[str] = [Phase.PROPOSAL, Phase.ENGINEERING, Phase.PROCUREMENT]
DASHBOARD_PAGE_SIZE = 24
ACTIONS_LIMIT = 10
ACTIVITY_LIMIT = 30


# --- Phase timeline -----------------------------------------------------------


@dataclass(frozen=True)
class PhaseState:
    """One phase of a project as the timeline shows it."""

    phase: str
    label: str
    number: int
    run: PhaseRun | None
    # "done" (the project moved past it), "current" or "upcoming".
    position: str

    @property
    def status(self) -> str:
        """queued/running/succeeded/failed from the latest run, or "not_started"."""
        if self.run is not None:
            return self.run.status
        return "succeeded" if self.position == "done" else "not_started"

    @property
    def progress(self) -> int:
        if self.run is not None:
            return self.run.progress
        return 100 if self.position == "done" else 0


def latest_phase_runs(project: Project) -> dict[str, PhaseRun]:
    """The latest run of each phase of one project (one query)."""
    runs: dict[str, PhaseRun] = {}
    for run in PhaseRun.objects.filter(project=project).order_by("phase", "-queued_at", "-pk"):
        runs.setdefault(run.phase, run)
    return runs


def _position(project_status: str, phase: str) -> str:
    if project_status == ProjectStatus.COMPLETED:
        return "done"
    current = PHASE_ORDER.index(project_status)
    index = PHASE_ORDER.index(phase)
    if index < current:
        return "done"
    return "current" if index == current else "upcoming"


def phase_timeline(project: Project, runs: dict[str, PhaseRun] | None = None) -> list[PhaseState]:
    """The three phases of a project with their state. This is the context
    (`timeline`) of `projects/_phase_timeline.html`."""
    if runs is None:
        runs = latest_phase_runs(project)
    labels = dict(Phase.choices)
    return [
        PhaseState(
            phase=phase,
            label=labels[phase],
            number=number,
            run=runs.get(phase),
            position=_position(project.status, phase),
        )
        for number, phase in enumerate(PHASE_ORDER, start=1)
    ]


def phase_state(project: Project, phase: str) -> PhaseState:
    """One phase's state: the context (`state`) of `projects/_phase_run.html`."""
    return next(state for state in phase_timeline(project) if state.phase == phase)


# --- Dashboard ------------------------------------------------------------------


def projects_for_user(user: AbstractBaseUser) -> QuerySet[Project]:
    return Project.objects.filter(members__user=user)


@dataclass(frozen=True)
class ActionItem:
    """Something on the dashboard that waits for the user."""

    kind: str  # stable key: "invitation", "phase_failed", "documents_review", …
    text: str | Promise
    url: str
    project_name: str = ""
    link_text: str | Promise = _("Open")


# Other apps (billing: phase waiting for payment; procurement: quotes to
# choose) register a provider: fn(user, limit) -> list[ActionItem], one query.
ActionProvider = Callable[[AbstractBaseUser, int], list[ActionItem]]
ACTION_PROVIDERS: list[ActionProvider] = []


def register_action_provider(provider: ActionProvider) -> ActionProvider:
    if provider not in ACTION_PROVIDERS:
        ACTION_PROVIDERS.append(provider)
    return provider


def _verified_emails(user: AbstractBaseUser) -> QuerySet:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).annotate(address=Lower("email")).values("address")


def pending_invitations_for(user: AbstractBaseUser) -> QuerySet[Invitation]:
    return Invitation.objects.filter(email__in=Subquery(_verified_emails(user)), accepted_at__isnull=True)


def _latest_run_pk() -> Subquery:
    return Subquery(
        PhaseRun.objects.filter(project=OuterRef("project"), phase=OuterRef("phase"))
        .order_by("-queued_at", "-pk")
        .values("pk")[:1]
    )


def actions_required(user: AbstractBaseUser, limit: int = ACTIONS_LIMIT) -> list[ActionItem]:
    items: list[ActionItem] = []

    for invitation in pending_invitations_for(user).select_related("project", "invited_by")[:limit]:
        items.append(
            ActionItem(
                kind="invitation",
                text=_("You are invited to join as %(role)s") % {"role": invitation.get_role_display()},
                url=reverse("invitation_detail", args=[invitation.token]),
                project_name=invitation.project.name,
                link_text=_("Answer"),
            )
        )

    failed = (
        PhaseRun.objects.filter(
            project__members__user=user, project__archived=False, status=PhaseRun.Status.FAILED
        )
        .annotate(latest_pk=_latest_run_pk())
        .filter(pk=F("latest_pk"))
        .select_related("project")
        .order_by("-queued_at")[:limit]
    )
    for run in failed:
        items.append(
            ActionItem(
                kind="phase_failed",
                text=_("The %(phase)s phase failed") % {"phase": run.get_phase_display().lower()},
                url=reverse("project_workspace", args=[run.project_id]),
                project_name=run.project.name,
            )
        )

    from documents.models import Document

    pending_docs = (
        Document.objects.filter(
            project__members__user=user,
            project__archived=False,
            review_state=Document.ReviewState.PENDING,
        )
        .values("project_id", "project__name")
        .annotate(count=Count("pk"))
        .order_by("project__name")[:limit]
    )
    for row in pending_docs:
        items.append(
            ActionItem(
                kind="documents_review",
                text=ngettext(
                    "%(count)d document awaiting review", "%(count)d documents awaiting review", row["count"]
                )
                % {"count": row["count"]},
                url=reverse("project_workspace", args=[row["project_id"]]) + "#documents",
                project_name=row["project__name"],
            )
        )

    for provider in ACTION_PROVIDERS:
        items.extend(provider(user, limit))
    return items


@dataclass
class Dashboard:
    page: Page
    counts: dict[str, int]
    pipeline_capex_usd: float
    actions: list[ActionItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts[status] for status in ProjectStatus.values)


def _capex() -> Cast:
    # Written through projects.schemas.TechnicalContext, so always a number.
    return Cast(KT("technical_context__capex_usd"), FloatField())


def dashboard_stats(user: AbstractBaseUser) -> tuple[dict[str, int], float]:
    """Projects by phase (archived apart) and the pipeline CAPEX, in one query."""
    active = Q(archived=False)
    # Aggregate aliases must not shadow field names ("archived").
    aggregates: dict[str, Any] = {
        f"n_{status}": Count("pk", filter=active & Q(status=status)) for status in ProjectStatus.values
    }
    aggregates["n_archived"] = Count("pk", filter=Q(archived=True))
    aggregates["total_capex"] = Sum(_capex(), filter=active & ~Q(status=ProjectStatus.COMPLETED))
    row = projects_for_user(user).aggregate(**aggregates)
    capex = row.pop("total_capex") or 0.0
    row = {key.removeprefix("n_"): value for key, value in row.items()}
    return row, float(capex)


def dashboard_projects(user: AbstractBaseUser, *, q: str = "", phase: str = "") -> QuerySet[Project]:
    """The user's projects as the dashboard cards need them: their role and
    their latest phase run as annotations (no query per card)."""
    projects = projects_for_user(user)
    if phase == "archived":
        projects = projects.filter(archived=True)
    else:
        projects = projects.filter(archived=False)
        if phase in ProjectStatus.values:
            projects = projects.filter(status=phase)
    if q:
        projects = projects.filter(Q(name__icontains=q) | Q(client__icontains=q))
    latest_run = PhaseRun.objects.filter(project=OuterRef("pk")).order_by("-queued_at", "-pk")
    return projects.annotate(
        my_role=Subquery(ProjectMember.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]),
        run_phase=Subquery(latest_run.values("phase")[:1]),
        run_status=Subquery(latest_run.values("status")[:1]),
        run_progress=Subquery(latest_run.values("progress")[:1]),
        run_step=Subquery(latest_run.values("current_step")[:1]),
        capex_usd=_capex(),
    ).order_by("-updated", "pk")


def dashboard_for(
    user: AbstractBaseUser, *, q: str = "", phase: str = "", page_number: Any = None, per_page: int = DASHBOARD_PAGE_SIZE
) -> Dashboard:
    counts, capex = dashboard_stats(user)
    page = Paginator(dashboard_projects(user, q=q, phase=phase), per_page).get_page(page_number)
    return Dashboard(page=page, counts=counts, pipeline_capex_usd=capex, actions=actions_required(user))


# --- Workspace ------------------------------------------------------------------


def project_documents(project: Project) -> QuerySet:
    from documents.models import Document

    return Document.objects.filter(project=project).select_related("created_by").order_by("-created", "-pk")


def project_activity(project: Project, limit: int = ACTIVITY_LIMIT) -> list[ActivityEvent]:
    return list(ActivityEvent.objects.filter(project=project).select_related("actor").order_by("-created", "-pk")[:limit])


def project_members(project: Project) -> list[ProjectMember]:
    order = {"owner": 0, "engineer": 1, "viewer": 2}
    members = list(ProjectMember.objects.filter(project=project).select_related("user"))
    return sorted(members, key=lambda m: (order.get(m.role, 9), m.user.email))


def project_pending_invitations(project: Project) -> QuerySet[Invitation]:
    return Invitation.objects.filter(project=project, accepted_at__isnull=True).order_by("created")


def team_context(project: Project) -> dict[str, Any]:
    """The context of `projects/_team_panel.html` (besides `project`)."""
    members = project_members(project)
    return {
        "members": members,
        "invitations": list(project_pending_invitations(project)),
        "owner_count": sum(1 for m in members if m.role == "owner"),
    }


def workspace_context(project: Project) -> dict[str, Any]:
    return {
        "project": project,
        "timeline": phase_timeline(project),
        "documents": list(project_documents(project)),
        "activity": project_activity(project),
        **team_context(project),
    }
