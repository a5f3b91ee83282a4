from django.urls import path

from . import views

urlpatterns = [
    path("projects/<uuid:project_id>/questionnaire/", views.chat_page, name="chat"),
    path("projects/<uuid:project_id>/questionnaire/answer/", views.chat_answer, name="chat_answer"),
    path("projects/<uuid:project_id>/questionnaire/skip/", views.chat_skip, name="chat_skip"),
    path("projects/<uuid:project_id>/questionnaire/defaults/", views.chat_use_defaults, name="chat_use_defaults"),
    path("projects/<uuid:project_id>/questionnaire/message/", views.chat_message, name="chat_message"),
    path("projects/<uuid:project_id>/questionnaire/upload/", views.chat_upload, name="chat_upload"),
    path("projects/<uuid:project_id>/questionnaire/edit/<slug:key>/", views.chat_edit, name="chat_edit"),
]
