"""The workspace websocket follows team changes: a removed member stops
receiving the project's updates at once, a changed role gets the fragments of
its new role, and a deleted project closes every socket."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from projects import services
from projects.consumers import CLOSE_FORBIDDEN
from projects.models import ProjectMember, Role
from projects.phases import phase_registered
from projects.phases.live import send_fragments
from projects.routing import websocket_urlpatterns

from .phases_for_tests import STEPS, TEST_PHASE, steady

# The consumer reads the database from another thread: committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


@pytest.fixture
def steady_phase():
    with phase_registered(TEST_PHASE, STEPS, steady) as definition:
        yield definition


def communicator(project, user) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/projects/{project.id}/", headers=[(b"accept-language", b"en")]
    )
    comm.scope["user"] = user
    comm.scope["cookies"] = {}
    return comm


async def connected(project, user) -> WebsocketCommunicator:
    comm = communicator(project, user)
    assert (await comm.connect(timeout=TIMEOUT))[0]
    await comm.receive_from(timeout=TIMEOUT)  # the state on connect
    return comm


def member(project, user) -> ProjectMember:
    return ProjectMember.objects.select_related("project", "user").get(project=project, user=user)


def test_a_removed_member_is_told_and_their_socket_closes(project, owner, engineer):
    async def scenario():
        comm = await connected(project, engineer)
        await sync_to_async(services.member_remove)(member=await sync_to_async(member)(project, engineer), actor=owner)
        notice = await comm.receive_from(timeout=TIMEOUT)
        closed = await comm.receive_output(timeout=TIMEOUT)
        return notice, closed

    notice, closed = async_to_sync(scenario)()
    assert 'id="messages"' in notice and 'hx-swap-oob="true"' in notice
    assert "You no longer have access to this project" in notice
    assert closed == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


def test_a_removed_member_receives_no_more_progress(project, owner, engineer, steady_phase):
    async def scenario():
        comm = await connected(project, engineer)
        await sync_to_async(services.member_remove)(member=await sync_to_async(member)(project, engineer), actor=owner)
        await comm.receive_from(timeout=TIMEOUT)
        await comm.receive_output(timeout=TIMEOUT)
        await sync_to_async(send_fragments)(project.id, phases=[TEST_PHASE])
        return await comm.receive_nothing(timeout=0.3)

    assert async_to_sync(scenario)()


def test_the_other_members_sockets_are_untouched_by_a_removal(project, owner, engineer, viewer):
    async def scenario():
        stays = await connected(project, viewer)
        await sync_to_async(services.member_remove)(member=await sync_to_async(member)(project, engineer), actor=owner)
        nothing = await stays.receive_nothing(timeout=0.3)
        await sync_to_async(send_fragments)(project.id, phases=[TEST_PHASE])
        still_live = await stays.receive_from(timeout=TIMEOUT)
        await stays.disconnect()
        return nothing, still_live

    nothing, still_live = async_to_sync(scenario)()
    assert nothing
    assert 'id="phase-run-proposal"' in still_live


def test_a_member_who_leaves_is_disconnected_too(project, engineer):
    async def scenario():
        comm = await connected(project, engineer)
        await sync_to_async(services.member_remove)(
            member=await sync_to_async(member)(project, engineer), actor=engineer
        )
        await comm.receive_from(timeout=TIMEOUT)
        return await comm.receive_output(timeout=TIMEOUT)

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


def test_a_viewer_made_engineer_gets_the_start_button_without_reloading(project, owner, viewer, steady_phase):
    async def scenario():
        comm = await connected(project, viewer)
        await sync_to_async(services.member_change_role)(
            member=await sync_to_async(member)(project, viewer), actor=owner, role=Role.ENGINEER
        )
        state = await comm.receive_from(timeout=TIMEOUT)
        await sync_to_async(send_fragments)(project.id, phases=[TEST_PHASE])
        update = await comm.receive_from(timeout=TIMEOUT)
        await comm.disconnect()
        return state, update

    state, update = async_to_sync(scenario)()
    assert 'id="phase-timeline"' in state and 'data-action="start-phase"' in state
    assert 'data-action="start-phase"' in update


def test_an_engineer_made_viewer_loses_the_start_button(project, owner, engineer, steady_phase):
    async def scenario():
        comm = await connected(project, engineer)
        await sync_to_async(services.member_change_role)(
            member=await sync_to_async(member)(project, engineer), actor=owner, role=Role.VIEWER
        )
        state = await comm.receive_from(timeout=TIMEOUT)
        await comm.disconnect()
        return state

    state = async_to_sync(scenario)()
    assert 'id="phase-timeline"' in state
    assert 'data-action="start-phase"' not in state
    assert "As a viewer you can follow the project" in state


def test_a_role_change_that_keeps_the_same_buttons_sends_nothing(project, owner, engineer):
    async def scenario():
        comm = await connected(project, engineer)
        await sync_to_async(services.member_change_role)(
            member=await sync_to_async(member)(project, engineer), actor=owner, role=Role.OWNER
        )
        nothing = await comm.receive_nothing(timeout=0.3)
        await comm.disconnect()
        return nothing

    assert async_to_sync(scenario)()


def test_deleting_the_project_closes_every_socket(project, owner, viewer):
    async def scenario():
        sockets = [await connected(project, owner), await connected(project, viewer)]
        await sync_to_async(services.project_delete)(project=project, actor=owner)
        closes = []
        for comm in sockets:
            await comm.receive_from(timeout=TIMEOUT)
            closes.append(await comm.receive_output(timeout=TIMEOUT))
        return closes

    assert async_to_sync(scenario)() == [{"type": "websocket.close", "code": CLOSE_FORBIDDEN}] * 2


def test_removing_a_member_through_the_team_page_closes_their_socket(client, project, owner, engineer):
    client.force_login(owner)
    member_id = member(project, engineer).pk

    async def scenario():
        comm = await connected(project, engineer)
        response = await sync_to_async(client.post)(f"/projects/{project.id}/team/{member_id}/remove/")
        await comm.receive_from(timeout=TIMEOUT)
        return response.status_code, await comm.receive_output(timeout=TIMEOUT)

    status, closed = async_to_sync(scenario)()
    assert status == 302
    assert closed == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}
