"""Writes on documents."""

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
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


register_verb("document.created", _("added “%(title)s” (version %(version)d)"))


def _versioned_filename(filename: str, version: int) -> str:
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    stem = slugify(stem)[:80] or "document"
    return f"{stem}-v{version}.{extension}" if extension else f"{stem}-v{version}"


@transaction.atomic
def document_add_version(
    *,
    project,
    phase: str,
    kind: str,
    title: str,
    content: bytes,
    filename: str,
    mime_type: str,
    created_by: AbstractBaseUser | None = None,
    record: bool = True,
) -> Document:
    """Store `content` as the next version of the project's (phase, kind)
    document. Earlier versions are kept, marked superseded. The file is
    written first and removed again if the row cannot be saved. `record`:
    an activity event (off for a document that accompanies another)."""
    if kind not in Document.Kind.values:
        raise ServiceError(_("Unknown document kind."))
    # Serialise versions of one document (two runs finishing at once must not both write v2).
    earlier = list(
        Document.objects.select_for_update().filter(project=project, phase=phase, kind=kind).order_by("-version")
    )
    version = (earlier[0].version + 1) if earlier else 1
    document = Document(
        project=project,
        phase=phase,
        kind=kind,
        title=title[:200],
        size=len(content),
        mime_type=mime_type,
        sha256=hashlib.sha256(content).hexdigest(),
        version=version,
        status=Document.Status.FINAL,
        created_by=created_by,
    )
    document.file.save(_versioned_filename(filename, version), ContentFile(content), save=False)
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    Document.objects.filter(pk__in=[d.pk for d in earlier], status=Document.Status.FINAL).update(
        status=Document.Status.SUPERSEDED
    )
    if record:
        activity_record(
            project=project,
            actor=created_by,
            verb="document.created",
            data={"document": document.pk, "title": document.title, "kind": kind, "version": version},
        )
    return document
