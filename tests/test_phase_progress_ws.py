"""The workspace websocket: who it admits and what it forwards."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from projects.consumers import CLOSE_FORBIDDEN
from projects.models import PhaseRun
from projects.phases import phase_registered, runner
from projects.phases.live import send_fragments
from projects.routing import websocket_urlpatterns

from .factories import PhaseRunFactory
from .phases_for_tests import STEPS, TEST_PHASE, steady

# The consumer reads the database from another thread: committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


@pytest.fixture(autouse=True)
def _phases_run_inline(settings):
    settings.H2O_PHASE_BACKEND = "sync"
    settings.H2O_PHASE_RETRY_BACKOFF = 0
    settings.H2O_PHASE_HEARTBEAT_INTERVAL = 0


@pytest.fixture
def steady_phase():
    with phase_registered(TEST_PHASE, STEPS, steady) as definition:
        yield definition


def communicator(project, user, *, language: str = "en") -> WebsocketCommunicator:
    """The consumer behind its router, with the user already authenticated
    (the full stack, with session and origin checks, is tested below)."""
    comm = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns),
        f"/ws/projects/{project.id}/",
        headers=[(b"accept-language", language.encode())],
    )
    comm.scope["user"] = user
    comm.scope["cookies"] = {}
    return comm


def run_async(scenario):
    return async_to_sync(scenario)()


def test_a_member_is_admitted_and_first_receives_the_true_state(project, viewer):
    PhaseRunFactory(project=project, phase=TEST_PHASE, status=PhaseRun.Status.RUNNING, progress=40)

    async def scenario():
        comm = communicator(project, viewer)
        connected, _ = await comm.connect(timeout=TIMEOUT)
        assert connected
        html = await comm.receive_from(timeout=TIMEOUT)
        await comm.disconnect()
        return html

    html = run_async(scenario)
    assert 'id="phase-timeline"' in html and 'hx-swap-oob="true"' in html
    assert 'id="phase-run-proposal" class="phase-run" data-status="running" data-progress="40"' in html


def test_connecting_fails_a_run_whose_worker_died(project, viewer):
    from datetime import timedelta

    from django.utils import timezone

    PhaseRunFactory(
        project=project, phase=TEST_PHASE, status=PhaseRun.Status.RUNNING, attempt=3, max_attempts=3,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )

    async def scenario():
        comm = communicator(project, viewer)
        assert (await comm.connect(timeout=TIMEOUT))[0]
        frames = [await comm.receive_from(timeout=TIMEOUT)]
        while not await comm.receive_nothing(timeout=0.3):
            frames.append(await comm.receive_from(timeout=TIMEOUT))
        await comm.disconnect()
        return frames

    frames = run_async(scenario)
    # The state sent on connect already shows the run failed (and the group
    # got the new timeline too).
    assert 'data-status="failed"' in frames[0] and "stopped responding" in frames[0]
    assert PhaseRun.objects.get(project=project).status == PhaseRun.Status.FAILED


def test_a_member_receives_every_progress_update_of_a_run(project, engineer, steady_phase):
    run = PhaseRunFactory(project=project, phase=TEST_PHASE, status=PhaseRun.Status.QUEUED)

    async def scenario():
        comm = communicator(project, engineer)
        assert (await comm.connect(timeout=TIMEOUT))[0]
        await comm.receive_from(timeout=TIMEOUT)  # the state on connect
        assert await sync_to_async(runner.execute_run)(run.pk) == runner.SUCCEEDED
        frames = []
        while not await comm.receive_nothing(timeout=0.5):
            frames.append(await comm.receive_from(timeout=TIMEOUT))
        await comm.disconnect()
        return frames

    frames = run_async(scenario)
    # Claimed, each step, each update, then the whole timeline when it finished.
    statuses = [frame.split('data-status="', 1)[1].split('"', 1)[0] for frame in frames]
    assert statuses[0] == "running" and statuses[-1] == "succeeded"
    assert len(frames) >= 6
    for frame in frames[:-1]:
        assert frame.lstrip().startswith('<div id="phase-run-proposal"') and 'hx-swap-oob="true"' in frame
    assert 'data-progress="60"' in "".join(frames)
    assert 'id="phase-timeline"' in frames[-1]
    # The feed, with the event the phase_finished listener recorded.
    assert 'id="activity-feed" class="card" aria-labelledby="activity-title" hx-swap-oob="true"' in frames[-1]
    assert "finished the proposal phase" in frames[-1]
    assert "Sizing the units" in "".join(frames)


def test_each_member_gets_the_fragment_in_their_language_and_for_their_role(project, engineer, viewer, steady_phase):
    async def scenario():
        spanish_engineer = communicator(project, engineer, language="es")
        english_viewer = communicator(project, viewer, language="en")
        for comm in (spanish_engineer, english_viewer):
            assert (await comm.connect(timeout=TIMEOUT))[0]
            await comm.receive_from(timeout=TIMEOUT)
        await sync_to_async(send_fragments)(project.id, phases=[TEST_PHASE])
        frames = [await comm.receive_from(timeout=TIMEOUT) for comm in (spanish_engineer, english_viewer)]
        for comm in (spanish_engineer, english_viewer):
            await comm.disconnect()
        return frames

    spanish, english = run_async(scenario)
    assert "Propuesta" in spanish and "Proposal" not in spanish
    assert "Proposal" in english
    assert 'data-action="start-phase"' in spanish
    assert 'data-action="start-phase"' not in english


def test_a_language_cookie_wins_over_the_browser_language(project, viewer):
    async def scenario():
        comm = communicator(project, viewer, language="en")
        comm.scope["cookies"] = {settings.LANGUAGE_COOKIE_NAME: "es"}
        assert (await comm.connect(timeout=TIMEOUT))[0]
        html = await comm.receive_from(timeout=TIMEOUT)
        await comm.disconnect()
        return html

    assert "Propuesta" in run_async(scenario)


def test_fragments_of_another_project_are_not_forwarded(project, viewer):
    other = PhaseRunFactory(phase=TEST_PHASE).project

    async def scenario():
        comm = communicator(project, viewer)
        assert (await comm.connect(timeout=TIMEOUT))[0]
        await comm.receive_from(timeout=TIMEOUT)
        await sync_to_async(send_fragments)(other.id, phases=[TEST_PHASE])
        nothing = await comm.receive_nothing(timeout=0.3)
        await comm.disconnect()
        return nothing

    assert run_async(scenario)


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_non_members_are_refused(project, outsider, who):
    user = outsider if who == "outsider" else AnonymousUser()

    async def scenario():
        comm = communicator(project, user)
        return await comm.connect(timeout=TIMEOUT)

    connected, code = run_async(scenario)
    assert not connected
    assert code == CLOSE_FORBIDDEN


def test_a_project_that_does_not_exist_is_refused(project, viewer):
    project_id = project.id
    project.delete()

    async def scenario():
        comm = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/projects/{project_id}/")
        comm.scope["user"] = viewer
        return await comm.connect(timeout=TIMEOUT)

    assert run_async(scenario) == (False, CLOSE_FORBIDDEN)


# --- Through the real ASGI application: session cookie, origin check -----------------------


def asgi_communicator(project, *, cookie: str = "", origin: bytes = b"http://testserver"):
    from h2o.asgi import application

    headers = [(b"origin", origin), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/projects/{project.id}/", headers=headers)


def _session_cookie(client, user) -> str:
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_a_signed_in_member_connects_through_the_asgi_application(client, project, viewer):
    cookie = _session_cookie(client, viewer)

    async def scenario():
        comm = asgi_communicator(project, cookie=cookie)
        connected, _ = await comm.connect(timeout=TIMEOUT)
        html = await comm.receive_from(timeout=TIMEOUT) if connected else ""
        await comm.disconnect()
        return connected, html

    connected, html = run_async(scenario)
    assert connected and 'id="phase-timeline"' in html


def test_a_signed_in_outsider_is_refused_by_the_asgi_application(client, project, outsider):
    cookie = _session_cookie(client, outsider)

    async def scenario():
        return await asgi_communicator(project, cookie=cookie).connect(timeout=TIMEOUT)

    assert run_async(scenario) == (False, CLOSE_FORBIDDEN)


def test_an_anonymous_visitor_is_refused_by_the_asgi_application(project):
    async def scenario():
        return await asgi_communicator(project).connect(timeout=TIMEOUT)

    assert run_async(scenario)[0] is False


def test_another_sites_page_cannot_open_the_socket(client, project, viewer):
    cookie = _session_cookie(client, viewer)

    async def scenario():
        return await asgi_communicator(project, cookie=cookie, origin=b"http://evil.example").connect(timeout=TIMEOUT)

    assert run_async(scenario)[0] is False


def test_a_malformed_project_id_is_not_routed():
    (route,) = websocket_urlpatterns
    assert route.pattern.match("ws/projects/not-a-uuid/") is None
    assert route.pattern.match("ws/projects/7d3e1a52-4a0b-4c53-9d7e-2f0a3c1b9e11/") is not None
