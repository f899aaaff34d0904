"""Whoever was shown a client's token (its maker, and whoever rotated it last) may send anything through it: a roster
row changing what their own training status is worked out from (their start date, team, ...) is refused, on a dry run
and when applied, when the request comes and again in the task worker, as when they apply a file themself. A row for
them that changes nothing of that applies, and so does a row for another member of HR."""

import datetime

import pytest

from portal.api.clients import api_client_create
from portal.api.models import ApiClient
from portal.compliance.imports.own_records import TOKEN_HOLDER, OwnRecordRefused
from portal.compliance.imports.roster import REASONS
from portal.compliance.imports.services import import_batch_run
from portal.compliance.models import ImportBatch
from portal.lib.csvfiles import show_date
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories

from .conftest import roster_row, rotated_by

MAKERS = (
    "this is the record of the HR officer who made this client, and it changes what their training status is worked "
    "out from ({}), so nothing the client sends can change it. Another member of HR can apply it from a file they "
    "upload themselves."
)


def _moved():
    return f"Start date: 06/01/2020 to {show_date(datetime.date.today())}"


def _send(api, rows, key, who="roster", token=None, **options):
    return api("post", "/api/v1/roster", who, {"people": rows, **options}, key=key, token=token)


def _row(staff, **overrides) -> dict:
    """`staff` as the roster holds them (a write names every column: one left out is blank), with `overrides`."""
    return roster_row(staff, **{"job_title": staff.job_title, "staff_group": staff.staff_group, **overrides})


def _people() -> list:
    return list(StaffMember.objects.order_by("pk").values())


@pytest.mark.parametrize("who", ["roster", "finance"])  # the whole organisation's client, and Finance's
@pytest.mark.parametrize("dry_run", [False, True])
def test_the_makers_own_start_date_is_refused_by_row_and_nothing_changes(api, org, who, dry_run):
    hana, fay = org["people"]["hr"], org["people"]["fay"]  # Hana made every client in `org`
    before = _people()
    rows = [_row(fay, job_title="Senior Officer"), _row(hana, start_date=datetime.date.today().isoformat())]
    response = _send(api, rows, key="own", who=who, dry_run=dry_run)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "rows_rejected"
    assert body["errors"] == [{"field": "people[1]", "message": f"people[1]: {MAKERS.format(_moved())}"}]
    assert _people() == before


def test_the_rotators_own_team_is_refused_as_the_makers(api, org, ola):
    token = rotated_by(org, ola, "roster")
    before = _people()
    moved = _row(ola, team_code=org["teams"]["comms"].code)
    response = _send(api, [moved], key="rotator", who=None, token=token)
    assert response.status_code == 422, response.content
    reason = REASONS[TOKEN_HOLDER].format(facts="Team: Finance to Communications")
    assert response.json()["errors"] == [{"field": "people[0]", "message": f"people[0]: {reason}"}]
    assert _people() == before


def test_the_makers_own_row_applies_when_it_changes_nothing_their_standing_follows(api, org):
    hana = org["people"]["hr"]
    response = _send(api, [_row(hana, employment_type="bank")], key="bank")
    assert response.status_code == 202, response.content
    hana.refresh_from_db()
    assert hana.employment_type == StaffMember.BANK


def test_another_member_of_hrs_start_date_goes_through_a_client_they_were_never_shown(api, org, ola):
    response = _send(api, [_row(ola, start_date=datetime.date.today().isoformat())], key="ola")
    assert response.status_code == 202, response.content
    ola.refresh_from_db()
    assert ola.start_date == datetime.date.today()


def test_the_worker_refuses_a_record_joined_to_the_maker_after_the_request(api, org, settings):
    """Ida made the client before she had a staff record; the record the request changes is joined to her account
    before the task worker applies it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ida = factories.make_user(first_name="Ida", last_name="Maker")
    ida.groups.add(hr_group())
    _, token = api_client_create(name="Ida's system", scopes=[ApiClient.WRITE_ROSTER], team=None, user=ida)
    record = factories.make_staff(team=org["teams"]["finance"], first_name="Ida", last_name="Maker")
    sent = _send(api, [_row(record, start_date=datetime.date.today().isoformat())], key="race", who=None, token=token)
    assert sent.status_code == 202, sent.content
    StaffMember.objects.filter(pk=record.pk).update(user=ida)
    batch = ImportBatch.objects.get()
    with pytest.raises(OwnRecordRefused):
        import_batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and batch.error == f"Not applied. Line 2: {MAKERS.format(_moved())}"
    assert StaffMember.objects.get(pk=record.pk).start_date == datetime.date(2020, 1, 6)
