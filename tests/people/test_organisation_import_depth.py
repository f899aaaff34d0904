"""A tree deeper than the team's materialised path can hold (63 levels: 255 characters, 4 a level) is refused by the
dry run, row by row, and by the services behind the organisation pages, rather than failing part way through the apply
(treebeard's PathOverflow, PostgreSQL's 'value too long') or, on SQLite, being stored with paths longer than the
column."""

import pytest

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch
from portal.compliance.organisation import TeamError, team_create, team_move
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation

HEADER = "Organisation Code,Organisation Name,Parent Organisation Code,Hierarchy Level"


def esr(*rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def chain(prefix: str, levels: int) -> Team:
    """Teams PREFIX0 > PREFIX1 > ... one below the other; returns the lowest."""
    team = Team.add_root(code=f"{prefix}0", name=f"{prefix} 0", kind=Team.ORGANISATION)
    for level in range(1, levels):
        team = Team.objects.get(pk=team.pk).add_child(code=f"{prefix}{level}", name=f"{prefix} {level}")
    return team


def test_a_file_a_hundred_levels_deep_is_refused_from_the_64th_level_and_nothing_is_added(db):
    data = esr("L0,Level 0,,", *[f"L{level},Level {level},L{level - 1}," for level in range(1, 100)])
    plan = plan_organisation(data)
    assert not plan.can_apply
    assert plan.rejected[0] == (
        65,  # L63, the 64th level (line 1 is the heading)
        "Organisation 'L63' would put it 64 levels down the tree: the portal holds at most 63 levels",
    )
    assert [line for line, _ in plan.rejected] == list(range(65, 102))
    batch, _ = import_batch_create(kind="organisation", data=data, filename="deep.csv", user=None)
    import_batch_apply(batch=batch, user=None, background=False)
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    assert not Team.objects.exists()


def test_a_move_that_takes_the_teams_below_too_deep_is_refused_by_the_dry_run(db):
    chain("L", 40)
    chain("M", 30)
    plan = plan_organisation(esr("M0,M 0,L39,", "M5,M 5,M4,"))  # M5 unchanged: the move of M0 is at fault
    assert plan.rejected == [
        (2, "Organisation 'M0' would put M29, below it, 70 levels down the tree: the portal holds at most 63 levels")
    ]
    assert plan_organisation(esr("M0,M 0,L32,")).can_apply  # M29 at the 63rd level


def test_the_organisation_pages_services_refuse_a_team_too_deep(db):
    lowest = chain("L", 63)
    with pytest.raises(TeamError, match="put the team 64 levels down the tree: the portal holds at most 63"):
        team_create(name="Too deep", code="X1", kind=Team.SUB_TEAM, parent=lowest, user=None)
    chain("M", 2)
    with pytest.raises(TeamError, match="put the teams below M 0 65 levels down the tree"):
        team_move(team=Team.objects.get(code="M0"), parent=Team.objects.get(code="L62"), user=None)
    assert max(len(path) for path in Team.objects.values_list("path", flat=True)) == 63 * Team.steplen
    assert Team.objects.get(code="M0").is_root() and not Team.objects.filter(code="X1").exists()


@pytest.mark.parametrize("level", ["4", "9", "10", "Level 12", "63"])
def test_a_hierarchy_level_of_four_or_more_is_a_sub_team_however_deep(db, level):
    chain("L", 12)
    plan = plan_organisation(esr(f"L12,Level twelve,L11,{level}"))
    assert plan.can_apply, plan.rejected
    assert [(row.code, row.kind) for row in plan.to_create] == [("L12", Team.SUB_TEAM)]
