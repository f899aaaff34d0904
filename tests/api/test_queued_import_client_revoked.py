"""A client's import waits for the task worker; if HR revokes the client meanwhile (its token may be in the wrong
hands), or the HR officer given its token leaves HR, the worker refuses the import, changes nothing, and the batch and
the audit log say why. Before, the worker re-planned the file and checked only its token holders' own records, so a
compromised client's queued imports applied after HR had revoked it, and a client's whose token holder had left HR
applied although the API refused every call of that token from then on."""

import pytest
from django.test import Client
from django.utils import timezone

from portal.api.clients import api_client_revoke
from portal.audit.models import AuditEvent
from portal.compliance.imports.services import import_batch_apply, import_batch_run
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories

from .conftest import completion, roster_row


def _run_held(tasks_held) -> str:
    """What the API asked of the task worker, run now, as the worker would run it."""
    (result,) = tasks_held.results
    return result.task.call(*result.args, **result.kwargs)


def _send(api, org, kind: str):
    sam = org["people"]["sam"]
    if kind == "completions":
        body = {"completions": [completion(sam)]}
    else:
        body = {"people": [roster_row(sam, job_title="Press officer")]}
    response = api("post", f"/api/v1/{kind}", kind, body, key="queued")
    assert response.status_code == 202 and response.json()["import"]["status"] == "queued", response.content
    return ImportBatch.objects.get(pk=response.json()["import"]["id"])


def _nothing_changed(org) -> bool:
    sam = StaffMember.objects.get(pk=org["people"]["sam"].pk)
    return not EvidenceEntry.objects.exists() and sam.job_title == "Officer"


@pytest.mark.parametrize("kind", ["completions", "roster"])
def test_a_client_revoked_before_the_worker_applies_its_import_changes_nothing(api, org, tasks_held, kind):
    client = org["clients"][kind]
    batch = _send(api, org, kind)
    api_client_revoke(client=client, reason="Token found in a public repository", user=org["people"]["hr"].user)

    assert _run_held(tasks_held) == ImportBatch.FAILED

    client.refresh_from_db()
    revoked = timezone.localtime(client.revoked_at)
    error = (
        f"Not applied: the API client '{kind} system' was revoked on {revoked:%Y-%m-%d} at {revoked:%H:%M}, before "
        "this import was applied. Nothing was changed."
    )
    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.rows_done) == (ImportBatch.FAILED, error, 0)
    assert _nothing_changed(org)
    audited = AuditEvent.objects.get(action=AuditEvent.IMPORT, detail__batch=batch.pk, detail__failed=error)
    assert audited.actor_name == client.audit_name


@pytest.mark.parametrize("kind", ["completions", "roster"])
def test_a_client_whose_token_holder_left_hr_before_the_worker_applies_its_import_changes_nothing(
    api, org, tasks_held, kind
):
    batch = _send(api, org, kind)
    hana = org["people"]["hr"].user  # she made every client in `org`, and was given each token
    hana.groups.remove(hr_group())

    assert _run_held(tasks_held) == ImportBatch.FAILED

    error = (
        f"Not applied: {hana.display_name}, the HR officer given the API client '{kind} system''s token, no longer "
        "signs in, has left the organisation or is no longer in HR, so the API refuses the token until HR rotates "
        "it. Nothing was changed."
    )
    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.rows_done) == (ImportBatch.FAILED, error, 0)
    assert _nothing_changed(org)


@pytest.mark.parametrize("kind", ["completions", "roster"])
def test_hrs_page_for_a_refused_clients_import_says_why_and_offers_no_button_to_apply_it_again(
    api, org, ola, tasks_held, kind
):
    batch = _send(api, org, kind)
    page = factories.sign_in(Client(), ola.user)
    api_client_revoke(client=org["clients"][kind], reason="Compromised", user=org["people"]["hr"].user)
    assert 'data-testid="sender-refused"' not in page.get(f"/hr/imports/{batch.pk}/").content.decode()  # queued

    _run_held(tasks_held)

    html = page.get(f"/hr/imports/{batch.pk}/").content.decode()
    assert f'action="/hr/imports/{batch.pk}/apply/"' not in html
    refused = html.split('data-testid="sender-refused"')[1].split("</div>")[0]
    assert "may no longer apply it, so it cannot be applied from here either" in refused
    assert html.count("was revoked on") == 1  # in the failure, not said twice


def test_hr_asking_again_for_a_revoked_clients_import_is_refused_the_same(api, org, ola, tasks_held):
    batch = _send(api, org, "completions")
    api_client_revoke(client=org["clients"]["completions"], reason="Compromised", user=org["people"]["hr"].user)
    _run_held(tasks_held)

    batch.refresh_from_db()
    import_batch_apply(batch=batch, user=ola.user, background=False)

    assert batch.status == ImportBatch.FAILED and "was revoked on" in batch.error
    assert _nothing_changed(org)


@pytest.mark.parametrize("kind", ["completions", "roster"])
def test_a_client_not_revoked_has_its_queued_import_applied(api, org, tasks_held, kind):
    batch = _send(api, org, kind)
    assert import_batch_run(batch.pk) == ImportBatch.DONE
    assert not _nothing_changed(org)
