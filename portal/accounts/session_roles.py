"""The roles a person holds, and whether they have an authenticator app, kept in the session: a page asks the
database nothing to draw its menu, nor to decide whether it must send a privileged person to prove a second factor.

They are read in one query when someone signs in (`session_roles_store`, called by `sessions.session_start`), or
the first time a session from before this was kept asks, and again on a new day (a manager's start and end dates
are days). They cannot go stale: every change to a person's roles (a group, a group's permissions, a team they
manage, superuser or active status) raises their session epoch, which ends the session at its next request
(`portal.accounts.sessions`, `portal.accounts.receivers`), and flags from another epoch are never used. So does an
authenticator removed, in every session but the one that removed it (which reads its flags again there); one set
up elsewhere is read the next time this session proves a code.

They decide what the menu shows, and whether the session has proved a second factor (`privileges_proven`, which
`portal.accounts.mfa` puts on the user for each request), never which role a page grants: views keep asking
`is_hr`, `teams_managed_by` and `has_perm`, which read the database. A privileged role (HR, CMS editor) shows only
in a session that proved its second factor.
"""

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from portal.people.roles import roles_held

KEY = "_portal_roles"
LEAVE = "_portal_leave"  # the person's leave date as last read (ISO), for portal.accounts.sessions


@dataclass(frozen=True)
class HeaderRoles:
    hr: bool = False
    manages_teams: bool = False
    cms: bool = False

    @property
    def team(self) -> bool:
        """The "My team" link: HR see every team."""
        return self.hr or self.manages_teams


def _codes_proved(request) -> int:
    """How many times this session's sign-in (or a later re-check) included a code from an authenticator."""
    return sum(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def session_used_mfa(request) -> bool:
    """This session's sign-in (or a later re-check) included a code from one of this person's authenticators."""
    return _codes_proved(request) > 0


def session_roles_store(request, user, **extra) -> dict:
    """Read `user`'s roles, and their leave date, (one query) and keep them in this session: the session's end at the
    leave date needs no statement of its own at sign-in (`portal.accounts.sessions`)."""
    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    flags = roles_held(user, mfa=Exists(totp), leave_date=F("staff__leave_date"))
    leave_date = flags.pop("leave_date") or None
    request.session[LEAVE] = leave_date.isoformat() if leave_date else None
    flags.update(epoch=user.session_epoch, day=timezone.localdate().isoformat(), **extra)
    request.session[KEY] = flags
    return flags


def session_roles(request) -> dict:
    """The roles kept in the session of `request` (signed in): read afresh only for a session that has none yet, or
    has them from another epoch or another day; and once more each time the session proves a code while its flags
    say it has no authenticator (one set up since they were read, on another device)."""
    user = request.user
    flags = request.session.get(KEY)
    if (
        not isinstance(flags, dict)
        or flags.get("epoch") != user.session_epoch
        or flags.get("day") != timezone.localdate().isoformat()
    ):
        flags = session_roles_store(request, user)
    if not flags["mfa"]:
        codes = _codes_proved(request)
        if codes > flags.get("codes_seen", 0):
            flags = session_roles_store(request, user, codes_seen=codes)
    return flags


def privileges_proven(request) -> bool:
    """Whether a privileged role counts in this session: it proved a code, and the person has an authenticator
    app, as allauth keeps them. No query once the session holds its flags."""
    return bool(session_roles(request)["mfa"]) and session_used_mfa(request)


def header_roles(request) -> HeaderRoles:
    """What the header shows to the person signed in to `request`."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return HeaderRoles()
    flags = session_roles(request)
    proven = privileges_proven(request)  # as `User.privileges_proven` for this request
    return HeaderRoles(hr=flags["hr"] and proven, manages_teams=flags["manager"], cms=flags["cms"] and proven)
