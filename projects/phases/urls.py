from django.urls import path

from . import views

urlpatterns = [
    path("projects/<uuid:project_id>/phases/<slug:phase>/start/", views.phase_start, name="phase_start"),
    path("projects/<uuid:project_id>/runs/<int:run_id>/retry/", views.phase_run_retry, name="phase_run_retry"),
]
