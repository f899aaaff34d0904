"""The access matrix, part two: who may ask for an evidence pack of which team, whose packs and certificates each
person may download, and HR without MFA. The people, teams and helpers are in `access_matrix.py`."""

import pytest
from django.urls import reverse

from portal.people.models import TeamManager
from portal.people.roles import hr_group
from portal.reports.models import EvidencePack
from tests import factories
from tests.reports.access_matrix import (
    LOGIN,
    PERSONAS,
    TAMPERED_IDS,
    TAMPERED_TEAMS,
    assert_no_strangers,
    assert_status,
    client_as,
    data_for,
    text_of,
    url_for,
    value_of,
)
from tests.reports.conftest import client_for

# --- POST: asking for an evidence pack -------------------------------------------------------------------------


def _ask(persona, data, expected, pack_team=None):
    described = "&".join(f"{k}={v}" for k, v in data.items()) or "(nothing)"
    return pytest.param(persona, data, expected, pack_team, id=f"{persona}-{described}->{expected}")


PACK_NEW_CASES = [
    _ask("anonymous", {"team": "@digital"}, LOGIN),
    _ask("sam", {"team": "@digital"}, 403),
    _ask("sam", {}, 403),
    _ask("manager", {"team": "@digital"}, 302, "@digital"),
    _ask("manager", {"team": "@comms", "as_at": "@yesterday"}, 302, "@comms"),
    _ask("manager", {}, 302, "@comms"),  # the first team they manage
    _ask("manager", {"team": "@finance"}, 404),
    _ask("manager", {"team": "@organisation"}, 404),
    _ask("manager", {"team": "@finance", "as_at": "nonsense"}, 404),  # the team is checked first
    _ask("manager", {"team": "@digital", "as_at": "2999-01-01"}, 400),
    _ask("other", {"team": "@comms"}, 404),
    _ask("other", {"team": "@digital"}, 404),
    _ask("other", {"team": "@finance"}, 302, "@finance"),
    _ask("hr", {"team": "@finance"}, 302, "@finance"),
    _ask("hr", {"team": "@digital"}, 302, "@digital"),
    _ask("hr", {}, 302, "@organisation"),
    *(_ask(persona, {"team": team}, 404) for persona in ("manager", "hr") for team in TAMPERED_TEAMS),
]


@pytest.mark.parametrize(("persona", "data", "expected", "pack_team"), PACK_NEW_CASES)
def test_who_may_ask_for_an_evidence_pack_of_which_team(world, tmp_path, persona, data, expected, pack_team):
    response = client_as(world, persona).post(reverse("exports:pack_new"), data_for(world, data))
    if pack_team is None:
        assert_status(response, expected)
        assert not EvidencePack.objects.exists()
        assert_no_strangers(persona, text_of(response, tmp_path))
        return
    pack = EvidencePack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:pack_detail", args=[pack.pk])
    assert (pack.team_id, pack.requested_by_id, pack.status) == (
        value_of(world, pack_team),
        world[persona].user_id,
        EvidencePack.DONE,
    )


# --- GET: an evidence pack, only for whoever asked for it, within what they may still see -----------------------

PACK_URLS = ("exports:pack_detail", "exports:pack_status", "exports:pack_pdf", "exports:pack_csv")
PACK_OWNERS = {"manager": "@digital", "other": "@finance", "hr": "@comms"}
PACK_SHOWS = {"manager": "Sam Digital", "other": "Fay Finance", "hr": "Grace Manager"}  # someone in the pack's team


def _make_pack(world, owner, status=EvidencePack.DONE) -> EvidencePack:
    response = client_for(world[owner]).post(reverse("exports:pack_new"), {"team": value_of(world, PACK_OWNERS[owner])})
    assert response.status_code == 302
    pack = EvidencePack.objects.get(requested_by=world[owner].user)
    assert pack.status == status
    return pack


PACK_CASES = [
    pytest.param(persona, owner, name, expected, id=f"{persona}-{name}-of-{owner}->{expected}")
    for owner in PACK_OWNERS
    for persona in PERSONAS
    for name in PACK_URLS
    for expected in [LOGIN if persona == "anonymous" else 200 if persona == owner else 404]
]


