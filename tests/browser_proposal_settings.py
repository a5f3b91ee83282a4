"""Settings of the server processes of the proposal browser test: the
browser test's settings with the real proposal phase, held at its first step
until the test opens a gate (so the page can watch every step arrive)."""

from tests.browser_settings import *  # noqa: F403
from tests.browser_settings import INSTALLED_APPS

INSTALLED_APPS = [
    *(app for app in INSTALLED_APPS if app != "tests.browser_app.PhasesForTestsConfig"),
    "tests.browser_proposal_app.GatedProposalConfig",
]
