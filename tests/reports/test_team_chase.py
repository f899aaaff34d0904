"""The team page answers "whom do I chase?": people by what they owe, each item with its date, the figure per
requirement against the target (worst first), and filters by requirement, status and team."""

import datetime
import re
from html import unescape

from django.urls import reverse
from django.utils import timezone

from portal.compliance.projection import refresh
from tests import factories
from tests.reports.conftest import client_for


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _chase(response) -> list[tuple[str, int, list[str]]]:
    return [
        (owed.person.full_name, owed.overdue, [f"{i.label} {i.requirement.name}" for i in owed.items])
        for owed in response.context["matrix"].chase
    ]


def test_people_are_ordered_by_what_they_owe_with_items_dates_and_employee_numbers(org):
    fire = factories.make_requirement(name="Fire Safety")
    safeguarding = org["sam"].statuses.get().requirement
    twin = factories.make_staff(team=org["digital"], first_name="Sam", last_name="Digital")
    done = factories.make_staff(team=org["comms"], first_name="Dee", last_name="Done")
    expiring = timezone.now() - datetime.timedelta(days=350)  # a 12-month renewal runs out in about two weeks
    factories.make_completion(twin, safeguarding, completed_at=expiring)  # twin: Fire overdue, Safeguarding due soon
    factories.make_completion(done, safeguarding)
    factories.make_completion(done, fire, completed_at=expiring)  # done: only due soon
    refresh()

    response = client_for(org["manager"]).get(reverse("reports:team"))
    chase = _chase(response)
    assert [overdue for _, overdue, _ in chase] == [2, 2, 1, 0]  # most overdue first (Grace and Sam owe both)
    assert chase[2] == ("Sam Digital", 1, ["Overdue Fire Safety", "Due soon Safeguarding Adults Level 1"])
    assert chase[3] == ("Dee Done", 0, ["Due soon Fire Safety"])
    text = _text(response)
    assert f"{org['sam'].employee_number} · Digital" in text and f"{twin.employee_number} · Digital" in text
    assert "3 people are overdue on something. 1 more has something due soon." in text
    due = twin.statuses.get(requirement=fire).due_on
    assert f"Fire Safety, was due {due.day} {due:%B %Y}" in text
    assert "2 overdue" in text and "Remind everyone overdue" in text
    # "Due soon" is NHS.UK's yellow tag wherever it shows (the list to chase, the matrix), "Overdue" the red one.
    html = response.content.decode()
    assert '<strong class="nhsuk-tag nhsuk-tag--yellow">Due soon</strong> Fire Safety' in html
    tags = re.findall(r'<strong class="nhsuk-tag nhsuk-tag--(\w+)">(Due soon|Overdue)</strong>', html)
    assert {colour for colour, label in tags if label == "Due soon"} == {"yellow"}
    assert {colour for colour, label in tags if label == "Overdue"} == {"red"}


def test_the_figures_put_the_requirement_furthest_below_the_target_first(org):
    fire = factories.make_requirement(name="Fire Safety")
    safeguarding = org["sam"].statuses.get().requirement
    factories.make_completion(org["sam"], fire)
    refresh()
    response = client_for(org["manager"]).get(reverse("reports:team"))
    figures = response.context["matrix"].figures
    assert [(f.requirement.name, f.figure.compliant, f.figure.required) for f in figures] == [
        (safeguarding.name, 0, 2),
        ("Fire Safety", 1, 2),
    ]
    text = _text(response)
    assert "Compliant against the target of 95%" in text and "0% below 0 of 2, 2 overdue" in text


def test_filters_narrow_the_page_to_a_requirement_a_status_and_a_sub_team(org):
    fire = factories.make_requirement(name="Fire Safety")
    factories.make_completion(org["sam"], fire)
    refresh()
    client = client_for(org["manager"])
    by_requirement = client.get(reverse("reports:team"), {"requirement": fire.pk}).context["matrix"]
    assert [r.name for r in by_requirement.requirements] == ["Fire Safety"]
    assert [o.person.full_name for o in by_requirement.chase] == ["Grace Manager"]
    compliant = client.get(reverse("reports:team"), {"state": "compliant"}).context["matrix"]
    assert [p.full_name for p, _ in compliant.people] == ["Sam Digital"]
    sub_team = client.get(reverse("reports:team"), {"team": org["digital"].pk}).context["matrix"]
    assert [p.full_name for p, _ in sub_team.people] == ["Sam Digital"]


def test_a_filter_that_is_not_in_the_list_is_explained(org):
    client = client_for(org["manager"])
    for query, message in [({"state": "late"}, "Choose a status"), ({"requirement": "999"}, "Choose a requirement")]:
        response = client.get(reverse("reports:team"), query)
        assert response.status_code == 400 and message in response.content.decode()


def test_filters_add_one_query_whatever_the_size_of_the_team(org, django_assert_num_queries):
    requirement = org["sam"].statuses.get().requirement
    for n in range(5):
        factories.make_staff(team=org["digital"], first_name=f"Extra{n}")
    refresh()
    client = client_for(org["manager"])
    query = {"team": org["digital"].pk, "requirement": requirement.pk, "state": "overdue"}
    # The 7 of the unfiltered page (tests/reports/test_team.py) and the chosen requirement, checked by the form;
    # the status and the team narrow what is already read.
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:team"), query)
    assert response.status_code == 200
