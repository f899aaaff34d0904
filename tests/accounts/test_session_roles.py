"""The header's links come from roles kept in the session, read once at sign-in: a page asks the database nothing to
draw its menu. Every way a person's roles change raises their session epoch, so flags from before a change are never
shown: the session ends, and the next sign-in reads the roles afresh. Views still decide access from the database."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts import session_roles, sessions
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

PAGE = reverse("certificates:mine")  # a simple page: the header and one list
ROLE_TABLES = ("auth_group", "auth_permission", "people_teammanager", "mfa_authenticator")


def _cms_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _editors() -> Group:
    group = Group.objects.get_or_create(name="Editors")[0]  # Wagtail's migrations make it
    group.permissions.add(_cms_permission())
    return group


@pytest.fixture
def staff(db):
    return factories.make_staff(team=factories.make_team("Ward", kind="organisation"))


def _client(user, **kwargs) -> Client:
    return factories.sign_in(Client(), user, **kwargs)


def _menu(client) -> set[str]:
    html = client.get(PAGE).content.decode()
    links = {"My team": "reports:team", "Organisation": "hr_reports:organisation", "Content (CMS)": None}
    return {name for name, url in links.items() if f'href="{reverse(url) if url else "/cms/"}"' in html}


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _epoch(user) -> int:
    return get_user_model().objects.get(pk=user.pk).session_epoch


def test_a_simple_pages_header_asks_the_database_nothing(staff, django_assert_num_queries):
    TeamManager.objects.create(staff=staff, team=staff.team)  # a manager: the header shows "My team"
    client = _client(staff.user)
    client.get(PAGE)  # the first page after signing in saves the session once
    # 1 session, 2 user, 3 the person's staff record, 4 their certificates. Nothing for the header's roles.
    with django_assert_num_queries(4) as captured:
        html = client.get(PAGE).content.decode()
    assert f'href="{reverse("reports:team")}"' in html
    assert not [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in ROLE_TABLES)]


def test_the_roles_are_read_in_one_query_at_sign_in(staff):
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        client.force_login(staff.user)
    assert len([q for q in captured.captured_queries if any(t in q["sql"] for t in ROLE_TABLES)]) == 1
    flags = client.session[session_roles.KEY]
    assert {k: flags[k] for k in ("hr", "manager", "cms", "mfa")} == dict.fromkeys(("hr", "manager", "cms", "mfa"), 0)
    assert flags["epoch"] == staff.user.session_epoch


def test_the_menu_shows_each_role(staff):
    assert _menu(_client(staff.user)) == set()

    TeamManager.objects.create(staff=staff, team=staff.team)
    assert _menu(_client(staff.user)) == {"My team"}

    hr = factories.with_mfa(factories.make_user())
    hr.groups.add(hr_group())
    assert _menu(_client(hr)) == {"My team", "Organisation"}
    # A privileged role counts only in a session that proved its second factor, in the menu as in the views.
    assert _menu(_client(hr, second_factor=False)) == set()

    editor = factories.with_mfa(factories.make_user())
    editor.groups.add(_editors())
    assert _menu(_client(editor)) == {"Content (CMS)"}
    assert _menu(_client(editor, second_factor=False)) == set()

    boss = factories.with_mfa(factories.make_user(is_superuser=True))
    assert _menu(_client(boss)) == {"My team", "Organisation", "Content (CMS)"}


def test_a_session_from_before_reads_its_roles_once_then_keeps_them(staff, django_assert_num_queries):
    TeamManager.objects.create(staff=staff, team=staff.team)
    client = _client(staff.user)
    session = client.session
    del session[session_roles.KEY]
    session.save()
    with CaptureQueriesContext(connection) as first:
        assert "My team" in _menu(client)
    assert [q for q in first.captured_queries if "people_teammanager" in q["sql"]]
    with CaptureQueriesContext(connection) as second:
        assert "My team" in _menu(client)
    assert not [q for q in second.captured_queries if "people_teammanager" in q["sql"]]


def test_the_roles_are_read_again_on_a_new_day(staff):
    """A manager's first and last days are days: one who starts tomorrow sees "My team" tomorrow, without signing
    in again (and one whose last day was yesterday no longer does)."""
    TeamManager.objects.create(staff=staff, team=staff.team, started_on=timezone.localdate() + datetime.timedelta(1))
    client = _client(staff.user)
    assert _menu(client) == set()
    session = client.session
    session[session_roles.KEY]["day"] = (timezone.localdate() - datetime.timedelta(1)).isoformat()
    session.save()
    TeamManager.objects.filter(staff=staff).update(started_on=timezone.localdate())  # as if a day had passed
    assert _menu(client) == {"My team"}


def test_a_changed_role_takes_effect_at_the_next_request(staff):
    client = _client(factories.with_mfa(staff.user))
    assert _menu(client) == set()
    staff.user.groups.add(hr_group())
    assert _signed_out(client.get(PAGE))  # no page is drawn with the flags from before
    assert _menu(_client(staff.user)) == {"My team", "Organisation"}

    client = _client(staff.user)
    staff.user.groups.remove(hr_group())
    assert _signed_out(client.get(PAGE))
    assert _menu(_client(staff.user)) == set()


def test_the_flags_never_open_a_page(staff):
    """Flags are for the menu: a session whose flags were tampered to say HR still gets HR's pages refused."""
    client = _client(factories.with_mfa(staff.user))
    session = client.session
    session[session_roles.KEY].update(hr=True, manager=True, cms=True, mfa=True)
    session.save()
    assert "Organisation" in _menu(client)
    assert client.get(reverse("hr_reports:organisation")).status_code == 403
    assert client.get(reverse("reports:team")).status_code in (403, 404)


