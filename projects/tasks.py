"""Celery tasks (used when REDIS_URL is set). Thin: an id in, the service
does the work (projects.phases.runner)."""

from celery import shared_task

from .phases.errors import TRANSIENT_ERRORS

# Transient failures (database or broker away for a moment) retry the task:
# 2 s, 4 s, 8 s … capped at 5 min, with jitter, at most 8 times. The run
# itself is fenced and idempotent, so a task delivered twice is harmless.
RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def run_phase(self, run_id: int) -> str:
    from .phases.runner import execute_run

    return execute_run(run_id, task_id=self.request.id or "")


@shared_task(acks_late=True, ignore_result=True, **RETRY_OPTIONS)
def reap_stale_runs() -> int:
    from .phases.runner import reap_stale_runs as reap

    return len(reap())
