"""HR's lists to act on, each whole as a CSV file: the page shows the first few of each list, the file all of them."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.projection import refresh
from tests import factories
from tests.reports.conftest import client_for


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def _download(client, name):
    return client.get(reverse("hr_reports:list_csv", args=[name]))


def test_the_page_says_how_many_it_leaves_out_and_the_file_holds_them_all(org, hr, monkeypatch):
    monkeypatch.setattr("portal.reports.lists.LIST_LIMIT", 2)
    for n in range(3):
        factories.make_staff(team=org["finance"], first_name="Never", last_name=f"Signed {n}")
    client = client_for(hr)
    html = client.get(reverse("hr_reports:lists")).content.decode()
    never = html.split('id="never-signed-in"')[1].split('id="new-starters"')[0]
    assert "Showing the first 2 of 7." in never  # Grace, Felix, Sam, Fay and the three: the leaver is not in post
    assert reverse("hr_reports:list_csv", args=["never-signed-in"]) in never
    assert "Download all 7 as a CSV file" in never

    rows = _rows(_download(client, "never-signed-in"))
    assert rows[0] == ["Employee number", "Name", "Work email", "Team", "Started"]
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted(
        [
            "Grace Manager",
            "Felix Other",
            "Sam Digital",
            "Fay Finance",
            "Never Signed 0",
            "Never Signed 1",
            "Never Signed 2",
        ]
    )
    sam = org["sam"]
    assert [sam.employee_number, "Sam Digital", sam.work_email, "Digital", sam.start_date.isoformat()] in rows


def test_a_short_list_is_offered_whole_without_saying_any_is_left_out(org, hr):
    html = client_for(hr).get(reverse("hr_reports:lists")).content.decode()
    never = html.split('id="never-signed-in"')[1].split('id="new-starters"')[0]
    assert "Showing the first" not in never
    assert "Download this list as a CSV file" in never


def test_the_teams_overdue_come_with_their_codes_most_overdue_first(org, hr):
    rows = _rows(_download(client_for(hr), "overdue-by-team"))
    assert rows[0] == ["Team code", "Team", "People overdue", "Requirements overdue"]
    by_team = {row[1]: row for row in rows[1:]}
    assert set(by_team) == {"Communications", "Digital", "Finance"}
    assert by_team["Finance"] == [org["finance"].code, "Finance", "2", "2"]  # Felix and Fay (Hana has no row yet)
    assert [int(row[2]) for row in rows[1:]] == sorted((int(row[2]) for row in rows[1:]), reverse=True)


def test_new_starters_past_their_window_with_how_many_things_they_have_not_done(org, hr):
    today = timezone.localdate()
    starter = factories.make_staff(
        team=org["digital"], first_name="Nora", last_name="New", start_date=today - datetime.timedelta(days=60)
    )
    refresh(staff_ids=[starter.pk])
    rows = _rows(_download(client_for(hr), "new-starters"))
    assert rows[0][-1] == "Not done"
    assert rows[1:] == [
        [starter.employee_number, "Nora New", starter.work_email, "Digital", starter.start_date.isoformat(), "1"]
    ]


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text(org, hr):
    factories.make_staff(team=org["finance"], first_name="=HYPERLINK(1)", last_name="X")
    rows = _rows(_download(client_for(hr), "never-signed-in"))
    assert [row[1] for row in rows if "HYPERLINK" in row[1]] == ["'=HYPERLINK(1) X"]


def test_each_download_is_in_the_audit_log_with_the_list_named(org, hr):
    _rows(_download(client_for(hr), "new-starters"))
    event = AuditEvent.objects.get(action=AuditEvent.EXPORT)
    assert event.actor == hr.user
    assert event.scope == "New starters past their window"
    assert event.detail["format"] == "csv" and event.detail["list"] == "new-starters"


def test_a_list_there_is_not_is_not_found_and_nothing_is_audited(org, hr):
    assert _download(client_for(hr), "everyone").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.EXPORT).exists()


@pytest.mark.parametrize("who", ["sam", "manager", "other"])
def test_nobody_but_hr_may_download_a_list(org, who):
    response = _download(client_for(org[who]), "never-signed-in")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.EXPORT).exists()


@pytest.mark.parametrize("extra", [0, 8])
def test_a_list_file_runs_a_constant_number_of_queries(org, hr, extra, django_assert_num_queries):
    for n in range(extra):
        factories.make_staff(team=factories.make_team(f"Ward {n}", parent=org["finance"]))
    refresh()
    client = client_for(hr)
    # session, user, HR check, the audit line; the rows, read in chunks as the file is sent
    with django_assert_num_queries(5):
        rows = _rows(_download(client, "never-signed-in"))
    assert len(rows) == 1 + 4 + extra
