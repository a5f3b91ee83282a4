from django import template
from django.utils.timesince import timesince

from projects.activity import activity_text as _activity_text

register = template.Library()


@register.simple_tag
def activity_text(event) -> str:
    """The event's sentence in the current language."""
    return _activity_text(event.verb, event.data, fallback=event.description)


@register.filter
def ago(value) -> str:
    """How long ago, in its largest unit only ("2 hours", not "2 hours, 12
    minutes"): the lists and cards show many of these side by side."""
    if not value:
        return ""
    return timesince(value, depth=1)
