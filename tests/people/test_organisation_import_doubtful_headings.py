"""An organisation file whose heading is a typo of one the import reads ("Parent Organsation Code") is refused,
naming the heading and the one it looks like, as a roster's or a completions file's is. The organisation import read
the file without that check, so the misspelt parent column was silently not read: every new team in the file was
added at the top of the tree as an organisation of its own, and the dry run said nothing was wrong."""

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation


@pytest.fixture
def trust(db):
    return Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)


def test_a_misspelt_parent_heading_is_a_problem_not_a_column_dropped(trust):
    data = b"Organisation Code,Organisation Name,Parent Organsation Code\r\nRX1-W1,Ward 1,RX1\r\nRX1-W2,Ward 2,RX1\r\n"
    plan = plan_organisation(data)
    assert not plan.can_apply
    assert plan.problems == [
        "The column 'Parent Organsation Code' looks like 'Parent Organisation Code' but is not read: rename it to "
        "'Parent Organisation Code' (or remove it), then upload the file again"
    ]


def test_the_refused_file_changes_nothing(trust, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path), "base_url": None}
    data = b"Organisation Code,Organisation Name,Parent Org Cde\r\nRX1-W1,Ward 1,RX1\r\n"
    _, plan = import_batch_create(kind="organisation", data=data, filename="org.csv", user=None)
    assert not plan.can_apply and "'Parent Org Cde' looks like 'Parent Organisation Code'" in plan.problems[0]
    assert list(Team.objects.values_list("code", flat=True)) == ["RX1"]


def test_a_column_that_only_resembles_nothing_is_still_just_not_used(trust):
    data = b"Organisation Code,Organisation Name,Parent Organisation Code,Cost Centre\r\nRX1-W1,Ward 1,RX1,C123\r\n"
    plan = plan_organisation(data)
    assert plan.can_apply and [(r.code, r.parent_code) for r in plan.to_create] == [("RX1-W1", "RX1")]
