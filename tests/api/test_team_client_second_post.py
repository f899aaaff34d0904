"""A team's roster client may not change a post of one of its people that is in a team outside its own (a bank
post, a second part-time post): that post shows its holder to the other team's managers (docs/two-clocks.md, "A
second post"), so moving or ending it is not the client's to do, and the refusal names neither the post's team nor
whose managers see it. A post of theirs in its own teams it may change, as before."""

import datetime

from portal.compliance.models import EvidenceEntry
from portal.people.models import Assignment

from .conftest import completion, roster_row


def _roster(api, people, key, dry_run=True):
    return api("post", "/api/v1/roster", "finance", {"people": people, "dry_run": dry_run}, key=key)


def test_a_post_of_its_person_in_another_team_is_refused_as_in_use_outside(api, org):
    fay, comms, payroll = org["people"]["fay"], org["teams"]["comms"], org["teams"]["payroll"]
    bank = Assignment.objects.create(
        staff=fay, number=f"{fay.employee_number}-2", team=comms, start_date=datetime.date(2024, 1, 1)
    )
    row = roster_row(fay, assignment_number=bank.number, team_code=payroll.code, start_date="2024-01-01")
    response = _roster(api, [row], "bank", dry_run=False)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {
            "field": "people[0].assignment_number",
            "message": "people[0]: the assignment number is in use outside this client's team",
        }
    ]
    assert "Communications" not in response.content.decode()
    bank.refresh_from_db()
    assert bank.team == comms


def test_a_post_of_its_person_in_its_own_teams_may_be_changed(api, org):
    fay, payroll = org["people"]["fay"], org["teams"]["payroll"]
    post = Assignment.objects.create(staff=fay, number=f"{fay.employee_number}-2", team=payroll)
    response = _roster(api, [roster_row(fay, assignment_number=post.number)], "own")
    assert response.status_code == 200, response.content
    [change] = response.json()["details"]["changes"]
    assert change["changes"] == [f"Post {post.number}: start date (blank) to 06/01/2020"]


def test_a_post_in_its_team_gives_it_no_reach_to_someone_of_another_team(api, org):
    """Sam, of Communications, holds a bank post in Payroll (below Finance): the Finance client may not read Sam's
    standing, record a completion for Sam by that post's number, nor change that post, each answered as for someone
    it does not know."""
    sam, payroll = org["people"]["sam"], org["teams"]["payroll"]
    bank = Assignment.objects.create(staff=sam, number=f"{sam.employee_number}-2", team=payroll)
    read = api("get", f"/api/v1/people/{sam.employee_number}/standing", "finance")
    assert read.status_code == 404 and "Sam" not in read.content.decode()
    row = completion(sam, employee_number="", assignment_number=bank.number)
    write = api("post", "/api/v1/completions", "finance", {"completions": [row]}, key="post-1")
    assert write.status_code == 422 and "Sam" not in write.content.decode()
    assert f"no one numbered '{bank.number}' in this client's team" in write.content.decode()
    roster = _roster(api, [roster_row(sam, assignment_number=bank.number, team_code=payroll.code)], "post-2")
    assert roster.status_code == 422 and "Communications" not in roster.content.decode()
    assert not EvidenceEntry.objects.filter(staff=sam).exists()
    bank.refresh_from_db()
    assert bank.team == payroll
