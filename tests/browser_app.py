"""An app that only test server processes install (tests/browser_settings.py):
it registers the gated test phase, so the browser can start it."""

from django.apps import AppConfig


class PhasesForTestsConfig(AppConfig):
    name = "tests"
    label = "h2o_test_phases"
    verbose_name = "Test phases"

    def ready(self) -> None:
        from projects.phases import register_phase

        from .phases_for_tests import STEPS, TEST_PHASE, gated

        register_phase(TEST_PHASE, STEPS, gated, replace=True)
