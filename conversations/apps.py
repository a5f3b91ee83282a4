from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from projects.activity import register_verb

        register_verb("questionnaire.completed", _("completed the questionnaire"))
        register_verb(
            "questionnaire.analysis_uploaded",
            _("uploaded the water analysis “%(filename)s” (%(count)d values read)"),
        )
