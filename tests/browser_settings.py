"""Settings of the server processes the browser test starts (daphne, and a
Celery worker when REDIS_URL is set): the product's settings plus the test
phase, email to files the test reads, and names of its own in shared Redis."""

from h2o.settings import *  # noqa: F403
from h2o.settings import CACHES, INSTALLED_APPS, REDIS_URL, env

INSTALLED_APPS = [*INSTALLED_APPS, "tests.browser_app.PhasesForTestsConfig"]

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env.str("H2O_TEST_MAIL_DIR")

# A queue only this test's worker consumes, and cache keys (allauth's rate
# limits) no other run shares.
H2O_PHASE_QUEUE = env.str("H2O_PHASE_QUEUE", default="")
if REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": env.str("H2O_TEST_CACHE_PREFIX", default="browser")}}
