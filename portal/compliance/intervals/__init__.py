"""The status table in effective time (`StatusInterval`): each person's state on each requirement, day by day, as
everything known now says it was, kept as runs of days so that a report "as it was" on any day reads one range of
rows instead of replaying the ledger.

Effective time, fact by fact:
- a completion counts from the day it was completed (`completed_at`), whenever it was recorded;
- a pause stops the clock over its own days (`completed_at` to `expires_on`), whenever it was recorded;
- a correction (a void) takes effect from the day of the fact it voids: the fact never held;
- a person is in post in each of their periods of employment (from a start date to a leave date: someone who left
  and was taken on again has two, `people.history.employment_periods`), in the team, staff group and job title of
  the roster row in effect that day: of the rows effective by then, the one recorded last
  (`people.StaffChange.effective_on`); before their first row's day, that row;
- a re-attestation round takes effect on the day it was opened;
- a change to a requirement's terms (`compliance.RequirementChange`) takes effect on the day HR made it, and so does
  a change to its level family (a level joining or leaving it, a new level or renewal period): from that day its
  runs are worked out on its terms then, counting the evidence of the levels above it then, whenever completed (as a
  new renewal period counts for a completion made before it).

The rule for a day is the projection's (`projection.standing_from`). A run ends where anything it depends on changes:
one of the days above, a start or leave, an expiry, or the day the state moves on (due soon, overdue).

`roster` reads people's roster facts by effective day, `runs` works out one person's runs on one requirement, and
`rebuild` reads many people's facts and writes their runs.
"""

from .rebuild import (
    CHUNK,
    COLUMNS,
    PERSON_FIELDS,
    Person,
    Reading,
    intervals_rebuild,
    people_facts,
    person_intervals_rebuild,
    person_read,
    person_runs,
    places_for,
)
from .roster import (
    CHANGE_FIELDS,
    LEAN_FIELDS,
    Change,
    Facts,
    Roster,
    audience_ever_ids,
    histories,
    joined_on,
    lean_histories,
    roster_of,
    roster_rows,
)
from .runs import ONE_DAY, Rules, Run, counting_on, requirements_read, rules_for, rules_of, runs_for

__all__ = [
    "CHANGE_FIELDS",
    "CHUNK",
    "COLUMNS",
    "LEAN_FIELDS",
    "ONE_DAY",
    "PERSON_FIELDS",
    "Change",
    "Facts",
    "Person",
    "Reading",
    "Roster",
    "Rules",
    "Run",
    "audience_ever_ids",
    "counting_on",
    "histories",
    "intervals_rebuild",
    "joined_on",
    "lean_histories",
    "people_facts",
    "person_intervals_rebuild",
    "person_read",
    "person_runs",
    "places_for",
    "requirements_read",
    "roster_of",
    "roster_rows",
    "rules_for",
    "rules_of",
    "runs_for",
]
