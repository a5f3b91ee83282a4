from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the receivers
        from . import phases  # noqa: F401 — the phase machinery: its receivers and activity verbs
