"""A person's first visit, in headless Chromium against a real ASGI server:
sign up, confirm the email, create a project, find it on the dashboard, open
the workspace, start a phase and watch its progress arrive over the websocket
without a reload, then switch the language.

The server is daphne in a subprocess with tests/browser_settings.py (the
product plus the test phase), on a database of its own; with REDIS_URL set a
Celery worker runs the phase, as in production, else the in-process executor.
"""

from __future__ import annotations

import email
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from .phases_for_tests import GATE_ENV, delete_celery_queue

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 30.0
WAIT_MS = 15_000  # for anything the page waits on (a swap, a navigation)

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


# --- The server -----------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    mail_dir: Path
    gate: Path
    logs: list[Path]
    celery_log: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def confirmation_link(self, address: str, timeout: float = 10.0) -> str:
        """The confirmation link of the last email sent to `address`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in reversed(_mail_texts(self.mail_dir)):
                if address in text:
                    match = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", text)
                    if match:
                        return match.group(0)
            time.sleep(0.1)
        raise AssertionError(f"no confirmation email for {address} in {self.mail_dir}")

    def tail_logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in self.logs if log.exists())


def _mail_texts(directory: Path) -> list[str]:
    """Each message the file backend wrote, decoded, oldest first."""
    texts = []
    for path in sorted(directory.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for raw in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
            message = email.message_from_string(raw.strip())
            parts = [part for part in message.walk() if not part.is_multipart()]
            texts.append(
                str(message["To"])
                + "\n"
                + "\n".join((part.get_payload(decode=True) or b"").decode(errors="replace") for part in parts)
            )
    return texts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(check, what: str, logs, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start:\n" + "\n".join(log.read_text(errors="replace")[-4000:] for log in logs))


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class _Database:
    """A database for the server processes only: a SQLite file, or a fresh
    PostgreSQL database next to the one DATABASE_URL names."""

    def __init__(self, tmp: Path) -> None:
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(base)
            self.name = f"h2o_browser_{uuid.uuid4().hex[:10]}"
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self._execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.url = f"sqlite:///{tmp / 'db.sqlite3'}"

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def drop(self) -> None:
        if self.postgres:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def serve(tmp: Path, *, settings_module: str, name: str, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """daphne with ``settings_module`` on its own database (and, with REDIS_URL, a Celery
    worker on its own queue, as in production); everything is stopped and dropped after."""
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    redis_url = os.environ.get("REDIS_URL", "")
    queue = f"h2o-{name}-{uuid.uuid4().hex[:12]}"
    database = _Database(tmp)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database.url,
        "H2O_TEST_MAIL_DIR": str(mail_dir),
        GATE_ENV: str(tmp / "gate"),
        "H2O_PHASE_QUEUE": queue,
        "H2O_TEST_CACHE_PREFIX": queue,
        "DEBUG": "true",
        **(extra_env or {}),
    }
    processes: list[subprocess.Popen] = []
    logs: list[Path] = []

    def start(name: str, *args: str) -> subprocess.Popen:
        log = tmp / f"{name}.log"
        logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        port = _free_port()
        start("daphne", "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "h2o.asgi:application")
        if redis_url:
            worker_log = tmp / "celery.log"
            start(
                "celery", "-m", "celery", "-A", "h2o", "worker", "--pool=solo", "-Q", queue, "--loglevel=INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname", f"{queue}@%h",
            )  # fmt: skip
            _wait_until(lambda: b" ready." in worker_log.read_bytes(), "The Celery worker", logs)
        url = f"http://127.0.0.1:{port}"
        _wait_until(lambda: _http_ok(url + "/accounts/login/"), "daphne", logs)
        yield Server(
            url=url, mail_dir=mail_dir, gate=tmp / "gate", logs=logs,
            celery_log=tmp / "celery.log" if redis_url else None, env=env,
        )
    finally:
        for process in processes:
            _stop(process)
        database.drop()
        if redis_url:
            delete_celery_queue(redis_url, queue)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("browser"), settings_module="tests.browser_settings", name="browser") as instance:
        yield instance


# --- The browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# The page records what the htmx websocket does, so the test can tell a swap
# that came over the socket from a reload.
WATCH_WEBSOCKET = """
window.__h2o = {opened: 0, messages: 0};
document.addEventListener("htmx:wsOpen", () => { window.__h2o.opened += 1; });
document.addEventListener("htmx:wsAfterMessage", () => { window.__h2o.messages += 1; });
"""


def test_a_new_user_signs_up_creates_a_project_and_watches_a_phase_run_live(server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    address = f"ana.{uuid.uuid4().hex[:8]}@example.com"
    password = "Agua-limpia-2025!"
    project_name = f"Planta Lácteos {uuid.uuid4().hex[:4]}"

    context = browser.new_context(locale="es-ES", base_url=server.url)
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(WATCH_WEBSOCKET)
    page = context.new_page()
    try:
        # Sign up; the address must be confirmed before anything else.
        page.goto("/accounts/signup/")
        page.fill("input[name=email]", address)
        page.fill("input[name=password1]", password)
        page.fill("input[name=password2]", password)
        page.locator("form:has(input[name=password2]) button[type=submit]").click()
        page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

        link = server.confirmation_link(address)
        page.goto(urlsplit(link).path)
        page.locator("form[action*='/accounts/confirm-email/'] button[type=submit]").click()
        page.wait_for_url(server.url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "es")

        # Create a project from the dashboard's modal: it opens in its workspace.
        page.locator(".page-header__actions a[href='/projects/new/']").click()
        form = page.locator("#modal form")
        form.locator("input[name=name]").fill(project_name)
        form.locator("input[name=client]").fill("Lácteos del Norte")
        form.locator("select[name=sector]").select_option("industrial")
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"/projects/[0-9a-f-]{36}/$"))
        workspace_url = page.url
        expect(page.locator("h1")).to_have_text(project_name)

        # It is on the dashboard; its card opens the workspace.
        page.goto("/")
        card = page.locator("a.project-card", has_text=project_name)
        expect(card).to_be_visible()
        card.click()
        page.wait_for_url(workspace_url)

        # Start the test phase once the websocket is open, and mark the page:
        # a reload would lose the mark.
        page.wait_for_function("window.__h2o.opened > 0")
        page.evaluate("window.__h2o.sameDocument = true")
        phase = page.locator("#phase-run-proposal")
        phase.locator("[data-action=start-phase]").click()

        # The run stops at 25 % until the test opens the gate: that state can
        # only come over the websocket.
        expect(page.locator('#phase-run-proposal[data-status="running"][data-progress="25"]')).to_be_visible()
        expect(phase.locator('[data-step="prepare"][data-step-status="running"]')).to_be_visible()
        # The current-phase panel follows the same updates.
        expect(page.locator("#phase-actions [data-role=phase-status]")).to_have_text("En curso")
        expect(page.locator("#phase-actions")).to_contain_text("25 %")
        assert page.evaluate("window.__h2o.sameDocument") is True
        server.gate.touch()

        expect(page.locator('#phase-run-proposal[data-status="succeeded"]')).to_be_visible()
        expect(phase.locator("[data-step-status=done]")).to_have_count(3)
        expect(phase.locator("[data-role=phase-status]")).to_have_text("Terminada")
        expect(page.locator("#phase-actions [data-role=phase-status]")).to_have_text("Terminada")
        assert page.evaluate("window.__h2o.sameDocument") is True
        assert page.evaluate("window.__h2o.messages") >= 3
        # The feed follows too: the start, then the end of the run.
        expect(page.locator("#activity-feed")).to_contain_text("terminó la fase de propuesta")
        expect(page.locator("#activity-feed")).to_contain_text("inició la fase de propuesta")
        if server.celery_log is not None:  # with REDIS_URL the worker ran it, not the web process
            assert re.search(r"Task projects\.tasks\.run_phase\[[^]]+\] succeeded", server.celery_log.read_text())

        # Switch to English: the page, and what the socket sends, follow.
        page.locator("form.lang-switch button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(phase.locator("[data-role=phase-status]")).to_have_text("Done")
        page.wait_for_function("window.__h2o.opened > 0 && window.__h2o.messages > 0")
        expect(phase.locator("[data-role=phase-status]")).to_have_text("Done")
        expect(page.locator("#phase-run-proposal .timeline__name")).to_have_text("Proposal")
        expect(page.locator("#activity-feed")).to_contain_text("started the proposal phase")
    except Exception:
        print(server.tail_logs())
        raise
    finally:
        context.close()
