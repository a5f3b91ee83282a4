"""The in-process executor: phase runs on a thread pool inside the web
process, for the embedded default (no REDIS_URL, no Celery worker).

Runs lost with the process (a restart) are found by reap_stale_runs() like
those of a dead Celery worker.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections

from .errors import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

DEFAULT_THREADS = 4
# A job whose database went away for a moment is tried again this many times.
TRANSIENT_RETRIES = 5
TRANSIENT_BACKOFF = 1.0  # seconds, doubled each time

_lock = threading.Condition()
_pool: ThreadPoolExecutor | None = None
_inflight = 0


def _get_pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            threads = int(getattr(settings, "H2O_PHASE_THREADS", DEFAULT_THREADS))
            _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="phase")
        return _pool


def submit(run_id: int, *, task_id: str = "", countdown: float = 0.0) -> None:
    """Run execute_run(run_id) on the pool, after `countdown` seconds."""
    global _inflight
    with _lock:
        _inflight += 1
    try:
        if countdown > 0:
            timer = threading.Timer(countdown, _submit_now, args=(run_id, task_id))
            timer.daemon = True
            timer.start()
        else:
            _submit_now(run_id, task_id)
    except BaseException:
        _done()
        raise


def _submit_now(run_id: int, task_id: str) -> None:
    try:
        _get_pool().submit(_job, run_id, task_id)
    except BaseException:
        logger.exception("Could not submit phase run %s to the in-process executor", run_id)
        _done()


def _done() -> None:
    global _inflight
    with _lock:
        _inflight -= 1
        _lock.notify_all()


def _job(run_id: int, task_id: str) -> None:
    from .runner import execute_run

    try:
        delay = TRANSIENT_BACKOFF
        for attempt in range(1, TRANSIENT_RETRIES + 1):
            try:
                # The same task id each time: a retry takes over the run the
                # failed try had claimed.
                execute_run(run_id, task_id=task_id)
                return
            except TRANSIENT_ERRORS:
                if attempt == TRANSIENT_RETRIES:
                    raise
                logger.warning("Phase run %s: transient error, trying again in %.0f s", run_id, delay, exc_info=True)
                connections.close_all()
                time.sleep(delay)
                delay *= 2
    except Exception:
        logger.exception("Phase run %s: the in-process executor gave up", run_id)
    finally:
        # Each pool thread has its own connections; do not leave them open
        # between jobs (PostgreSQL would count them, tests could not drop the db).
        connections.close_all()
        _done()


def wait_idle(timeout: float | None = None) -> bool:
    """Block until every submitted run (including those waiting for their
    retry backoff) has finished. True if idle, False on timeout."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with _lock:
        while _inflight > 0:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            _lock.wait(remaining)
    return True
