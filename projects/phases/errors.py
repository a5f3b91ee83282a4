"""Errors a phase function raises, and the messages the runner stores.

PhaseRun.error holds what the user reads. It is stored untranslated (an
English msgid) and translated when rendered (`{% translate run.error %}`), so
a Spanish and an English member both read it in their language. Phase code
should raise PhaseError with a message marked by gettext_noop (or a
gettext_lazy string: the runner stores its msgid).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_noop, override

ERROR_MAX_LENGTH = 1000

UNEXPECTED_ERROR = gettext_noop("The phase stopped because of an unexpected error. Try again; if it fails again, contact support.")
WORKER_LOST = gettext_noop("The worker running this phase stopped responding.")
NOT_QUEUED = gettext_noop("The phase could not be queued. Try again in a moment.")
PHASE_UNAVAILABLE = gettext_noop("This phase is not available.")


class PhaseError(Exception):
    """A step failed for a reason the user may read. Retried while attempts
    remain."""

    retry = True

    def __init__(self, message: str | Promise, *args: object) -> None:
        super().__init__(message, *args)
        self.message = message

    @property
    def user_message(self) -> str:
        return untranslated(self.message)


class PermanentPhaseError(PhaseError):
    """A failure that another attempt cannot fix (bad input data): the run
    fails at once."""

    retry = False


class RunAbandoned(Exception):
    """The run was taken over by another worker or failed by the reaper while
    this worker was still on it. Raised from ProgressReporter so the phase
    function stops; the runner swallows it."""


def untranslated(message: str | Promise) -> str:
    """A lazy translation's msgid; any other string as it is."""
    if isinstance(message, Promise):
        # With every translation deactivated gettext returns the msgid.
        with override(None):
            message = str(message)
    return str(message)[:ERROR_MAX_LENGTH]


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    errors: list[type[BaseException]] = [OperationalError, InterfaceError, ConnectionError, TimeoutError]
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover — redis is a dependency, but only needed with REDIS_URL
        pass
    else:
        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    try:
        import kombu.exceptions
    except ImportError:  # pragma: no cover
        pass
    else:
        errors.append(kombu.exceptions.OperationalError)
    return tuple(errors)


# Infrastructure hiccups (the database or the broker went away for a moment):
# worth retrying the task with backoff rather than failing the run.
TRANSIENT_ERRORS = _transient_errors()
