"""Services keep the rules whatever calls them."""

import pytest

from projects import services
from projects.models import ActivityEvent, ProjectMember


def test_a_technical_context_is_validated_before_it_is_stored(project, owner):
    with pytest.raises(services.ServiceError):
        services.project_update_context(
            project=project, actor=owner, field="technical_context", data={"flow_m3_d": -5}
        )
    services.project_update_context(
        project=project, actor=owner, field="technical_context", data={"flow_m3_d": "500", "capex_usd": 1e6}
    )
    project.refresh_from_db()
    assert project.technical_context["flow_m3_d"] == 500.0
    assert ActivityEvent.objects.filter(project=project, verb="project.context_updated").exists()


def test_creating_with_an_invalid_technical_context_creates_nothing(owner):
    with pytest.raises(services.ServiceError):
        services.project_create(owner=owner, name="X", sector="industrial", technical_context={"capex_usd": "lots"})
    assert not ProjectMember.objects.exists()


def test_every_service_records_its_activity(project, owner, engineer, outsider):
    services.project_rename(project=project, actor=owner, name="Renamed")
    services.project_set_archived(project=project, actor=owner, archived=True)
    services.project_set_archived(project=project, actor=owner, archived=False)
    invitation = services.member_invite(project=project, actor=owner, email="a@example.com", role="viewer")
    services.invitation_revoke(invitation=invitation, actor=owner)
    invitation = services.member_invite(project=project, actor=owner, email=outsider.email, role="viewer")
    services.invitation_accept(invitation=invitation, user=outsider)
    services.member_change_role(member=project.members.get(user=engineer), actor=owner, role="viewer")
    services.member_remove(member=project.members.get(user=engineer), actor=owner)
    services.member_remove(member=project.members.get(user=outsider), actor=outsider)
    verbs = list(ActivityEvent.objects.filter(project=project).order_by("created", "pk").values_list("verb", flat=True))
    assert verbs == [
        "project.renamed", "project.archived", "project.unarchived", "member.invited",
        "member.invitation_revoked", "member.invited", "member.joined", "member.role_changed",
        "member.removed", "member.left",
    ]


def test_the_feed_reads_in_the_readers_language(project, owner):
    from django.utils import translation

    from projects.activity import activity_text

    event = services.member_invite(project=project, actor=owner, email="b@example.com", role="engineer")
    event = ActivityEvent.objects.get(project=project, verb="member.invited")
    assert event.description == "invited b@example.com as Engineer"
    with translation.override("es"):
        assert activity_text(event.verb, event.data) == "invitó a b@example.com como Ingeniero"


def test_an_unknown_verb_falls_back_to_its_description():
    from projects.activity import activity_text

    assert activity_text("billing.paid", {}, fallback="paid the engineering phase") == "paid the engineering phase"
