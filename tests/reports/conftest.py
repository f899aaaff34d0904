import copy
import datetime

import pytest
from django.db.models import F
from django.test import Client

from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from portal.people.models import Assignment, StaffChange, Team, TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.conftest import rolled_back
from tests.dbrole import as_owner


@pytest.fixture
def org(db):
    return org_build()


def org_build() -> dict:
    organisation = factories.make_team("Organisation", kind="organisation")
    comms = factories.make_team("Communications", parent=organisation)
    digital = factories.make_team("Digital", parent=comms, kind="sub_team")
    finance = factories.make_team("Finance", parent=organisation)
    manager = factories.make_staff(team=comms, first_name="Grace", last_name="Manager")
    TeamManager.objects.create(staff=manager, team=comms)
    other_manager = factories.make_staff(team=finance, first_name="Felix", last_name="Other")
    TeamManager.objects.create(staff=other_manager, team=finance)
    sam = factories.make_staff(team=digital, first_name="Sam", last_name="Digital", employment_type="agency")
    fin = factories.make_staff(team=finance, first_name="Fay", last_name="Finance")
    leaver = factories.make_staff(
        team=comms, first_name="Lee", last_name="Leaver", leave_date=datetime.date(2025, 1, 1)
    )
    factories.make_requirement(name="Safeguarding Adults Level 1")
    refresh()
    return {
        "comms": comms,
        "digital": digital,
        "finance": finance,
        "manager": manager,
        "other": other_manager,
        "sam": sam,
        "fin": fin,
        "leaver": leaver,
    }


def client_for(staff):
    client = Client()
    factories.sign_in(client, staff.user)
    return client


@pytest.fixture
def hr(org):
    return hr_build(org)


def hr_build(org):
    """An HR officer with MFA set up, in Finance (so also a person in the organisation)."""
    staff = factories.make_staff(team=org["finance"], first_name="Hana", last_name="Human-Resources")
    staff.user.groups.add(hr_group())
    factories.with_mfa(staff.user)
    return staff


@pytest.fixture
def private_media(settings, tmp_path):
    """Certificates and packs written under the test's own directory."""
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture(scope="module")
def _world_of_the_module(django_db_setup, django_db_blocker):
    """The access matrix's rows, made once for a module's hundreds of tests: each test's transaction is a savepoint
    inside this one, so what a test changes is still undone after it."""
    with django_db_blocker.unblock(), rolled_back():
        org = org_build()
        yield _world_build(org, hr_build(org))


@pytest.fixture
def world(_world_of_the_module, db, private_media):
    """The access matrix's people and teams (`access_matrix.py`): a copy of the module's objects for each test, so what
    a test does to one (a refresh, a cached relation) is not seen by the next."""
    return copy.deepcopy(_world_of_the_module)


def _world_build(org, hr) -> dict:
    """Everyone in their team since a month ago, so that a report as at yesterday has people in it. Bo (in Finance)
    also holds a bank post in Digital, which shows Bo to Grace on her team page today and opens Bo's page to her,
    and nothing else (portal.reports.posts)."""
    bank = factories.make_staff(team=org["finance"], first_name="Bo", last_name="Bank", employment_type="bank")
    Assignment.objects.create(
        staff=bank, number=f"{bank.employee_number}-2", team=org["digital"], start_date=datetime.date(2024, 1, 1)
    )
    refresh()  # Hana joined after the `org` fixture's refresh: give her statuses like everyone else
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    return {
        **org,
        "hr": hr,
        "bank": bank,
        "organisation": Team.objects.get(depth=1),
        "requirement": Requirement.objects.get(),
    }
