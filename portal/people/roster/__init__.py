"""The roster import: an ESR-shaped CSV to people, teams and managers. Dry run first, then all or nothing.

Rules where ESR leaves a choice:
- A person is their employee number. Rows sharing it are one person with several assignments (a second post has
  the suffix -2, and -10 comes after -9). The person's details come from the lowest-numbered post they are still in
  (a leave date of today or later, or none), else from the post that ended last; they have a leave date only if
  every post has one (the latest), and their start date is the first day of the unbroken service that post is part
  of, so a move between posts is neither a leaving nor a new start. Each post keeps its own row's team, start date
  and leave date (`people.Assignment`), which show its holder to that team's managers (portal.reports.posts) and
  count them nowhere: the dry run lists a change to a post, unless it is the person's one post. The same assignment
  twice is one row if the two say the same, else the file is refused. No employee number may be someone else's
  assignment number, or the other way round: a completion for it could reach the wrong person.
- A row with no Assignment Number (no column, or an empty cell) is the one post the portal holds for the person;
  someone holding several is refused, naming them. Only someone new (or holding no post) gets a post numbered like
  their employee number. A file without a leave-date column checks a closed team against the leave date held for
  the row's post.
- Teams must already exist (matched by code, then by name; a name more than one team has needs the code): a row
  naming an unknown team is rejected, so a typo never creates a team. `RosterTeams` finds a row's team.
- Only an explicit leave date makes a leaver. Someone missing from the file is left alone, because ESR extracts
  are often partial (one directorate, one month's starters). ESR's end of time, 31/12/4712, is no leave date.
- A line manager is named by employee number or, as ESR does ("Supervisor Assignment Number"), by the assignment
  number of the supervisor's post, held by someone in the file or already in the portal.
- A change (a move between teams, a new job title or staff group) took effect on the row's Effective Date when the
  file has one (ESR's "Effective Start Date" of the assignment), else on the day the file is applied; a starter's
  first record takes effect on their Start Date, and so does the record of someone taken on again (a Start Date
  after the leave date held: a new period of employment, `people.history.employment_periods`). Reports "as it was"
  on an earlier day read them so.
- A change to who someone is (their work email, both names, or an employee number that seems to be someone else's
  now) is listed first and applies only once HR confirms those very changes; the work email of someone with HR or
  editor rights, which is how they sign in, is never changed by a file. A confirmed change of work email moves the
  person's account with it (the account and its training history belong to the employee number): the sign-in email
  changes, every session of the account ends, and both addresses are told (portal.compliance.imports.roster).
- A new person's work email may be the sign-in email of an account without a staff record, which they then get (the
  first HR officer, made before the first staff list, is the usual one), but a row whose leave date has passed is
  refused when the account has HR or editor rights (or is a superuser's): an import never closes such an account. A
  client limited to a team may not name an account with rights outside its team at all (`privileged_sign_ins`).
- An account the roster closed (the person left), or the daily run did (`portal.people.leavers`, the day after the
  leave date), is opened again when a later file clears or moves on the leave date: a corrected termination date, or
  a returner under the same employee number. One closed by hand (the CMS's user editor or user list, a command) stays
  closed, whatever its sign-in email has become: the account carries the mark (`closed_by_hand`), cleared only when
  it is opened again by hand.
- A row may not change what the training status of whoever applies the file is worked out from (their start or leave
  date, team, staff group, job title: `STANDING_FIELDS`), as no other way in lets a person change their own standing;
  another member of HR applies it (`own_standing_refuse`, through portal.compliance.imports.own_records).
"""

from .apply import RosterApplied, apply_roster_changes
from .dry_run import plan_roster, privileged_sign_ins
from .own import STANDING_FIELDS, own_standing_refuse
from .plan import RosterPlan
from .rows import OPTIONAL_FIELDS
from .teams import RosterTeams

__all__ = [
    "OPTIONAL_FIELDS",
    "STANDING_FIELDS",
    "RosterApplied",
    "RosterPlan",
    "RosterTeams",
    "apply_roster_changes",
    "own_standing_refuse",
    "plan_roster",
    "privileged_sign_ins",
]
