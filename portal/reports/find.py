"""Finding a person or a team by what HR or a manager knows of them: a name, part of one, or an employee number.

A large trust has 10,000 people in 400-900 teams: the team filter's list and the organisation report's drill-down
reach a team, but a person only through their team, and a team only by opening the directorate it sits in. This
finds both, within what the user may see (HR everyone, a manager the teams they manage and those below, and whoever
holds a post in them today, as the team page lists them: `people.roles.staff_list_found_by_user`), capped at
FIND_LIMIT of each with the full count beside it, so the page stays the same size however large the trust."""

from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from portal.people.models import StaffMember, Team, not_left_q
from portal.people.roles import staff_list_found_by_user

from .scope import TEAM_FIELDS, Choice

FIND_LIMIT = 50
PATH = TEAM_FIELDS.index("path")
STEP = 4  # treebeard's characters a level of the tree
WORDS_MAX_LENGTH = 100


class FindForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=WORDS_MAX_LENGTH,
        strip=True,
        label="Name or employee number",
        help_text="Part of a name is enough, for example “Patel” or “Ward 3”",
        error_messages={
            "max_length": f"Enter {WORDS_MAX_LENGTH} characters or fewer",
            "null_characters_not_allowed": "Remove the control character U+0000 and type it again",
        },
    )

    def words(self) -> list[str]:
        return self.cleaned_data["q"].split() if self.is_valid() else []


def people_found(user, words: list[str]) -> tuple[list[StaffMember], int]:
    """(the first FIND_LIMIT people `user` may see whose first name, last name, employee number or work email holds
    every one of `words`, in post first and then by name; how many match in all). Two queries. A manager finds too
    whoever holds a post today in their teams (as their team page lists them, `seen_through_post`), by name or
    number, the two things that page shows of them."""
    matches, named = Q(), Q()
    for word in words:
        name_or_number = Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(employee_number__iexact=word)
        matches &= name_or_number | Q(work_email__istartswith=word)
        named &= name_or_number
    found = staff_list_found_by_user(user, matches, named)
    leavers_last = Case(
        When(not_left_q(timezone.localdate()), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    first = found.select_related("team").order_by(leavers_last, "last_name", "first_name", "pk")[:FIND_LIMIT]
    return list(first), found.count()


def teams_found(choices: list[Choice], words: list[str]) -> tuple[list[tuple[Choice, str]], int]:
    """(the first FIND_LIMIT of `choices` (the teams the user may pick, `scope.teams_for_request`) whose name holds
    every one of `words`, each with where it sits ("Surgery › General Surgery"), so that two wards of one name in
    different directorates can be told apart; how many match in all). HR's choices are every team, which name every
    team above: no query. A manager's are their teams and those below: one query, for the names above them."""
    folded = [word.casefold() for word in words]
    matching = [choice for choice in choices if all(word in choice.name.casefold() for word in folded)]
    names = {choice.row[PATH]: choice.name for choice in choices}
    above_all = {choice.row[PATH][:end] for choice in choices for end in range(STEP, len(choice.row[PATH]), STEP)}
    if above_all - names.keys():
        names |= dict(Team.objects.filter(path__in=above_all - names.keys()).values_list("path", "name"))
    placed = []
    for choice in matching[:FIND_LIMIT]:
        path = choice.row[PATH]
        above = [names[path[:end]] for end in range(STEP, len(path), STEP) if path[:end] in names]
        placed.append((choice, " › ".join(above)))
    return placed, len(matching)
