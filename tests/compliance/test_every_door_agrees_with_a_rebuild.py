"""Every door that changes a requirement, a course mapping, a pause or a team leaves what each reader shows (the status
table and its runs, the team page, HR's figures, the export, the API, and each as it was on a past day) as a full
`rebuild_status` would make it: `_agrees_with_a_rebuild` reads them all, rebuilds, reads them again and asserts each
the same. The doors: the CMS's edit of a requirement's renewal, audience, levels and start date, its retiring and
its delete; HR's change to a pause after its end; the organisation file moving a team; the roster moving a person; a
course mapping's change; closing a team a requirement names. One small organisation, so the file stays quick."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.api.clients import api_client_create
from portal.api.models import ApiClient
from portal.compliance import pauses
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.mappings import competence_mapping_save
from portal.compliance.models import ImportBatch, Requirement, RequirementStatus, StatusInterval
from portal.compliance.organisation import team_close
from portal.compliance.services import status_rebuild
from portal.people.models import Team
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.histories import status_values
from tests.compliance.test_import_utf16 import private_files  # noqa: F401 - fixture
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends


def _past():
    return timezone.localdate() - datetime.timedelta(days=30)


def _as_it_was():
    return {"as_at": _past().isoformat(), "basis": "as_it_was"}


ROSTER_HEADER = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date"
# What changes from one request to the next whatever the records: the form's CSRF token, the scripts' nonce, the
# seconds left before the session times out.
PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value|nonce|data-seconds-left)="[^"]*"')


@pytest.fixture
def org(db):
    """A trust of two directorates, a ward and a clinic in the first; three people; a requirement for everyone, one
    for the first directorate (and so its ward), one for the empty clinic; evidence and a pause ended long ago."""
    trust = Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    medicine = trust.add_child(code="RX1-M", name="Medicine", kind=Team.DIRECTORATE)
    surgery = trust.add_child(code="RX1-S", name="Surgery", kind=Team.DIRECTORATE)
    ward = medicine.add_child(code="RX1-W", name="Ward 7", kind=Team.TEAM)
    clinic = medicine.add_child(code="RX1-C", name="Clinic", kind=Team.TEAM)
    start = datetime.date(2024, 1, 8)
    ann = factories.make_staff(team=ward, employee_number="1001", first_name="Ann", start_date=start)
    bob = factories.make_staff(team=ward, employee_number="1002", first_name="Bob", start_date=start)
    factories.make_staff(team=surgery, employee_number="1003", first_name="Cat", start_date=start)
    hr = factories.make_staff(team=trust, employee_number="1004", first_name="Hana", start_date=start)
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    everyone = factories.make_requirement(name="Fire safety", renewal_months=12, introduced_on=start)
    medicine_only = factories.make_requirement(name="Infection control", applies_to_everyone=False)
    medicine_only.teams.add(medicine)
    clinic_only = factories.make_requirement(name="Clinic induction", applies_to_everyone=False)
    clinic_only.teams.add(clinic)
    handling = factories.make_requirement(name="Moving and handling", renewal_months=24)
    status_rebuild(user=None, via="the test's setup")
    factories.make_completion(ann, everyone, completed_at=timezone.now() - datetime.timedelta(days=400))
    factories.make_completion(bob, medicine_only, completed_at=timezone.now() - datetime.timedelta(days=60))
    pause = pauses.pause_add(
        staff=bob,
        requirements=[everyone],
        reason_code=pauses.SICKNESS,
        first_day=timezone.localdate() - datetime.timedelta(days=90),
        last_day=timezone.localdate() - datetime.timedelta(days=45),
        user=hr.user,
    )
    _, token = api_client_create(name="Reader", scopes=[ApiClient.READ_STANDING], team=None, user=hr.user)
    return {
        "teams": {"trust": trust, "medicine": medicine, "surgery": surgery, "ward": ward, "clinic": clinic},
        "people": {"ann": ann, "bob": bob},
        "requirements": {"everyone": everyone, "medicine": medicine_only, "clinic": clinic_only, "handling": handling},
        "pause": pause,
        "hr": factories.sign_in(Client(), hr.user),
        "hr_user": hr.user,
        "token": token,
    }


def _page(client, name, params=None, **headers) -> str:
    response = client.get(reverse(name) if not name.startswith("/") else name, params or {}, headers=headers)
    assert response.status_code == 200, (name, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return PER_REQUEST.sub(r"\1", body.decode())


def _readings(org) -> dict:
    """What each reader shows, live and as it was a month ago."""
    hr, api = org["hr"], {"Authorization": f"Bearer {org['token']}"}
    code = org["teams"]["trust"].code
    return {
        "status table": status_values(RequirementStatus.objects.all()),
        "runs": sorted(StatusInterval.objects.values_list(*_run_fields())),
        "team page": _page(hr, "reports:team"),
        "team page as it was": _page(hr, "reports:team", _as_it_was()),
        "HR's figures": _page(hr, "hr_reports:organisation"),
        "export": _page(hr, "exports:csv"),
        "API team": json.loads(_page(Client(), f"/api/v1/teams/{code}/standing", **api)),
        "API figures as it was": json.loads(_page(Client(), "/api/v1/organisation/figures", _as_it_was(), **api)),
    }


def _run_fields() -> list[str]:
    return [field.attname for field in StatusInterval._meta.concrete_fields if field.attname != "id"]


def _agrees_with_a_rebuild(org, door: str = "") -> None:
    """Each reader shows the same before and after `rebuild_status`: the door kept the status table as the ledger
    and the roster make it, and every reader follows it."""
    before = _readings(org)
    status_rebuild(user=None, via="the test")
    after = _readings(org)
    for reader, shown in before.items():
        assert after[reader] == shown, f"{reader} changed on a rebuild" + (f", after: {door}" if door else "")


def _cms_edit(org, requirement, **fields) -> None:
    cms = factories.sign_in(Client(), factories.with_mfa(factories.make_user(is_superuser=True)))
    url = reverse(Requirement.snippet_viewset.get_url_name("edit"), args=[requirement.pk])
    form = _as_the_browser_sends(cms.get(url).content.decode())
    for name, value in fields.items():
        if value is None:
            form.pop(name, None)  # an unticked box is not sent
        elif isinstance(value, list):
            form.setlist(name, value)
        else:
            form[name] = value
    response = cms.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_check_catches_a_status_row_written_round_the_services(org):
    """The deliberate bypass: a status row changed behind the services' back is put right by the rebuild, and so
    every reader of it changes: the check fails, naming the first."""
    RequirementStatus.objects.filter(staff=org["people"]["ann"]).update(
        due_on=timezone.localdate() + datetime.timedelta(days=900)
    )

    with pytest.raises(AssertionError, match="changed on a rebuild"):
        _agrees_with_a_rebuild(org)


def test_a_requirement_changed_in_the_cms(org):
    """Its renewal, audience, levels, start date, then retired: each edit checked before the next."""
    fire = org["requirements"]["everyone"]
    for door, fields in [
        ("renewal", {"renewal_months": "36"}),
        ("audience", {"applies_to_everyone": None, "teams": [str(org["teams"]["surgery"].pk)]}),
        ("levels", {"level_family": "Fire", "level": "2"}),
        ("start date", {"introduced_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat()}),
        ("retired", {"active": None, "retired_reason": "Replaced by the national course"}),
    ]:
        saved = Requirement.objects.filter(pk=fire.pk).values().get()
        _cms_edit(org, fire, **fields)
        assert Requirement.objects.filter(pk=fire.pk).values().get() != saved, door
        _agrees_with_a_rebuild(org, door)


def test_a_requirement_deleted_in_the_cms(org):
    clinic_only = org["requirements"]["clinic"]
    cms = factories.sign_in(Client(), factories.with_mfa(factories.make_user(is_superuser=True)))

    assert cms.post(reverse(Requirement.snippet_viewset.get_url_name("delete"), args=[clinic_only.pk])).status_code
    assert not Requirement.objects.filter(pk=clinic_only.pk).exists()
    _agrees_with_a_rebuild(org)


def test_a_pause_changed_after_its_end(org):
    bob, pause = org["people"]["bob"], org["pause"]

    pauses.pause_change(
        staff=bob,
        ref=pause.ref,
        reason_code=pause.reason_code,
        first_day=pause.first_day,
        last_day=timezone.localdate() - datetime.timedelta(days=20),
        user=org["hr_user"],
    )

    _agrees_with_a_rebuild(org)


def test_a_team_moved_by_the_organisation_file(org):
    data = (
        b"Organisation Code,Organisation Name,Parent Organisation Code\r\n"
        b"RX1,Example Trust,\r\nRX1-M,Medicine,RX1\r\nRX1-S,Surgery,RX1\r\nRX1-W,Ward 7,RX1-S\r\nRX1-C,Clinic,RX1-M\r\n"
    )
    batch, plan = import_batch_create(kind="organisation", data=data, filename="tree.csv", user=None)
    assert len(plan.to_move) == 1
    import_batch_apply(batch=batch, user=None, via="the test", background=False)

    assert Team.objects.get(code="RX1-W").get_parent().code == "RX1-S"
    _agrees_with_a_rebuild(org)


def test_a_person_moved_by_the_roster(org):
    ann = org["people"]["ann"]
    data = f"{ROSTER_HEADER}\r\n1001,Ann,{ann.last_name},{ann.work_email},RX1-S,08/01/2024\r\n".encode()
    batch, _ = import_batch_create(kind=ImportBatch.ROSTER, data=data, filename="roster.csv", user=None)
    import_batch_apply(batch=batch, user=None, via="the test", background=False)

    ann.refresh_from_db()
    assert ann.team.code == "RX1-S"
    _agrees_with_a_rebuild(org)


def test_a_course_mapping_changed(org):
    handling = org["requirements"]["handling"]
    competence_mapping_save(competence="NHS|CSTF|Moving and Handling|", requirement=handling, user=org["hr_user"])

    _agrees_with_a_rebuild(org)


def test_a_team_a_requirement_names_closed(org):
    team_close(team=org["teams"]["clinic"], closed_on=timezone.localdate() - datetime.timedelta(days=5), user=None)

    _agrees_with_a_rebuild(org)
