"""The HR officer who made a client is shown its token: their own completions sent through it are refused, as when they
apply a file themself, and nothing is recorded. A client another member of HR made records them."""

import pytest

from portal.api.clients import api_client_create
from portal.api.models import ApiClient
from portal.compliance.imports.own_records import OwnRecordRefused
from portal.compliance.imports.services import import_batch_run
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import Assignment
from portal.people.roles import hr_group
from tests import factories

from .conftest import completion

MAKERS = (
    "this is the record of the HR officer who made this client, so nothing the client sends can record it. Another "
    "member of HR can import it from a file they upload themselves."
)


def _send(api, org, rows, key, who="completions", **options):
    return api("post", "/api/v1/completions", who, {"completions": rows, **options}, key=key)


@pytest.mark.parametrize("who", ["completions", "finance"])  # the whole organisation's client, and Finance's
@pytest.mark.parametrize("dry_run", [False, True])
def test_the_makers_own_completion_is_refused_by_row_and_nothing_is_recorded(api, org, who, dry_run):
    hana, fay = org["people"]["hr"], org["people"]["fay"]  # Hana made every client in `org`
    response = _send(api, org, [completion(fay), completion(hana)], key="own", who=who, dry_run=dry_run)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "rows_rejected"
    assert body["errors"] == [{"field": "completions[1]", "message": f"completions[1]: {MAKERS}"}]
    assert not EvidenceEntry.objects.exists()


def test_the_makers_second_assignment_is_theirs_too(api, org):
    hana = org["people"]["hr"]
    second = Assignment.objects.create(staff=hana, number=f"{hana.employee_number}-2").number
    response = _send(api, org, [completion(hana, employee_number="", assignment_number=second)], key="second")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "completions[0]"
    assert not EvidenceEntry.objects.exists()


def test_a_client_another_member_of_hr_made_records_them(api, org):
    other = factories.make_staff(team=org["teams"]["finance"])
    other.user.groups.add(hr_group())
    _, token = api_client_create(
        name="Another HR's system", scopes=[ApiClient.WRITE_COMPLETIONS], team=None, user=other.user
    )
    hana = org["people"]["hr"]
    response = api("post", "/api/v1/completions", body={"completions": [completion(hana)]}, key="k", token=token)
    assert response.status_code == 202, response.content
    assert EvidenceEntry.objects.get().staff == hana


def test_the_worker_refuses_the_makers_record_if_the_roster_gave_it_them_after_the_request(api, org, settings):
    """A number on no one's record is skipped when sent; if the maker's record takes it before the task worker
    applies the file, the worker refuses it and records nothing."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    hana = org["people"]["hr"]
    rows = [completion(org["people"]["fay"]), completion(hana, employee_number="E7777777")]
    sent = _send(api, org, rows, key="race")
    assert sent.status_code == 202 and sent.json()["details"]["not_on_roster"][0]["number"] == "E7777777"
    Assignment.objects.create(staff=hana, number="E7777777")  # a roster applied before the worker gets to it
    batch = ImportBatch.objects.get()
    with pytest.raises(OwnRecordRefused):  # the task worker's run of it: it fails the batch and says why
        import_batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.error == f"Not applied. Line 3: {MAKERS}"
    assert not EvidenceEntry.objects.exists()
