"""Phase 1 as a client walks it, in headless Chromium against a real ASGI
server: answer the questionnaire in the chat, start the proposal from the
summary, watch its steps arrive over the websocket without a reload, and
download the PDF.

The server is daphne with tests/browser_proposal_settings.py: the product
with its real proposal phase, held at its first step until the test opens a
gate (tests/browser_proposal_app.py), so the page is connected before the
steps run. With REDIS_URL a Celery worker runs the phase, as in production.
The server fixtures follow tests/test_browser_workspace.py and reuse its
helpers and its browser.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest

from .test_browser_workspace import (
    ROOT,
    WAIT_MS,
    Server,
    browser,  # noqa: F401 — the module's browser fixture
    serve,
)

pytestmark = pytest.mark.browser

PASSWORD = "Agua-limpia-2025!"

# The page records what the htmx websocket does: messages, and each step it showed running.
WATCH_WEBSOCKET = r"""
window.__h2o = {opened: 0, messages: 0, running: []};
document.addEventListener("htmx:wsOpen", () => { window.__h2o.opened += 1; });
document.addEventListener("htmx:wsAfterMessage", (event) => {
  window.__h2o.messages += 1;
  const text = String((event.detail && event.detail.message) || "");
  for (const match of text.matchAll(/data-step="([a-z_]+)" data-step-status="running"/g)) {
    const steps = window.__h2o.running;
    if (steps[steps.length - 1] !== match[1]) steps.push(match[1]);
  }
});
"""

SETUP = """
from tests.factories import ProjectFactory, ProjectMemberFactory, UserFactory
from projects.models import Role
user = UserFactory(email="{email}", password="{password}")
project = ProjectFactory(owner=user, name="{name}", client="Lácteos del Norte", sector="industrial",
                         subsector="dairy", country="MX", city="Monterrey")
ProjectMemberFactory(project=project, user=user, role=Role.OWNER)
print("PROJECT", project.id)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("browser-proposal")
    extra = {"MEDIA_ROOT": str(tmp / "media"), "H2O_AI_MODEL": ""}
    with serve(tmp, settings_module="tests.browser_proposal_settings", name="browser-proposal", extra_env=extra) as instance:
        yield instance


def _owner_with_project(server: Server) -> tuple[str, str]:
    email = f"ana.{uuid.uuid4().hex[:8]}@example.com"
    name = f"Planta Lácteos {uuid.uuid4().hex[:4]}"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP.format(email=email, password=PASSWORD, name=name)],
        cwd=ROOT, env=server.env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    project_id = re.search(r"PROJECT ([0-9a-f-]{36})", result.stdout).group(1)
    return email, project_id


def _answer_the_questionnaire(page, limit: int = 60) -> list[str]:
    """Answer each question the chat asks, the way a hurried client does: the
    default where there is one, else a plausible answer."""
    from playwright.sync_api import expect

    asked = []
    for _ in range(limit):
        question = page.locator("[data-role=current-question]")
        if page.locator("[data-role=complete]").count() or not question.count():
            return asked
        key = question.get_attribute("data-key")
        asked.append(key)
        form = page.locator("form.chat-answer")
        kind = form.get_attribute("data-type")
        skip = form.locator("[data-action=skip]")
        if skip.count():
            skip.click()
        elif kind == "quantity":
            form.locator("#chat-value").fill("500" if key == "flow_average" else "1")
            form.locator("[data-action=answer]").click()
        elif kind == "choice" and form.locator("select#chat-value").count():
            form.locator("select#chat-value").select_option(index=1)
            form.locator("[data-action=answer]").click()
        elif kind in ("choice", "multi_choice"):
            form.locator("input[name=value]").first.check()
            form.locator("[data-action=answer]").click()
        elif kind == "yes_no":
            form.locator("button[value=no]").click()
        else:
            form.locator("#chat-value").fill("Planta de lácteos")
            form.locator("[data-action=answer]").click()
        expect(page.locator(f'[data-role=current-question][data-key="{key}"]')).to_have_count(0)
    raise AssertionError(f"the questionnaire did not end: {asked}")


def test_a_client_answers_the_questionnaire_watches_the_proposal_being_made_and_downloads_it(server, browser):  # noqa: F811
    from playwright.sync_api import expect
    from pypdf import PdfReader

    expect.set_options(timeout=WAIT_MS)
    email, project_id = _owner_with_project(server)
    context = browser.new_context(locale="es-ES", base_url=server.url, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(WATCH_WEBSOCKET)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        page.wait_for_url(server.url + "/")

        page.goto(f"/projects/{project_id}/")
        expect(page.locator("#proposal-summary")).to_be_hidden()
        asked = _answer_the_questionnaire(page)
        assert "flow_average" in asked

        # The summary offers the proposal; starting it brings the workspace back with the run waiting at its gate.
        page.locator("[data-action=start-proposal]").click()
        page.wait_for_url(re.compile(rf"/projects/{project_id}/$"))
        phase = page.locator("#phase-run-proposal")
        expect(phase.locator('[data-step="requirements"][data-step-status="running"]')).to_be_visible()
        page.wait_for_function("window.__h2o.opened > 0")
        page.evaluate("window.__h2o.sameDocument = true")
        server.gate.touch()

        # Every step arrives over the socket, in order, and the run ends without a reload.
        expect(page.locator('#phase-run-proposal[data-status="succeeded"]')).to_be_visible(timeout=60_000)
        expect(phase.locator("[data-step-status=done]")).to_have_count(6)
        assert page.evaluate("window.__h2o.sameDocument") is True
        running = page.evaluate("window.__h2o.running")
        order = ["requirements", "train", "sizing", "costing", "writing", "rendering"]
        assert running == sorted(running, key=order.index) and len(running) >= 4, running
        expect(page.locator("#activity-feed")).to_contain_text("terminó la fase de propuesta")

        # The proposal panel came over the socket too: figures, the diagram, the download.
        panel = page.locator('#proposal-summary[data-ready="true"]')
        expect(panel).to_be_visible()
        expect(panel.locator("[data-figure=capex] .stat__value")).to_contain_text("MXN")
        expect(panel.locator("svg").first).to_be_visible()
        expect(page.locator("#documents")).to_contain_text("Propuesta conceptual")
        assert page.evaluate("window.__h2o.sameDocument") is True

        with page.expect_download() as download_info:
            panel.locator("[data-action=download-proposal]").click()
        download = download_info.value
        assert download.suggested_filename.endswith("-v1.pdf")
        content = open(download.path(), "rb").read()
        assert content.startswith(b"%PDF-")
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace("\xa0", " ")
        capex = panel.locator("[data-figure=capex] .stat__value").inner_text().replace("\xa0", " ").strip()
        assert capex in " ".join(text.split())
        assert "Propuesta conceptual" in text and "Diagrama de flujo de proceso" in text
        if server.celery_log is not None:
            assert re.search(r"Task projects\.tasks\.run_phase\[[^]]+\] succeeded", server.celery_log.read_text())
    except Exception:
        print(server.tail_logs())
        raise
    finally:
        context.close()
