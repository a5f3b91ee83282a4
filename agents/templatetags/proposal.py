from django import template

from projects.models import Role

register = template.Library()


@register.inclusion_tag("projects/_proposal_summary.html", takes_context=True)
def proposal_panel(context: template.Context) -> dict:
    """The workspace's proposal panel for the reader (`project.membership` from get_project_for)."""
    from agents.panel import proposal_panel as panel

    project = context["project"]
    may_run = context.get("may_run")
    if may_run is None:
        membership = getattr(project, "membership", None)
        may_run = bool(membership is not None and membership.has_role(Role.ENGINEER))
    return {
        "project": project,
        "panel": panel(project, may_run=bool(may_run)),
        "csrf_token": context.get("csrf_token"),
        "oob": False,
    }
