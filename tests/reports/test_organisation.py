"""HR's organisation report: figures, drill-down, filters, as at a date, who may see it, and its query count."""

import datetime
import re

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance.asat import Moment
from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import evidence_void
from portal.people.models import StaffChange, Team
from portal.people.roles import hr_group
from portal.reports.models import KeptDay
from portal.reports.organisation import Figure, figures_as_at, figures_kept, organisation_report
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for

URL = reverse("hr_reports:organisation")


def _root():
    return Team.objects.get(depth=1)


def _figures(report):
    return {
        (group.team.name, requirement_id): (figure.required, figure.compliant, figure.overdue)
        for group in report.groups
        for requirement_id, figure in group.figures.items()
    }


def test_the_report_counts_people_by_directorate_and_requirement(org):
    requirement = org["sam"].statuses.get().requirement
    factories.make_completion(org["sam"], requirement)
    report = organisation_report(_root(), today=timezone.localdate())
    # Communications: Grace (overdue: started 2020, never done) and Sam (done); Finance: Felix and Fay, both overdue.
    assert _figures(report) == {
        ("Communications", requirement.pk): (2, 1, 1),
        ("Finance", requirement.pk): (2, 0, 2),
    }
    assert report.totals[requirement.pk].percent == 25


def test_kept_figures_equal_figures_computed_from_the_ledger_for_every_part_and_filter(org, monkeypatch):
    requirement = org["sam"].statuses.get().requirement
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now - datetime.timedelta(days=2))
    factories.make_completion(org["sam"], requirement)
    factories.make_completion(org["fin"], requirement, completed_at=real_now - datetime.timedelta(days=500))
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    day = timezone.localdate() - datetime.timedelta(days=1)
    requirements = [requirement]
    for node in Team.objects.all():
        for group in ("", "Administrative and Clerical", "Nursing"):
            kept = figures_kept(node, requirements, day, group)
            assert kept == figures_as_at(node, requirements, Moment.end_of(day), group), (node.name, group)
    assert KeptDay.objects.count() == 1


def test_the_live_report_and_the_report_as_at_today_agree(org):
    requirement = org["sam"].statuses.get().requirement
    factories.make_completion(org["sam"], requirement)
    factories.make_completion(org["fin"], requirement, completed_at=timezone.now() - datetime.timedelta(days=400))
    today = timezone.localdate()
    for node in Team.objects.all():
        live = organisation_report(node, today=today)
        as_at = organisation_report(node, today=today, as_at=today)
        assert _figures(live) == _figures(as_at), node.name


def test_a_report_as_at_a_past_day_does_not_change_when_later_evidence_arrives(org, hr, monkeypatch):
    requirement = org["sam"].statuses.get().requirement
    with as_owner():  # the roster, a month ago; only the owner may rewrite the roster's history
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    real_now = timezone.now()
    three_days_ago = real_now - datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: three_days_ago)
    early = factories.make_completion(org["sam"], requirement, completed_at=three_days_ago)
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    past_day = timezone.localdate(three_days_ago)
    before = _figures(organisation_report(_root(), today=timezone.localdate(), as_at=past_day))
    page_before = client_for(hr).get(URL, {"as_at": past_day.isoformat(), "basis": "as_recorded"}).content.decode()

    factories.make_completion(org["fin"], requirement)
    factories.make_completion(org["manager"], requirement)
    evidence_void(entry=early, reason="entered against the wrong person", voided_by=hr.user)

    after = _figures(organisation_report(_root(), today=timezone.localdate(), as_at=past_day))
    page_after = client_for(hr).get(URL, {"as_at": past_day.isoformat(), "basis": "as_recorded"}).content.decode()
    assert before == after
    # Read from the figures kept for that day; computed from the ledger afresh, they are still the same.
    assert KeptDay.objects.filter(day=past_day).exists()
    requirements = list(Requirement.objects.filter(active=True))
    afresh = figures_as_at(_root(), requirements, Moment.end_of(past_day))
    assert afresh == figures_kept(_root(), requirements, past_day)
    assert before[("Communications", requirement.pk)] == (2, 1, 1)
    # The report, to the end of the page's content (each page's session warning has a form with a fresh CSRF token)
    report_before, report_after = (
        p.split("<h2>By requirement</h2>")[1].split("<dialog")[0] for p in (page_before, page_after)
    )
    assert report_before == report_after
    live = _figures(organisation_report(_root(), today=timezone.localdate()))
    assert live[("Finance", requirement.pk)] == (2, 1, 1)


