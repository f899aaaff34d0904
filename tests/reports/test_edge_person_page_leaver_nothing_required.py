"""A leaver's page, live, says they have left rather than that nothing is required of them. From the day after the
leave date the status projection holds nothing for them (they are out of every figure), and the page read that as
"Nothing is required of Lee.", as for someone no requirement applies to: a manager or an auditor took it that Lee
had never been asked for anything. It now says Lee left, that nothing is asked of them since, and that a day before
they left shows what they held; the same page about such a day shows their requirements as before."""

import datetime

from django.urls import reverse

from portal.compliance import projection
from portal.compliance.models import Requirement
from tests import factories
from tests.reports.conftest import client_for


def test_a_leavers_page_says_they_left_not_that_nothing_was_required(org, hr):
    lee = org["leaver"]  # in Communications, left on 1 January 2025
    for viewer in (org["manager"], hr):
        html = client_for(viewer).get(reverse("reports:team_person", args=[lee.pk])).content.decode()
        assert "Nothing is required of Lee" not in html
        assert "Lee left on 1 January 2025: nothing is asked of them since." in html


def test_someone_in_post_with_nothing_required_still_reads_so(org, hr):
    Requirement.objects.update(applies_to_everyone=False, staff_groups=["Administrative and Clerical"])
    nora = factories.make_staff(team=org["comms"], first_name="Nora", last_name="Nothing", staff_group="Students")
    projection.refresh()
    html = client_for(org["manager"]).get(reverse("reports:team_person", args=[nora.pk])).content.decode()
    assert "Nothing is required of Nora." in html


def test_a_leavers_page_about_a_day_before_they_left_shows_their_requirements(org, hr):
    day = org["leaver"].leave_date - datetime.timedelta(days=30)
    response = client_for(hr).get(
        reverse("reports:team_person", args=[org["leaver"].pk]), {"as_at": day.isoformat(), "basis": "as_it_was"}
    )
    assert [line.label for line in response.context["lines"]] == ["Overdue"]
    assert "nothing is asked of them since" not in response.content.decode()
