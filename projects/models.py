import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# A running PhaseRun whose worker has not written a heartbeat for this long
# is considered dead (the worker was killed); the runner re-queues or fails it.
PHASE_RUN_STALE_AFTER = timedelta(minutes=5)


class Phase(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    ENGINEERING = "engineering", _("Engineering")
    PROCUREMENT = "procurement", _("Procurement")


class Sector(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    MUNICIPAL = "municipal", _("Municipal")
    AGRICULTURAL = "agricultural", _("Agricultural")


class Subsector(models.TextChoices):
    FOOD_BEVERAGE = "food_beverage", _("Food and beverage")
    DAIRY = "dairy", _("Dairy")
    BREWERY = "brewery", _("Brewery")
    TEXTILE = "textile", _("Textile")
    PULP_PAPER = "pulp_paper", _("Pulp and paper")
    MINING = "mining", _("Mining")
    OIL_GAS = "oil_gas", _("Oil and gas")
    CHEMICAL = "chemical", _("Chemical")
    PHARMACEUTICAL = "pharmaceutical", _("Pharmaceutical")
    AUTOMOTIVE = "automotive", _("Automotive")
    ELECTRONICS = "electronics", _("Electronics")
    POWER = "power", _("Power generation")
    DRINKING_WATER = "drinking_water", _("Drinking water")
    WASTEWATER = "wastewater", _("Wastewater")
    IRRIGATION = "irrigation", _("Irrigation")
    LIVESTOCK = "livestock", _("Livestock")


SUBSECTORS_BY_SECTOR: dict[str, list[str]] = {
    Sector.INDUSTRIAL: [
        Subsector.FOOD_BEVERAGE,
        Subsector.DAIRY,
        Subsector.BREWERY,
        Subsector.TEXTILE,
        Subsector.PULP_PAPER,
        Subsector.MINING,
        Subsector.OIL_GAS,
        Subsector.CHEMICAL,
        Subsector.PHARMACEUTICAL,
        Subsector.AUTOMOTIVE,
        Subsector.ELECTRONICS,
        Subsector.POWER,
    ],
    Sector.MUNICIPAL: [Subsector.DRINKING_WATER, Subsector.WASTEWATER],
    Sector.AGRICULTURAL: [Subsector.IRRIGATION, Subsector.LIVESTOCK],
}


class ProjectStatus(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    ENGINEERING = "engineering", _("Engineering")
    PROCUREMENT = "procurement", _("Procurement")
    COMPLETED = "completed", _("Completed")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ENGINEER = "engineer", _("Engineer")
    VIEWER = "viewer", _("Viewer")


# Higher rank includes the rights of the lower ones.
ROLE_RANK: dict[str, int] = {Role.VIEWER: 1, Role.ENGINEER: 2, Role.OWNER: 3}

NAME_MAX_LENGTH = 200


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_projects",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    client = models.CharField(_("client"), max_length=NAME_MAX_LENGTH, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    subsector = models.CharField(_("subsector"), max_length=30, choices=Subsector.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSAL
    )
    technical_context = models.JSONField(_("technical context"), default=dict, blank=True)
    engineering_context = models.JSONField(_("engineering context"), default=dict, blank=True)
    procurement_context = models.JSONField(_("procurement context"), default=dict, blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["archived", "-updated"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.country) if part)


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members", verbose_name=_("project"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_project_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.project} ({self.role})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("project")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # Emails are stored lower-cased by the service, so this is
            # case-insensitive in practice.
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=Q(accepted_at__isnull=True),
                name="unique_pending_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.project}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None


class PhaseRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phase_runs", verbose_name=_("project")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, help_text=_("0–100 %"))
    current_step = models.CharField(_("current step"), max_length=100, blank=True)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("max attempts"), default=3)
    task_id = models.CharField(_("task id"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat at"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phase run")
        verbose_name_plural = _("phase runs")
        ordering = ["-queued_at"]
        indexes = [
            models.Index(fields=["project", "phase", "-queued_at"], name="phaserun_project_phase_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="phaserun_status_heartbeat_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="phaserun_progress_lte_100"),
            # At most one live run per phase: two clicks on "start" (or a
            # webhook delivered twice) must not run a phase twice at once.
            models.UniqueConstraint(
                fields=["project", "phase"],
                condition=Q(status__in=["queued", "running"]),
                name="phaserun_one_active_per_phase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.phase} · {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    def is_stale(self, now: datetime, stale_after: timedelta = PHASE_RUN_STALE_AFTER) -> bool:
        """A running run whose worker stopped sending heartbeats."""
        if self.status != self.Status.RUNNING:
            return False
        last_sign_of_life = self.heartbeat_at or self.started_at or self.queued_at
        return last_sign_of_life is None or now - last_sign_of_life > stale_after


class ActivityEvent(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity", verbose_name=_("project"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    verb = models.CharField(_("verb"), max_length=50)
    description = models.CharField(_("description"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["project", "-created"], name="activity_project_created_idx"),
            models.Index(fields=["verb"], name="activity_verb_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} · {self.project}"
