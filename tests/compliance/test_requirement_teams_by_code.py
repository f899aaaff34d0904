"""A requirement's teams are told apart by code, not by name: two directorates may each have a team called Finance,
and swapping one for the other is a change like any other: everyone's status follows it, and the audit log names
each team with its code."""

import datetime

import pytest

from portal.audit.models import AuditEvent
from portal.compliance.models import Requirement, RequirementStatus
from portal.compliance.services import requirement_save
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    finance_a = factories.make_team("Finance", parent=factories.make_team("Directorate A", parent=organisation))
    finance_b = factories.make_team("Finance", parent=factories.make_team("Directorate B", parent=organisation))
    return {
        "finance_a": finance_a,
        "finance_b": finance_b,
        "clerk_a": factories.make_staff(team=finance_a, start_date=LONG_AGO),
        "clerk_b": factories.make_staff(team=finance_b, start_date=LONG_AGO),
        "hr": factories.make_user(first_name="Hana", last_name="HR"),
    }


def _holders(requirement) -> set[int]:
    return set(RequirementStatus.objects.filter(requirement=requirement).values_list("staff_id", flat=True))


def test_swapping_one_finance_team_for_the_other_moves_the_status_rows_and_is_audited(trust):
    requirement = Requirement(name="Fraud awareness", kind=Requirement.EXTERNAL_COURSE, applies_to_everyone=False)
    requirement_save(requirement=requirement, user=trust["hr"], teams=[trust["finance_a"]])
    assert _holders(requirement) == {trust["clerk_a"].pk}

    changes = requirement_save(requirement=requirement, user=trust["hr"], teams=[trust["finance_b"]])

    a, b = f"Finance ({trust['finance_a'].code})", f"Finance ({trust['finance_b'].code})"
    assert changes == {"teams": [[a], [b]]}
    assert _holders(requirement) == {trust["clerk_b"].pk}
    entry = AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED, detail__change="changed").get()
    assert entry.detail["fields"] == {"teams": [[a], [b]]}
    assert entry.detail["people"] == 2


def test_saving_the_same_teams_again_changes_nothing(trust):
    requirement = Requirement(name="Fraud awareness", kind=Requirement.EXTERNAL_COURSE, applies_to_everyone=False)
    requirement_save(requirement=requirement, user=trust["hr"], teams=[trust["finance_a"]])

    changes = requirement_save(requirement=requirement, user=trust["hr"], teams=[trust["finance_a"]])

    assert changes == {}
    assert _holders(requirement) == {trust["clerk_a"].pk}


def test_a_team_whose_name_no_other_team_has_is_named_alone(trust):
    wards = factories.make_team("Wards", parent=trust["finance_a"].get_parent())
    requirement = Requirement(name="Fraud awareness", kind=Requirement.EXTERNAL_COURSE, applies_to_everyone=False)
    requirement_save(requirement=requirement, user=trust["hr"], teams=[wards])

    changes = requirement_save(requirement=requirement, user=trust["hr"], teams=[wards, trust["finance_b"]])

    assert changes == {"teams": [["Wards"], [f"Finance ({trust['finance_b'].code})", "Wards"]]}
