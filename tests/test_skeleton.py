from django.utils import timezone

from projects.models import PhaseRun

from .factories import PhaseRunFactory


def test_the_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_member_sees_the_workspace(client, project, viewer):
    client.force_login(viewer)
    response = client.get(f"/projects/{project.id}/")
    assert response.status_code == 200
    assert 'id="phase-timeline"' in response.content.decode()
    assert 'id="phase-run-proposal"' in response.content.decode()


def test_an_outsider_gets_404_on_the_workspace(client, project, outsider):
    client.force_login(outsider)
    assert client.get(f"/projects/{project.id}/").status_code == 404


def test_a_running_run_without_heartbeat_is_stale(db):
    now = timezone.now()
    run = PhaseRunFactory(status=PhaseRun.Status.RUNNING, heartbeat_at=now - timezone.timedelta(hours=1))
    assert run.is_stale(now)
    run.heartbeat_at = now
    assert not run.is_stale(now)
    run.status = PhaseRun.Status.SUCCEEDED
    run.heartbeat_at = now - timezone.timedelta(hours=1)
    assert not run.is_stale(now)
