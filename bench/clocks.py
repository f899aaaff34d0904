"""Time the organisation report and the 12-month trend on both clocks beside the live report, on a realistic trust.

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/clocks.py --staff 10000

Builds the organisation with bench/orgscale.py (wiping the bench tables first; pass --reuse to keep one built by an
earlier run; its status rebuild builds the status table in effective time too), then times through Django's full
request stack, in process: the live HR organisation report; the report as it was a year ago (a range query on the
status table in effective time); the same day as recorded then (from the figures kept for it); and the 12-month trend
on each clock. Prints the median over --repeats runs, the queries each runs, the rows of the status table in effective
time, and the ratio of "as it was" to the live report (the aim: within 2x).
"""

import argparse
import datetime
import time

from _setup import django_setup
from reports import _median_seconds, _queries, _signed_in


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="Keep the organisation an earlier run built.")
    args = parser.parse_args()
    django_setup()
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone
    from orgscale import build

    from portal.accounts.models import User
    from portal.compliance.models import EvidenceEntry, StatusInterval
    from portal.people.models import StaffMember
    from portal.people.roles import hr_group
    from portal.reports.kept import days_keep
    from portal.reports.trend import month_ends

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.reuse or not StaffMember.objects.exists():
        print(f"Building an organisation of {args.staff:,} staff...", flush=True)
        started = time.perf_counter()
        counts = build(staff=args.staff)
        print("  " + "; ".join(f"{k}: {v:,}" for k, v in counts.items()), flush=True)
        print(f"  built in {time.perf_counter() - started:.0f}s", flush=True)
    hr, _ = User.objects.get_or_create(email="bench-hr@example.nhs.uk")
    hr.groups.add(hr_group())
    if not hr.authenticator_set.exists():
        TOTP.activate(hr, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = _signed_in(hr)
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    days_keep([year_ago, *month_ends(today)])  # "as recorded then" reads kept figures once a day is kept
    print(
        f"\n{connection.vendor}: {StaffMember.objects.count():,} staff, {EvidenceEntry.objects.count():,} ledger rows, "
        f"{StatusInterval.objects.count():,} runs in the status table in effective time\n",
        flush=True,
    )

    def get(path, **query):
        def run():
            response = client.get(path, query)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)

        return run

    cases = [
        ("Organisation report, live", get("/hr/reports/")),
        ("Organisation, a year ago, as it was", get("/hr/reports/", as_at=year_ago.isoformat(), basis="as_it_was")),
        (
            "Organisation, a year ago, as recorded",
            get("/hr/reports/", as_at=year_ago.isoformat(), basis="as_recorded"),
        ),
        ("12-month trend, as it was", get("/hr/reports/trend/", basis="as_it_was")),
        ("12-month trend, as recorded", get("/hr/reports/trend/", basis="as_recorded")),
    ]
    header = f"{'':40} {'median':>9} {'queries':>8}"
    print(header)
    print("-" * len(header))
    results = {}
    for name, page in cases:
        results[name] = _median_seconds(page, args.repeats)
        print(f"{name:40} {results[name] * 1000:7.0f}ms {_queries(page):8d}", flush=True)
    live = results["Organisation report, live"]
    print(
        f"\nas it was a year ago / live: {results['Organisation, a year ago, as it was'] / live:.2f}x; "
        f"as recorded a year ago / live: {results['Organisation, a year ago, as recorded'] / live:.2f}x; "
        f"trend as it was / live report: {results['12-month trend, as it was'] / live:.2f}x"
    )


if __name__ == "__main__":
    main()