@pytest.mark.parametrize(("persona", "owner", "name", "expected"), PACK_CASES)
def test_a_pack_is_only_for_who_asked_for_it(world, tmp_path, persona, owner, name, expected):
    pack = _make_pack(world, owner)
    response = client_as(world, persona).get(reverse(name, args=[pack.pk]))
    assert_status(response, expected)
    text = text_of(response, tmp_path)
    assert_no_strangers(persona, text)
    if expected == 200 and name in ("exports:pack_pdf", "exports:pack_csv"):
        assert PACK_SHOWS[owner] in text
        # Bo, of Finance, holds a bank post in Digital: counted in Finance's pack only
        assert ("Bo Bank" in text) == (owner == "other")


PACK_TAMPER_CASES = [
    pytest.param(persona, name, arg, 404, id=f"{persona}-{name}/{arg}->404")
    for persona in PERSONAS[1:]
    for name in PACK_URLS
    for arg in TAMPERED_IDS
] + [pytest.param("anonymous", name, "@missing", LOGIN, id=f"anonymous-{name}/@missing->login") for name in PACK_URLS]


@pytest.mark.parametrize(("persona", "name", "arg", "expected"), PACK_TAMPER_CASES)
def test_pack_ids_that_are_no_pack_are_not_found(world, tmp_path, tasks_held, persona, name, arg, expected):
    # A pack exists, and is nobody's but Grace's: asked for, not yet made (its PDF is not what these cases are about,
    # and making it was most of their time).
    _make_pack(world, "manager", status=EvidencePack.QUEUED)
    response = client_as(world, persona).get(url_for(world, name, arg))
    assert_status(response, expected)
    assert_no_strangers(persona, text_of(response, tmp_path))


def _no_longer_a_manager(world):
    TeamManager.objects.filter(staff=world["manager"]).delete()


def _manages_finance_instead(world):
    TeamManager.objects.filter(staff=world["manager"]).update(team=world["finance"])


def _manages_digital_only(world):
    TeamManager.objects.filter(staff=world["manager"]).update(team=world["digital"])


def _moved_to_hr(world):
    TeamManager.objects.filter(staff=world["manager"]).delete()
    world["manager"].user.groups.add(hr_group())
    factories.with_mfa(world["manager"].user)


@pytest.mark.parametrize(
    ("change", "name", "expected"),
    [
        pytest.param(change, name, expected, id=f"{change.__name__[1:]}-{name}->{expected}")
        for change, expected in [
            (_no_longer_a_manager, 403),
            (_manages_finance_instead, 404),
            (_manages_digital_only, 200),
            (_moved_to_hr, 200),
        ]
        for name in PACK_URLS
    ],
)
def test_a_pack_follows_what_its_requester_may_still_see(world, change, name, expected):
    pack = _make_pack(world, "manager")  # Digital
    change(world)
    assert client_for(world["manager"]).get(reverse(name, args=[pack.pk])).status_code == expected


# --- Certificates: the person's own, or anyone's for HR ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "owner", "expected"),
    [
        ("anonymous", "sam", LOGIN),
        ("sam", "sam", 200),
        ("manager", "sam", 404),  # a manager sees the record on the person page, not the certificate
        ("other", "sam", 404),
        ("hr", "sam", 200),
        ("sam", "fin", 404),
        ("other", "fin", 404),
        ("hr", "fin", 200),
    ],
)
def test_who_may_download_a_certificate(world, persona, owner, expected):
    requirement = world["requirement"]
    entry = factories.make_completion(world[owner], requirement, source_ref=f"{owner} certificate")
    response = client_as(world, persona).get(reverse("reports:certificate_pdf", args=[entry.pk]))
    assert_status(response, expected)


@pytest.mark.parametrize("persona", ["sam", "manager", "hr"])
@pytest.mark.parametrize("arg", TAMPERED_IDS)
def test_certificate_ids_that_are_no_certificate_are_not_found(world, persona, arg):
    factories.make_completion(world["sam"], world["requirement"])
    assert client_as(world, persona).get(url_for(world, "reports:certificate_pdf", arg)).status_code == 404


# --- HR without a second factor is sent to set one up before any of this ---------------------------------------

MFA_GUARDED = [
    "reports:team",
    "exports:csv",
    "exports:xlsx",
    "exports:pack_new",
    "hr_reports:organisation",
    "hr_reports:trend",
    "hr_reports:lists",
    "hr_reports:audit_log",
]


@pytest.mark.parametrize("name", MFA_GUARDED)
def test_hr_without_mfa_is_sent_to_set_it_up(world, name):
    world["fin"].user.groups.add(hr_group())
    response = client_for(world["fin"]).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_hr_without_mfa_still_sees_their_own_training(world):
    world["fin"].user.groups.add(hr_group())
    assert client_for(world["fin"]).get(reverse("reports:my_training")).status_code == 200
