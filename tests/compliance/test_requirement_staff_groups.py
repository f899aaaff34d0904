"""A requirement's staff groups must be ones the roster holds: a mistyped group would apply to no one, without a word,
since a requirement matches staff groups exactly. HR's form and the CMS's both refuse one no one in post has, listing
the groups the roster holds, and put a difference of capitals right; after saving, the confirmation says how many
people the requirement applies to, counted as the status table counts them, and warns of a job title pattern no one
matches."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.forms_requirements import audience_warnings, staff_groups_on_roster
from portal.compliance.models import Requirement, RequirementStatus
from portal.people.roles import hr_group
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)
NURSES = "Nursing and Midwifery Registered"
CLERKS = "Administrative and Clerical"


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    ward = factories.make_team("Ward A", parent=organisation)
    nurse = factories.make_staff(team=ward, staff_group=NURSES, job_title="Staff Nurse", start_date=LONG_AGO)
    clerk = factories.make_staff(team=ward, staff_group=CLERKS, job_title="Ward Clerk", start_date=LONG_AGO)
    porter = factories.make_staff(
        team=ward,
        staff_group="Estates and Ancillary",
        start_date=LONG_AGO,
        leave_date=timezone.localdate() - datetime.timedelta(1),
    )
    hr = factories.make_staff(team=organisation, staff_group=CLERKS, job_title="HR Officer", start_date=LONG_AGO)
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    return {"nurse": nurse, "clerk": clerk, "porter": porter, "hr": hr}


@pytest.fixture
def hr_client(trust):
    return factories.sign_in(Client(), trust["hr"].user, second_factor=True)


def _form(**overrides) -> dict:
    data = {
        "name": "Safeguarding Adults Level 2",
        "kind": Requirement.EXTERNAL_COURSE,
        "page": "",
        "renewal_months": "36",
        "new_starter_days": "28",
        "introduced_on": timezone.localdate().isoformat(),
        "audience": "chosen",
        "staff_groups": "",
        "job_title_patterns": "",
        "level_family": "",
        "level": "",
    }
    data.update(overrides)
    return data


def _saved_messages(client, response) -> str:
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response["Location"]).content.decode()


def test_a_mistyped_staff_group_is_refused_naming_it_and_the_rosters_groups(trust, hr_client):
    response = hr_client.post(reverse("requirements:add"), _form(staff_groups="Nursing and Midwifery Registerd"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "No one on the roster has the staff group “Nursing and Midwifery Registerd”." in page
    # The people in post's groups, in order; the leaver's group is not offered.
    assert f"The staff groups on the roster are: {CLERKS}, {NURSES}" in page
    assert "Estates and Ancillary" not in page
    assert 'href="#id_staff_groups"' in page  # in the error summary, linked to the field
    assert not Requirement.objects.exists() and not RequirementStatus.objects.exists()


def test_several_unknown_groups_are_named_together(trust, hr_client):
    response = hr_client.post(reverse("requirements:add"), _form(staff_groups=f"Nurses\n{CLERKS}\nDoctors"))

    assert response.status_code == 400
    assert "No one on the roster has the staff groups “Nurses”, “Doctors”." in response.content.decode()
    assert not Requirement.objects.exists()


def test_a_group_only_a_leaver_held_is_refused(trust, hr_client):
    response = hr_client.post(reverse("requirements:add"), _form(staff_groups="Estates and Ancillary"))

    assert response.status_code == 400
    assert "No one on the roster has the staff group “Estates and Ancillary”." in response.content.decode()


def test_before_the_roster_is_imported_it_says_to_import_it(db, hr_client, trust):
    from portal.people.models import StaffMember

    StaffMember.objects.exclude(pk=trust["hr"].pk).update(leave_date=timezone.localdate() - datetime.timedelta(days=1))
    StaffMember.objects.filter(pk=trust["hr"].pk).update(staff_group="")

    response = hr_client.post(reverse("requirements:add"), _form(staff_groups=NURSES))

    assert response.status_code == 400
    assert "No one on the roster has a staff group yet" in response.content.decode()
    assert "Import the roster first" in response.content.decode()


def test_capitals_are_put_right_to_the_rosters_spelling_and_the_group_reaches_its_people(trust, hr_client):
    response = hr_client.post(reverse("requirements:add"), _form(staff_groups="nursing and MIDWIFERY registered"))

    listing = _saved_messages(hr_client, response)
    requirement = Requirement.objects.get()
    assert requirement.staff_groups == [NURSES]
    assert set(RequirementStatus.objects.filter(requirement=requirement).values_list("staff_id", flat=True)) == {
        trust["nurse"].pk
    }
    assert "Safeguarding Adults Level 2 is saved. It applies to 1 person on the roster" in listing


def test_every_spelling_the_roster_holds_is_kept_once(trust):
    factories.make_staff(staff_group="NURSING AND MIDWIFERY REGISTERED", start_date=LONG_AGO)

    assert staff_groups_on_roster(["nursing and midwifery registered", NURSES]) == [
        "NURSING AND MIDWIFERY REGISTERED",
        NURSES,
    ]


def test_the_confirmation_counts_as_the_status_table_does(trust, hr_client):
    response = hr_client.post(reverse("requirements:add"), _form(audience="everyone", name="Fire safety"))

    listing = _saved_messages(hr_client, response)
    requirement = Requirement.objects.get()
    rows = RequirementStatus.objects.filter(requirement=requirement).count()
    assert rows == len(projection.audience_ids(requirement)) == 3  # the nurse, the clerk and HR; not the leaver
    assert "Fire safety is saved. It applies to 3 people on the roster, whose status is updated." in listing


def test_a_requirement_reaching_no_one_says_so(trust, hr_client):
    empty = factories.make_team("Empty team", parent=trust["nurse"].team)
    response = hr_client.post(reverse("requirements:add"), _form(teams=[empty.pk]))

    listing = _saved_messages(hr_client, response)
    assert "It applies to no one on the roster now: check the staff groups, teams and job titles it names." in listing


def test_editing_a_retired_requirement_says_it_applies_to_no_one(trust, hr_client):
    requirement = factories.make_requirement(name="Old course", active=False, retired_reason="Replaced")

    response = hr_client.post(
        reverse("requirements:edit", args=[requirement.pk]), _form(name="Old course", audience="everyone")
    )

    assert "It is retired, so it applies to no one until it is put back in use." in _saved_messages(hr_client, response)


def test_a_job_title_pattern_matching_no_one_is_saved_with_a_warning(trust, hr_client):
    response = hr_client.post(reverse("requirements:add"), _form(job_title_patterns="*Nurse*\nDesignated Safeguard*"))

    listing = _saved_messages(hr_client, response)
    assert Requirement.objects.get().job_title_patterns == ["*Nurse*", "Designated Safeguard*"]
    assert "No one on the roster has a job title matching “Designated Safeguard*” yet." in listing
    assert "matching “*Nurse*”" not in listing
    assert "It applies to 1 person on the roster" in listing


def test_each_check_is_one_query(trust, django_assert_num_queries):
    requirement = Requirement(applies_to_everyone=False, job_title_patterns=["*Nurse*", "Porter", "Ward*"])
    with django_assert_num_queries(1):
        staff_groups_on_roster(["nursing and midwifery registered", CLERKS])
    with django_assert_num_queries(1):
        assert audience_warnings(requirement) == ["No one on the roster has a job title matching “Porter” yet."]


# The CMS's snippet pages, the other door to the same requirements.


@pytest.fixture
def editor_client(trust, client):
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="compliance", codename__in=["add_requirement", "change_requirement"]
        )
    )
    editor = factories.make_user(first_name="Eddie", last_name="Editor")
    editor.groups.add(editors)
    factories.sign_in(client, factories.with_mfa(editor))
    return client


def _snippet_form(**overrides) -> dict:
    data = {
        "name": "Safeguarding Adults Level 2",
        "kind": Requirement.EXTERNAL_COURSE,
        "page": "",
        "staff_groups": "[]",
        "job_title_patterns": "[]",
        "introduced_on": timezone.localdate().isoformat(),
        "renewal_months": "36",
        "new_starter_days": "28",
        "active": "on",
    }
    data.update(overrides)
    return data


def _snippet_url(name, *args):
    return reverse(f"wagtailsnippets_compliance_requirement:{name}", args=args)


def test_the_cms_refuses_a_mistyped_staff_group_the_same_way(trust, editor_client):
    response = editor_client.post(
        _snippet_url("add"), _snippet_form(staff_groups='["Nursing and Midwifery Registerd"]')
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "No one on the roster has the staff group “Nursing and Midwifery Registerd”." in page
    assert f"The staff groups on the roster are: {CLERKS}, {NURSES}" in page
    assert not Requirement.objects.exists()


def test_the_cms_puts_capitals_right_and_says_how_many_it_applies_to(trust, editor_client):
    response = editor_client.post(
        _snippet_url("add"),
        _snippet_form(staff_groups='["nursing and midwifery registered"]', job_title_patterns='["Matron*"]'),
        follow=True,
    )

    requirement = Requirement.objects.get()
    assert requirement.staff_groups == [NURSES]
    page = response.content.decode()
    assert "Safeguarding Adults Level 2 is saved. It applies to 1 person on the roster" in page
    assert "No one on the roster has a job title matching “Matron*” yet." in page


def test_an_edit_in_the_cms_says_how_many_it_applies_to_now(trust, editor_client):
    requirement = factories.make_requirement(name="Fire safety")

    response = editor_client.post(
        _snippet_url("edit", requirement.pk), _snippet_form(name="Fire safety", applies_to_everyone="on"), follow=True
    )

    assert "Fire safety is saved. It applies to 3 people on the roster" in response.content.decode()
