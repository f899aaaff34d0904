"""How the files HR download are named: the team, the day, the clock and what they are narrowed to, in words a file
name can hold, so two files of one team and day (everyone, or one requirement for the nurses) are told apart by name."""

import unicodedata

from django.utils.text import slugify


def team_in_name(team) -> str:
    """A team as a file name says it: its name if slugify keeps it whole (`spelled`), else its code if that is kept
    whole, else `team-<pk>`, so that a team named in another script is not named by nothing, nor by the same slug as
    another ("病房 A" and "診所 A" both slugify to "a")."""
    return spelled(team.name) or spelled(team.code) or f"team-{team.pk}"


def filters_in_name(named) -> str:
    """What a file is narrowed to (`exports.Filters`, named as the file names them), as the end of its name:
    "-<requirement>-<staff group>", either left out when not asked for; "" for everyone."""
    words = ""
    if named.requirement is not None:
        words += f"-{spelled(named.requirement.name)[:40] or f'requirement-{named.requirement.pk}'}"
    if named.staff_group:
        words += f"-{slugify(named.staff_group)[:40]}"
    return words


def spelled(value: str) -> str:
    """`value` slugified, or "" if slugify drops any of its letters or digits (those with no Latin form: "病房",
    "Łódź"; an accent is kept as its letter, "Café" is "cafe"), so that what is left cannot name the wrong thing."""
    kept = all(unicodedata.normalize("NFKD", c).encode("ascii", "ignore") for c in value if c.isalnum())
    return slugify(value) if kept else ""
