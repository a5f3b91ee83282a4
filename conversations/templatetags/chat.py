"""`{% chat_panel %}`: the questionnaire chat inside the project workspace."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..selectors import chat_state

register = template.Library()


@register.simple_tag(takes_context=True)
def chat_panel(context: template.Context) -> SafeString:
    """The chat panel for the context's `project` (which carries its `membership`)."""
    project = context["project"]
    request = context.get("request")
    return render_to_string(
        "conversations/_chat_panel.html", {"project": project, "chat": chat_state(project)}, request=request
    )


@register.filter
def source_label(source: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "default": _("default"),
        "upload": _("from the analysis"),
        "free_text": _("from your message"),
        "agent": _("from your message"),
        "project": _("from the project"),
    }.get(source, "")


@register.filter
def question_text(message, questionnaire) -> str:
    """A question message in the reader's language (the stored text is the asker's)."""
    key = (message.metadata or {}).get("key")
    question = questionnaire.question(key) if key else None
    return question.text() if question is not None else message.content
