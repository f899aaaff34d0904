"""A read's `as_at` is a day written YYYY-MM-DD, as the writes' dates are: pydantic read `?as_at=1735689600` as
seconds since 1970 (so answered for 1 January 2025), and told `?as_at=20250101` it "should have zero time". Each is
refused naming the parameter and how to write it; an empty `as_at` is today, live."""

import pytest

ENDPOINTS = {
    "person": "/api/v1/people/{sam}/standing",
    "team": "/api/v1/teams/{comms}/standing",
    "organisation": "/api/v1/organisation/figures",
}


def _path(org, endpoint):
    return ENDPOINTS[endpoint].format(sam=org["people"]["sam"].employee_number, comms=org["teams"]["comms"].code)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("value", ["1735689600", "20250101", "2025-1-1"])
def test_an_as_at_not_written_as_a_day_is_refused_by_name(api, org, endpoint, value):
    response = api("get", _path(org, endpoint), "standing", {"as_at": value})
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {"field": "as_at", "message": f"as_at: write the date as YYYY-MM-DD, not {value!r}"}
    ]


def test_an_empty_as_at_is_today(api, org):
    response = api("get", _path(org, "person"), "standing", {"as_at": ""})
    assert response.status_code == 200 and response.json()["live"] is True
