"""The team tree: the trust, its directorates, their teams and sub-teams, with treebeard's materialised paths."""

import random

from .shape import DIRECTORATES, SUB_TEAMS


class BenchTeam:
    def __init__(self, id, name, code, kind, mix, parent):
        self.id, self.name, self.code, self.kind, self.mix, self.parent = id, name, code, kind, mix, parent
        self.children, self.members, self.path, self.manager = [], [], "", None

    def fields(self) -> dict:
        depth = len(self.path) // 4
        return {
            "id": self.id,
            "name": self.name,
            "code": self.code,
            "kind": self.kind,
            "path": self.path,
            "depth": depth,
            "numchild": len(self.children),
        }


def make_teams(rng: random.Random, staff: int) -> list[BenchTeam]:
    """About staff/25 teams: the trust, its directorates, teams under them and sub-teams under some teams.
    Materialised paths are computed here (treebeard: 4 base-36 characters a level, siblings ordered by name)."""
    total = max(12, round(staff / 25))
    n_dir = len(DIRECTORATES) if total >= 6 * len(DIRECTORATES) else max(2, total // 6)
    n_team = max(n_dir, round((total - 1 - n_dir) * 0.27))
    n_sub = max(0, total - 1 - n_dir - n_team)
    root = BenchTeam(0, "Bench Hospitals NHS Foundation Trust", "RBX", "organisation", "board", None)
    directorates = [
        BenchTeam(0, name, f"RBX-{d + 1:02d}", "directorate", mix, root)
        for d, (name, mix, _weight, _names) in enumerate(DIRECTORATES[:n_dir])
    ]
    weights = [weight for _, _, weight, _ in DIRECTORATES[:n_dir]]
    level3, used = [], [0] * n_dir
    for n in range(n_team):
        d = n if n < n_dir else rng.choices(range(n_dir), weights)[0]
        names = [name.strip() for name in DIRECTORATES[d][3].split(",")]
        k, used[d] = used[d], used[d] + 1
        name = names[k % len(names)] + (f" {k // len(names) + 1}" if k >= len(names) else "")
        directorate = directorates[d]
        level3.append(BenchTeam(0, name, f"{directorate.code}-{k + 1:03d}", "team", directorate.mix, directorate))
    subs_per_team = [0] * n_team
    weights = [rng.choice([0, 1, 1, 2, 3, 4]) for _ in range(n_team)]
    for _ in range(n_sub):
        subs_per_team[rng.choices(range(n_team), weights=[w + 0.2 for w in weights])[0]] += 1
    subs = []
    for team, count in zip(level3, subs_per_team, strict=True):
        names = SUB_TEAMS[team.mix]
        for s in range(count):
            label = names[s % len(names)] + (f" {s // len(names) + 1}" if s >= len(names) else "")
            subs.append(BenchTeam(0, f"{team.name}: {label}", f"{team.code}-{s + 1:02d}", "sub_team", team.mix, team))
    for team in directorates + level3 + subs:
        team.parent.children.append(team)
    # Assign paths and ids depth first, siblings by name, as treebeard would with node_order_by = ["name"].
    teams = []

    def place(team, path):
        team.path = path
        team.id = len(teams) + 1
        teams.append(team)
        for position, child in enumerate(sorted(team.children, key=lambda t: t.name), 1):
            place(child, path + _step(position))

    place(root, _step(1))
    return teams


def _step(position: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while position:
        position, digit = divmod(position, 36)
        digits = alphabet[digit] + digits
    return digits.rjust(4, "0")
