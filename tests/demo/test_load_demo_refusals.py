"""`load_demo` never runs with DEBUG off (production), --force or not: the demo's accounts have a published password
and its evidence can never be deleted. With DEBUG on, it refuses a database holding an organisation or people it did
not make unless given --force."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from portal.demo.loader import LoadReport
from portal.demo.management.commands import load_demo as command
from tests import factories


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def loads(monkeypatch):
    """Stands in for the loader (20-40 s) and records each time the command got as far as calling it."""
    calls = []

    def load():
        calls.append(True)
        return LoadReport()

    monkeypatch.setattr(command, "load_demo", load)
    return calls


@pytest.mark.parametrize("options", [[], ["--force"]])
def test_with_debug_off_it_refuses_even_with_force_and_says_why(db, settings, options):
    settings.DEBUG = False
    before = _row_counts()

    with pytest.raises(CommandError) as refusal:
        call_command("load_demo", *options, stdout=StringIO())

    message = str(refusal.value)
    assert "only runs with DEBUG on" in message and "with or without --force" in message
    assert "published demo password" in message and "can never be deleted" in message
    assert _row_counts() == before


def test_with_debug_off_force_does_not_reach_the_loader(db, settings, loads):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", "--force", stdout=StringIO())
    assert loads == []


def test_with_debug_on_a_real_organisation_is_named_and_the_demo_not_loaded(db, settings, loads):
    settings.DEBUG = True
    organisation = factories.make_team("NHS North West Example ICB", kind="organisation")

    with pytest.raises(CommandError) as refusal:
        call_command("load_demo", stdout=StringIO())

    named = f"already holds the organisation NHS North West Example ICB ({organisation.code}), which the demo did not"
    assert named in str(refusal.value)
    assert "add --force" in str(refusal.value)
    assert loads == []


def test_with_debug_on_a_person_the_demo_does_not_have_is_named(db, settings, loads):
    settings.DEBUG = True
    person = factories.make_staff(team=None, first_name="Priya", last_name="Shah")

    with pytest.raises(CommandError) as refusal:
        call_command("load_demo", stdout=StringIO())

    assert f"Priya Shah (employee {person.employee_number})" in str(refusal.value)
    assert loads == []


def test_with_debug_on_force_loads_beside_existing_data(db, settings, loads):
    settings.DEBUG = True
    factories.make_team("NHS North West Example ICB", kind="organisation")

    call_command("load_demo", "--force", stdout=StringIO())

    assert loads == [True]


def test_with_debug_on_an_empty_database_needs_no_force(db, settings, loads):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert loads == [True]
