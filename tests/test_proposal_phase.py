"""The proposal phase end to end, in process: requirements from the project's
conversation (engine JSON or the questionnaire's answers) → steps reported in
order → PDF and flow diagram stored as versioned documents → technical
context filled → the workspace shows the figures, the diagram and the
download. Bad requirements fail with a clear message; a failing model falls
back and says so in the activity feed."""

from __future__ import annotations

import hashlib
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse
from django.utils import translation

from agents.phases import QUESTIONNAIRE_INCOMPLETE, REQUIREMENTS_REFUSED, STEPS
from documents.models import Document
from projects.models import ActivityEvent, PhaseRun
from projects.phases import ProgressReporter, execute_run, start_phase
from projects.services import ServiceError

from .factories import PhaseRunFactory
from .proposal_helpers import answer_questionnaire, example_requirements, give_requirements


@pytest.fixture(autouse=True)
def _inline_phases(settings):
    settings.H2O_PHASE_BACKEND = "sync"
    settings.H2O_PHASE_RETRY_BACKOFF = 0
    settings.H2O_PHASE_HEARTBEAT_INTERVAL = 0
    settings.H2O_AI_MODEL = ""


def _run(project, user) -> PhaseRun:
    # The test's transaction never commits, so the enqueue-after-commit does not fire: run it here.
    run = start_phase(project=project, phase="proposal", user=user)
    execute_run(run.pk)
    return PhaseRun.objects.get(pk=run.pk)


def test_the_phase_stores_the_proposal_and_the_flow_diagram_and_fills_the_technical_context(project, engineer):
    give_requirements(project, example_requirements(language="es"))
    run = _run(project, engineer)

    assert run.status == PhaseRun.Status.SUCCEEDED, run.error
    assert [s["status"] for s in run.steps] == ["done"] * len(STEPS)
    pdf = Document.objects.get(project=project, kind=Document.Kind.PROPOSAL)
    content = pdf.file.read()
    assert content.startswith(b"%PDF-")
    assert (pdf.phase, pdf.version, pdf.status, pdf.mime_type) == ("proposal", 1, "final", "application/pdf")
    assert pdf.size == len(content) and pdf.sha256 == hashlib.sha256(content).hexdigest()
    assert pdf.title == "Propuesta conceptual"
    svg = Document.objects.get(project=project, kind=Document.Kind.PFD)
    assert svg.file.read().startswith(b"<svg") and svg.mime_type == "image/svg+xml"

    project.refresh_from_db()
    context = project.technical_context
    assert context["proposal_complete"] is True and context["proposal_document"] == pdf.pk
    assert context["flow_m3_d"] == 500 and context["currency"] == "EUR"
    assert context["capex_usd"] > context["capex"] > 0  # EUR → USD at the engine's rate
    assert context["train"] == ["bar_screen", "equalization", "coagulation_flocculation", "daf"]
    assert context["sector"] == "industrial" and context["location"]["city"] == "Lugo"
    assert run.result["document"] == pdf.pk and run.result["model"] == "offline"
    assert set(run.result["timings"]) == {"engine", "narrative", "pdf", "total"}


def test_each_step_is_reported_in_order(project, engineer):
    give_requirements(project, example_requirements())
    seen = []
    original = ProgressReporter.step

    def spy(self, key, message=""):
        seen.append(key)
        return original(self, key, message)

    with mock.patch.object(ProgressReporter, "step", spy):
        assert _run(project, engineer).status == PhaseRun.Status.SUCCEEDED
    assert seen == [key for key, _label in STEPS]


def test_generating_again_makes_a_new_version_and_keeps_the_old_one(project, engineer):
    give_requirements(project, example_requirements())
    _run(project, engineer)
    _run(project, engineer)

    versions = Document.objects.filter(project=project, kind=Document.Kind.PROPOSAL).order_by("version")
    assert [(d.version, d.status) for d in versions] == [(1, "superseded"), (2, "final")]
    assert all(d.file.storage.exists(d.file.name) for d in versions)
    assert versions[0].file.name != versions[1].file.name
    assert ActivityEvent.objects.filter(project=project, verb="document.created").count() == 2


def test_the_questionnaires_answers_make_the_proposal(project, engineer):
    answer_questionnaire(project, engineer)
    run = _run(project, engineer)

    assert run.status == PhaseRun.Status.SUCCEEDED, run.error
    project.refresh_from_db()
    assert project.technical_context["proposal_complete"] is True
    assert Document.objects.filter(project=project, kind=Document.Kind.PROPOSAL).count() == 1


def test_an_unfinished_questionnaire_cannot_start_the_proposal(project, engineer):
    with translation.override("en"), pytest.raises(ServiceError, match="questionnaire is not complete"):
        start_phase(project=project, phase="proposal", user=engineer)
    assert not PhaseRun.objects.filter(project=project).exists()


def test_requirements_the_engine_refuses_cannot_start_the_proposal(project, engineer):
    data = example_requirements()
    data["flow"] = {"average": "-5 m3/d"}
    give_requirements(project, data)
    with translation.override("en"), pytest.raises(ServiceError, match="refused the requirements: flow.average"):
        start_phase(project=project, phase="proposal", user=engineer)


