"""The phase machinery: registry, start, run, retry with backoff, stale runs,
idempotency, after-commit enqueue, the in-process executor and Celery."""

from __future__ import annotations

import io
import os
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone, translation

from projects.models import ActivityEvent, PhaseRun, Role
from projects.phases import (
    phase_finished,
    phase_registered,
    reap_stale_runs,
    register_phase,
    registered_phases,
    retry_run,
    start_phase,
    unregister_phase,
)
from projects.phases import errors, executor, runner
from projects.services import ServiceError

from .factories import PhaseRunFactory, ProjectMemberFactory
from .phases_for_tests import STEPS, TEST_PHASE, abandons, broken, delete_celery_queue, flaky, permanent, steady

Status = PhaseRun.Status


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; the site's default language is Spanish.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _phases_run_inline(settings):
    # Inline after commit, no waiting between attempts, no heartbeat thread:
    # each test states what it needs on top.
    settings.H2O_PHASE_BACKEND = "sync"
    settings.H2O_PHASE_RETRY_BACKOFF = 0
    settings.H2O_PHASE_HEARTBEAT_INTERVAL = 0


@pytest.fixture
def steady_phase():
    with phase_registered(TEST_PHASE, STEPS, steady) as definition:
        yield definition


@pytest.fixture
def finished_runs():
    """The runs phase_finished was sent for, in order."""
    runs: list[PhaseRun] = []

    def listener(sender, run, **kwargs):
        runs.append(run)

    phase_finished.connect(listener)
    yield runs
    phase_finished.disconnect(listener)


def queued_run(project, **fields) -> PhaseRun:
    return PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.QUEUED, **fields)


# --- Registry -----------------------------------------------------------------------------


def test_a_registered_phase_has_its_steps_in_order(steady_phase):
    assert steady_phase.step_keys == ["prepare", "compute", "report"]
    assert str(steady_phase.step_label("compute")) == "Sizing the units"
    assert registered_phases()[TEST_PHASE] is steady_phase


def test_registering_a_name_twice_needs_replace():
    register_phase("testphase", STEPS, steady)
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_phase("testphase", STEPS, broken)
        assert register_phase("testphase", STEPS, broken, replace=True).func is broken
    finally:
        unregister_phase("testphase")


@pytest.mark.parametrize(
    "name, steps, error",
    [
        ("", STEPS, "1–20"),
        ("x" * 21, STEPS, "1–20"),
        ("testphase", [], "at least one step"),
        ("testphase", [("a", "A"), ("a", "B")], "unique"),
    ],
)
def test_a_bad_registration_is_refused(name, steps, error):
    with pytest.raises(ValueError, match=error):
        register_phase(name, steps, steady)
    assert "testphase" not in registered_phases()


def test_phase_registered_puts_back_the_previous_phase():
    before = registered_phases().get(TEST_PHASE)
    with phase_registered(TEST_PHASE, STEPS, steady):
        with phase_registered(TEST_PHASE, STEPS, broken):
            assert registered_phases()[TEST_PHASE].func is broken
        assert registered_phases()[TEST_PHASE].func is steady
    assert registered_phases().get(TEST_PHASE) is before


def test_retry_delay_doubles_up_to_the_cap(settings):
    settings.H2O_PHASE_RETRY_BACKOFF = 2
    settings.H2O_PHASE_RETRY_BACKOFF_MAX = 10
    assert [runner.retry_delay(attempt) for attempt in (1, 2, 3, 4, 5)] == [2, 4, 8, 10, 10]


# --- Starting ---------------------------------------------------------------------------------


def test_start_phase_queues_a_run_and_enqueues_it_only_after_commit(
    project, engineer, steady_phase, django_capture_on_commit_callbacks
):
    with mock.patch.object(runner, "enqueue") as enqueue:
        with django_capture_on_commit_callbacks() as callbacks:
            run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
            assert not enqueue.called
        assert run.status == Status.QUEUED
        assert run.max_attempts == steady_phase.max_attempts
        assert [step["key"] for step in run.steps] == ["prepare", "compute", "report"]
        assert ActivityEvent.objects.filter(project=project, verb="phase.started", actor=engineer).exists()
        for callback in callbacks:
            callback()
    enqueue.assert_called_once_with(run.pk, task_id=run.task_id, backend_name=runner.backend())


