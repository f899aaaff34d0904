"""The roles the header shows links for, kept in the session: a page asks the database nothing to draw its menu.

They are read in one query when someone signs in (`session_roles_store`, called by `sessions.session_start`), or
the first time a session from before this was kept asks, and again on a new day (a manager's start and end dates
are days). They cannot go stale: every change to a person's roles (a group, a group's permissions, a team they
manage, superuser or active status) raises their session epoch, which ends the session at its next request
(`portal.accounts.sessions`, `portal.accounts.receivers`), and flags from another epoch are never used.

They decide what the menu shows, never what a page lets anyone do: views keep asking `is_hr`, `teams_managed_by`
and `has_perm`, which read the database. As there, a privileged role (HR, CMS editor) shows only in a session that
proved its second factor (`portal.accounts.mfa`).
"""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.utils import timezone

from portal.people.roles import roles_held

from .mfa import session_used_mfa

KEY = "_portal_roles"


@dataclass(frozen=True)
class HeaderRoles:
    hr: bool = False
    manages_teams: bool = False
    cms: bool = False

    @property
    def team(self) -> bool:
        """The "My team" link: HR see every team."""
        return self.hr or self.manages_teams


def session_roles_store(request, user, **extra) -> dict:
    """Read `user`'s roles (one query) and keep them in this session."""
    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    flags = roles_held(user, mfa=Exists(totp))
    flags.update(epoch=user.session_epoch, day=timezone.localdate().isoformat(), **extra)
    request.session[KEY] = flags
    return flags


def header_roles(request) -> HeaderRoles:
    """What the header shows to the person signed in to `request`: from the session, read afresh only for a session
    that has none yet, from another epoch or from another day."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return HeaderRoles()
    flags = request.session.get(KEY)
    if (
        not isinstance(flags, dict)
        or flags.get("epoch") != user.session_epoch
        or flags.get("day") != timezone.localdate().isoformat()
    ):
        flags = session_roles_store(request, user)
    used_mfa = session_used_mfa(request)
    if used_mfa and not flags["mfa"] and not flags.get("mfa_rechecked"):
        # The session proved a code from an authenticator set up since the roles were read (on another device):
        # read them once more.
        flags = session_roles_store(request, user, mfa_rechecked=True)
    proven = flags["mfa"] and used_mfa  # as `User.privileges_proven`, with no query
    return HeaderRoles(hr=flags["hr"] and proven, manages_teams=flags["manager"], cms=flags["cms"] and proven)