def test_hr_drills_from_the_organisation_to_a_directorate_to_a_team(org, hr):
    client = client_for(hr)
    html = client.get(URL).content.decode()
    assert "By directorate" in html
    assert f'href="?team={org["comms"].pk}"' in html  # Communications has teams below: drill deeper
    html = client.get(URL, {"team": org["comms"].pk}).content.decode()
    assert "By team" in html
    assert f"{reverse('reports:team')}?team={org['digital'].pk}" in html  # a team with no teams below: its people
    assert f"People in {org['comms'].name}" in html  # Grace sits directly in Communications


def test_filters_narrow_the_report(org, hr):
    factories.make_staff(team=org["finance"], first_name="Nia", last_name="Nurse", staff_group="Nursing")
    other = factories.make_requirement(name="Fire Safety")
    refresh()
    client = client_for(hr)
    response = client.get(URL, {"staff_group": "Nursing"})
    assert {line.figure.required for line in response.context["report"].by_requirement} == {1}  # Nia alone
    assert "0 of 1" in response.content.decode()
    html = client.get(URL, {"requirement": other.pk}).content.decode()
    assert "Fire Safety" in html and "Safeguarding Adults Level 1" not in html.split("By requirement")[1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_at": "31/03/2026"}, "The date in the web address must be year-month-day"),
        ({"as_at": "2999-01-01"}, "The date must be today or in the past"),
        ({"requirement": "999999"}, "Choose a requirement from the list"),
        ({"staff_group": "Astronauts"}, "Choose a staff group from the list"),
        ({"team": "abc"}, "There is no such team"),
    ],
)
def test_bad_filters_are_named_and_show_no_figures(org, hr, query, message):
    response = client_for(hr).get(URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html
    assert "By requirement" not in html


def test_only_hr_sees_the_organisation_report(org, hr, client):
    assert client_for(hr).get(URL).status_code == 200
    for person in (org["manager"], org["sam"], org["other"]):
        assert client_for(person).get(URL).status_code == 403
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_hr_without_mfa_is_sent_to_set_it_up(org):
    staff = factories.make_staff(team=org["finance"])
    staff.user.groups.add(hr_group())
    response = client_for(staff).get(URL)
    assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"]


@pytest.mark.parametrize("extra", [0, 12])
def test_the_report_runs_a_constant_number_of_queries(org, hr, extra, django_assert_num_queries):
    for n in range(extra):
        team = factories.make_team(f"Ward {n}", parent=org["finance"])
        factories.make_staff(team=team)
    factories.make_requirement(name="Fire Safety")
    refresh()
    client = client_for(hr)
    # session, user, HR check (view; the second-factor check reads the session's flags: no query); root team,
    # staff groups (form), team/requirement lookups are skipped when absent; requirements, figures, group teams,
    # ancestors, requirement choices (form render); the daily reminder runs' warning (one query whatever the runs:
    # portal.compliance.reminder_runs, tests/reports/test_reminder_run_warning.py)
    with django_assert_num_queries(10):
        assert client.get(URL).status_code == 200


def test_the_percentage_is_rounded_down_against_the_target(settings):
    settings.PORTAL_COMPLIANCE_TARGET = 95
    nearly = Figure(required=1000, compliant=949)
    assert nearly.percent == 94 and not nearly.meets_target
    assert Figure(required=20, compliant=19).meets_target
    assert Figure().percent is None and not Figure().meets_target


def test_every_percentage_is_rounded_down_and_the_page_says_so(org, hr):
    assert [Figure(required=3, compliant=2).percent, Figure(required=1000, compliant=949).percent] == [66, 94]
    assert not Figure(required=1000, compliant=949).meets_target  # 94.9% is short of the 95% target
    client = client_for(hr)
    for url in (URL, reverse("hr_reports:trend")):
        assert "Percentages are rounded down to a whole number: 2 of 3 shows as 66%" in client.get(url).content.decode()


def test_the_report_puts_the_furthest_below_the_target_first_and_names_the_worst_teams(org, hr):
    safeguarding = org["sam"].statuses.get().requirement
    fire = factories.make_requirement(name="Fire Safety")
    for person in (org["sam"], org["manager"]):  # Communications holds everything, Finance nothing
        factories.make_completion(person, safeguarding)
        factories.make_completion(person, fire)
    factories.make_completion(org["fin"], fire)
    refresh()
    response = client_for(hr).get(URL)
    report = response.context["report"]
    assert [line.requirement.name for line in report.by_requirement] == [safeguarding.name, "Fire Safety"]
    assert report.by_requirement[0].worst.team == org["finance"]
    assert [group.team.name for group in report.groups] == ["Finance", "Communications"]  # by the gap to the target
    assert [team.team.name for team in report.worst_teams] == ["Finance"]
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Worst teams" in text and "Furthest below the target" in text
