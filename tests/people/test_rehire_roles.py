"""Someone taken on again (a roster start date after the leave date that closed their account) starts the new job
with none of the old one's access: not in HR or any CMS group, not a superuser, no authenticator app (they set up their
own second factor, as any new starter does), managing no team they managed before they left (those appointments end
the day after they left). Each is audited. They came back with every role they had: an HR officer re-hired as a porter
was HR again the day the roster opened their account. A leave date cleared (a termination withdrawn) keeps them all;
so does a return recorded ahead, before they have left: they still hold the job those roles are for."""

import datetime
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.models import ImportBatch
from portal.lib.csvfiles import show_date
from portal.people.managers import team_manager_end
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)

NUMBER = "10000005"


def roster(teams, *, start="01/04/2020", leave="") -> bytes:
    return esr_file(esr_row(NUMBER, f"{NUMBER}-1", code=teams["comms"].code, start=start, leave=leave))


def account():
    return get_user_model().objects.get(staff__employee_number=NUMBER)


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def privileged(teams):
    """Sam, on the roster since 2020: HR, a CMS editor, a superuser, with an authenticator app, managing Finance."""
    upload_and_apply(roster(teams))
    user = account()
    user.groups.add(hr_group(), Group.objects.get_or_create(name="Editors")[0])
    user.is_superuser = user.is_staff = True
    user.save()
    factories.with_mfa(user)
    TeamManager.objects.create(staff=user.staff, team=teams["finance"], started_on=datetime.date(2021, 1, 1))
    return user


def roles(user) -> dict:
    user = get_user_model().objects.get(pk=user.pk)
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "superuser": user.is_superuser,
        "authenticators": Authenticator.objects.filter(user=user).count(),
        "manages": list(TeamManager.objects.current().filter(staff__user=user).values_list("team__name", flat=True)),
    }


HELD = {"groups": ["Editors", "HR"], "superuser": True, "authenticators": 1, "manages": ["Finance"]}
NONE = {"groups": [], "superuser": False, "authenticators": 0, "manages": []}


def test_taken_on_again_comes_back_with_none_of_the_old_roles(privileged, teams):
    upload_and_apply(roster(teams, leave=show_date(day(-40))))
    assert not account().is_active and roles(privileged) == HELD  # a leaver keeps them, the account closed

    batch = upload_and_apply(roster(teams, start=show_date(day(-3))))

    assert batch.status == ImportBatch.DONE and account().is_active
    assert roles(privileged) == NONE
    (ended,) = TeamManager.objects.filter(staff__user=privileged)
    assert ended.ended_on == day(-39)  # the first day they no longer managed it: the day after they left
    (line,) = AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED, scope__contains="taken on again")
    assert line.actor_name == "a roster import"
    for said in ("Group HR", "Group Editors", "Superuser", "authenticator app", "Manager of Finance"):
        assert said in line.scope


def test_a_leave_date_cleared_keeps_the_roles(privileged, teams):
    upload_and_apply(roster(teams, leave=show_date(day(-40))))
    upload_and_apply(roster(teams))  # the termination withdrawn: the same start date, one unbroken period
    assert account().is_active and roles(privileged) == HELD


def test_a_return_recorded_ahead_keeps_the_roles_of_the_job_still_held(privileged, teams):
    upload_and_apply(roster(teams, leave=show_date(day(10))))
    batch = upload_and_apply(roster(teams, start=show_date(day(30))))
    assert batch.status == ImportBatch.DONE and roles(privileged) == HELD


def test_a_handover_hr_set_already_is_left_as_it_is(privileged, teams):
    """HR ended Sam's appointment at Finance after they left, on a day of its own, and named a successor: the
    import applies, both rows as HR left them."""
    upload_and_apply(roster(teams, leave=show_date(day(-40))))
    appointment = TeamManager.objects.get(staff__user=privileged)
    team_manager_end(manager=appointment, ended_on=day(-20), reason="Handed over to Ali", user=None)
    successor = factories.make_staff(team=teams["finance"])
    TeamManager.objects.create(staff=successor, team=teams["finance"], started_on=day(-20))

    batch = upload_and_apply(roster(teams, start=show_date(day(-3))))

    assert batch.status == ImportBatch.DONE, batch.error
    assert TeamManager.objects.get(staff__user=privileged).ended_on == day(-20)
    assert TeamManager.objects.get(staff=successor).ended_on is None
    assert roles(privileged)["groups"] == []


def test_the_dry_run_lists_them_under_taken_on_again_with_what_ends(client, privileged, teams):
    upload_and_apply(roster(teams, leave=show_date(day(-40))))
    hr = factories.make_user()
    hr.groups.add(hr_group())
    hr_client = factories.sign_in(client, factories.with_mfa(hr))
    data = roster(teams, start=show_date(day(-3)))
    response = hr_client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 302

    page = hr_client.get(reverse("imports:batch", args=[ImportBatch.objects.latest("pk").pk])).content.decode()

    section = page[page.index("<h2>Taken on again</h2>") :]
    item = section[section.index("<li>") : section.index("</li>")]
    assert item.startswith(f"<li>{NUMBER} Sam Taylor: ")
    for said in ("Group Editors", "Group HR", "Superuser", "authenticator app", "Manager of Finance"):
        assert said in item
    assert roles(privileged) == HELD  # a dry run


def test_the_dry_run_lists_no_one_for_a_leave_date_cleared(privileged, teams):
    upload_and_apply(roster(teams, leave=show_date(day(-40))))
    batch, plan = upload(roster(teams))
    assert [s.employee_number for s in plan.returners] == [NUMBER]
    assert batch.summary["dry_run"]["taken_on_again"] == []


def test_the_command_lines_dry_run_lists_them_too(privileged, teams, tmp_path):
    upload_and_apply(roster(teams, leave=show_date(day(-40))))
    path = tmp_path / "roster.csv"
    path.write_bytes(roster(teams, start=show_date(day(-3))))
    out = StringIO()
    call_command("import_file", "roster", str(path), stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("  taken on again: "))
    assert line.startswith(f"  taken on again: {NUMBER} Sam Taylor: ")
    for said in ("Group Editors", "Group HR", "Superuser", "authenticator app", "Manager of Finance"):
        assert said in line
    assert roles(privileged) == HELD  # a dry run
