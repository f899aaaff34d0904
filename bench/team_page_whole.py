"""Time the team page at a trust's scale: HR's with no team chosen (the whole organisation), a directorate's for its
manager, and a team of about 60 for its manager, on an organisation bench/orgscale.py built (it is not rebuilt here).

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/orgscale.py --staff 12000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/team_page_whole.py

Each page is requested once to warm, then --repeats times (through Django's full request stack, in process, DEBUG
off); prints the minimum and median server time, the queries, the size of the page and the load average beside them.
With --as-at, HR's whole-organisation page about a month ago on both clocks too. With --profile, one more request of
HR's whole-organisation page under cProfile, and its --top functions by cumulative and by own time.
"""

import argparse
import cProfile
import datetime
import os
import pstats
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--as-at", action="store_true", help="HR's whole-organisation page a month ago too.")
    parser.add_argument("--profile", action="store_true", help="Profile one whole-organisation request.")
    parser.add_argument("--top", type=int, default=25)
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
    director, director_name = _manager_client(directorate)
    manager, manager_name = _manager_client(team60)
    month_ago = (today - datetime.timedelta(days=30)).isoformat()
    cases = [
        (f"HR, whole organisation ({in_post.count():,} in post)", hr, {}),
        (f"{director_name}, manager of {directorate.name} ({size:,} people)", director, {}),
        (f"{manager_name}, manager of {team60.name} ({size60} people)", manager, {}),
    ]
    if args.as_at:
        cases += [
            ("HR, whole organisation, a month ago as it was", hr, {"as_at": month_ago}),
            ("HR, whole organisation, a month ago as recorded", hr, {"as_at": month_ago, "basis": "as_recorded"}),
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
        profile = cProfile.Profile()
        profile.runcall(hr.get, "/team/")
        for order in ("cumulative", "tottime"):
            pstats.Stats(profile).sort_stats(order).print_stats(args.top)


if __name__ == "__main__":
    main()
