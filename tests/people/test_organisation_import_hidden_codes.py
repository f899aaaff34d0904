"""A team's code refuses every character that shows as nothing, the joiners U+200C and U+200D included, naming where
it is: RX1-F with a joiner pasted into it reads as RX1-F but would be a second team. So does a space that is not the
ordinary one (a no-break space pasted from Excel or Word). The organisation file refuses the row, naming the line, and
the services behind HR's pages refuse the code. A name keeps its joiners: Malayalam and Devanagari spell with them."""

import pytest

from portal.compliance.organisation import TeamError, team_create, team_rename
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation

HEADER = "Organisation Code,Organisation Name,Parent Organisation Code,Hierarchy Level"
ZWNJ, ZWJ = "\u200c", "\u200d"
HIDDEN_IN_CODES = [
    (ZWJ, "the hidden character U+200D (ZERO WIDTH JOINER) at character 4"),
    (ZWNJ, "the hidden character U+200C (ZERO WIDTH NON-JOINER) at character 4"),
    ("\u2060", "the hidden character U+2060 (WORD JOINER) at character 4"),
    ("\ufe0f", "the hidden character U+FE0F (VARIATION SELECTOR-16) at character 4"),
    ("\u3164", "the hidden character U+3164 (HANGUL FILLER) at character 4"),
    ("\x07", "the control character U+0007 at character 4"),
    # Not hidden, but read as an ordinary space: RX1 F with one would be a second RX1 F.
    ("\u00a0", "the space U+00A0 (NO-BREAK SPACE), not an ordinary space, at character 4"),
    ("\u202f", "the space U+202F (NARROW NO-BREAK SPACE), not an ordinary space, at character 4"),
    ("\u3000", "the space U+3000 (IDEOGRAPHIC SPACE), not an ordinary space, at character 4"),
]
NAMES_WITH_JOINERS = ["ശസ്ത്രക്രിയ\u200d വാർഡ്", "क्\u200dष वार्ड", "पुनर्\u200cवास"]


def esr(*rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.fixture
def trust(db):
    trust = Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    trust.add_child(code="RX1-F", name="Finance", kind=Team.TEAM)
    return Team.objects.get(pk=trust.pk)


@pytest.mark.parametrize(("character", "problem"), HIDDEN_IN_CODES, ids=[hex(ord(c)) for c, _ in HIDDEN_IN_CODES])
def test_a_file_row_with_a_hidden_character_in_a_code_is_refused_naming_the_line(trust, character, problem):
    plan = plan_organisation(esr(f"RX1{character}-F,Finance,RX1,", f"RX1-P,Payroll,RX1{character}-F,"))
    assert plan.rejected == [
        (2, f"Organisation Code contains {problem}"),
        (3, f"Parent Organisation Code contains {problem}"),
    ]
    assert not plan.can_apply


@pytest.mark.parametrize(("character", "problem"), HIDDEN_IN_CODES, ids=[hex(ord(c)) for c, _ in HIDDEN_IN_CODES])
def test_the_services_refuse_a_code_with_a_hidden_character(trust, character, problem):
    with pytest.raises(TeamError) as added:
        team_create(name="Finance", code=f"RX1{character}-F", kind=Team.TEAM, parent=trust, user=None)
    assert (str(added.value), added.value.field) == (f"The team's code contains {problem}", "code")
    with pytest.raises(TeamError) as renamed:
        team_rename(team=Team.objects.get(code="RX1-F"), name="Finance", code=f"RX1{character}-F", user=None)
    assert str(renamed.value) == f"The team's code contains {problem}"
    assert sorted(Team.objects.values_list("code", flat=True)) == ["RX1", "RX1-F"]


@pytest.mark.parametrize("name", NAMES_WITH_JOINERS)
def test_a_name_spelt_with_a_joiner_is_taken_by_the_file_and_the_services(trust, name):
    plan = plan_organisation(esr(f"RX1-W,{name},RX1,"))
    assert plan.can_apply, plan.rejected
    assert [row.name for row in plan.to_create] == [name]
    team = team_create(name=name, code="RX1-W", kind=Team.TEAM, parent=trust, user=None)
    assert Team.objects.get(pk=team.pk).name == name
