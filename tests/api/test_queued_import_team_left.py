"""A team-limited client's import is checked against its teams when the request comes and again when the task worker
applies it: if someone in its rows has moved out of its teams meanwhile (a roster applied first), the worker refuses
the import, changes nothing, and the client reads why at GET /imports/{id}. Before, the row applied anyway: the
Finance client's roster row moved Fay, who HR had just moved to Communications, back into Payroll."""

import pytest

from portal.audit.models import AuditEvent
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember

from .conftest import completion, roster_row


def _send(api, org, kind: str):
    fay = org["people"]["fay"]
    if kind == "completions":
        body = {"completions": [completion(fay)]}
    else:
        body = {"people": [roster_row(fay, job_title="Payroll officer")]}
    response = api("post", f"/api/v1/{kind}", "finance", body, key="finance")
    assert response.status_code == 202 and response.json()["import"]["status"] == "queued", response.content
    return response.json()["import"]


def _move_fay_to_communications(api, org, tasks_held):
    """HR's whole-organisation roster client moves Fay, and the worker applies that first."""
    fay, comms = org["people"]["fay"], org["teams"]["comms"]
    response = api("post", "/api/v1/roster", "roster", {"people": [roster_row(fay, team_code=comms.code)]}, key="mv")
    assert response.status_code == 202, response.content
    moved = next(result for result in tasks_held.results if result.args == [response.json()["import"]["id"]])
    assert moved.task.call(*moved.args) == ImportBatch.DONE
    assert StaffMember.objects.get(pk=fay.pk).team == comms


def _run(tasks_held, batch_id: int) -> str:
    held = next(result for result in tasks_held.results if result.args == [batch_id])
    return held.task.call(*held.args)


@pytest.mark.parametrize("kind", ["completions", "roster"])
def test_a_row_for_someone_who_left_the_clients_teams_before_the_worker_changes_nothing(api, org, tasks_held, kind):
    fay = org["people"]["fay"]
    sent = _send(api, org, kind)
    _move_fay_to_communications(api, org, tasks_held)

    assert _run(tasks_held, sent["id"]) == ImportBatch.FAILED

    item = "completions[0]" if kind == "completions" else "people[0]"
    error = (
        "Not applied: the API client 'Finance system' is limited to Finance and the teams below it, and as the roster "
        f"is now, 1 of its rows is not its to send: {item}: no one numbered {fay.employee_number!r} in this client's "
        "team. Nothing was changed."
    )
    status = api("get", sent["status_url"], "finance").json()
    assert (status["status"], status["error"], status["rows_done"]) == ("failed", error, 0)
    fay.refresh_from_db()
    assert fay.team == org["teams"]["comms"] and fay.job_title == "Officer"  # not moved back into Payroll
    assert not EvidenceEntry.objects.filter(staff=fay).exists()
    audited = AuditEvent.objects.get(action=AuditEvent.IMPORT, detail__batch=sent["id"], detail__failed=error)
    assert audited.actor_name == org["clients"]["finance"].audit_name


@pytest.mark.parametrize("kind", ["completions", "roster"])
def test_a_row_for_someone_still_in_the_clients_teams_is_applied(api, org, tasks_held, kind):
    fay = org["people"]["fay"]
    sent = _send(api, org, kind)

    assert _run(tasks_held, sent["id"]) == ImportBatch.DONE

    fay.refresh_from_db()
    assert fay.team == org["teams"]["payroll"]
    if kind == "completions":
        assert EvidenceEntry.objects.filter(staff=fay).count() == 1
    else:
        assert fay.job_title == "Payroll officer"
