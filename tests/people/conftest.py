import pytest

from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def teams(db):
    organisation = factories.make_team("NHS Example CCG", kind="organisation")
    comms = factories.make_team("Communications and Engagement", parent=organisation)
    finance = factories.make_team("Finance", parent=organisation)
    return {"org": organisation, "comms": comms, "finance": finance}


@pytest.fixture
def hr_client(client, user_factory):
    """The test client, signed in as an HR officer with a second factor."""
    user = user_factory()
    user.groups.add(hr_group())
    factories.with_mfa(user)
    factories.sign_in(client, user)
    return client


@pytest.fixture
def roster_csv(teams):
    """A small ESR-style roster, as text with Windows line endings."""

    def build(*rows, header=None):
        header = header or (
            "Employee Number,Assignment Number,Last Name,First Name,Work Email,Position Title,Staff Group,"
            "Organisation Code,Line Manager Employee Number,Hire Date,Termination Date,Assignment Category"
        )
        return "\r\n".join([header, *rows]) + "\r\n"

    return build


def row(number, first, last, team, manager="", start="01/04/2020", leave="", category="Permanent", assignment=None):
    return ",".join(
        [
            number,
            assignment or number,
            f'"{last}"',
            f'"{first}"',
            f"{first.lower()}.{number}@example.nhs.uk".replace(" ", "").replace("'", ""),
            "Officer",
            "Administrative and Clerical",
            team.code,
            manager,
            start,
            leave,
            category,
        ]
    )
