"""Time the team page at a trust's scale: HR's with no team chosen (the whole organisation), a directorate's for its
manager, and a team of about 60 for its manager, on an organisation bench/orgscale.py built (it is not rebuilt here).

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/orgscale.py --staff 12000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/team_page_whole.py

Each page is requested once to warm, then --repeats times (through Django's full request stack, in process, DEBUG
off); prints the minimum and median server time, the queries, the size of the page and the load average beside them.
With --as-at, HR's whole-organisation page about a past day (--days ago, default 30) on both clocks too, or on the one
--basis names; --past-only leaves out the live pages. With --profile, one more request of HR's whole-organisation
page (about the past day, with --as-at and one --basis) under cProfile, and its --top functions by cumulative and by
own time. With --save DIR, no timing: the HTML of several variants of the page (the whole organisation, the largest
directorate, the team of about 60; live and about the past day on each clock; each state; a requirement) is written to
DIR, the security tokens blanked, to compare the pages two versions of the code give (`diff -r`).
"""

import argparse
import cProfile
import datetime
import os
import pstats
import re
import statistics
import time

from _setup import django_setup, team_of_about
from reports import _manager_client, _queries, _signed_in


def _hr_client():
    """An HR officer with an authenticator app, signed in with it (HR's pages ask for the second factor)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from portal.accounts.models import User
    from portal.people.roles import hr_group

    hr, _ = User.objects.get_or_create(email="bench-hr@example.nhs.uk")
    hr.groups.add(hr_group())
    if not hr.authenticator_set.exists():
        TOTP.activate(hr, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return _signed_in(hr)


def _timed(client, query: dict, repeats: int) -> tuple[list[float], int, int]:
    """Seconds of each of `repeats` requests after one to warm; the queries and bytes of one."""

    def get():
        response = client.get("/team/", query)
        assert response.status_code == 200, (query, response.status_code)
        return response

    size = len(get().content)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        get()
        times.append(time.perf_counter() - started)
    return times, _queries(get), size


def _saved(client, query: dict, path: str) -> None:
    """The page for `query`, its CSRF tokens (a new one each request) and the session's seconds left blanked, written
    to `path`."""
    response = client.get("/team/", query)
    assert response.status_code == 200, (query, response.status_code)
    page = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", response.content.decode())
    page = re.sub(r'(data-seconds-left=")[0-9]+', r"\1", page)
    with open(path, "w") as out:
        out.write(page)


def _variants(directorate, team60, day: str, bases: list[str]) -> list[tuple[str, dict]]:
    """(file name, query) of each variant --save writes."""
    from portal.compliance.models import Requirement
    from portal.reports.team import STATE_CHOICES

    requirement = Requirement.objects.filter(active=True).order_by("name").first()
    found = []
    for basis in ["live", *bases]:
        clock = {} if basis == "live" else {"as_at": day, "basis": basis}
        found += [
            (f"{basis}-whole", clock),
            (f"{basis}-directorate", clock | {"team": directorate.pk}),
            (f"{basis}-team60", clock | {"team": team60.pk}),
            (f"{basis}-requirement", clock | {"requirement": requirement.pk}),
            (f"{basis}-requirement-overdue", clock | {"requirement": requirement.pk, "state": "overdue"}),
            (f"{basis}-directorate-paused", clock | {"team": directorate.pk, "state": "paused"}),
        ]
        found += [(f"{basis}-whole-{state}", clock | {"state": state}) for state, _ in STATE_CHOICES]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--as-at", action="store_true", help="HR's whole-organisation page about a past day too.")
    parser.add_argument("--days", type=int, default=30, help="How many days ago the past day is (default 30).")
    parser.add_argument("--basis", choices=["as_it_was", "as_recorded"], help="Only this clock (default both).")
    parser.add_argument("--past-only", action="store_true", help="With --as-at, leave out the live pages.")
    parser.add_argument("--profile", action="store_true", help="Profile one whole-organisation request.")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", metavar="DIR", help="Write the HTML of the variants to DIR instead of timing.")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.utils import timezone

    from portal.people.models import StaffMember, Team

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = timezone.localdate()
    in_post = StaffMember.objects.in_post(today)
    sizes = {team: in_post.filter(team__path__startswith=team.path).count() for team in Team.objects.filter(depth=2)}
    directorate, size = max(sizes.items(), key=lambda item: item[1])  # the largest
    team60, size60 = team_of_about(60, today)
    hr = _hr_client()
    day = (today - datetime.timedelta(days=args.days)).isoformat()
    bases = [args.basis] if args.basis else ["as_it_was", "as_recorded"]
    if args.save:
        os.makedirs(args.save, exist_ok=True)
        for name, query in _variants(directorate, team60, day, bases):
            _saved(hr, query, os.path.join(args.save, f"{name}.html"))
            print(f"  {name}: {query}", flush=True)
        return
    cases = []
    if not args.past_only:
        director, director_name = _manager_client(directorate)
        manager, manager_name = _manager_client(team60)
        cases += [
            (f"HR, whole organisation ({in_post.count():,} in post)", hr, {}),
            (f"{director_name}, manager of {directorate.name} ({size:,} people)", director, {}),
            (f"{manager_name}, manager of {team60.name} ({size60} people)", manager, {}),
        ]
    if args.as_at:
        words = {"as_it_was": "as it was", "as_recorded": "as recorded"}
        cases += [
            (f"HR, whole organisation, {args.days} days ago {words[basis]}", hr, {"as_at": day, "basis": basis})
            for basis in bases
        ]
    print(f"{StaffMember.objects.count():,} staff, {Team.objects.count():,} teams; {args.repeats} requests each")
    for name, client, query in cases:
        times, queries, size = _timed(client, query, args.repeats)
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"  {name}: min {min(times):.2f} s, median {statistics.median(times):.2f} s; {queries} queries; "
            f"{size / 1e6:.2f} MB; load average {load}",
            flush=True,
        )
    if args.profile:
        profiled = {"as_at": day, "basis": bases[0]} if args.as_at and args.basis else {}
        profile = cProfile.Profile()
        profile.runcall(hr.get, "/team/", profiled)
        for order in ("cumulative", "tottime"):
            pstats.Stats(profile).sort_stats(order).print_stats(args.top)


if __name__ == "__main__":
    main()
