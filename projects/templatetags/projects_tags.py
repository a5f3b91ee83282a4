from django import template

from projects.activity import activity_text as _activity_text

register = template.Library()


@register.simple_tag
def activity_text(event) -> str:
    """The event's sentence in the current language."""
    return _activity_text(event.verb, event.data, fallback=event.description)
