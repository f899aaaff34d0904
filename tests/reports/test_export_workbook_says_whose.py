"""A workbook read alone, as an auditor or inspector reads it, says whose records it holds (the organisation), who
made it and when (in UK time), and what each status means: before, its sheet about it said the teams, the day and
the clock, but not the organisation, not who made it (its properties named openpyxl as the author), nor what "Due
soon" counts or a paused row's due date is."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.conftest import client_for


def test_the_workbook_names_the_organisation_who_made_it_and_each_status(org, hr, settings):
    settings.PORTAL_ORGANISATION_NAME = "NHS Example Integrated Care Board"
    settings.PORTAL_DUE_SOON_DAYS = 21
    response = client_for(hr).get(reverse("exports:xlsx"), {"team": org["comms"].pk})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    about = dict(workbook["About this export"].values)
    assert workbook.properties.creator == f"{hr.user.display_name} ({hr.user.email})"  # not "openpyxl"
    assert about["Organisation"] == "NHS Example Integrated Care Board"
    assert about["Made by"] == f"{hr.user.display_name} ({hr.user.email})"
    assert about["Made"].endswith("(UK time)")
    assert {"Compliant", "Due soon", "Overdue", "Not started", "Paused until", "Due on"} <= set(about)
    assert "within 21 days" in about["Due soon"]
