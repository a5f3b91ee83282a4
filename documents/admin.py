from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "phase", "kind", "version", "status", "review_state", "created"]
    list_filter = ["review_state", "phase", "kind", "status"]
    search_fields = ["title", "project__name", "sha256"]
    raw_id_fields = ["project", "reviewed_by", "created_by"]
    readonly_fields = ["size", "mime_type", "sha256", "created"]
    date_hierarchy = "created"
    list_select_related = ["project"]
