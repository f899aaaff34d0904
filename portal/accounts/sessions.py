"""How long a sign-in lasts, and ending every session of a person at once.

A session ends after PORTAL_SESSION_IDLE_MINUTES without a request, or PORTAL_SESSION_MAX_HOURS after signing in,
whichever comes first. Each session remembers the person's `session_epoch` from when they signed in; raising the
epoch (a role change, leaving) ends every session they have, on whichever device, at its next request (the epoch is
on the person's row, which every request reads anyway). The session also keeps the person's leave date, read with
their roles as they signed in (`session_roles_store`), so the very first request after it ends the session (a
fresh sign-in buys no grace) without a statement of its own. The database is read again at most once a minute per
session, for a leave date recorded since, so that adds nothing to most requests.
"""

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.db.models import F

from .leavers import left_by
from .session_roles import LEAVE, session_roles_store

STARTED, SEEN, EPOCH = "_portal_started", "_portal_seen", "_portal_epoch"
LEFT = "You have been signed out because our records show that you have left the organisation."
CHECK_EVERY = 60  # seconds between reads of the person's epoch and leave date


def idle_seconds() -> int:
    return getattr(settings, "PORTAL_SESSION_IDLE_MINUTES", 30) * 60


def max_seconds() -> int:
    return getattr(settings, "PORTAL_SESSION_MAX_HOURS", 10) * 3600


def session_start(request, user) -> None:
    """Called when someone signs in (user_logged_in). Keeps the roles the header shows (`session_roles`), and the
    person's leave date with them."""
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session[EPOCH] = user.session_epoch
    session_roles_store(request, user)


@dataclass(frozen=True)
class TimeLeft:
    """Seconds until a session ends if nothing more is asked of the portal, and whether that end is its lifetime's,
    which staying signed in cannot put off, rather than the idle time's."""

    seconds: int
    final: bool


def session_time_left(request) -> TimeLeft:
    """For the page's warning before the session ends (WCAG 2.2.1; portal/static/portal/js/session-timeout.js)."""
    session, now = request.session, int(time.time())
    idle_left = idle_seconds() - (now - session.get(SEEN, now))
    lifetime_left = max_seconds() - (now - session.get(STARTED, now))
    return TimeLeft(seconds=max(0, min(idle_left, lifetime_left)), final=lifetime_left <= idle_left)


def session_keep(request) -> TimeLeft:
    """The person asked to stay signed in: the idle time starts again now."""
    request.session[SEEN] = int(time.time())
    return session_time_left(request)


def sessions_end_for(user_ids: Iterable[int]) -> int:
    """End every session of these people at their next request. Returns how many people."""
    ids = [pk for pk in user_ids if pk]
    return get_user_model().objects.filter(pk__in=ids).update(session_epoch=F("session_epoch") + 1)


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self._reason_to_end(request, user)
            if reason:
                # The request goes on as an anonymous visitor's, not the person's: LoginRequiredMiddleware (whose
                # check runs after this) sends it to sign in, and the few views open to visitors do their part, such
                # as keeping quiz answers posted after the session ran out until the person signs in again.
                logout(request)
                messages.info(request, reason)
        return self.get_response(request)

    def _reason_to_end(self, request, user) -> str | None:
        session, now = request.session, int(time.time())
        started = session.setdefault(STARTED, now)  # sessions from before this middleware: start counting now
        seen = session.get(SEEN, now)
        if now - seen > idle_seconds():
            return f"You were signed out after {idle_seconds() // 60} minutes without activity. Sign in again."
        if now - started > max_seconds():
            return f"You were signed out because you signed in more than {max_seconds() // 3600} hours ago."
        if EPOCH in session and session[EPOCH] != user.session_epoch:
            # The person's row is read on every request anyway: a role granted or taken away ends the session at
            # once, so a session never holds a role it did not sign in with (nor a second factor proved without it).
            return "Your access has changed, so you have been signed out. Sign in again."
        if now - seen >= CHECK_EVERY or EPOCH not in session or LEAVE not in session:
            fresh = get_user_model().objects.filter(pk=user.pk).values("session_epoch", "staff__leave_date").first()
            if fresh is None or fresh["session_epoch"] != session.setdefault(EPOCH, fresh["session_epoch"]):
                return "Your access has changed, so you have been signed out. Sign in again."
            leave_date = fresh["staff__leave_date"]
            session[LEAVE] = leave_date.isoformat() if leave_date else None
            session[SEEN] = now
        if session[LEAVE] and left_by(datetime.date.fromisoformat(session[LEAVE])):
            return LEFT
        return None
