"""HR's trend, lists and audit log: what they show, who may see them, and their query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.models import Certificate
from portal.reports.models import DailyFigure, KeptDay
from portal.reports.trend import month_ends
from tests import factories
from tests.reports.conftest import client_for


def test_month_ends_are_the_last_days_of_the_eleven_months_before_this_one():
    ends = month_ends(datetime.date(2026, 3, 15))
    assert len(ends) == 11
    assert ends[0] == datetime.date(2025, 4, 30) and ends[-1] == datetime.date(2026, 2, 28)


def test_the_trend_is_computed_once_per_past_month_and_shown_as_a_chart_and_a_table(org, hr):
    client = client_for(hr)
    as_recorded = {"basis": "as_recorded"}  # the month ends as the portal recorded them then, kept once worked out
    response = client.get(reverse("hr_reports:trend"), as_recorded)
    html = response.content.decode()
    # The task ran (immediately, in tests) after the page was drawn: the months are kept now.
    assert KeptDay.objects.count() == 11
    assert not DailyFigure.objects.exists()  # the roster is new: nobody was on it at the end of any past month
    html = client.get(reverse("hr_reports:trend"), as_recorded).content.decode()
    assert "Being calculated" not in html
    assert '<svg viewBox="0 0 640 260"' in html and 'role="img"' in html
    assert "Compliance at the end of each month" in html  # the data table
    assert f"Today, {timezone.localdate():%-d %B %Y}" in html
    assert "0 of 0" in html  # the roster is new: nobody was on it at the end of last month
    assert "0 of 4" in html  # today: the four people of the org fixture, none compliant


def test_kept_month_figures_are_not_recomputed(org, hr, django_assert_max_num_queries):
    client = client_for(hr)
    client.get(reverse("hr_reports:trend"), {"basis": "as_recorded"})
    computed_at = list(KeptDay.objects.values_list("computed_at", flat=True))
    assert len(computed_at) == 11
    with django_assert_max_num_queries(12):
        client.get(reverse("hr_reports:trend"), {"basis": "as_recorded"})
    assert list(KeptDay.objects.values_list("computed_at", flat=True)) == computed_at


def test_the_lists_show_what_hr_should_act_on(org, hr):
    today = timezone.localdate()
    starter = factories.make_staff(
        team=org["digital"], first_name="Nora", last_name="New", start_date=today - datetime.timedelta(days=60)
    )
    from portal.compliance.projection import refresh

    refresh(staff_ids=[starter.pk])
    Certificate.objects.create(
        staff=org["sam"],
        requirement=org["sam"].statuses.get().requirement,
        file="certificates/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        completed_on=today,
    )
    html = client_for(hr).get(reverse("hr_reports:lists")).content.decode()
    overdue = html.split('id="overdue"')[1].split('id="never-signed-in"')[0]
    assert "Communications" in overdue and "Finance" in overdue and "Digital" in overdue
    never = html.split('id="never-signed-in"')[1].split('id="new-starters"')[0]
    assert "Sam Digital" in never and "Hana Human-Resources" not in never  # Hana has just signed in
    starters = html.split('id="new-starters"')[1].split('id="certificates"')[0]
    assert "Nora New" in starters and "Sam Digital" not in starters  # Sam started in 2020
    certificates = html.split('id="certificates"')[1]
    assert "Sam Digital: Safeguarding Adults Level 1" in certificates


@pytest.mark.parametrize("extra", [0, 8])
def test_the_lists_run_a_constant_number_of_queries(org, hr, extra, django_assert_num_queries):
    for n in range(extra):
        factories.make_staff(team=factories.make_team(f"Ward {n}", parent=org["finance"]))
    from portal.compliance.projection import refresh

    refresh()
    client = client_for(hr)
    # session, user, HR check; four lists x (rows, count). (Whether the session proved a second factor, and has an
    # authenticator, is in the session's kept flags: no query.)
    with django_assert_num_queries(11):  # fails the test if the count differs
        assert client.get(reverse("hr_reports:lists")).status_code == 200


def test_hr_reads_the_audit_log_of_views_and_exports(org, hr):
    manager = client_for(org["manager"])
    manager.get(reverse("reports:team_person", args=[org["sam"].pk]))
    manager.get(reverse("exports:csv"), {"as_at": timezone.localdate().isoformat()})
    html = client_for(hr).get(reverse("hr_reports:audit_log")).content.decode()
    assert "Viewed a person&#x27;s records" in html and "Sam Digital" in html
    assert "Exported records (csv)" in html
    assert AuditEvent.objects.filter(action__in=[AuditEvent.EXPORT, AuditEvent.VIEW_PERSON]).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.SIGN_IN).count() == 2  # the manager, then HR


@pytest.mark.parametrize("name", ["hr_reports:trend", "hr_reports:lists", "hr_reports:audit_log"])
def test_only_hr_sees_hr_pages(org, hr, client, name):
    url = reverse(name)
    assert client_for(hr).get(url).status_code == 200
    for person in (org["manager"], org["other"], org["sam"]):
        assert client_for(person).get(url).status_code == 403
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_a_bad_requirement_on_the_trend_is_named(org, hr):
    response = client_for(hr).get(reverse("hr_reports:trend"), {"requirement": "x"})
    assert response.status_code == 400 and "Choose a requirement from the list" in response.content.decode()


def test_the_nightly_command_keeps_yesterday_once(org):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("keep_figures", "--days", "3", stdout=out)
    assert "Kept the figures for 3 day(s); 0 were kept already." in out.getvalue()
    call_command("keep_figures", stdout=out)
    assert "Kept the figures for 0 day(s); 1 were kept already." in out.getvalue()
    assert KeptDay.objects.count() == 3


def test_today_is_never_kept(org):
    from portal.reports.kept import day_keep

    with pytest.raises(ValueError, match="has not ended"):
        day_keep(timezone.localdate())
