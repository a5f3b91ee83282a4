"""The workspace's current-phase panel shows the true state of the current
phase, on the page and in every live update, for the reader's role."""

from __future__ import annotations

import pytest
from django.utils import translation

from projects.models import PhaseRun, ProjectStatus
from projects.phases import phase_registered
from projects.phases.live import render_fragments, variant_key

from .factories import PhaseRunFactory
from .phases_for_tests import STEPS, TEST_PHASE, steady

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def steady_phase(settings):
    settings.H2O_PHASE_BACKEND = "sync"
    with phase_registered(TEST_PHASE, STEPS, steady) as definition:
        yield definition


def panel(html: str) -> str:
    start = html.index('<section id="phase-actions"')
    return html[start : html.index("</section>", start)]


def test_the_panel_shows_a_running_phase_with_its_progress_and_step(client, project, engineer, steady_phase):
    PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=PhaseRun.Status.RUNNING, progress=40, current_step="compute",
        steps=[{"key": "prepare", "status": "done"}, {"key": "compute", "status": "running"}],
    )
    client.force_login(engineer)
    html = panel(client.get(f"/projects/{project.id}/").content.decode())
    assert "Running" in html and "Not started" not in html
    assert "40 %" in html and "Sizing the units" in html


def test_the_panel_says_when_the_current_phase_has_not_started(client, project, engineer, steady_phase):
    client.force_login(engineer)
    html = panel(client.get(f"/projects/{project.id}/").content.decode())
    assert "Not started" in html and "Ready to start." in html


def test_a_viewer_is_told_they_wait_for_an_engineer(client, project, viewer, steady_phase):
    client.force_login(viewer)
    html = panel(client.get(f"/projects/{project.id}/").content.decode())
    assert "Waiting for an engineer or an owner to start it." in html
    assert "As a viewer you can follow the project" in html


def test_a_failed_run_points_engineers_to_retry(client, project, engineer, steady_phase):
    PhaseRunFactory(project=project, phase=TEST_PHASE, status=PhaseRun.Status.FAILED, attempt=3, max_attempts=3)
    client.force_login(engineer)
    html = panel(client.get(f"/projects/{project.id}/").content.decode())
    assert "Failed" in html and "Retry it from the phase" in html


def test_a_completed_project_says_so(client, project, owner):
    project.status = ProjectStatus.COMPLETED
    project.save()
    client.force_login(owner)
    html = panel(client.get(f"/projects/{project.id}/").content.decode())
    assert "All phases are complete." in html


def test_every_live_update_carries_the_panel_out_of_band(project, steady_phase):
    PhaseRunFactory(project=project, phase=TEST_PHASE, status=PhaseRun.Status.RUNNING, progress=60)
    for phases in ([TEST_PHASE], None):
        fragments = render_fragments(project.id, phases=phases)
        for html in fragments.values():
            assert '<section id="phase-actions" class="card phase-actions" aria-labelledby="phase-actions-title" hx-swap-oob="true">' in html
        assert "En curso" in panel(fragments[variant_key("es", True)])
        assert "Running" in panel(fragments[variant_key("en", True)])
        assert "As a viewer" in panel(fragments[variant_key("en", False)])
        assert "As a viewer" not in panel(fragments[variant_key("en", True)])


def test_starting_a_phase_with_htmx_also_updates_the_panel(client, project, engineer, steady_phase):
    client.force_login(engineer)
    response = client.post(f"/projects/{project.id}/phases/{TEST_PHASE}/start/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="phase-run-proposal"')
    assert 'id="phase-actions"' in html and 'hx-swap-oob="true"' in panel(html)
    # The sync backend ran it to the end after commit... or it is queued; never "Not started".
    assert "Not started" not in panel(html)
