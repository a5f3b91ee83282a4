from django.urls import path

from . import views

urlpatterns = [
    # The name the questionnaire's summary reverses (conversations.selectors.PROPOSAL_START_URL_NAME).
    path("projects/<uuid:project_id>/proposal/start/", views.proposal_start, name="proposal-start"),
]
