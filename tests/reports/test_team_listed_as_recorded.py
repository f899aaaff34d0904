"""The team page about a past day as recorded then judges everyone's standing from the ledger once, on plain values,
and makes cells only for the people it lists (`reports.team_listed_as_recorded`; that it makes no more cells for more
people is tested with the page as it was, in tests/reports/test_team_listed_as_it_was.py): what it shows is what the
whole matrix (`reports.team.team_matrix` as recorded then, then cut to the lists' length) shows, on the organisation of
test_team_listed_as_it_was.py recorded on the day itself, with a completion, a move and a late import recorded since
that it must not see."""

from portal.compliance import status
from portal.compliance.asat import Moment
from portal.reports.basis import AS_RECORDED
from portal.reports.team import team_matrix
from portal.reports.team_listed import team_matrix_listed
from tests.reports import test_team_listed_as_it_was
from tests.reports.test_team_listed import SCOPES, assert_listed_is_whole_cut
from tests.reports.test_team_listed_as_it_was import _read_the_day, more_people  # noqa: F401 - _read_the_day: autouse

recorded = test_team_listed_as_it_was.recorded  # the fixture: the organisation recorded on the day


def _day():
    """The past day the page is about, as _read_the_day read it when the test began."""
    return test_team_listed_as_it_was.DAY


@SCOPES
def test_the_page_as_recorded_is_what_the_whole_matrix_gives(recorded, names):
    assert_listed_is_whole_cut([recorded[name] for name in names], recorded["fire"], Moment.end_of(_day()), AS_RECORDED)


def test_the_organisation_as_recorded_holds_what_the_comparison_needs(recorded):
    whole = team_matrix([recorded["trust"]], Moment.end_of(_day()), basis=AS_RECORDED)
    assert {cell.state for _, cells in whole.people for cell in cells} == set(status.LABELS)
    names = {person.full_name: (person.team_name, cells) for person, cells in whole.people}
    fire = next(n for n, r in enumerate(whole.requirements) if r == recorded["fire"])
    assert names["Ben Baker"][1][fire].state == status.OVERDUE  # imported since
    assert names["Pip Post"][1][fire].state == status.OVERDUE
    assert names["Ola Onday"][1][fire].state == status.COMPLIANT
    assert names["Lou Later"][0] == "Surgery" and names["Mo Mover"][0] == "Surgery"
    assert {"Abe Aardvark", "May Moore", "Nia Now"} <= set(names) and "Lee Leaver" not in names
    keys = [owed.sort_key()[:3] for owed in whole.chase]
    assert len(keys) > len(set(keys))  # ties on what they owe, broken by name
    assert whole.people_count > 5 and whole.chase_count > 5 and 0 < whole.due_soon_count < whole.chase_count


def test_as_recorded_its_queries_do_not_grow_with_the_people(recorded, django_assert_num_queries):
    # The requirements in force that day; the tree as recorded then; asat.standings_as_at's requirements with their
    # teams (two), the roster's rows, the latest completions and the pauses (a round would add one); the names; who
    # anyone renamed since was then.
    scope, day = [recorded["trust"]], Moment.end_of(_day())
    with django_assert_num_queries(9):
        team_matrix_listed(scope, day, listed=3, state=status.OVERDUE, basis=AS_RECORDED)
    more_people(recorded, 10)
    with django_assert_num_queries(9):
        matrix = team_matrix_listed(scope, day, listed=3, state=status.OVERDUE, basis=AS_RECORDED)
    assert matrix.people_count > 3 and len(matrix.people) == 3
