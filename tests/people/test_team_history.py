"""The team tree's history (`people.TeamChange`): every way a team changes writes a row in the same transaction (the
services, HR's pages, the organisation import, the demo loader), the migration gives each existing team a first row,
rows are never changed or removed, and `tree_on` reads the tree as it stood on a day, on either clock."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.organisation import team_close, team_create, team_move, team_rename
from portal.people.models import AppendOnly, Team, TeamChange
from portal.people.roles import hr_group
from portal.people.team_history import team_history_begin, tree_on
from tests import factories


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Trust", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation, kind="directorate")
    finance = factories.make_team("Finance", parent=organisation, kind="directorate")
    ward_a = factories.make_team("Ward A", parent=wards)
    bay = factories.make_team("Bay 1", parent=ward_a, kind="sub_team")
    return {"organisation": organisation, "wards": wards, "finance": finance, "ward_a": ward_a, "bay": bay}


def _rows(team) -> list[tuple]:
    return list(
        TeamChange.objects.filter(team=team)
        .order_by("recorded_at", "pk")
        .values_list("effective_on", "name", "code", "parent_id", "closed_on")
    )


def test_a_team_without_history_is_read_as_it_is_now(trust):
    tree = tree_on(_yesterday())
    assert tree.name(trust["ward_a"].pk) == "Ward A"
    assert tree.under([trust["wards"]]) == {trust["wards"].pk, trust["ward_a"].pk, trust["bay"].pk}
    assert tree.group_of(trust["bay"].pk, trust["organisation"].pk) == trust["wards"].pk


def test_a_rename_keeps_the_old_name_for_the_days_before_it(trust):
    ward_a = trust["ward_a"]
    team_rename(team=ward_a, name="Acute Ward", code="AW", user=None)
    # A first row keeps the team as it was before its first recorded change, then the rename from today.
    assert _rows(ward_a) == [
        (None, "Ward A", ward_a.code, trust["wards"].pk, None),
        (timezone.localdate(), "Acute Ward", "AW", trust["wards"].pk, None),
    ]
    assert tree_on(_yesterday()).name(ward_a.pk) == "Ward A"
    assert tree_on(timezone.localdate()).name(ward_a.pk) == "Acute Ward"
    # As recorded at the end of yesterday: the rename was not known.
    assert (
        tree_on(timezone.localdate(), recorded_before=timezone.now() - datetime.timedelta(minutes=5)).name(ward_a.pk)
        == "Ward A"
    )


def test_a_move_writes_a_row_for_the_moved_team_and_its_subtree_follows(trust):
    team_move(team=trust["ward_a"], parent=trust["finance"], user=None)
    assert _rows(trust["ward_a"])[-1][3] == trust["finance"].pk
    assert not TeamChange.objects.filter(team=trust["bay"]).exists()  # its parent is still Ward A
    before, after = tree_on(_yesterday()), tree_on(timezone.localdate())
    assert before.under([trust["wards"]]) == {trust["wards"].pk, trust["ward_a"].pk, trust["bay"].pk}
    assert before.under([trust["finance"]]) == {trust["finance"].pk}
    assert after.under([trust["wards"]]) == {trust["wards"].pk}
    assert after.under([trust["finance"]]) == {trust["finance"].pk, trust["ward_a"].pk, trust["bay"].pk}
    assert before.group_of(trust["bay"].pk, trust["organisation"].pk) == trust["wards"].pk
    assert after.group_of(trust["bay"].pk, trust["organisation"].pk) == trust["finance"].pk
    assert after.team(trust["ward_a"].pk).depth == 3 and before.team(trust["wards"].pk).numchild == 1


def test_an_added_team_and_a_closing_are_recorded(trust):
    added = team_create(name="Ward B", code="WB", kind="team", parent=trust["wards"], user=None)
    assert _rows(added) == [(timezone.localdate(), "Ward B", "WB", trust["wards"].pk, None)]
    closed_on = timezone.localdate() - datetime.timedelta(days=3)
    team_close(team=added, closed_on=closed_on, user=None)
    assert _rows(added)[-1] == (timezone.localdate(), "Ward B", "WB", trust["wards"].pk, closed_on)
    assert tree_on(timezone.localdate()).teams[added.pk].closed_on == closed_on
    # Recorded before the team was added, the tree does not hold it at all.
    assert added.pk not in tree_on(_yesterday(), recorded_before=timezone.now() - datetime.timedelta(hours=1))


def test_a_closing_dated_back_does_not_carry_back_a_rename_made_since(trust):
    ward_a = trust["ward_a"]
    team_move(team=trust["bay"], parent=trust["finance"], user=None)  # Ward A has no team below it left open
    team_rename(team=ward_a, name="Acute Ward", code="AW", user=None)
    team_close(team=ward_a, closed_on=timezone.localdate() - datetime.timedelta(days=10), user=None)
    assert tree_on(_yesterday()).name(ward_a.pk) == "Ward A"
    assert tree_on(timezone.localdate()).name(ward_a.pk) == "Acute Ward"


def test_hrs_pages_write_the_history(trust):
    hr = factories.make_staff(team=trust["finance"])
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    client = factories.sign_in(Client(), hr.user)
    client.post(reverse("organisation:team_rename", args=[trust["ward_a"].pk]), {"name": "Acute", "code": "AC"})
    client.post(reverse("organisation:team_move", args=[trust["ward_a"].pk]), {"parent": trust["finance"].pk})
    assert [(row[1], row[3]) for row in _rows(trust["ward_a"])] == [
        ("Ward A", trust["wards"].pk),
        ("Acute", trust["wards"].pk),
        ("Acute", trust["finance"].pk),
    ]


def test_the_organisation_import_writes_the_history(trust):
    data = (
        "Organisation Code,Organisation Name,Parent Organisation Code\r\n"
        f"{trust['ward_a'].code},Ward A East,{trust['finance'].code}\r\n"
        f"NEW1,New Ward,{trust['wards'].code}\r\n"
    ).encode()
    batch, plan = import_batch_create(kind="organisation", data=data, filename="org.csv", user=None)
    assert plan.can_apply
    import_batch_apply(batch=batch, user=None)
    assert [(row[1], row[3]) for row in _rows(trust["ward_a"])] == [
        ("Ward A", trust["wards"].pk),
        ("Ward A East", trust["wards"].pk),
        ("Ward A East", trust["finance"].pk),
    ]
    assert _rows(Team.objects.get(code="NEW1")) == [(timezone.localdate(), "New Ward", "NEW1", trust["wards"].pk, None)]
    assert tree_on(_yesterday()).name(trust["ward_a"].pk) == "Ward A"


def test_the_migration_gives_each_team_a_first_row_from_its_state_now(trust):
    migration = importlib.import_module("portal.people.migrations.0007_teamchange")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    rows = {row.team_id: row for row in TeamChange.objects.all()}
    assert len(rows) == Team.objects.count()
    bay = rows[trust["bay"].pk]
    assert (bay.effective_on, bay.name, bay.code, bay.kind, bay.parent_id) == (
        None,
        "Bay 1",
        trust["bay"].code,
        "sub_team",
        trust["ward_a"].pk,
    )
    assert rows[trust["organisation"].pk].parent_id is None
    # Effective always and known at any cut-off: a report as recorded long before reads the tree from it.
    assert tree_on(datetime.date(2001, 1, 1), recorded_before=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)).under(
        [trust["wards"]]
    ) == {trust["wards"].pk, trust["ward_a"].pk, trust["bay"].pk}


def test_the_demo_loaders_tree_gets_one_first_row_each_and_only_once(trust):
    assert team_history_begin(Team.objects.all()) == 5
    assert team_history_begin(Team.objects.all()) == 0
    assert set(TeamChange.objects.values_list("effective_on", flat=True)) == {None}


def test_history_rows_are_never_changed_or_removed(trust):
    team_rename(team=trust["ward_a"], name="Acute", code="AC", user=None)
    row = TeamChange.objects.filter(team=trust["ward_a"]).last()
    row.name = "Rewritten"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        TeamChange.objects.filter(team=trust["ward_a"]).update(name="Rewritten")
    with pytest.raises(AppendOnly):
        TeamChange.objects.all().delete()
    assert TeamChange.objects.filter(name="Rewritten").count() == 0


def test_the_tree_is_read_in_one_query(trust, django_assert_num_queries):
    team_rename(team=trust["ward_a"], name="Acute", code="AC", user=None)
    team_move(team=trust["bay"], parent=trust["finance"], user=None)
    with django_assert_num_queries(1):
        tree = tree_on(_yesterday())
        under = tree.under([trust["organisation"]])
        name = tree.name(trust["bay"].pk)
    assert trust["bay"].pk in under and name == trust["bay"].name


def test_the_demo_loader_writes_the_history_of_its_tree(db):
    from portal.demo import organisation as demo
    from portal.demo.loader import LoadReport

    teams = demo.teams(LoadReport())
    rows = {row.team_id: row for row in TeamChange.objects.all()}
    assert set(rows) == {team.pk for team in teams.values()}
    assert all(row.effective_on is None for row in rows.values())
    child = next(team for team in teams.values() if team.depth > 1)
    assert rows[child.pk].parent_id == child.get_parent().pk
    demo.teams(LoadReport())  # loading again adds nothing
    assert TeamChange.objects.count() == len(rows)
