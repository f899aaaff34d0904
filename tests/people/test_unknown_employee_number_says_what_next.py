"""An employee number nobody has, typed on the HR roles page or the team managers page, said only "Nobody has the
employee number 'E404'". On a new portal that is most often someone not yet imported: the message now says to check
the number against ESR or to import the roster that holds them, and where."""

import pytest

from portal.people.managers import ManagerError, staff_by_employee_number


def test_an_unknown_number_says_where_to_look_next(db):
    with pytest.raises(ManagerError) as refused:
        staff_by_employee_number("E404")
    assert str(refused.value) == (
        "Nobody has the employee number 'E404': check it against ESR, or import the staff roster that holds them "
        "(/hr/imports/roster/)"
    )
    assert refused.value.field == "employee_number"
