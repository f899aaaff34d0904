"""A client limited to a team is checked against the people and teams the import itself would find, not against a
looser lookup of its own: a completion's number is read as an assignment number first (as the import reads it), and a
roster row's team by code, else by a name only one team in the organisation has."""

from django.contrib.auth import get_user_model

from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import Assignment, StaffMember
from portal.people.roles import hr_group
from tests import factories

from .conftest import completion


def _completions(api, rows, key, **options):
    return api("post", "/api/v1/completions", "finance", {"completions": rows, **options}, key=key)


def _roster(api, people, key, **options):
    return api("post", "/api/v1/roster", "finance", {"people": people, **options}, key=key)


def _person(number, **overrides):
    person = {
        "employee_number": number,
        "first_name": "Dee",
        "last_name": "Coy",
        "work_email": f"{number.lower()}@example.nhs.uk",
        "start_date": "2024-01-08",
        "job_title": "Officer",
    }
    person.update(overrides)
    return person


def _second_post(staff) -> str:
    """ESR's number for the person's second assignment: their employee number with -2."""
    return Assignment.objects.create(staff=staff, number=f"{staff.employee_number}-2").number


def test_an_in_team_decoy_numbered_as_an_outsiders_assignment_does_not_reach_the_outsider(api, org):
    sam, payroll = org["people"]["sam"], org["teams"]["payroll"]
    number = _second_post(sam)  # Sam is in Communications, outside the Finance client's team
    # In the client's team, numbered as Sam's second post (a roster now refuses that; one from before may hold it).
    decoy = factories.make_staff(team=payroll)
    StaffMember.objects.filter(pk=decoy.pk).update(employee_number=number)
    for dry_run in (True, False):
        response = _completions(
            api,
            [completion(org["people"]["fay"]), completion(sam, employee_number=number)],
            f"d{dry_run}",
            dry_run=dry_run,
        )
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["code"] == "rows_rejected"
        assert [e["field"] for e in body["errors"]] == ["completions[1]"]
        assert number in body["errors"][0]["message"]
    assert not EvidenceEntry.objects.exists()
    assert not ImportBatch.objects.filter(kind=ImportBatch.COMPLETIONS).exists()


def test_an_outsiders_second_assignment_given_as_the_assignment_number_is_refused(api, org):
    sam = org["people"]["sam"]
    row = completion(org["people"]["fay"], assignment_number=_second_post(sam))  # the assignment number wins
    response = _completions(api, [row], key="assignment")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "completions[0]"
    assert not EvidenceEntry.objects.exists()


def test_a_team_clients_own_people_by_either_number_are_recorded(api, org):
    fay = org["people"]["fay"]
    rows = [completion(fay), completion(fay, days_ago=400, employee_number="", assignment_number=_second_post(fay))]
    response = _completions(api, rows, key="mine")
    assert response.status_code == 202, response.content
    assert EvidenceEntry.objects.filter(staff=fay).count() == 2


def _staff_row(staff, **overrides):
    """The row a roster would give someone already in the portal, as they are."""
    fields = {
        "first_name": staff.first_name,
        "last_name": staff.last_name,
        "work_email": staff.work_email,
        "team_code": staff.team.code,
    }
    return _person(staff.employee_number, **{**fields, **overrides})


def test_a_team_name_another_team_shares_is_refused_and_asks_for_the_code(api, org):
    # Outside Finance, and after Finance's Payroll in the tree: an import reading names alone would place people here.
    elsewhere = factories.make_team("Payroll", parent=org["teams"]["organisation"])
    dee = factories.make_staff(team=org["teams"]["finance"])
    for name in ("Payroll", "PAYROLL"):
        response = _roster(api, [_staff_row(dee, team_code="", team_name=name)], key=f"name-{name}")
        assert response.status_code == 422, response.content
        error = response.json()["errors"][0]
        assert error["field"] == "people[0].team_code" and "give the team code" in error["message"]
    assert not ImportBatch.objects.filter(kind=ImportBatch.ROSTER).exists()
    outside = _roster(api, [_staff_row(dee, team_code=elsewhere.code, team_name="Payroll")], key="code-outside")
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "people[0].team_code"
    dee.refresh_from_db()
    assert dee.team == org["teams"]["finance"]
    inside = _roster(api, [_staff_row(dee, team_code=org["teams"]["payroll"].code, team_name="Payroll")], key="in")
    assert inside.status_code == 202, inside.content
    dee.refresh_from_db()
    assert dee.team == org["teams"]["payroll"]


def test_a_name_only_one_team_has_places_the_person_in_it_whatever_its_case(api, org):
    dee = factories.make_staff(team=org["teams"]["finance"])
    response = _roster(api, [_staff_row(dee, team_code="", team_name="payroll")], key="unique-name")
    assert response.status_code == 202, response.content
    dee.refresh_from_db()
    assert dee.team == org["teams"]["payroll"]


def test_a_name_only_a_team_outside_the_client_has_is_refused(api, org):
    dee = factories.make_staff(team=org["teams"]["finance"])
    response = _roster(api, [_staff_row(dee, team_code="", team_name="Communications")], key="outside-name")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "people[0].team_code"
    dee.refresh_from_db()
    assert dee.team == org["teams"]["finance"]


def test_a_team_client_cannot_name_an_account_with_rights_outside_its_team(api, org):
    """A superuser (break glass) or an HR officer outside the team has no staff record here: a Finance client's row
    giving one of its people their sign-in email is refused, so it can neither give the account a staff record nor
    close it."""
    admin = get_user_model().objects.create_superuser(email="break.glass@example.nhs.uk", password="x" * 20)
    officer = factories.make_user(email="hr.officer@example.nhs.uk")
    officer.groups.add(hr_group())
    dee, don = (factories.make_staff(team=org["teams"]["payroll"]) for _ in range(2))
    for dry_run in (True, False):
        response = _roster(
            api,
            [
                _staff_row(dee, work_email="BREAK.GLASS@example.nhs.uk", leave_date="2024-01-05"),
                _staff_row(don, work_email="hr.officer@example.nhs.uk", leave_date=None),
            ],
            f"r{dry_run}",
            dry_run=dry_run,
        )
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["errors"]] == ["people[0].work_email", "people[1].work_email"]
    admin.refresh_from_db()
    assert admin.is_active and not StaffMember.objects.filter(user__in=[admin, officer]).exists()


def test_a_team_client_may_name_an_hr_officer_in_its_own_team(api, org):
    fay = org["people"]["fay"]  # in the Finance client's team
    fay.user.groups.add(hr_group())
    response = _roster(
        api,
        [_person(fay.employee_number, work_email=fay.work_email, team_code=fay.team.code)],
        "own-team",
        dry_run=True,
    )
    assert response.status_code == 200, response.content
