"""Whoever is shown a client's token holds it: the HR officer who made it, and the one who rotated it last (the page
shows them the new token). The own completions of both are refused through it, when the request comes, and nothing
is recorded."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from portal.api.clients import api_client_rotate
from portal.api.models import ApiClient
from portal.compliance.imports.completions import CLIENTS_MAKERS_RECORD, ROTATORS_RECORD
from portal.compliance.imports.own_records import OwnRecordRefused
from portal.compliance.imports.services import import_batch_run
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import Assignment

from .conftest import completion, rotated_by

token_shown_to_fill = import_module("portal.api.migrations.0002_token_shown_to").token_shown_to_fill


def test_making_and_rotating_record_who_was_shown_the_token(org, ola):
    client = org["clients"]["completions"]
    assert client.token_shown_to == client.created_by == org["people"]["hr"].user
    rotated_by(org, ola, "completions")
    client.refresh_from_db()
    assert (client.created_by, client.token_shown_to) == (org["people"]["hr"].user, ola.user)


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_rotators_and_the_makers_own_completions_are_refused(api, org, ola, dry_run):
    token = rotated_by(org, ola, "completions")
    hana, fay = org["people"]["hr"], org["people"]["fay"]
    body = {"completions": [completion(fay), completion(ola), completion(hana)], "dry_run": dry_run}
    response = api("post", "/api/v1/completions", body=body, key="own", token=token)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {"field": "completions[1]", "message": f"completions[1]: {ROTATORS_RECORD}"},
        {"field": "completions[2]", "message": f"completions[2]: {CLIENTS_MAKERS_RECORD}"},
    ]
    assert not EvidenceEntry.objects.exists()


def test_once_someone_else_rotates_it_the_last_rotators_completions_are_recorded(api, org, ola):
    rotated_by(org, ola, "completions")
    token = rotated_by(org, org["people"]["hr"], "completions")  # Hana, its maker, takes the token back
    response = api("post", "/api/v1/completions", body={"completions": [completion(ola)]}, key="k", token=token)
    assert response.status_code == 202, response.content
    assert EvidenceEntry.objects.get().staff == ola


def test_the_migration_gives_each_client_the_last_person_shown_its_token(org, ola):
    kept, rotated = org["clients"]["standing"], org["clients"]["completions"]
    api_client_rotate(client=rotated, user=ola.user)
    api_client_rotate(client=org["clients"]["roster"], user=None)  # by a command: no one was shown it
    ApiClient.objects.update(token_shown_to=None)  # as the column arrives, empty
    token_shown_to_fill(apps, SimpleNamespace(connection=connection))
    holders = dict(ApiClient.objects.values_list("pk", "token_shown_to"))
    assert holders[kept.pk] == org["people"]["hr"].user.pk
    assert holders[rotated.pk] == ola.user.pk
    assert holders[org["clients"]["roster"].pk] is None


def test_the_worker_refuses_the_rotators_record_if_the_roster_gave_it_them_after_the_request(api, org, ola, settings):
    """A number on no one's record is skipped when sent; if the record of whoever holds the token takes it before the
    task worker applies the file, the worker refuses it, as it does the maker's, and records nothing."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    token = rotated_by(org, ola, "completions")
    rows = [completion(org["people"]["fay"]), completion(ola, employee_number="E7777778")]
    sent = api("post", "/api/v1/completions", body={"completions": rows}, key="race", token=token)
    assert sent.status_code == 202 and sent.json()["details"]["not_on_roster"][0]["number"] == "E7777778"
    Assignment.objects.create(staff=ola, number="E7777778")  # a roster applied before the worker gets to it
    batch = ImportBatch.objects.get()
    with pytest.raises(OwnRecordRefused):
        import_batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.error == f"Not applied. Line 3: {ROTATORS_RECORD}"
    assert not EvidenceEntry.objects.exists()
