from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
    # Start/retry of phase runs (the phase machinery).
    path("", include("projects.phases.urls")),
    # The proposal phase (phase 1).
    path("", include("agents.urls")),
]


handler403 = "projects.views.permission_denied"
handler404 = "projects.views.page_not_found"
