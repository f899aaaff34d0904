"""A rate-limited call is in the audit log: the first call refused in each minute's window, once per client (or, for
calls without a valid token, once per address), naming who, the limit and until when. The calls refused after it in
the same window write nothing each, so a flood of requests cannot write a flood of rows."""

import types

import pytest
from django.test import Client

from portal.api import auth
from portal.api.clients import api_client_revoke
from portal.audit.models import AuditEvent

PATH = "/api/v1/people/{}/standing"


def _limited():
    return AuditEvent.objects.filter(action=AuditEvent.REFUSED, detail__why="rate limited")


@pytest.fixture(autouse=True)
def _within_one_minute(monkeypatch):
    _at(monkeypatch, 1_800_000_010)  # a window that does not end part way through a test


def _at(monkeypatch, seconds: float):
    """The rate limiter's clock (only its own: the module's `time`)."""
    monkeypatch.setattr(auth, "time", types.SimpleNamespace(time=lambda: seconds))


def test_a_client_over_its_limit_is_audited_once_a_window(api, org, settings, monkeypatch):
    settings.PORTAL_API_RATE_PER_MINUTE = 3
    path = PATH.format(org["people"]["sam"].employee_number)
    assert [api("get", path, "standing").status_code for _ in range(3)] == [200] * 3
    assert not _limited().exists()
    assert [api("get", path, "standing").status_code for _ in range(20)] == [429] * 20
    [line] = _limited()
    client = org["clients"]["standing"]
    assert line.actor_name == client.audit_name and line.actor is None
    assert line.scope == f"GET {path}"
    assert line.detail["api_client"] == client.pk and line.detail["api_scope"] == "read_standing"
    assert line.detail["limit_per_minute"] == 3 and line.detail["ip"] == "127.0.0.1"
    assert line.detail["refused_until"].endswith("+00:00")
    assert "not recorded each" in line.detail["note"]

    _at(monkeypatch, 1_800_000_070)  # the next minute: a new allowance, and a new line once it is spent
    assert [api("get", path, "standing").status_code for _ in range(5)] == [200] * 3 + [429] * 2
    assert _limited().count() == 2


def test_each_client_over_its_limit_has_its_own_line(api, org, settings):
    settings.PORTAL_API_RATE_PER_MINUTE = 1
    sam = org["people"]["sam"].employee_number
    for who in ["standing", "finance", "standing", "finance", "standing"]:
        api("get", PATH.format(sam), who)
    assert sorted(_limited().values_list("detail__api_client", flat=True)) == sorted(
        [org["clients"]["standing"].pk, org["clients"]["finance"].pk]
    )


def test_calls_without_a_valid_token_over_the_limit_are_audited_once_a_window_by_address(api, org, settings):
    settings.PORTAL_API_FAILURES_PER_MINUTE = 2
    path = PATH.format(org["people"]["sam"].employee_number)
    assert [api("get", path, token="ntp_x_y").status_code for _ in range(2)] == [401, 401]
    assert [api("get", path, token="ntp_x_y").status_code for _ in range(10)] == [429] * 10
    assert [api("get", path).status_code for _ in range(3)] == [429] * 3  # no token at all: the same address
    [line] = _limited()
    assert line.actor_name == auth.UNIDENTIFIED_CALLER and line.actor is None
    assert line.detail["ip"] == "127.0.0.1" and line.detail["refused_for"] == "token_not_recognised"
    assert line.detail["limit_per_minute"] == 2 and "api_client" not in line.detail

    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    other = [api("get", path, token="ntp_x_y", client=elsewhere).status_code for _ in range(3)]
    assert other == [401, 401, 429]
    assert sorted(_limited().values_list("detail__ip", flat=True)) == ["10.1.2.3", "127.0.0.1"]


def test_a_flood_writes_one_line_however_long_it_lasts(api, org, settings):
    settings.PORTAL_API_RATE_PER_MINUTE = 1
    path = PATH.format(org["people"]["sam"].employee_number)
    api("get", path, "standing")
    before = AuditEvent.objects.count()
    for _ in range(50):
        api("get", path, "standing")
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize("why", ["revoked token", "token holder no longer in HR"])
def test_a_flood_with_a_revoked_or_lapsed_token_writes_no_line_a_call(api, org, settings, why):
    """A revoked token is often one in the wrong hands: its calls count against the address's limit like any token
    that opens nothing, and past it the window's one rate-limited line stands for them (before, each call wrote a
    refusal line of its own, however many it sent)."""
    settings.PORTAL_API_FAILURES_PER_MINUTE = 2
    hr = org["people"]["hr"].user
    if why == "revoked token":
        api_client_revoke(client=org["clients"]["standing"], reason="Token found in a public repository", user=hr)
    else:
        hr.groups.clear()  # the HR officer shown every token leaves HR
    path = PATH.format(org["people"]["sam"].employee_number)
    before = AuditEvent.objects.count()
    assert [api("get", path, "standing").status_code for _ in range(30)] == [401] * 2 + [429] * 28
    refusals = AuditEvent.objects.filter(action=AuditEvent.REFUSED, detail__why=why)
    assert refusals.count() == 2 and all(line.actor_name == org["clients"]["standing"].audit_name for line in refusals)
    [limited] = _limited()
    assert limited.detail["refused_for"] in {"token_revoked", "token_holder_not_hr"}
    assert AuditEvent.objects.count() == before + 3