def test_requirements_that_break_after_the_start_fail_the_run_with_a_clear_message(project):
    data = example_requirements()
    data["influent"]["ph"] = 19
    give_requirements(project, data)
    run = PhaseRunFactory(project=project, phase="proposal", status=PhaseRun.Status.QUEUED)

    execute_run(run.pk)

    run.refresh_from_db()
    assert run.status == PhaseRun.Status.FAILED and run.attempt == 1  # no retry of bad input
    assert run.error == REQUIREMENTS_REFUSED
    event = ActivityEvent.objects.get(project=project, verb="proposal.requirements_refused")
    assert "ph" in event.data["problems"].lower()
    assert not Document.objects.filter(project=project).exists()


def test_a_run_without_requirements_fails_with_a_clear_message(project):
    run = PhaseRunFactory(project=project, phase="proposal", status=PhaseRun.Status.QUEUED)
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == PhaseRun.Status.FAILED and run.error == QUESTIONNAIRE_INCOMPLETE


def test_a_model_whose_answers_fail_falls_back_and_says_so_in_the_activity_feed(project, engineer, client, settings):
    settings.H2O_AI_MODEL = "test"  # TestModel: made-up figures, refused by the validator
    give_requirements(project, example_requirements())
    run = _run(project, engineer)

    assert run.status == PhaseRun.Status.SUCCEEDED
    assert run.result["model"] == "offline" and run.result["fallback_reason"]
    event = ActivityEvent.objects.get(project=project, verb="proposal.fallback")
    assert event.data["model"] == "test"
    client.force_login(engineer)
    page = client.get(reverse("project_workspace", args=[project.id]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "wrote the proposal with the offline model because the AI model could not be used" in page
    assert 'data-role="fallback"' in page


def test_a_failure_while_storing_leaves_no_documents_and_no_files(project, engineer):
    give_requirements(project, example_requirements())
    with mock.patch("projects.services.project_update_context", side_effect=RuntimeError("disk full")):
        run = PhaseRunFactory(project=project, phase="proposal", status=PhaseRun.Status.QUEUED, max_attempts=1)
        execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == PhaseRun.Status.FAILED
    assert not Document.objects.filter(project=project).exists()
    from django.core.files.storage import default_storage

    directory = f"projects/{project.id}/proposal"
    assert not default_storage.exists(directory) or default_storage.listdir(directory)[1] == []


def test_the_workspace_shows_the_figures_the_diagram_the_download_and_the_next_step(project, engineer, viewer, client):
    give_requirements(project, example_requirements())
    run = _run(project, engineer)
    pdf = Document.objects.get(project=project, kind=Document.Kind.PROPOSAL)

    client.force_login(viewer)
    page = client.get(reverse("project_workspace", args=[project.id]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'id="proposal-summary"' in page and 'data-ready="true"' in page
    from agents.proposal.format import lcow_text, money_text

    figures = run.result["figures"]
    with translation.override("es"):
        capex = money_text(figures["capex"], "EUR").removesuffix(" EUR")
        assert f'<div class="stat__value">{capex} <span class="stat__unit">EUR</span></div>' in page
        assert money_text(figures["capex_low"], "EUR") in page and money_text(figures["capex_high"], "EUR") in page
        assert money_text(figures["opex_per_year"], "EUR").removesuffix(" EUR") in page
        assert lcow_text(figures["lcow"], "EUR").removesuffix(" EUR/m³") in page
    assert "Rejilla" in page  # the train, in Spanish
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page  # the flow diagram inline
    assert reverse("document_download", args=[project.id, pdf.pk]) in page
    assert 'data-role="next-step"' in page
    # A viewer reads; only engineers and owners may prepare a new version.
    assert 'data-action="regenerate-proposal"' not in page
    client.force_login(engineer)
    assert 'data-action="regenerate-proposal"' in client.get(reverse("project_workspace", args=[project.id])).content.decode()


def test_a_project_without_a_proposal_shows_no_panel(project, viewer, client):
    client.force_login(viewer)
    page = client.get(reverse("project_workspace", args=[project.id])).content.decode()
    assert 'id="proposal-summary"' in page and 'data-ready="false"' in page


def test_the_panel_and_the_documents_are_pushed_to_the_project_group_when_the_proposal_is_ready(
    project, engineer, django_capture_on_commit_callbacks
):
    from channels.layers import get_channel_layer

    from projects.phases.live import project_group

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(project_group(project.id), channel)
    give_requirements(project, example_requirements())
    with django_capture_on_commit_callbacks(execute=True):
        _run(project, engineer)

    fragments = []
    while True:
        try:
            message = async_to_sync(_receive)(layer, channel)
        except TimeoutError:
            break
        fragments.append(message["fragments"])
    panel = [f for f in fragments if any('id="proposal-summary"' in html for html in f.values())]
    assert panel, "no proposal panel was pushed"
    html = panel[-1]["es:ro"]
    assert 'hx-swap-oob="true"' in html and 'data-ready="true"' in html and 'id="documents"' in html
    assert 'data-action="regenerate-proposal"' not in html and 'data-action="regenerate-proposal"' in panel[-1]["es:rw"]


async def _receive(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), timeout=0.5)
