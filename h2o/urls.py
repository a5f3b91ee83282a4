from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
]


handler403 = "projects.views.permission_denied"
handler404 = "projects.views.page_not_found"
