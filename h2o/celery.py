"""The Celery app. Only used when REDIS_URL is set; without it phases run on
the in-process executor and no worker is needed."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "h2o.settings")

app = Celery("h2o")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
