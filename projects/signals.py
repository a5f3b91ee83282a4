"""Receivers only hand over to services."""

from typing import Any

from allauth.account.signals import email_confirmed
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import services
from .phases.signals import phase_finished  # noqa: F401 — the phase machinery's signal, importable from here too


@receiver(email_confirmed, dispatch_uid="projects.accept_invitations_on_email_confirmed")
def accept_invitations_on_email_confirmed(sender: Any, request: HttpRequest, email_address: Any, **kwargs: Any) -> None:
    # Confirming the address proves the user reads the inbox the invitation
    # was sent to: that is all accepting it needs.
    members = services.invitations_accept_for_email(user=email_address.user, email=email_address.email)
    if request is not None:
        for member in members:
            messages.success(
                request, _("Welcome to “%(name)s”.") % {"name": member.project.name}, fail_silently=True
            )
