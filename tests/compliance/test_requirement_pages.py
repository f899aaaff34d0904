"""HR runs requirements from the portal (/hr/requirements/): the list with each audience in words, adding and
changing one, retiring it with a reason and putting it back, all through `requirement_save`, so the status table and
the audit log follow. Only HR with a second factor may; a password-only HR session, a manager, staff and anonymous
visitors may not."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from portal.audit.models import AuditEvent
from portal.compliance.models import Requirement, RequirementStatus
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation)
    ward_a = factories.make_team("Ward A", parent=wards)
    finance = factories.make_team("Finance", parent=organisation)
    nurse = factories.make_staff(team=ward_a, staff_group="Nursing", job_title="Staff Nurse", start_date=LONG_AGO)
    clerk = factories.make_staff(team=finance, job_title="Finance Officer", start_date=LONG_AGO)
    manager = factories.make_staff(team=finance, first_name="Felix", last_name="Manager", start_date=LONG_AGO)
    TeamManager.objects.create(staff=manager, team=finance)
    hr = factories.make_staff(team=finance, first_name="Hana", last_name="HR", start_date=LONG_AGO)
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    return {"wards": wards, "finance": finance, "nurse": nurse, "clerk": clerk, "manager": manager, "hr": hr}


def _client(staff, second_factor=True) -> Client:
    return factories.sign_in(Client(), staff.user, second_factor=second_factor)


def _form(**overrides) -> dict:
    data = {
        "name": "Fire safety",
        "kind": Requirement.EXTERNAL_COURSE,
        "page": "",
        "renewal_months": "12",
        "new_starter_days": "28",
        "introduced_on": timezone.localdate().isoformat(),
        "audience": "everyone",
        "staff_groups": "",
        "job_title_patterns": "",
        "level_family": "",
        "level": "",
    }
    data.update(overrides)
    return data


def _holders(requirement) -> set[int]:
    return set(RequirementStatus.objects.filter(requirement=requirement).values_list("staff_id", flat=True))


@pytest.mark.parametrize("name", ["requirements:list", "requirements:add"])
def test_only_hr_with_a_second_factor_may_open_the_pages(trust, name):
    url = reverse(name)
    assert _client(trust["hr"]).get(url).status_code == 200
    assert _client(trust["hr"], second_factor=False).get(url).status_code in (302, 403)
    assert _client(trust["manager"]).get(url).status_code == 403
    assert _client(trust["nurse"]).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_others_cannot_add_change_retire_or_reinstate(trust):
    requirement = factories.make_requirement(name="Fire safety")
    attempts = [
        (reverse("requirements:add"), _form(name="Sneaky")),
        (reverse("requirements:edit", args=[requirement.pk]), _form(name="Renamed")),
        (reverse("requirements:retire", args=[requirement.pk]), {"reason": "no"}),
        (reverse("requirements:reinstate", args=[requirement.pk]), {}),
    ]
    for client in (_client(trust["hr"], second_factor=False), _client(trust["manager"]), _client(trust["nurse"])):
        for url, data in attempts:
            assert client.post(url, data).status_code in (302, 403)
    requirement.refresh_from_db()
    assert (requirement.name, requirement.active) == ("Fire safety", True)
    assert not Requirement.objects.filter(name="Sneaky").exists()


def test_hr_adds_a_requirement_for_nurses_by_job_title_and_it_reaches_their_status(trust):
    response = _client(trust["hr"]).post(
        reverse("requirements:add"),
        _form(name="Medicines management", audience="chosen", job_title_patterns="*nurse*\n"),
    )

    assert response.status_code == 302
    requirement = Requirement.objects.get(name="Medicines management")
    assert requirement.job_title_patterns == ["*nurse*"] and not requirement.applies_to_everyone
    assert _holders(requirement) == {trust["nurse"].pk}
    row = RequirementStatus.objects.get(requirement=requirement)
    assert row.due_on == timezone.localdate() + datetime.timedelta(days=28)  # long-standing staff: due, not overdue
    assert AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED, scope="Medicines management").exists()


def test_hr_sets_several_reminders_before_the_due_date(trust):
    client = _client(trust["hr"])
    assert "14" in client.get(reverse("requirements:add")).content.decode()  # the usual one, to start from

    response = client.post(reverse("requirements:add"), _form(reminder_days="60, 30,14"))

    assert response.status_code == 302
    requirement = Requirement.objects.get(name="Fire safety")
    assert requirement.reminder_days == [60, 30, 14]
    assert "Reminders 60, 30, 14 days before" in client.get(reverse("requirements:list")).content.decode()
    edit = client.get(reverse("requirements:edit", args=[requirement.pk])).content.decode()
    assert 'value="60, 30, 14"' in edit


def test_the_list_says_who_must_do_it_in_words(trust):
    requirement = factories.make_requirement(
        name="Infection control", applies_to_everyone=False, staff_groups=["Nursing"], job_title_patterns=["*Porter*"]
    )
    requirement.teams.add(trust["finance"])
    factories.make_requirement(name="Fire safety", renewal_months=None)

    page = _client(trust["hr"]).get(reverse("requirements:list")).content.decode()

    assert "Staff groups: Nursing; or teams (and the teams below them): Finance; or job titles: *Porter*" in page
    assert "Everyone" in page and "Once, no expiry" in page and "Every 12 months" in page
    assert "In use" in page


def test_changing_the_audience_to_teams_moves_the_status_rows(trust):
    requirement = factories.make_requirement(name="Fire safety")
    response = _client(trust["hr"]).post(
        reverse("requirements:edit", args=[requirement.pk]),
        _form(audience="chosen", teams=[trust["wards"].pk]),
    )

    assert response.status_code == 302
    assert _holders(requirement) == {trust["nurse"].pk}  # Ward A is below Wards


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name of the requirement"),
        ({"audience": "chosen"}, "audience", "Choose at least one staff group, team or job title"),
        ({"introduced_on": "2999-01-01"}, "introduced_on", "cannot be introduced in the future"),
        ({"introduced_on": "31 Feb"}, "introduced_on", "Enter the day it was introduced as year-month-day"),
        ({"renewal_months": "-1"}, "renewal_months", "The renewal period cannot be negative"),
        ({"kind": Requirement.ATTEST_POLICY}, "page", "Choose the policy people must attest to"),
        ({"kind": Requirement.COMPLETE_MODULE}, "page", "Choose the module people must complete"),
        ({"level_family": "Safeguarding Adults"}, "level", "Give the level as a whole number"),
        ({"level": "2"}, "level_family", "Name the training the levels belong to"),
        ({"audience": "chosen", "job_title_patterns": "Nurse\u202e"}, "job_title_patterns", "U+202E"),
        ({"teams": ["999999"]}, "teams", "Choose teams from the list"),
        ({"teams": ["9" * 30]}, "teams", "Choose teams from the list"),
        ({"page": "9" * 30}, "page", "Choose a published policy or module from the list"),
        ({"reminder_days": "60, abc"}, "reminder_days", "whole numbers separated by commas"),
        ({"reminder_days": "400"}, "reminder_days", "between 1 and 366 days before the due date"),
        ({"reminder_days": "30, 30"}, "reminder_days", "Give each number of days once"),
    ],
)
def test_a_mistake_is_named_in_the_error_summary_and_changes_nothing(trust, overrides, field, message):
    response = _client(trust["hr"]).post(reverse("requirements:add"), _form(**overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    anchor = {"audience": "id_audience_0", "teams": "id_teams"}.get(field, f"id_{field}")
    assert f'href="#{anchor}"' in page
    assert not Requirement.objects.exists()


def test_a_policy_requirement_names_a_published_policy(trust, policy, module_page):
    response = _client(trust["hr"]).post(
        reverse("requirements:add"), _form(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy.pk)
    )
    assert response.status_code == 302
    assert Requirement.objects.get(name="Social media policy").page_id == policy.pk

    wrong = _client(trust["hr"]).post(
        reverse("requirements:add"), _form(name="Wrong page", kind=Requirement.ATTEST_POLICY, page=module_page.pk)
    )
    assert wrong.status_code == 400 and "Choose the policy people must attest to" in wrong.content.decode()


def test_retiring_needs_a_reason_leaves_the_live_figures_and_can_be_undone(trust):
    requirement = factories.make_requirement(name="Fire safety")
    factories.make_completion(trust["clerk"], requirement)
    client = _client(trust["hr"])
    url = reverse("requirements:retire", args=[requirement.pk])

    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "Give the reason for retiring the requirement" in refused.content.decode()
    assert _holders(requirement)

    assert client.post(url, {"reason": "Replaced by Fire Safety Level 2"}).status_code == 302
    requirement.refresh_from_db()
    assert (requirement.active, requirement.retired_on) == (False, timezone.localdate())
    assert requirement.retired_reason == "Replaced by Fire Safety Level 2"
    assert _holders(requirement) == set()
    assert requirement.evidence.count() == 1  # the history stays
    listing = client.get(reverse("requirements:list")).content.decode()
    assert "Retired" in listing and "Replaced by Fire Safety Level 2" in listing

    assert client.post(reverse("requirements:reinstate", args=[requirement.pk])).status_code == 302
    requirement.refresh_from_db()
    assert (requirement.active, requirement.retired_on, requirement.retired_reason) == (True, None, "")
    assert trust["clerk"].pk in _holders(requirement)


def test_the_cms_still_saves_through_the_same_service_with_the_new_fields(trust):
    """The snippet form's fields (job titles, levels, the retirement reason) reach `requirement_save` as the HR
    page's do: see tests/compliance/test_requirement_admin.py for the CMS pages themselves."""
    from portal.compliance.wagtail_hooks import RequirementViewSet

    names = {panel.field_name for group in RequirementViewSet.panels for panel in getattr(group, "children", [group])}
    assert {"job_title_patterns", "level_family", "level", "retired_reason"} <= names


