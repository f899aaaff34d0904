"""An import's number in GET /imports/{id} too large for the database names no import: it is a 404 like any other
number the client has no import under, not a server error (SQLite cannot even be asked about 2**63)."""

import pytest
from django.test import Client


@pytest.mark.parametrize("number", [2**63, 10**20, 0])
def test_an_import_number_no_import_can_have_is_not_found(api, org, number):
    response = Client(raise_request_exception=False).get(
        f"/api/v1/imports/{number}", headers={"Authorization": f"Bearer {org['tokens']['completions']}"}
    )
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] == f"There is no import {number} among this client's."


def test_the_largest_number_the_database_holds_is_asked_about(api, org):
    response = api("get", f"/api/v1/imports/{2**63 - 1}", "completions")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
