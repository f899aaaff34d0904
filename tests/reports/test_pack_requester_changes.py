"""An evidence pack is asked for now and made later by the task worker: whoever asked is checked again when it is made.
A manager whose assignment ended, HR taken out of the HR group, an account closed or a leaver between asking and the
worker reaching the pack gets no pack: nothing about the team's people is written to disk, the pack is marked failed
and says why. Someone who may still report on the team (a manager moved to a team below, a manager made HR) gets it.
(After it is made, the download follows what they may still see: tests/reports/test_access_matrix.py.)"""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import TeamManager
from portal.people.roles import hr_group
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests import factories
from tests.reports.conftest import client_for


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _asked_for(staff, team) -> EvidencePack:
    assert client_for(staff).post(reverse("exports:pack_new"), {"team": team.pk}).status_code == 302
    return EvidencePack.objects.latest("pk")


def _assignment_ended(org, hr):
    TeamManager.objects.filter(staff=org["manager"]).update(ended_on=timezone.localdate())


def _assignment_ends_tomorrow(org, hr):
    TeamManager.objects.filter(staff=org["manager"]).update(ended_on=timezone.localdate() + datetime.timedelta(days=1))


def _manages_finance_instead(org, hr):
    TeamManager.objects.filter(staff=org["manager"]).update(team=org["finance"])


def _manages_digital_only(org, hr):
    TeamManager.objects.filter(staff=org["manager"]).update(team=org["digital"])


def _account_closed(org, hr):
    org["manager"].user.is_active = False
    org["manager"].user.save()


def _left(org, hr):
    org["manager"].leave_date = timezone.localdate() - datetime.timedelta(days=1)
    org["manager"].save()


def _made_hr_instead(org, hr):
    TeamManager.objects.filter(staff=org["manager"]).delete()
    org["manager"].user.groups.add(hr_group())


@pytest.mark.parametrize(
    ("change", "made"),
    [
        (_assignment_ended, False),
        (_manages_finance_instead, False),
        (_account_closed, False),
        (_left, False),
        (_assignment_ends_tomorrow, True),
        (_manages_digital_only, True),  # Digital is the pack's team
        (_made_hr_instead, True),
    ],
    ids=lambda value: value.__name__[1:] if callable(value) else str(value),
)
def test_a_managers_pack_is_made_only_if_they_may_still_report_on_the_team(org, hr, tasks_held, tmp_path, change, made):
    pack = _asked_for(org["manager"], org["digital"])
    change(org, hr)
    evidence_pack_build_task.call(pack.pk)
    pack.refresh_from_db()
    files = [path for path in (Path(tmp_path) / "private").rglob("*") if path.is_file()]
    if made:
        assert pack.status == EvidencePack.DONE and len(files) == 2
        return
    assert pack.status == EvidencePack.FAILED
    assert "may no longer report on Digital" in pack.error and "nothing was made" in pack.error
    assert (pack.pdf.name, pack.csv.name, files) == ("", "", [])


@pytest.mark.parametrize("change", ["out of the HR group", "account closed"])
def test_hrs_pack_is_not_made_once_they_are_no_longer_hr(org, hr, tasks_held, tmp_path, change):
    pack = _asked_for(hr, org["comms"])
    if change == "account closed":
        hr.user.is_active = False
        hr.user.save()
    else:
        hr.user.groups.remove(hr_group())
    evidence_pack_build_task.call(pack.pk)
    pack.refresh_from_db()
    assert pack.status == EvidencePack.FAILED and "may no longer report on Communications" in pack.error
    assert not [path for path in (Path(tmp_path) / "private").rglob("*") if path.is_file()]


def test_a_pack_refused_at_making_is_not_offered_to_anyone(org, hr, tasks_held):
    """The requester, back in post as manager of another team, finds nothing; HR never sees another's pack."""
    pack = _asked_for(org["manager"], org["digital"])
    _manages_finance_instead(org, hr)
    evidence_pack_build_task.call(pack.pk)
    for staff in (org["manager"], hr, factories.make_staff(team=org["digital"])):
        assert client_for(staff).get(reverse("exports:pack_pdf", args=[pack.pk])).status_code in (403, 404)