def test_a_run_started_under_the_inline_backend_runs_inline_when_its_commit_comes_later(
    project, engineer, steady_phase, django_capture_on_commit_callbacks, settings
):
    # run_project starts phases under the "sync" backend; inside an outer transaction the
    # commit (and so the enqueue) happens after that setting is gone. The run must not then
    # go to the configured backend (a thread outliving the command).
    settings.H2O_PHASE_BACKEND = "thread"
    with mock.patch.object(runner.executor, "submit") as submit:
        with django_capture_on_commit_callbacks(execute=True):
            with override_settings(H2O_PHASE_BACKEND="sync"):
                run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
    assert not submit.called
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED


def test_a_rolled_back_start_enqueues_nothing(project, engineer, steady_phase, django_capture_on_commit_callbacks):
    from django.db import transaction

    with mock.patch.object(runner, "enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError):
                with transaction.atomic():
                    start_phase(project=project, phase=TEST_PHASE, user=engineer)
                    raise RuntimeError("the request failed after starting the phase")
    assert not enqueue.called
    assert not PhaseRun.objects.filter(project=project).exists()


def test_the_owner_can_start_a_phase(project, owner, steady_phase):
    assert start_phase(project=project, phase=TEST_PHASE, user=owner).status == Status.QUEUED


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_only_engineers_and_owners_start_phases(project, personas, persona, steady_phase):
    with pytest.raises(PermissionDenied):
        start_phase(project=project, phase=TEST_PHASE, user=personas[persona])
    assert not PhaseRun.objects.exists()


@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING])
def test_a_phase_already_queued_or_running_is_not_started_again(project, engineer, steady_phase, status):
    PhaseRunFactory(project=project, phase=TEST_PHASE, status=status, heartbeat_at=timezone.now())
    with pytest.raises(ServiceError, match="already queued or running"):
        start_phase(project=project, phase=TEST_PHASE, user=engineer)
    assert PhaseRun.objects.count() == 1


def test_the_database_refuses_two_live_runs_of_one_phase(project):
    from django.db import IntegrityError, transaction

    queued_run(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.RUNNING)


def test_an_unregistered_phase_cannot_start(project, engineer):
    with pytest.raises(ServiceError, match="not available"):
        start_phase(project=project, phase="engineering", user=engineer)


def test_an_archived_project_starts_no_phase(project, engineer, steady_phase):
    project.archived = True
    project.save()
    with pytest.raises(ServiceError, match="archived"):
        start_phase(project=project, phase=TEST_PHASE, user=engineer)


def test_a_phase_waits_for_the_phases_it_requires(project, engineer):
    with phase_registered("engineering", STEPS, steady, requires=[TEST_PHASE]):
        with pytest.raises(ServiceError, match="proposal phase must be finished first"):
            start_phase(project=project, phase="engineering", user=engineer)
        PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.SUCCEEDED)
        assert start_phase(project=project, phase="engineering", user=engineer).phase == "engineering"


def test_a_requirement_can_be_a_check_with_its_own_message(project, engineer):
    def paid(project):
        return "Pay for the engineering phase first."

    with phase_registered("engineering", STEPS, steady, requires=[paid]):
        with pytest.raises(ServiceError, match="Pay for the engineering phase first."):
            start_phase(project=project, phase="engineering", user=engineer)


# --- Running ---------------------------------------------------------------------------------


