"""Take docs/screenshot-dashboard.png: log in as the demo user and capture
the dashboard with headless Debian Chromium.

    make run &                      # serves the demo on 127.0.0.1:8000
    .venv/bin/python docs/screenshot.py [http://127.0.0.1:8000] [docs/screenshot-dashboard.png] [es|en]
"""

import sys

from playwright.sync_api import sync_playwright

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
out = sys.argv[2] if len(sys.argv) > 2 else "docs/screenshot-dashboard.png"
lang = sys.argv[3] if len(sys.argv) > 3 else "es"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=lang)
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", "demo@h2o.example")
    page.fill("input[name=password]", "h2o-demo-2025")
    page.click("form.form button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(base + "/")  # again, without the "signed in" message
    page.wait_for_load_state("networkidle")
    page.screenshot(path=out, full_page=True)
    browser.close()
print(f"saved {out}")
