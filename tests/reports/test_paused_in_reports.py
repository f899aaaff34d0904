"""A paused person: out of every figure, shown as "Paused until ...", and the same as at a date and in packs."""

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance import pauses, projection
from portal.compliance.asat import Moment
from portal.people.models import StaffChange, Team
from portal.reports.exports import export_rows
from portal.reports.lists import overdue_by_team
from portal.reports.models import EvidencePack
from portal.reports.organisation import figures_as_at, organisation_report
from portal.reports.packs import pack_build
from portal.reports.team import team_matrix
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.test_packs import _pdf_text


def _until():
    return timezone.localdate() + datetime.timedelta(days=90)


def _pause_grace(org, hr):
    projection.refresh()  # the HR officer joined after the org fixture's refresh
    return pauses.pause_add(
        staff=org["manager"],
        requirements=None,
        reason_code=pauses.OTHER,
        reason_text="Jury service at the Crown Court",
        first_day=timezone.localdate() - datetime.timedelta(days=3),
        last_day=_until(),
        user=hr.user,
    )


def test_a_paused_person_is_out_of_the_organisation_figures_live_and_as_at(org, hr):
    # Everyone long in post and never done is overdue: Grace in Communications; Felix and Fay in Finance.
    requirement = org["sam"].statuses.get().requirement
    root = Team.objects.get(depth=1)
    projection.refresh()
    before = organisation_report(root, today=timezone.localdate()).totals[requirement.pk]
    _pause_grace(org, hr)
    after = organisation_report(root, today=timezone.localdate()).totals[requirement.pk]
    assert (after.required, after.overdue) == (before.required - 1, before.overdue - 1)
    as_at = figures_as_at(root, [requirement], Moment.now())
    assert sum(f.required for f in as_at.values()) == after.required
    assert org["comms"].name not in {row["staff__team__name"] for row in overdue_by_team(timezone.localdate())}


def test_the_team_page_shows_paused_until_and_counts_them_apart(org, hr):
    _pause_grace(org, hr)
    matrix = team_matrix([org["comms"]])
    [count] = matrix.counts
    assert count["paused"] == 1 and count["overdue"] == 1  # Grace paused; Sam, in Digital below, overdue
    html = client_for(org["other"]).get(reverse("reports:team")).content.decode()  # Felix manages Finance only
    assert "Paused until" not in html
    hr_html = client_for(hr).get(reverse("reports:team") + f"?team={org['comms'].pk}").content.decode()
    assert f"Paused until {_until().day} {_until():%B %Y}" in hr_html


def test_the_person_and_the_manager_see_paused_until_but_only_hr_sees_the_words_of_other(org, hr):
    _pause_grace(org, hr)
    label = f"Paused until {_until().day} {_until():%B %Y}"
    mine = client_for(org["manager"]).get(reverse("reports:my_training")).content.decode()
    assert label in mine and "Jury service" not in mine
    hr_view = client_for(hr).get(reverse("reports:team_person", args=[org["manager"].pk])).content.decode()
    assert label in hr_view and "Pause requirements" in hr_view and "Jury service at the Crown Court" in hr_view
    pauses_page = client_for(hr).get(reverse("pauses:list", args=[org["manager"].pk])).content.decode()
    assert "Jury service at the Crown Court" in pauses_page


def test_exports_and_packs_show_the_pause_and_leave_it_out_of_the_pack_figures(org, hr, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    _pause_grace(org, hr)
    label = f"Paused until {_until().day} {_until():%B %Y}"
    live = {row.name: row.status for row in export_rows([org["comms"]])}
    as_at = {row.name: row.status for row in export_rows([org["comms"]], Moment.now())}
    assert live["Grace Manager"] == as_at["Grace Manager"] == label
    # As at yesterday's end the pause (recorded today) was not yet known: a report about then never changes.
    yesterday = Moment.end_of(timezone.localdate() - datetime.timedelta(days=1))
    assert {row.name: row.status for row in export_rows([org["comms"]], yesterday)}["Grace Manager"] == "Overdue"
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )
    pack_build(pack)
    pack.refresh_from_db()
    with pack.csv.open("rb") as csv:
        assert label in csv.read().decode("utf-8")
    text = " ".join(_pdf_text(pack.pdf.path, layout=False).split())
    grace = text[text.index("Grace Manager") :]
    assert label in grace and "Jury service" not in text
