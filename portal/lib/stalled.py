"""When background work has stopped: an import or an evidence pack that the task worker was applying or making, or
was waiting for it, with no sign of life since. A worker that is restarted or killed part way cannot write that it
failed, so its work would otherwise show "Applying" or "Being made" for ever."""

import datetime

from django.conf import settings
from django.utils import timezone


def stalled_before() -> datetime.datetime:
    """Work whose last sign of life is older than this has stopped. Each piece of work shows a sign of life at short
    intervals: a chunk of a completions file takes under a second, 25 people of a pack about half a second, and a
    whole roster of 10,000 people under a minute. PORTAL_STALLED_MINUTES (30) of silence means the worker is gone,
    not slow."""
    return timezone.now() - datetime.timedelta(minutes=settings.PORTAL_STALLED_MINUTES)