def test_the_list_runs_the_same_queries_however_many_requirements_teams_and_policies(trust, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(trust["hr"])
    url = reverse("requirements:list")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    policy = factories.make_policy(parent=home_page)
    factories.make_requirement(name="Fire safety", kind=Requirement.ATTEST_POLICY, page=policy)
    count()
    # 1 the session, 2 the user, 3 HR's group, 4 the published policies' ids and types, 5 their policy fields (review
    # dates), 6 the requirements with their pages, 7 their teams, 8 the pages' Privacy settings that keep staff out
    # (a password, certain groups). The second factor is kept in the session.
    assert count() == 8
    for n in range(4):
        requirement = factories.make_requirement(
            name=f"Course {n}",
            kind=Requirement.ATTEST_POLICY,
            page=factories.make_policy(parent=home_page),
            applies_to_everyone=False,
            job_title_patterns=["Nurse*"],
        )
        requirement.teams.add(factories.make_team(f"Ward {n}", parent=trust["wards"]))
    factories.make_requirement(name="Retired", active=False, retired_reason="Replaced")
    # One page kept from staff (a password, as set before the CMS refused it): marked, with the same queries.
    PageViewRestriction.objects.create(page=policy, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert "Kept from staff in the CMS" in client.get(url).content.decode()

    assert count() == 8
