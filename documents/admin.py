from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Document


def _review(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Document], state: str) -> None:
    for document in queryset.select_related("project"):
        services.document_review(document=document, reviewer=request.user, state=state)
    count = queryset.count()
    modeladmin.message_user(
        request,
        ngettext("%(count)d document reviewed.", "%(count)d documents reviewed.", count) % {"count": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Approve the selected documents"))
def approve_documents(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Document]) -> None:
    _review(modeladmin, request, queryset, Document.ReviewState.APPROVED)


@admin.action(description=_("Reject the selected documents"))
def reject_documents(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Document]) -> None:
    _review(modeladmin, request, queryset, Document.ReviewState.REJECTED)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "phase", "kind", "version", "status", "review_state", "created"]
    list_filter = ["review_state", "phase", "kind", "status"]
    search_fields = ["title", "project__name", "sha256"]
    raw_id_fields = ["project", "reviewed_by", "created_by"]
    readonly_fields = ["size", "mime_type", "sha256", "created", "reviewed_by", "reviewed_at"]
    date_hierarchy = "created"
    list_select_related = ["project"]
    actions = [approve_documents, reject_documents]

    def save_model(self, request: HttpRequest, obj: Document, form, change: bool) -> None:
        # A review edited by hand goes through the service, so it is stamped
        # and appears in the project's activity like the bulk actions.
        if change and {"review_state", "review_comment"} & set(form.changed_data):
            super().save_model(request, obj, form, change)
            services.document_review(
                document=obj, reviewer=request.user, state=obj.review_state, comment=obj.review_comment
            )
            return
        super().save_model(request, obj, form, change)
