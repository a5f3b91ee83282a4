from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Phase


def document_upload_to(document: "Document", filename: str) -> str:
    return f"projects/{document.project_id}/{document.phase}/{filename}"


class Document(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        PFD = "pfd", _("Process flow diagram")
        PID = "pid", _("P&ID")
        EQUIPMENT_LIST = "equipment_list", _("Equipment list")
        CALCULATIONS = "calculations", _("Calculation report")
        LAYOUT = "layout", _("Layout")
        RFQ = "rfq", _("Request for quotation")
        PURCHASE_ORDER = "purchase_order", _("Purchase order")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")
        SUPERSEDED = "superseded", _("Superseded")

    class ReviewState(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="documents")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=500)
    size = models.PositiveBigIntegerField(_("size"), default=0, help_text=_("bytes"))
    mime_type = models.CharField(_("MIME type"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FINAL)
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["project", "-created"], name="document_project_created_idx"),
            models.Index(fields=["review_state"], name="document_review_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"
