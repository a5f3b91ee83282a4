"""How activity events read in the feed, in the reader's language.

An event stores a stable `verb` and the `data` its sentence needs; the
sentence is rendered when shown, so a Spanish reader sees Spanish even when
the actor worked in English. Other apps register their verbs with
`register_verb()` (e.g. in their AppConfig.ready); unknown verbs fall back to
the stored description.
"""

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A verb's text is a lazy format string filled from the event's data, or a
# function of the data for sentences that need more (choice labels, plurals).
VerbText = Promise | Callable[[dict], str]

VERB_TEXTS: dict[str, VerbText] = {
    "project.created": _("created the project “%(name)s”"),
    "project.renamed": _("renamed the project from “%(old)s” to “%(new)s”"),
    "project.archived": _("archived the project"),
    "project.unarchived": _("restored the project from the archive"),
    "project.context_updated": _("updated the project data"),
    "member.invited": _("invited %(email)s as %(role_label)s"),
    "member.invitation_revoked": _("cancelled the invitation of %(email)s"),
    "member.invitation_declined": _("declined the invitation sent to %(email)s"),
    "member.joined": _("joined the project as %(role_label)s"),
    "member.role_changed": _("changed the role of %(email)s to %(role_label)s"),
    "member.removed": _("removed %(email)s from the project"),
    "member.left": _("left the project"),
}


def register_verb(verb: str, text: VerbText) -> None:
    VERB_TEXTS[verb] = text


def _role_label(role: str | None) -> str:
    from .models import Role

    return str(dict(Role.choices).get(role or "", role or ""))


def activity_text(verb: str, data: dict, fallback: str = "") -> str:
    text = VERB_TEXTS.get(verb)
    if text is None:
        return fallback or verb
    if callable(text) and not isinstance(text, Promise):
        try:
            return str(text(dict(data or {})))
        except (KeyError, TypeError, ValueError):
            return fallback or verb
    values = dict(data or {})
    if "role" in values:
        values.setdefault("role_label", _role_label(values["role"]))
    try:
        return str(text) % values
    except (KeyError, TypeError, ValueError):
        return fallback or verb
