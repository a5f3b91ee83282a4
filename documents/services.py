"""Writes on documents."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.activity import register_verb
from projects.services import ServiceError, activity_record

from .models import Document



def _reviewed_text(data: dict) -> str:
    label = dict(Document.ReviewState.choices)[data["review_state"]]
    return _("reviewed “%(title)s”: %(state)s") % {"title": data["title"], "state": label}


register_verb("document.reviewed", _reviewed_text)


@transaction.atomic
def document_review(*, document: Document, reviewer: AbstractBaseUser, state: str, comment: str = "") -> Document:
    """Staff review: approve or reject a document (or send it back to pending)."""
    if state not in Document.ReviewState.values:
        raise ServiceError(_("Choose a valid review state."))
    document.review_state = state
    document.reviewed_by = reviewer
    document.reviewed_at = timezone.now()
    document.review_comment = comment.strip()
    document.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_comment"])
    activity_record(
        project=document.project,
        actor=reviewer,
        verb="document.reviewed",
        data={
            "document": document.pk,
            "title": document.title,
            "review_state": state,
        },
    )
    return document
