"""Migration people 0009 (each post keeps its own team and dates) run as `migrate` runs it, with the historical
models, back to 0008 and forward again on a database holding posts: someone's one post gets their team and dates,
the posts of someone holding several are left with none (so they show their holder to no other team), and the
people themselves are unchanged. tests/people/test_roster_post_teams.py calls its function with today's models."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.people.models import Assignment, StaffMember
from tests import dbrole, factories


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_back_to_0008_and_forward_again():
    home, bank = factories.make_team("Finance"), factories.make_team("Bank pool")
    one = factories.make_staff(team=home, leave_date=datetime.date(2030, 1, 31))
    two = factories.make_staff(team=home)
    Assignment.objects.create(staff=two, number=f"{two.employee_number}-2", team=bank, start_date=two.start_date)
    people = list(StaffMember.objects.order_by("pk").values_list("pk", "team_id", "start_date", "leave_date"))

    with dbrole.as_owner():  # migrations run as the database's owner
        try:
            _migrate([("people", "0008_identitychange")])
            _migrate(None)
        finally:
            _migrate(None)
    assert sorted(Assignment.objects.values_list("number", "team_id", "start_date", "leave_date")) == sorted(
        [
            (f"{one.employee_number}", home.pk, one.start_date, datetime.date(2030, 1, 31)),
            (f"{two.employee_number}", None, None, None),
            (f"{two.employee_number}-2", None, None, None),
        ]
    )
    assert list(StaffMember.objects.order_by("pk").values_list("pk", "team_id", "start_date", "leave_date")) == people