def test_a_started_phase_runs_to_success(
    project, engineer, steady_phase, finished_runs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED
    assert run.progress == 100
    assert run.attempt == 1
    assert run.result == {"answer": 42, "attempt": 1}
    assert [step["status"] for step in run.steps] == ["done", "done", "done"]
    assert run.started_at and run.finished_at and run.heartbeat_at
    assert run.error == ""
    assert [r.pk for r in finished_runs] == [run.pk]
    verbs = list(ActivityEvent.objects.filter(project=project).values_list("verb", flat=True))
    assert "phase.started" in verbs and "phase.succeeded" in verbs


def test_every_progress_report_saves_the_run(project, django_capture_on_commit_callbacks):
    seen: list[tuple] = []

    def watched(run, progress):
        for key in ("prepare", "compute", "report"):
            progress.step(key)
            row = PhaseRun.objects.get(pk=run.pk)
            seen.append((row.current_step, row.progress, [s["status"] for s in row.steps]))
        progress.update(95, "Almost there")
        row = PhaseRun.objects.get(pk=run.pk)
        seen.append((row.current_step, row.progress, row.steps[2].get("message")))
        return {}

    with phase_registered(TEST_PHASE, STEPS, watched):
        run = queued_run(project)
        with django_capture_on_commit_callbacks(execute=True):
            assert runner.execute_run(run.pk) == runner.SUCCEEDED
    assert seen == [
        ("prepare", 0, ["running", "pending", "pending"]),
        ("compute", 33, ["done", "running", "pending"]),
        ("report", 66, ["done", "done", "running"]),
        ("report", 95, "Almost there"),
    ]


def test_a_failing_step_is_retried_with_exponential_backoff(project, settings, django_capture_on_commit_callbacks):
    settings.H2O_PHASE_RETRY_BACKOFF = 2
    with phase_registered(TEST_PHASE, STEPS, flaky(failures=2)):
        run = queued_run(project, max_attempts=3)
        countdowns = []
        with mock.patch.object(runner, "enqueue", side_effect=lambda run_id, countdown=0, **kw: countdowns.append(countdown)):
            with django_capture_on_commit_callbacks(execute=True):
                assert runner.execute_run(run.pk) == runner.RETRYING
            run.refresh_from_db()
            assert run.status == Status.QUEUED
            assert run.attempt == 1
            assert run.error == "The supplier database did not answer."
            assert run.steps[0]["status"] == "failed"
            with django_capture_on_commit_callbacks(execute=True):
                assert runner.execute_run(run.pk) == runner.RETRYING
            with django_capture_on_commit_callbacks(execute=True):
                assert runner.execute_run(run.pk) == runner.SUCCEEDED
    assert countdowns == [2.0, 4.0]
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == (Status.SUCCEEDED, 3, "")


def test_a_run_fails_after_its_last_attempt_with_a_message_not_a_traceback(
    client, project, engineer, finished_runs, django_capture_on_commit_callbacks
):
    with phase_registered(TEST_PHASE, STEPS, broken, max_attempts=2):
        with django_capture_on_commit_callbacks(execute=True):
            run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.attempt == 2
    assert run.error == errors.UNEXPECTED_ERROR
    assert run.steps[1]["status"] == "failed"
    assert [r.pk for r in finished_runs] == [run.pk]
    assert ActivityEvent.objects.filter(project=project, verb="phase.failed").exists()

    client.force_login(engineer)
    page = client.get(f"/projects/{project.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "unexpected error" in page
    assert "hunter2" not in page and "Traceback" not in page and "secret.py" not in page


def test_a_permanent_error_fails_the_run_at_once(project, django_capture_on_commit_callbacks):
    with phase_registered(TEST_PHASE, STEPS, permanent, max_attempts=3):
        run = queued_run(project, max_attempts=3)
        with django_capture_on_commit_callbacks(execute=True):
            assert runner.execute_run(run.pk) == runner.FAILED
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == (Status.FAILED, 1, "The average flow is missing.")


def test_a_phase_past_its_time_limit_is_stopped(project, settings, django_capture_on_commit_callbacks):
    settings.H2O_PHASE_TIME_LIMIT = 0.05

    def slow(run, progress):
        progress.step("prepare")
        time.sleep(0.1)
        progress.update(50)
        return {}

    with phase_registered(TEST_PHASE, STEPS, slow):
        run = queued_run(project)
        with django_capture_on_commit_callbacks(execute=True):
            assert runner.execute_run(run.pk) == runner.FAILED
    run.refresh_from_db()
    assert "longer than it is allowed" in run.error


def test_a_result_that_is_not_a_dict_fails_the_attempt(project, django_capture_on_commit_callbacks):
    with phase_registered(TEST_PHASE, STEPS, lambda run, progress: ["not", "a", "dict"], max_attempts=1):
        run = queued_run(project, max_attempts=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert runner.execute_run(run.pk) == runner.FAILED
    run.refresh_from_db()
    assert run.error == errors.UNEXPECTED_ERROR


def test_a_run_of_a_phase_no_longer_registered_fails_cleanly(project, django_capture_on_commit_callbacks):
    run = PhaseRunFactory(project=project, phase="procurement", status=Status.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        assert runner.execute_run(run.pk) == runner.SKIPPED
    run.refresh_from_db()
    assert (run.status, run.error) == (Status.FAILED, errors.PHASE_UNAVAILABLE)


def test_a_listener_that_raises_does_not_break_the_run(project, steady_phase, django_capture_on_commit_callbacks):
    def bad_listener(sender, run, **kwargs):
        raise RuntimeError("listener bug")

    phase_finished.connect(bad_listener)
    try:
        run = queued_run(project)
        with django_capture_on_commit_callbacks(execute=True):
            assert runner.execute_run(run.pk) == runner.SUCCEEDED
    finally:
        phase_finished.disconnect(bad_listener)
    assert ActivityEvent.objects.filter(project=project, verb="phase.succeeded").exists()


def test_a_run_that_cannot_be_queued_fails_instead_of_waiting_forever(
    project, engineer, steady_phase, settings, django_capture_on_commit_callbacks
):
    settings.H2O_PHASE_BACKEND = "celery"
    from projects import tasks

    with mock.patch.object(tasks.run_phase, "apply_async", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
    run.refresh_from_db()
    assert (run.status, run.error) == (Status.FAILED, errors.NOT_QUEUED)


# --- Idempotency and takeover ---------------------------------------------------------------


def test_a_succeeded_run_is_not_run_again(project, django_capture_on_commit_callbacks):
    calls = []
    with phase_registered(TEST_PHASE, STEPS, lambda run, progress: calls.append(run.pk) or {}):
        run = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.SUCCEEDED, attempt=1, result={"a": 1})
        with django_capture_on_commit_callbacks(execute=True):
            assert runner.execute_run(run.pk) == runner.SKIPPED
    assert calls == []
    run.refresh_from_db()
    assert (run.status, run.attempt, run.result) == (Status.SUCCEEDED, 1, {"a": 1})


def test_a_run_on_a_live_worker_is_left_to_it(project, steady_phase):
    run = PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=Status.RUNNING, attempt=1, task_id="a", heartbeat_at=timezone.now()
    )
    assert runner.execute_run(run.pk, task_id="b") == runner.SKIPPED
    run.refresh_from_db()
    assert (run.status, run.attempt, run.task_id) == (Status.RUNNING, 1, "a")


def test_a_task_takes_over_a_run_whose_worker_died(project, steady_phase, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=1)
    run = PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=Status.RUNNING, attempt=1, task_id="a", heartbeat_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert runner.execute_run(run.pk, task_id="b") == runner.SUCCEEDED
    run.refresh_from_db()
    assert (run.status, run.attempt, run.task_id) == (Status.SUCCEEDED, 2, "b")


def test_a_redelivered_task_takes_its_own_run_over(project, steady_phase, django_capture_on_commit_callbacks):
    # The broker redelivers an unacknowledged task when its worker died.
    run = PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=Status.RUNNING, attempt=1, task_id="a", heartbeat_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert runner.execute_run(run.pk, task_id="a") == runner.SUCCEEDED
    run.refresh_from_db()
    assert (run.status, run.attempt) == (Status.SUCCEEDED, 2)


def test_a_worker_that_lost_its_run_cannot_overwrite_it(project, django_capture_on_commit_callbacks):
    with phase_registered(TEST_PHASE, STEPS, abandons):
        run = queued_run(project)
        with django_capture_on_commit_callbacks(execute=True):
            assert runner.execute_run(run.pk) == runner.ABANDONED
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.result == {}


def test_a_deleted_run_is_skipped(db):
    assert runner.execute_run(987654) == runner.SKIPPED


# --- Stale runs --------------------------------------------------------------------------------


def test_a_stale_run_with_attempts_left_is_queued_again(project, steady_phase, django_capture_on_commit_callbacks):
    now = timezone.now()
    stale = PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=Status.RUNNING, attempt=1, max_attempts=3,
        heartbeat_at=now - timedelta(minutes=10), steps=[{"key": "prepare", "status": "running"}],
    )
    with mock.patch.object(runner, "enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            assert [r.pk for r in reap_stale_runs(now=now)] == [stale.pk]
    enqueue.assert_called_once_with(stale.pk)
    stale.refresh_from_db()
    assert (stale.status, stale.error) == (Status.QUEUED, errors.WORKER_LOST)
    assert stale.steps[0]["status"] == "failed"


def test_a_stale_run_on_its_last_attempt_fails(project, finished_runs, django_capture_on_commit_callbacks):
    now = timezone.now()
    stale = PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=Status.RUNNING, attempt=3, max_attempts=3,
        heartbeat_at=now - timedelta(minutes=10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        reap_stale_runs(now=now)
    stale.refresh_from_db()
    assert (stale.status, stale.error) == (Status.FAILED, errors.WORKER_LOST)
    assert stale.finished_at is not None
    assert [r.pk for r in finished_runs] == [stale.pk]


def test_live_and_finished_runs_are_not_reaped(project):
    now = timezone.now()
    PhaseRunFactory(project=project, phase="proposal", status=Status.RUNNING, heartbeat_at=now - timedelta(seconds=30))
    PhaseRunFactory(project=project, phase="engineering", status=Status.SUCCEEDED, heartbeat_at=now - timedelta(days=1))
    PhaseRunFactory(project=project, phase="procurement", status=Status.QUEUED)
    assert reap_stale_runs(now=now) == []


def test_a_run_left_queued_for_too_long_is_enqueued_again(project, django_capture_on_commit_callbacks):
    run = queued_run(project)
    later = timezone.now() + timedelta(hours=2)
    with mock.patch.object(runner, "enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            assert [r.pk for r in reap_stale_runs(now=later)] == [run.pk]
            # Touched: the next reap leaves it alone for a while.
            assert reap_stale_runs(now=later + timedelta(seconds=1)) == []
    enqueue.assert_called_once_with(run.pk)
    run.refresh_from_db()
    assert run.status == Status.QUEUED


def test_reaping_one_project_leaves_the_others_alone(project, django_capture_on_commit_callbacks):
    other = ProjectMemberFactory(role=Role.OWNER).project
    now = timezone.now()
    mine = PhaseRunFactory(project=project, status=Status.RUNNING, attempt=3, max_attempts=3, heartbeat_at=now - timedelta(hours=1))
    theirs = PhaseRunFactory(project=other, status=Status.RUNNING, attempt=3, max_attempts=3, heartbeat_at=now - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert [r.pk for r in reap_stale_runs(project=project, now=now)] == [mine.pk]
    theirs.refresh_from_db()
    assert theirs.status == Status.RUNNING


def test_the_management_command_reaps_stale_runs(project):
    stale = PhaseRunFactory(
        project=project, status=Status.RUNNING, attempt=3, max_attempts=3,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    out = io.StringIO()
    call_command("reap_stale_runs", stdout=out)
    stale.refresh_from_db()
    assert stale.status == Status.FAILED
    assert "1 stale phase run(s) handled" in out.getvalue()


def test_the_heartbeat_keeps_a_long_step_alive(transactional_db, project, settings):
    settings.H2O_PHASE_HEARTBEAT_INTERVAL = 0.05
    beats = []

    def long_step(run, progress):
        progress.step("compute")
        first = PhaseRun.objects.get(pk=run.pk).heartbeat_at
        time.sleep(0.4)
        beats.append((first, PhaseRun.objects.get(pk=run.pk).heartbeat_at))
        return {}

    with phase_registered(TEST_PHASE, STEPS, long_step):
        run = queued_run(project)
        assert runner.execute_run(run.pk) == runner.SUCCEEDED
    (first, later), = beats
    assert later > first


# --- Retry (admin action and the retry button) ------------------------------------------------


def test_retrying_a_failed_run_starts_a_new_one(project, engineer, steady_phase, django_capture_on_commit_callbacks):
    failed = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.FAILED, attempt=3, error="x")
    with django_capture_on_commit_callbacks(execute=True):
        new = retry_run(failed, user=engineer)
    assert new.pk != failed.pk
    new.refresh_from_db()
    failed.refresh_from_db()
    assert (new.status, failed.status) == (Status.SUCCEEDED, Status.FAILED)
    assert ActivityEvent.objects.filter(project=project, verb="phase.retried", actor=engineer).exists()


def test_a_stuck_run_can_be_retried(project, steady_phase, django_capture_on_commit_callbacks):
    stuck = PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=Status.RUNNING, attempt=1, heartbeat_at=timezone.now() - timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = retry_run(stuck)
    stuck.refresh_from_db()
    new.refresh_from_db()
    assert (stuck.status, stuck.error, new.status) == (Status.FAILED, errors.WORKER_LOST, Status.SUCCEEDED)


@pytest.mark.parametrize(
    "status, message",
    [(Status.SUCCEEDED, "nothing to retry"), (Status.RUNNING, "still in progress"), (Status.QUEUED, "still in progress")],
)
def test_only_failed_runs_are_retried(project, steady_phase, status, message):
    run = PhaseRunFactory(project=project, phase=TEST_PHASE, status=status, heartbeat_at=timezone.now())
    with pytest.raises(ServiceError, match=message):
        retry_run(run)


def test_a_viewer_cannot_retry(project, viewer, steady_phase):
    failed = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.FAILED)
    with pytest.raises(PermissionDenied):
        retry_run(failed, user=viewer)


def test_staff_retry_runs_from_the_admin(admin_client, project, steady_phase):
    failed = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.FAILED)
    done = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.SUCCEEDED)
    response = admin_client.post(
        "/admin/projects/phaserun/",
        {"action": "retry_phase_runs", "_selected_action": [failed.pk, done.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 phase run queued again" in text
    assert "nothing to retry" in text
    assert PhaseRun.objects.filter(project=project, status=Status.QUEUED).count() == 1


# --- The buttons ------------------------------------------------------------------------------


def test_an_engineer_starts_a_phase_from_the_workspace(client, project, engineer, steady_phase):
    client.force_login(engineer)
    page = client.get(f"/projects/{project.id}/").content.decode()
    assert 'data-action="start-phase"' in page
    with mock.patch.object(runner, "enqueue"):
        response = client.post(f"/projects/{project.id}/phases/{TEST_PHASE}/start/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="phase-run-{TEST_PHASE}"' in body and 'data-status="queued"' in body
    # The card replaces the button's own card; only the current-phase panel
    # comes along out of band.
    card, panel = body.split('<section id="phase-actions"', 1)
    assert "hx-swap-oob" not in card and 'hx-swap-oob="true"' in panel
    assert PhaseRun.objects.get(project=project).status == Status.QUEUED


def test_a_refused_start_explains_why(client, project, engineer, steady_phase):
    queued_run(project)
    client.force_login(engineer)
    response = client.post(
        f"/projects/{project.id}/phases/{TEST_PHASE}/start/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "already queued or running" in response.content.decode()


def test_without_javascript_the_start_button_redirects_back(client, project, owner, steady_phase):
    client.force_login(owner)
    with mock.patch.object(runner, "enqueue"):
        response = client.post(f"/projects/{project.id}/phases/{TEST_PHASE}/start/")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.id}/"


def test_a_viewer_sees_no_start_button_and_may_not_post(client, project, viewer, steady_phase):
    client.force_login(viewer)
    assert 'data-action="start-phase"' not in client.get(f"/projects/{project.id}/").content.decode()
    assert client.post(f"/projects/{project.id}/phases/{TEST_PHASE}/start/").status_code == 403
    failed = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.FAILED)
    assert client.post(f"/projects/{project.id}/runs/{failed.pk}/retry/").status_code == 403


def test_an_outsider_gets_404_and_anonymous_goes_to_login(client, project, outsider, steady_phase):
    failed = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.FAILED)
    start = f"/projects/{project.id}/phases/{TEST_PHASE}/start/"
    retry = f"/projects/{project.id}/runs/{failed.pk}/retry/"
    for url in (start, retry):
        assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(outsider)
    for url in (start, retry):
        assert client.post(url).status_code == 404
    assert not PhaseRun.objects.filter(status=Status.QUEUED).exists()


def test_a_run_of_another_project_cannot_be_retried_through_mine(client, project, engineer, steady_phase):
    foreign = PhaseRunFactory(phase=TEST_PHASE, status=Status.FAILED)
    client.force_login(engineer)
    assert client.post(f"/projects/{project.id}/runs/{foreign.pk}/retry/").status_code == 404


def test_an_engineer_retries_a_failed_run_from_its_card(client, project, engineer, steady_phase):
    failed = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.FAILED, error=errors.WORKER_LOST)
    client.force_login(engineer)
    page = client.get(f"/projects/{project.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-action="retry-phase"' in page and "stopped responding" in page
    with mock.patch.object(runner, "enqueue"):
        response = client.post(f"/projects/{project.id}/runs/{failed.pk}/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-status="queued"' in response.content.decode()


def test_a_phase_start_for_an_unknown_phase_name_is_404(client, project, engineer):
    client.force_login(engineer)
    assert client.post(f"/projects/{project.id}/phases/nonsense/start/").status_code == 404


# --- The in-process executor and Celery ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_in_process_executor_runs_a_phase_after_commit(project, engineer, settings, steady_phase):
    settings.H2O_PHASE_BACKEND = "thread"
    run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
    assert executor.wait_idle(timeout=20)
    run.refresh_from_db()
    assert (run.status, run.result["answer"]) == (Status.SUCCEEDED, 42)


@pytest.mark.django_db(transaction=True)
def test_the_in_process_executor_retries_after_the_backoff(project, engineer, settings):
    settings.H2O_PHASE_BACKEND = "thread"
    settings.H2O_PHASE_RETRY_BACKOFF = 0.2
    with phase_registered(TEST_PHASE, STEPS, flaky(failures=1)):
        started = time.monotonic()
        run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
        assert executor.wait_idle(timeout=20)
    run.refresh_from_db()
    assert (run.status, run.attempt) == (Status.SUCCEEDED, 2)
    assert time.monotonic() - started >= 0.2


def test_the_celery_task_is_late_acknowledged_and_retries_transient_errors():
    from projects.tasks import run_phase

    assert run_phase.acks_late and run_phase.reject_on_worker_lost
    assert OperationalError in run_phase.autoretry_for and ConnectionError in run_phase.autoretry_for
    assert run_phase.retry_backoff and run_phase.retry_jitter


def test_the_celery_task_retries_when_the_database_hiccups(db):
    from projects.tasks import run_phase

    outcomes = iter([OperationalError("server closed the connection unexpectedly"), runner.SUCCEEDED])

    def flaky_execute(run_id, task_id=""):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    with mock.patch.object(runner, "execute_run", side_effect=flaky_execute) as execute:
        # Eager: Celery runs the retry in place instead of after the countdown.
        assert run_phase.apply(args=[1]).get() == runner.SUCCEEDED
    assert execute.call_count == 2


def test_the_celery_task_does_not_rerun_a_succeeded_run(project, steady_phase):
    from projects.tasks import run_phase

    run = PhaseRunFactory(project=project, phase=TEST_PHASE, status=Status.SUCCEEDED)
    assert run_phase.apply(args=[run.pk]).get() == runner.SKIPPED


@pytest.fixture
def celery_worker(settings):
    """A real Celery worker (a thread of this process) on the real Redis
    broker, consuming a queue of its own so no other worker takes our tasks."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL (a real broker)")
    from celery.contrib.testing.worker import start_worker

    from h2o.celery import app

    queue = f"h2o-test-{uuid.uuid4().hex[:12]}"
    settings.H2O_PHASE_BACKEND = "celery"
    settings.H2O_PHASE_QUEUE = queue
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30) as worker:
            yield worker
    finally:
        delete_celery_queue(os.environ["REDIS_URL"], queue)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_runs_a_phase_started_in_a_request(celery_worker, project, engineer, steady_phase):
    run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
    wait_for(lambda: PhaseRun.objects.filter(pk=run.pk, status__in=[Status.SUCCEEDED, Status.FAILED]).exists())
    run.refresh_from_db()
    assert (run.status, run.result["answer"], run.task_id) == (Status.SUCCEEDED, 42, run.task_id)
    # The timeline entry is written by a phase_finished listener after the run's final commit,
    # so the worker may still be writing it when the succeeded status becomes visible.
    wait_for(lambda: ActivityEvent.objects.filter(project=project, verb="phase.succeeded").exists())


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_retries_a_failing_step(celery_worker, project, engineer, settings):
    settings.H2O_PHASE_RETRY_BACKOFF = 0.2
    with phase_registered(TEST_PHASE, STEPS, flaky(failures=1)):
        run = start_phase(project=project, phase=TEST_PHASE, user=engineer)
        wait_for(lambda: PhaseRun.objects.filter(pk=run.pk, status__in=[Status.SUCCEEDED, Status.FAILED]).exists())
    run.refresh_from_db()
    assert (run.status, run.attempt) == (Status.SUCCEEDED, 2)


def test_opening_the_workspace_fails_a_run_whose_worker_died(client, project, viewer):
    stale = PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=Status.RUNNING, attempt=3, max_attempts=3,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(viewer)
    page = client.get(f"/projects/{project.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    stale.refresh_from_db()
    assert stale.status == Status.FAILED
    assert 'data-status="failed"' in page and "stopped responding" in page


def test_the_activity_feed_tells_the_story_of_a_run(client, project, engineer, steady_phase, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_phase(project=project, phase=TEST_PHASE, user=engineer)
    client.force_login(engineer)
    page = client.get(f"/projects/{project.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "started the proposal phase" in page
    assert "finished the proposal phase" in page
