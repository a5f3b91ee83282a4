"""The questionnaire chat in headless Chromium against a real ASGI server:
answer with the unit selector, get a bad answer explained, skip, choose,
write in free text, upload an analysis, use the defaults for the rest and
change an earlier answer from the summary — all without a page reload. A
rate-limited answer (429) is shown as a chat bubble.

The server and the browser are those of tests/test_browser_workspace.py.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest

from .test_browser_workspace import WAIT_MS, browser, server  # noqa: F401 — fixtures

pytestmark = pytest.mark.browser

ANALYSIS = "Parámetro;Valor;Unidad\nSST;600;mg/L\nConductividad;2500;µS/cm\n"


def _sign_up_and_create_project(page, server, name: str) -> str:  # noqa: F811
    address = f"chat.{uuid.uuid4().hex[:8]}@example.com"
    password = "Agua-limpia-2025!"
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", address)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.locator("form:has(input[name=password2]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(urlsplit(server.confirmation_link(address)).path)
    page.locator("form[action*='/accounts/confirm-email/'] button[type=submit]").click()
    page.wait_for_url(server.url + "/")
    page.goto("/projects/new/")
    page.fill("input[name=name]", name)
    page.locator("select[name=sector]").select_option("industrial")
    page.locator("select[name=subsector]").select_option("dairy")
    page.locator("form:has(input[name=name]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/projects/[0-9a-f-]{36}/$"))
    return page.url


def test_a_person_answers_the_questionnaire_in_the_workspace_chat(server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(locale="es-ES", base_url=server.url)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        _sign_up_and_create_project(page, server, f"Planta {uuid.uuid4().hex[:4]}")
        page.evaluate("window.__sameDocument = true")
        chat = page.locator("#chat")
        current = page.locator("[data-role=current-question]")
        expect(current).to_have_attribute("data-key", "flow_average")

        # A bad answer is explained and the question stays open.
        page.fill("#chat-value", "abc m3/d")
        page.locator("[data-action=answer]").click()
        expect(chat.locator(".bubble--error").last).to_contain_text("No encontré un número en «abc m3/d»")
        expect(current).to_have_attribute("data-key", "flow_average")

        # A number with the unit chosen next to it.
        page.fill("#chat-value", "20")
        page.locator("#chat-unit").select_option("L/s")
        page.locator("[data-action=answer]").click()
        expect(current).to_have_attribute("data-key", "flow_peak")
        expect(page.locator('#chat-summary [data-key="flow_average"]')).to_contain_text("1728 m³/d".replace("1728", "1\u00a0728"))

        # Skipped: the default stands and the summary says so.
        page.locator("[data-action=skip]").click()
        expect(page.locator('#chat-summary [data-key="flow_peak"] [data-source="default"]')).to_be_visible()

        # A choice.
        expect(current).to_have_attribute("data-key", "destination")
        page.locator("input[name=value][value=surface_water]").check()
        page.locator("[data-action=answer]").click()
        expect(current).to_have_attribute("data-key", "sensitive_area")

        # Free text in the person's own words.
        page.fill("#chat-text", "DQO 3000 mg/L, pH 6,5")
        page.locator("[data-action=message]").click()
        expect(chat.locator('[data-kind="extraction"]').last).to_contain_text("DQO: 3")
        expect(page.locator('#chat-summary [data-key="ph"]')).to_contain_text("6,5")

        # An analysis file.
        analysis = tmp_path / "analisis.csv"
        analysis.write_text(ANALYSIS, encoding="utf-8")
        page.set_input_files("#chat-file", str(analysis))
        page.locator("[data-action=upload]").click()
        report = chat.locator('[data-kind="upload_report"]').last
        expect(report).to_contain_text("analisis.csv")
        expect(report).to_contain_text("Conductividad")
        expect(page.locator('#chat-summary [data-key="tss"] [data-source="upload"]')).to_be_visible()

        # Typical values for the rest: the questionnaire is complete.
        page.locator("[data-action=use-defaults]").click()
        expect(chat).to_have_attribute("data-complete", "true")

        # Back to an earlier answer from the summary.
        page.locator('#chat-summary [data-key="flow_average"] [data-action=edit]').click()
        expect(current).to_have_attribute("data-key", "flow_average")
        expect(page.locator("#chat-value")).to_have_value("20")
        page.fill("#chat-value", "25")
        page.locator("[data-action=answer]").click()
        expect(page.locator('#chat-summary [data-key="flow_average"]')).to_contain_text("2\u00a0160 m³/d")
        assert page.evaluate("window.__sameDocument") is True

        # A rate-limited request shows its message as a bubble (the server's 429).
        bubble = (
            '<li class="bubble bubble--assistant bubble--error" data-kind="rate_limited">'
            "<p class=bubble__text>Too many</p></li>"
        )
        page.route(
            "**/questionnaire/message/",
            lambda route: route.fulfill(
                status=429, body=bubble, content_type="text/html",
                headers={"HX-Retarget": "#chat-messages", "HX-Reswap": "beforeend"},
            ),
        )  # fmt: skip
        page.fill("#chat-text", "pH 7")
        page.locator("[data-action=message]").click()
        expect(chat.locator('[data-kind="rate_limited"]')).to_contain_text("Too many")
        assert page.evaluate("window.__sameDocument") is True
    except Exception:
        print(server.tail_logs())
        raise
    finally:
        context.close()
