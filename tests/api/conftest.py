"""An organisation with two teams, a course HR has mapped, and an API client of each scope (one limited to Finance).

`api` sends a call with a client's token: `api("get", path, "standing")`; a write sends its Idempotency-Key."""

import datetime
import json

import pytest
from django.test import Client

from portal.api.clients import api_client_create
from portal.api.models import ApiClient
from portal.compliance.models import CompetenceMapping
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"
SCOPES = {
    "standing": [ApiClient.READ_STANDING],
    "completions": [ApiClient.WRITE_COMPLETIONS],
    "roster": [ApiClient.WRITE_ROSTER],
    "ledger": [ApiClient.READ_LEDGER],
}


@pytest.fixture
def org(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    comms = factories.make_team("Communications", parent=organisation)
    finance = factories.make_team("Finance", parent=organisation)
    payroll = factories.make_team("Payroll", parent=finance)
    sam = factories.make_staff(team=comms, first_name="Sam", last_name="Person")
    kim = factories.make_staff(team=comms, first_name="Kim", last_name="Colleague")
    fay = factories.make_staff(team=payroll, first_name="Fay", last_name="Finance")
    hr = factories.make_staff(team=finance, first_name="Hana", last_name="HR")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    fire = factories.make_requirement(name="Fire safety", renewal_months=24)
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)
    refresh()
    clients, tokens = {}, {}
    for name, scopes in SCOPES.items():
        clients[name], tokens[name] = api_client_create(name=f"{name} system", scopes=scopes, team=None, user=hr.user)
    everything = [scope for scope, _ in ApiClient.SCOPE_CHOICES if scope != ApiClient.READ_LEDGER]
    clients["finance"], tokens["finance"] = api_client_create(
        name="Finance system", scopes=everything, team=finance, user=hr.user
    )
    return {
        "teams": {"organisation": organisation, "comms": comms, "finance": finance, "payroll": payroll},
        "people": {"sam": sam, "kim": kim, "fay": fay, "hr": hr},
        "fire": fire,
        "clients": clients,
        "tokens": tokens,
    }


@pytest.fixture
def api(org):
    def call(method, path, who=None, body=None, key=None, token=None, client=None, **headers):
        client = client or Client()
        token = token if token is not None else (org["tokens"][who] if who else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        if method == "get":
            return client.get(path, body or {}, headers=headers)
        data = body if isinstance(body, (str, bytes)) else json.dumps(body, default=str)
        return getattr(client, method)(path, data, content_type="application/json", headers=headers)

    return call


def completion(staff, days_ago=10, course=COURSE, **overrides) -> dict:
    row = {
        "employee_number": staff.employee_number,
        "course": course,
        "completed_on": (datetime.date.today() - datetime.timedelta(days=days_ago)).isoformat(),
    }
    row.update(overrides)
    return row


def roster_row(staff, **overrides) -> dict:
    """A roster write's person as the roster holds `staff` now, with `overrides`."""
    row = {
        "employee_number": staff.employee_number,
        "first_name": staff.first_name,
        "last_name": staff.last_name,
        "work_email": staff.work_email,
        "start_date": staff.start_date.isoformat(),
        "team_code": staff.team.code,
    }
    row.update(overrides)
    return row


@pytest.fixture
def ola(org):
    """A second HR officer, with a staff record in Finance and a second factor for HR's pages, to rotate tokens."""
    staff = factories.make_staff(team=org["teams"]["finance"], first_name="Ola", last_name="Rotator")
    staff.user.groups.add(hr_group())
    factories.with_mfa(staff.user)
    return staff


def rotated_by(org, who, client: str) -> str:
    """The token of `org`'s `client`, rotated on HR's page by `who`, as that page shows it to them."""
    browser = factories.sign_in(Client(), who.user)
    response = browser.post(f"/hr/api-clients/{org['clients'][client].pk}/rotate/")
    return browser.get(response["Location"]).content.decode().split('<code id="token">')[1].split("</code>")[0]
