"""What the API's endpoints take and return, as typed schemas: django-ninja writes the OpenAPI document from them."""

import datetime

from ninja import Field, Schema

STATES = "compliant, due_soon, overdue, not_started, paused"


class TeamRef(Schema):
    code: str
    name: str


class RequirementRef(Schema):
    id: int
    name: str


class Standing(Schema):
    requirement: RequirementRef
    state: str = Field(description=f"One of: {STATES}")
    label: str = Field(description='As the portal shows it: "Due soon", "Paused until 3 March 2027"')
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None


class PersonStanding(Schema):
    employee_number: str = Field(description="Their employee number now; as at a day, as recorded then")
    name: str = Field(description="Their name now; as at a day, as recorded then (as the team read names them)")
    team: TeamRef | None = Field(
        description="The team the roster has them in now; as at a day, for a client limited to a team, the team they "
        "were in that day, as it was named then"
    )
    start_date: datetime.date = Field(description="Their start date, as the roster has it now")
    leave_date: datetime.date | None = Field(
        description="Their last day of service, if the roster has one now: from the day after, nothing is asked of "
        "them and the team and organisation figures leave them out"
    )
    as_at: datetime.date = Field(description="The day the standing is judged on: today, or the as_at asked for")
    live: bool = Field(description="True: from the live status; false: as recorded by the end of as_at")
    requirements: list[Standing]


class Figure(Schema):
    required: int = Field(description="People the requirement applies to (paused people left out)")
    compliant: int
    overdue: int
    percent: int | None = Field(description="Whole percent compliant, rounded down; null when nobody is required")
    meets_target: bool


class RequirementFigure(Figure):
    requirement: RequirementRef
    counts: dict[str, int] = Field(description=f"People in each state: {STATES}, not_required")


class PersonCell(Schema):
    requirement_id: int
    state: str
    due_on: datetime.date | None = Field(description="The day to chase by: the first deadline, or the expiry")


class TeamPerson(Schema):
    employee_number: str = Field(description="Their employee number now; as at a day, as recorded then")
    name: str = Field(description="Their name now; as at a day, as recorded then")
    team_name: str = Field(description="The team the roster places them in (then, for as_at)")
    requirements: list[PersonCell] = Field(
        description="Only the requirements that apply to the person; the person endpoint has their dates"
    )


class TeamStanding(Schema):
    team: TeamRef
    as_at: datetime.date
    live: bool
    target: int = Field(description="The organisation's compliance target, percent")
    requirements: list[RequirementFigure]
    people: list[TeamPerson] = Field(description="Everyone in the team and the teams below it, by surname")


class OrganisationRequirement(Figure):
    requirement: RequirementRef
    furthest_below_target: TeamRef | None = Field(description="The team furthest below the target on it, if any")


class GroupFigures(Schema):
    team: TeamRef
    direct: bool = Field(description="True: the people placed directly in the part shown, not a team below it")
    overall: Figure
    requirements: dict[int, Figure] = Field(description="By requirement id")


class OrganisationFigures(Schema):
    team: TeamRef = Field(description="The part of the organisation the figures cover")
    as_at: datetime.date
    live: bool
    basis: str | None = Field(
        description="For as_at: as_it_was (everything known now about that day) or as_recorded (what the portal "
        "showed then)"
    )
    target: int
    overall: Figure
    requirements: list[OrganisationRequirement] = Field(description="Furthest below the target first")
    teams: list[GroupFigures] = Field(description="The teams one level below, furthest below the target first")


class LedgerEntry(Schema):
    seq: int
    content: dict = Field(description="Exactly what the entry's hash covers (canonical JSON, sorted keys, UTF-8)")
    content_hash: str = Field(description="SHA-256 of the content; the next entry's content.prev_hash")


class LedgerPage(Schema):
    entries: list[LedgerEntry]
    next_after: int = Field(description="Send as `after` for the next page (the last seq here, or `after` if none)")
    head_seq: int = Field(description="The chain's last entry now: the archive is complete when next_after reaches it")
    head_hash: str
