from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ActivityEvent, Invitation, PhaseRun, Project, ProjectMember

admin.site.site_header = _("H₂O Allegiant administration")
admin.site.site_title = _("H₂O Allegiant administration")
admin.site.index_title = _("Projects, documents and accounts")


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "sector", "subsector", "status", "owner", "archived", "updated"]
    list_filter = ["status", "sector", "subsector", "archived", "country"]
    search_fields = ["id", "name", "client", "city", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["id", "created", "updated"]
    date_hierarchy = "created"
    inlines = [ProjectMemberInline]


@admin.register(ProjectMember)
class ProjectMemberAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role", "created"]
    list_filter = ["role"]
    search_fields = ["project__name", "user__email"]
    raw_id_fields = ["project", "user"]
    list_select_related = ["project", "user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "project", "role", "invited_by", "created", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "project__name"]
    raw_id_fields = ["project", "invited_by"]
    readonly_fields = ["token", "created"]
    list_select_related = ["project", "invited_by"]


@admin.action(description=_("Retry the selected phase runs"))
def retry_phase_runs(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[PhaseRun]) -> None:
    # Imported here: the phase machinery package loads the phase registry,
    # which the admin module must not depend on at import time.
    from projects.phases.runner import retry_run

    retried = 0
    for run in queryset:
        try:
            retry_run(run, user=request.user)
        except Exception as exc:  # noqa: BLE001 — one bad run must not hide the others
            modeladmin.message_user(
                request, _("Could not retry %(run)s: %(error)s") % {"run": run, "error": exc}, messages.ERROR
            )
        else:
            retried += 1
    if retried:
        modeladmin.message_user(
            request,
            ngettext("%(count)d phase run queued again.", "%(count)d phase runs queued again.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )


@admin.register(PhaseRun)
class PhaseRunAdmin(admin.ModelAdmin):
    list_display = ["project", "phase", "status", "progress", "current_step", "attempt", "queued_at", "finished_at"]
    list_filter = ["phase", "status"]
    search_fields = ["project__name", "task_id", "error", "current_step"]
    raw_id_fields = ["project"]
    readonly_fields = ["queued_at", "started_at", "finished_at", "heartbeat_at"]
    date_hierarchy = "queued_at"
    list_select_related = ["project"]
    actions = [retry_phase_runs]


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    list_display = ["created", "project", "actor", "verb", "description"]
    list_filter = ["verb"]
    search_fields = ["project__name", "actor__email", "verb", "description"]
    raw_id_fields = ["project", "actor"]
    date_hierarchy = "created"
    list_select_related = ["project", "actor"]
