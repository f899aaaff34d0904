"""The requirements a report about a past day lists are those in force that day, with their terms and names then
(`requirement_history.requirements_in_force_on`, as exports read them), not today's: the organisation report, the
team page, the figures kept for a day, a person's page as it was, and the requirement an export or a pack is
narrowed to. A requirement retired since is listed as at a day before, and may be chosen then; one introduced since
(or whose introduction was moved later since) is not, and asking for it about such a day says so."""

import csv
import datetime
import io

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection, status
from portal.compliance.asat import Moment
from portal.compliance.models import Requirement, RequirementChange
from portal.compliance.services import requirement_retire, requirement_save
from portal.people.models import StaffChange, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.kept import day_keep
from portal.reports.models import DailyFigure, EvidencePack
from portal.reports.organisation import organisation_report
from portal.reports.selectors import requirement_lines_as_it_was
from portal.reports.team import team_matrix
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


def _day():
    return timezone.localdate() - datetime.timedelta(days=30)


RETIRED_DAYS_AGO = 20
BASES = [AS_IT_WAS, AS_RECORDED]


def _new(name: str, introduced_on: datetime.date, hr) -> Requirement:
    """A requirement HR adds today, as HR's page does (its history begins today)."""
    requirement = Requirement(
        name=name,
        kind=Requirement.EXTERNAL_COURSE,
        renewal_months=12,
        new_starter_days=28,
        introduced_on=introduced_on,
    )
    requirement_save(requirement=requirement, user=hr.user)
    return requirement


@pytest.fixture
def changed(org, hr):
    """Long established: Old Course (retired twenty days ago), Relaunched Course (its introduction moved to today,
    today, as if relaunched) and Fire Safety (renamed today). Added today: New Course (introduced today) and
    Backfilled Course (introduced in 2000). The roster was loaded long ago."""
    old = factories.make_requirement(name="Old Course")
    relaunched = factories.make_requirement(name="Relaunched Course")
    fire = factories.make_requirement(name="Fire Safety")
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may backdate it
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))

    requirement_retire(requirement=Requirement.objects.get(pk=old.pk), user=hr.user, reason="Replaced")
    _backdate_retirement(old, RETIRED_DAYS_AGO)
    relaunched = Requirement.objects.get(pk=relaunched.pk)
    relaunched.introduced_on = timezone.localdate()
    requirement_save(requirement=relaunched, user=hr.user)
    fire = Requirement.objects.get(pk=fire.pk)
    fire.name = "Fire Safety (2026)"
    requirement_save(requirement=fire, user=hr.user)
    new = _new("New Course", timezone.localdate(), hr)
    backfilled = _new("Backfilled Course", datetime.date(2000, 1, 1), hr)
    projection.refresh()  # the runs as the backdated history gives them
    return {"old": old, "relaunched": relaunched, "fire": fire, "new": new, "backfilled": backfilled}


def _backdate_retirement(requirement, days: int) -> None:
    """Move the retirement (its history row and its day) `days` back, as if HR had retired it then. Only the owner
    may rewrite the history; the model refuses, so plain SQL."""
    from django.db import connection

    row = RequirementChange.objects.filter(requirement=requirement).latest("pk")
    assert row.retired_on == timezone.localdate()
    table = RequirementChange._meta.db_table
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET recorded_at = %s, effective_on = %s, retired_on = %s WHERE id = %s",  # noqa: S608
            [
                row.recorded_at - datetime.timedelta(days=days),
                row.effective_on - datetime.timedelta(days=days),
                row.retired_on - datetime.timedelta(days=days),
                row.pk,
            ],
        )
    Requirement.objects.filter(pk=requirement.pk).update(
        retired_on=timezone.localdate() - datetime.timedelta(days=days)
    )


def _names(requirements) -> set[str]:
    return {requirement.name for requirement in requirements}


# What each list should hold as at DAY: on both clocks Old Course (retired since) and Relaunched Course (in force
# then), with Fire Safety under its name then; never New Course. Backfilled Course was not known at the end of DAY,
# so only "as it was" (everything known now says it applied from 2000) lists it.
def _expected_then(basis: str) -> set[str]:
    expected = {"Safeguarding Adults Level 1", "Old Course", "Relaunched Course", "Fire Safety"}
    return expected | ({"Backfilled Course"} if basis == AS_IT_WAS else set())


EXPECTED_TODAY = {
    "Safeguarding Adults Level 1",
    "Relaunched Course",
    "Fire Safety (2026)",
    "New Course",
    "Backfilled Course",
}


