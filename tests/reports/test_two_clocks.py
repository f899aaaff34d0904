"""Reports about a past day run on either clock: "as it was" (everything known now) and "as recorded then" (what the
portal showed). Last year's completions imported today change "as it was" for last year and never "as recorded
then"; the organisation report and the 12-month trend say which clock they show, in words, and keep constant
query counts on both."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance.asat import Moment
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, Requirement
from portal.people.models import StaffChange, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.organisation import figures_as_at, organisation_report
from portal.reports.trend import month_ends, trend
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.test_query_counts import _count, _grow


def last_year():
    return timezone.localdate() - datetime.timedelta(days=200)


COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 1 Year|"


@pytest.fixture
def history(org):
    """The roster as loaded long ago, and the course mapped for imports."""
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    requirement = Requirement.objects.get(name="Safeguarding Adults Level 1")
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=requirement)
    return requirement


def _import_today(*rows):
    header = "Employee Number,Competence Name,Achievement Date,Expiry Date"
    data = ("\r\n".join([header, *rows]) + "\r\n").encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="history.csv", user=None)
    assert plan.can_apply, plan.rejected
    import_batch_apply(batch=batch, user=None, background=False)


def _root():
    return Team.objects.get(depth=1)


def _compliant(day, basis) -> int:
    report = organisation_report(_root(), as_at=day, today=timezone.localdate(), basis=basis)
    return sum(figure.compliant for figure in report.totals.values())


def test_last_years_completions_imported_today_change_as_it_was_and_never_as_recorded_then(org, history):
    assert _compliant(last_year(), AS_IT_WAS) == _compliant(last_year(), AS_RECORDED) == 0  # the second keeps the day
    required = organisation_report(
        _root(), as_at=last_year(), today=timezone.localdate(), basis=AS_IT_WAS
    ).overall.required
    assert (
        required
        == organisation_report(
            _root(), as_at=last_year(), today=timezone.localdate(), basis=AS_RECORDED
        ).overall.required
    )

    done = last_year() - datetime.timedelta(days=30)
    _import_today(f"{org['sam'].employee_number},{COURSE},{done:%d/%m/%Y},")

    assert _compliant(last_year(), AS_IT_WAS) == 1
    assert _compliant(last_year(), AS_RECORDED) == 0
    # Worked afresh from the ledger as recorded by then, not only the figures kept before the import: still none.
    worked = figures_as_at(_root(), [history], Moment.end_of(last_year()))
    assert sum(figure.compliant for figure in worked.values()) == 0
    assert _compliant(done - datetime.timedelta(days=1), AS_IT_WAS) == 0  # the day before it was done

    points_now, _ = trend(timezone.localdate(), basis=AS_IT_WAS)
    ends_held = [p for p in points_now[:-1] if done <= p.day <= last_year() + datetime.timedelta(days=150)]
    assert ends_held and all(p.figure.compliant == 1 for p in ends_held)
    from portal.reports.kept import days_keep

    days_keep(month_ends(timezone.localdate()))
    points_then, missing = trend(timezone.localdate(), basis=AS_RECORDED)
    assert not missing
    assert all(p.figure.compliant == 0 for p in points_then[:-1])
    assert points_now[-1].figure == points_then[-1].figure  # today, as it stands, on both


def test_the_page_says_which_clock_in_words_with_radios(org, hr, history):
    client = client_for(hr)
    url = reverse("hr_reports:organisation")
    html = client.get(url, {"as_at": last_year().isoformat()}).content.decode()
    assert "as it was, from everything we know now" in html
    assert 'id="basis-as_it_was" name="basis" type="radio" value="as_it_was" aria-describedby' in html
    assert 'value="as_it_was" aria-describedby="basis-as_it_was-hint" checked' in html

    html = client.get(url, {"as_at": last_year().isoformat(), "basis": "as_recorded"}).content.decode()
    assert "as recorded at the time: what the portal showed then" in html
    assert 'value="as_recorded" aria-describedby="basis-as_recorded-hint" checked' in html
    assert "basis=as_recorded" in html  # the breadcrumbs and team links keep the clock

    html = client.get(url).content.decode()
    assert "as it stands today" in html and "from everything we know now" not in html

    trend_html = client.get(reverse("hr_reports:trend"), {"basis": "as_recorded"}).content.decode()
    assert "as recorded at the time" in trend_html


@pytest.mark.parametrize("name", ["hr_reports:organisation", "hr_reports:trend"])
def test_a_clock_that_is_not_one_is_named_and_nothing_is_shown(org, hr, name):
    response = client_for(hr).get(reverse(name), {"basis": "yesterday"})
    assert response.status_code == 400
    assert "Choose “As it was” or “As recorded then”" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("hr_reports:organisation", {"as_at": "past", "basis": "as_it_was"}),
        ("hr_reports:organisation", {"as_at": "past", "basis": "as_recorded"}),
        ("hr_reports:trend", {"basis": "as_it_was"}),
        ("hr_reports:trend", {"basis": "as_recorded"}),
    ],
    ids=["organisation-as-it-was", "organisation-as-recorded", "trend-as-it-was", "trend-as-recorded"],
)
def test_both_clocks_run_the_same_queries_however_large_the_organisation(org, hr, name, query):
    client = client_for(hr)
    past = (timezone.localdate() - datetime.timedelta(days=40)).isoformat()
    query = {k: past if v == "past" else v for k, v in query.items()}
    url = reverse(name)
    _count(client, url, **query)  # the first time keeps any past day's figures
    small = _count(client, url, **query)
    _grow(org, 12)
    _count(client, url, **query)
    assert _count(client, url, **query) == small