def _wagtail_user_editor(field, value):
    def change(user):
        user = get_user_model().objects.get(pk=user.pk)
        setattr(user, field, value)
        user.save()

    return change


CHANGES = {
    "added to the HR group": lambda user: user.groups.add(hr_group()),
    "added to HR from the group's side": lambda user: hr_group().user_set.add(user),
    "their group emptied": lambda user: Group.objects.get(name="Staff").user_set.clear(),
    "all their groups taken away": lambda user: user.groups.clear(),
    "their groups set (the Wagtail admin's user editor)": lambda user: user.groups.set([_editors()]),
    "their group given the CMS (the Wagtail admin's group editor)": lambda user: Group.objects.get(
        name="Staff"
    ).permissions.set([_cms_permission()]),
    "CMS given to groups from the permission's side": lambda user: _cms_permission().group_set.add(
        Group.objects.get(name="Staff")
    ),
    "their group deleted": lambda user: Group.objects.get(name="Staff").delete(),
    "a permission of their own": lambda user: user.user_permissions.add(_cms_permission()),
    "permissions of their own cleared": lambda user: user.user_permissions.clear(),
    "made a superuser": _wagtail_user_editor("is_superuser", True),
    "deactivated (the Wagtail admin's user editor)": _wagtail_user_editor("is_active", False),
    "made a team's manager": lambda user: TeamManager.objects.create(staff=user.staff, team=user.staff.team),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_way_a_role_changes_raises_the_session_epoch(staff, change):
    user = staff.user
    staff_group = Group.objects.create(name="Staff")
    user.groups.add(staff_group)
    user.user_permissions.add(Permission.objects.get(codename="view_group"))
    hr_group().user_set.add(factories.make_user())
    before = _epoch(user)
    CHANGES[change](user)
    assert _epoch(user) > before


def test_a_renamed_group_changes_its_members_roles(staff):
    group = Group.objects.create(name="Human resources")
    staff.user.groups.add(group)
    before = _epoch(staff.user)
    group.name = "HR"
    group.save()
    assert _epoch(staff.user) == before + 1


def test_ending_or_removing_a_managers_role_raises_the_epoch(staff):
    link = TeamManager.objects.create(staff=staff, team=staff.team)
    before = _epoch(staff.user)
    link.ended_on = timezone.localdate()
    link.save()
    assert _epoch(staff.user) == before + 1
    link.delete()
    assert _epoch(staff.user) == before + 2


def test_a_leaver_closed_by_the_roster_import_has_their_epoch_raised(staff):
    from portal.people.roster import RosterPlan, apply_roster_changes

    staff.leave_date = timezone.localdate() - datetime.timedelta(days=3)
    staff.save()
    before = _epoch(staff.user)

    apply_roster_changes(RosterPlan())  # an empty file's plan: only the closing of accounts whose last day has passed
    user = get_user_model().objects.get(pk=staff.user.pk)
    assert not user.is_active and user.session_epoch == before + 1


def test_saving_an_old_copy_of_an_account_never_puts_the_old_epoch_back(staff):
    """A copy read before a role change, saved after it, must not revive the sessions the change ended."""
    old_copy = get_user_model().objects.get(pk=staff.user.pk)
    staff.user.groups.add(hr_group())
    raised = _epoch(staff.user)
    old_copy.first_name = "Renamed"
    old_copy.save()
    assert _epoch(staff.user) == raised


def test_the_copy_a_role_was_given_through_learns_its_new_epoch(staff):
    """Signing in the very object whose groups changed works (bench/reports.py's HR officer)."""
    user = staff.user
    user.groups.add(hr_group())
    assert user.session_epoch == _epoch(user)
    client = Client()
    client.force_login(user)
    assert client.get(PAGE).status_code == 200


def test_the_lifetime_checks_still_end_a_session_from_another_epoch(staff):
    client = _client(staff.user)
    session = client.session
    session[sessions.EPOCH] -= 1
    session.save()
    assert _signed_out(client.get(PAGE))


def test_a_code_proved_from_an_authenticator_set_up_elsewhere_shows_the_role(staff):
    staff.user.groups.add(hr_group())
    client = _client(staff.user)  # no authenticator yet: HR acts as staff, in the menu too
    assert _menu(client) == set()
    factories.with_mfa(staff.user)  # set up on another device
    client.post("/accounts/2fa/reauthenticate/", {"code": factories.totp_code()})
    assert _menu(client) == {"My team", "Organisation"}
