from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<uuid:project_id>/", views.project_workspace, name="project_workspace"),
    path("projects/<uuid:project_id>/edit/", views.project_rename, name="project_rename"),
    path("projects/<uuid:project_id>/archive/", views.project_archive, name="project_archive"),
    path("projects/<uuid:project_id>/delete/", views.project_delete, name="project_delete"),
    path(
        "projects/<uuid:project_id>/documents/<int:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
    path("projects/<uuid:project_id>/team/", views.project_team, name="project_team"),
    path("projects/<uuid:project_id>/team/invite/", views.member_invite, name="member_invite"),
    path("projects/<uuid:project_id>/team/leave/", views.member_leave, name="member_leave"),
    path("projects/<uuid:project_id>/team/<int:member_id>/role/", views.member_change_role, name="member_change_role"),
    path("projects/<uuid:project_id>/team/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "projects/<uuid:project_id>/team/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/<str:token>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/decline/", views.invitation_decline, name="invitation_decline"),
    # The proposal questionnaire chat (conversations app).
    path("", include("conversations.urls")),
]
