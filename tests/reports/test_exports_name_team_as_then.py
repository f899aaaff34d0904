"""An export about a past day names its team as the rows do, as it was named that day: in the file's name, in the
audit log's entry (with its name today beside it, when renamed since) and on the workbook's sheet about it; for HR,
who may pick any team, as for a manager. Before, HR's file and audit entry named the team by its name today. An
evidence pack's request is audited the same way. Live, the team is named as it is today."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.audit.models import AuditEvent
from tests.reports.conftest import client_for
from tests.reports.test_team_choices_named_as_then import _day, renamed  # noqa: F401 - the fixture, as there


def _download(client, kind, **query):
    response = client.get(reverse(f"exports:{kind}"), query)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    return disposition.removeprefix('attachment; filename="').removesuffix('"'), body


@pytest.mark.parametrize("basis", ["as_it_was", "as_recorded"])
@pytest.mark.parametrize("who", ["hr", "manager"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_past_days_export_names_the_team_as_it_was_named_that_day(renamed, hr, basis, who, kind):  # noqa: F811
    client = client_for(hr if who == "hr" else renamed["manager"])
    digital = renamed["digital"]
    name, body = _download(client, kind, team=digital.pk, as_at=_day().isoformat(), basis=basis)
    words = "as-it-was" if basis == "as_it_was" else "as-recorded-then"
    assert name == f"compliance-digital-{_day():%Y-%m-%d}-{words}.{kind}"
    event = AuditEvent.objects.filter(action=AuditEvent.EXPORT).latest("pk")
    assert (event.scope, event.detail["scope_now"]) == ("Digital", "Digital Services")
    if kind == "xlsx":
        about = dict(load_workbook(io.BytesIO(body)).worksheets[-1].values)
        assert about["Teams"] == "Digital (now Digital Services), and every team below"


def test_a_live_export_and_a_day_after_the_rename_name_the_team_as_it_is_now(renamed, hr):  # noqa: F811
    client = client_for(hr)
    digital = renamed["digital"]
    name, _ = _download(client, "csv", team=digital.pk)
    assert name == f"compliance-digital-services-{timezone.localdate():%Y-%m-%d}.csv"
    name, _ = _download(client, "csv", team=digital.pk, as_at=timezone.localdate().isoformat())
    assert name == f"compliance-digital-services-{timezone.localdate():%Y-%m-%d}-as-it-was.csv"
    event = AuditEvent.objects.filter(action=AuditEvent.EXPORT).latest("pk")
    assert event.scope == "Digital Services" and "scope_now" not in event.detail


def test_hrs_pack_about_a_past_day_is_audited_by_the_teams_name_that_day(renamed, hr, private_media):  # noqa: F811
    digital = renamed["digital"]
    query = {"team": digital.pk, "as_at": _day().isoformat(), "basis": "as_it_was"}
    response = client_for(hr).post(reverse("exports:pack_new") + f"?team={digital.pk}", query)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=AuditEvent.EXPORT).latest("pk")
    assert (event.scope, event.detail["format"]) == ("Digital", "pdf pack")
