"""Someone whose leave date has passed is out, at every door, whether or not a roster has closed their account since.

The leave date is the last day of service (`StaffMember.has_left`): the person is in post on it and out from the
day after. The daily run and every roster import close the accounts of those who have left
(`people.leavers.leaver_accounts_close`), so an account can still be open up to a day after its holder left, longer
if a daily run was missed. Every sign-in through allauth (the sign-in page and the Wagtail admin's, which sends people
there; single sign-on, which refuses leavers first itself; a password reset, were it set to sign in) passes
`AccountAdapter.pre_login`, and every re-authentication passes `AccountAdapter.reauthenticate` (a password) or
`ratelimits.ReauthenticateForm` (a code): each asks `sign_in_refused`. A session already open ends at the first
request after the leave date (`sessions.SessionLifetimeMiddleware`, which keeps the date its sign-in read).

A leaver is shown what a closed account is shown (allauth's "account inactive" page), only once their password or
code was right, so the refusal says nothing to someone guessing.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.people.models import StaffMember

from .session_roles import LEAVE

log = logging.getLogger(__name__)

MESSAGE = "You cannot sign in because our records show that you have left the organisation."
REASON = "has left the organisation"


def left_by(leave_date: datetime.date | None, today: datetime.date | None = None) -> bool:
    """Whether someone with this leave date has left by `today` (default today): the rule of `StaffMember.has_left`,
    for a leave date read without the rest of the record."""
    return leave_date is not None and leave_date < (today or timezone.localdate())


def leave_date_of(user) -> datetime.date | None:
    """`user`'s leave date: from the roster record read with the account if it was (a password sign-in reads both in
    one statement, `UserManager.get_by_natural_key`), else read now."""
    if get_user_model().staff.is_cached(user):
        staff = getattr(user, "staff", None)
        return staff.leave_date if staff is not None else None
    return StaffMember.objects.filter(user=user).values_list("leave_date", flat=True).first()


def sign_in_refused(request, user, *, method: str) -> bool:
    """Whether `user` has left. If they have, the refusal is audited, and a session they are signed in to ends at its
    next request."""
    leave_date = leave_date_of(user)
    if not left_by(leave_date):
        return False
    log.warning("Sign-in refused: %s %s (%s)", user.email, REASON, method)
    audit_record(
        actor=user,
        action=AuditEvent.SIGN_IN_FAILED,
        scope=user.email,
        request=request,
        method=method,
        reason=REASON,
    )
    session = getattr(request, "session", None)
    if session is not None and getattr(request, "user", None) == user:
        session[LEAVE] = leave_date.isoformat()
    return True