@pytest.mark.parametrize("basis", BASES)
def test_the_organisation_report_lists_the_requirements_of_the_day(changed, org, basis):
    root = Team.objects.get(depth=1)
    then = organisation_report(root, as_at=_day(), today=timezone.localdate(), basis=basis)
    assert _names(then.requirements) == _expected_then(basis)
    assert _names(line.requirement for line in then.by_requirement) == _expected_then(basis)
    # Everyone in post then was required to do the retired one, and is counted on it.
    assert then.totals[changed["old"].pk].required > 0
    assert _names(organisation_report(root, as_at=None, today=timezone.localdate()).requirements) == EXPECTED_TODAY


@pytest.mark.parametrize("basis", BASES)
def test_the_organisation_reports_filter_offers_and_takes_the_requirements_of_the_day(changed, org, hr, basis):
    client = client_for(hr)
    url = reverse("hr_reports:organisation")
    page = client.get(url, {"as_at": _day().isoformat(), "basis": basis})
    options = page.content.decode().split('name="requirement"')[1].split("</select>")[0]
    assert "Old Course" in options and "New Course" not in options and "Fire Safety (2026)" not in options
    chosen = client.get(url, {"as_at": _day().isoformat(), "basis": basis, "requirement": changed["old"].pk})
    assert chosen.status_code == 200
    assert [r.name for r in chosen.context["report"].requirements] == ["Old Course"]
    refused = client.get(url, {"as_at": _day().isoformat(), "basis": basis, "requirement": changed["new"].pk})
    assert refused.status_code == 400
    assert f"“New Course” was not in force on {_day():%-d %B %Y}" in refused.content.decode()
    today = client.get(url, {"requirement": changed["old"].pk})
    assert today.status_code == 400 and "“Old Course” is not in use today" in today.content.decode()


@pytest.mark.parametrize("basis", BASES)
def test_the_team_page_as_at_lists_the_requirements_of_the_day(changed, org, basis):
    scope = [Team.objects.get(depth=1)]
    matrix = team_matrix(scope, Moment.end_of(_day()), basis=basis)
    assert _names(matrix.requirements) == _expected_then(basis)
    old = changed["old"].pk
    assert any(
        cell.requirement.pk == old and cell.state != status.NOT_REQUIRED for _, cells in matrix.people for cell in cells
    )
    assert _names(team_matrix(scope).requirements) == EXPECTED_TODAY


@pytest.mark.parametrize("basis", BASES)
def test_the_team_pages_filter_takes_a_requirement_of_the_day_only(changed, org, basis):
    client = client_for(org["manager"])
    url = reverse("reports:team")
    chosen = client.get(url, {"as_at": _day().isoformat(), "basis": basis, "requirement": changed["old"].pk})
    assert chosen.status_code == 200
    assert [r.name for r in chosen.context["matrix"].requirements] == ["Old Course"]
    refused = client.get(url, {"as_at": _day().isoformat(), "basis": basis, "requirement": changed["new"].pk})
    assert refused.status_code == 400
    assert f"“New Course” was not in force on {_day():%-d %B %Y}" in refused.content.decode()


def test_the_figures_kept_for_a_day_count_the_requirements_of_the_day(changed, org):
    assert day_keep(_day())
    kept = set(DailyFigure.objects.filter(day=_day(), required__gt=0).values_list("requirement__name", flat=True))
    # Named by their names now (the figures keep the requirement's id): Fire Safety is the one renamed since.
    assert kept == {"Safeguarding Adults Level 1", "Old Course", "Relaunched Course", "Fire Safety (2026)"}


def test_a_persons_page_as_it_was_shows_the_requirements_of_the_day(changed, org):
    lines = requirement_lines_as_it_was(org["fin"], _day())
    assert _names(line.requirement for line in lines) == _expected_then(AS_IT_WAS)
    lines = requirement_lines_as_it_was(org["fin"], timezone.localdate())
    assert _names(line.requirement for line in lines) == EXPECTED_TODAY


@pytest.mark.parametrize("basis", BASES)
def test_an_export_may_be_narrowed_to_a_requirement_retired_since(changed, org, hr, basis):
    client = client_for(hr)
    url = reverse("exports:csv")
    query = {"as_at": _day().isoformat(), "basis": basis, "team": Team.objects.get(depth=1).pk}
    response = client.get(url, {**query, "requirement": changed["old"].pk})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Fay Finance" in content and content.count("Old Course") >= 2
    refused = client.get(url, {**query, "requirement": changed["new"].pk})
    assert refused.status_code == 400
    assert f"“New Course” was not in force on {_day():%-d %B %Y}" in refused.content.decode()
    today = client.get(url, {"team": query["team"], "requirement": changed["old"].pk})
    assert today.status_code == 400 and "“Old Course” is not in use today" in today.content.decode()


