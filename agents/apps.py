from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agents"
    verbose_name = _("Agents")

    def ready(self) -> None:
        from projects.phases import phase_finished

        from . import panel, phases

        phases.register()
        phase_finished.connect(panel.on_phase_finished, dispatch_uid="agents.proposal_panel")
