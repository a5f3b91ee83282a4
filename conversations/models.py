from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Phase


class Conversation(models.Model):
    # Nullable: conversations from the earlier system may belong to no
    # project yet (see migrate_conversations_to_projects).
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.PROPOSAL)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated"]
        indexes = [models.Index(fields=["project", "phase"], name="conversation_project_phase_idx")]
        constraints = [
            # One conversation per project phase: two first answers at once must not
            # start two questionnaires (conversations.chat.conversation_for_project).
            models.UniqueConstraint(
                fields=["project", "phase"],
                condition=models.Q(project__isnull=False),
                name="one_conversation_per_project_phase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project or '—'} · {self.phase} · #{self.pk}"


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", _("User")
        ASSISTANT = "assistant", _("Assistant")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    content = models.TextField(_("content"), blank=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["conversation", "created"], name="message_conversation_idx")]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:60]}"