def test_an_export_as_recorded_is_refused_a_requirement_not_known_at_the_end_of_the_day(changed, org, hr):
    client = client_for(hr)
    query = {"as_at": _day().isoformat(), "team": Team.objects.get(depth=1).pk, "requirement": changed["backfilled"].pk}
    assert client.get(reverse("exports:csv"), {**query, "basis": AS_IT_WAS}).status_code == 200
    refused = client.get(reverse("exports:csv"), {**query, "basis": AS_RECORDED})
    assert refused.status_code == 400
    assert f"“Backfilled Course” was not in force on {_day():%-d %B %Y}" in refused.content.decode()


@pytest.mark.parametrize("basis", BASES)
def test_a_pack_may_be_narrowed_to_a_requirement_retired_since(
    changed, org, hr, basis, private_media, settings, tmp_path
):
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")
    client = client_for(hr)
    url = reverse("exports:pack_new")
    query = {"team": org["finance"].pk, "as_at": _day().isoformat(), "basis": basis}
    refused = client.post(url, {**query, "requirement": changed["new"].pk})
    assert refused.status_code == 400
    assert f"“New Course” was not in force on {_day():%-d %B %Y}" in refused.content.decode()
    assert not EvidencePack.objects.exists()
    made = client.post(url, {**query, "requirement": changed["old"].pk})
    assert made.status_code == 302
    pack = EvidencePack.objects.get()
    assert pack.status == EvidencePack.DONE, pack.error
    rows = b"".join(client.get(reverse("exports:pack_csv", args=[pack.pk])).streaming_content).decode("utf-8-sig")
    assert "Fay Finance" in rows and "Old Course" in rows


def _csv_names(content: str) -> set[str]:
    rows = list(csv.reader(io.StringIO(content)))
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Employee number", "Name"])
    return {row[rows[start].index("Requirement")] for row in rows[start + 1 :]}


@pytest.mark.parametrize("basis", BASES)
def test_an_export_about_a_day_before_a_rename_names_the_requirement_as_it_was_named(changed, org, hr, basis):
    client = client_for(hr)
    query = {"as_at": _day().isoformat(), "basis": basis, "team": org["finance"].pk}
    response = client.get(reverse("exports:csv"), query)
    names = _csv_names(b"".join(response.streaming_content).decode("utf-8-sig"))
    assert "Fire Safety" in names and "Fire Safety (2026)" not in names
    response = client.get(reverse("exports:csv"), {"team": org["finance"].pk})
    assert "Fire Safety (2026)" in _csv_names(b"".join(response.streaming_content).decode("utf-8-sig"))


@pytest.mark.parametrize("basis", BASES)
def test_a_pack_about_a_day_before_a_rename_names_the_requirement_as_it_was_named(
    changed, org, hr, basis, private_media, settings, tmp_path
):
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")
    client = client_for(hr)
    made = client.post(
        reverse("exports:pack_new"), {"team": org["finance"].pk, "as_at": _day().isoformat(), "basis": basis}
    )
    assert made.status_code == 302
    pack = EvidencePack.objects.get()
    assert pack.status == EvidencePack.DONE, pack.error
    rows = b"".join(client.get(reverse("exports:pack_csv", args=[pack.pk])).streaming_content).decode("utf-8-sig")
    assert "Fire Safety" in _csv_names(rows) and "Fire Safety (2026)" not in _csv_names(rows)


@pytest.mark.parametrize("basis", BASES)
def test_a_requirement_reinstated_is_not_listed_on_the_days_it_was_retired(changed, org, hr, basis):
    from portal.compliance.services import requirement_reinstate

    requirement_reinstate(requirement=Requirement.objects.get(pk=changed["old"].pk), user=hr.user)
    projection.refresh()
    root = Team.objects.get(depth=1)
    between = timezone.localdate() - datetime.timedelta(days=10)
    assert "Old Course" not in _names(
        organisation_report(root, as_at=between, today=timezone.localdate(), basis=basis).requirements
    )
    assert "Old Course" in _names(
        organisation_report(root, as_at=_day(), today=timezone.localdate(), basis=basis).requirements
    )
    assert "Old Course" not in _names(team_matrix([root], Moment.end_of(between), basis=basis).requirements)
    assert "Old Course" in _names(team_matrix([root]).requirements)
