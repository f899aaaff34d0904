"""Time the report pages and exports on a realistic trust, each beside the bare SQL it needs.

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/reports.py --staff 10000

Builds the organisation with bench/orgscale.py (wiping the bench tables first; pass --reuse to keep one built by an
earlier run), then, for the HR organisation report, a team page of about 40 people, the organisation report as at a
month ago (the first time, when it is computed from the ledger and kept, its kept figures dropped before each run;
then read from the kept figures), the CSV export of every row and a PDF evidence pack of about 50 people (built as
the background task builds it), prints: the median server time
over --repeats runs (through Django's full request stack, in process: no network), the number of queries, the peak
Python memory of one run (tracemalloc), and the median time of the bare SQL the page needs, run on the same
database in the same run, with the ratio between the two.
"""

import argparse
import datetime
import statistics
import time
import tracemalloc

from _setup import django_setup


def _median_seconds(fn, repeats: int) -> float:
    fn()  # warm the caches and the connection
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def _signed_in(user):
    """A client signed in as allauth's sign-in leaves the session: the password, then the authenticator app's code,
    which HR's pages ask for."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from django.test import Client

    # Adding the HR role raised the session epoch in the database, not on this object: a session started with the
    # old epoch is ended at its next check as if the role had changed since, and every request redirects to sign in.
    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "id": totp.pk, "type": totp.type},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def _sql(query: str, params=()):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    return run


VALID = "s.completed_on IS NOT NULL AND (s.expires_on IS NULL OR s.expires_on >= %(today)s)"

ORG_REPORT_SQL = f"""
SELECT substr(t.path, 1, 8), s.requirement_id, count(*),
       count(*) FILTER (WHERE {VALID}),
       count(*) FILTER (WHERE NOT ({VALID}) AND s.due_on < %(today)s)
FROM compliance_requirementstatus s
JOIN people_staffmember m ON m.id = s.staff_id
JOIN people_team t ON t.id = m.team_id
JOIN compliance_requirement r ON r.id = s.requirement_id
WHERE r.active AND t.path LIKE %(prefix)s AND (m.leave_date IS NULL OR m.leave_date > %(today)s)
GROUP BY 1, 2
"""

TEAM_SQL = """
SELECT m.id, m.first_name, m.last_name, t.name, s.requirement_id, s.completed_on, s.expires_on, s.due_on
FROM people_staffmember m
JOIN people_team t ON t.id = m.team_id
LEFT JOIN compliance_requirementstatus s ON s.staff_id = m.id
WHERE t.path LIKE %(prefix)s AND (m.leave_date IS NULL OR m.leave_date > %(today)s)
ORDER BY m.last_name, m.first_name
"""

# As at a moment: each person's last roster row before it, and each pair's latest completion recorded before it
# that no correction recorded before it voids.
AS_AT_SQL = """
WITH roster AS (
  SELECT DISTINCT ON (c.staff_id) c.staff_id, c.team_id, c.staff_group, c.start_date, c.leave_date
  FROM people_staffchange c WHERE c.recorded_at < %(cutoff)s ORDER BY c.staff_id, c.recorded_at DESC, c.id DESC
), latest AS (
  SELECT DISTINCT ON (e.staff_id, e.requirement_id) e.staff_id, e.requirement_id, e.completed_at, e.expires_on
  FROM compliance_evidenceentry e
  WHERE e.recorded_at < %(cutoff)s AND e.completed_at IS NOT NULL AND e.source <> 'void'
    AND NOT EXISTS (SELECT 1 FROM compliance_evidenceentry v WHERE v.voids_id = e.id AND v.recorded_at < %(cutoff)s)
  ORDER BY e.staff_id, e.requirement_id, e.completed_at DESC, e.seq DESC
)
SELECT r.staff_id, t.path, r.staff_group, r.start_date, l.requirement_id, l.completed_at, l.expires_on
FROM roster r JOIN people_team t ON t.id = r.team_id
LEFT JOIN latest l ON l.staff_id = r.staff_id
WHERE (r.leave_date IS NULL OR r.leave_date > %(day)s) AND t.path LIKE %(prefix)s
"""

KEPT_SQL = """
SELECT substr(t.path, 1, 8), f.requirement_id, sum(f.required), sum(f.compliant), sum(f.overdue)
FROM reports_dailyfigure f JOIN people_team t ON t.id = f.team_id
WHERE f.day = %(day)s AND t.path LIKE %(prefix)s
GROUP BY 1, 2
"""

EXPORT_SQL = """
SELECT m.employee_number, m.first_name, m.last_name, t.name, m.staff_group, m.employment_type, r.name,
       s.completed_on, s.expires_on, s.due_on, e.source, e.source_ref, p.version_label, p.content_hash, e.seq
FROM compliance_requirementstatus s
JOIN people_staffmember m ON m.id = s.staff_id
LEFT JOIN people_team t ON t.id = m.team_id
JOIN compliance_requirement r ON r.id = s.requirement_id
LEFT JOIN compliance_evidenceentry e ON e.id = s.evidence_id
LEFT JOIN compliance_policysnapshot p ON p.id = e.snapshot_id
WHERE r.active AND t.path LIKE %(prefix)s AND (m.leave_date IS NULL OR m.leave_date > %(today)s)
ORDER BY s.staff_id, r.name
"""


def _team_of_about(size: int, today):
    """The team (with the teams below it) whose current headcount is nearest `size`."""
    from django.db.models import Q

    from portal.people.models import StaffMember, Team

    best = None
    for team in Team.objects.filter(depth__gte=2):
        count = (
            StaffMember.objects.filter(team__path__startswith=team.path)
            .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=today))
            .count()
        )
        if best is None or abs(count - size) < abs(best[1] - size):
            best = (team, count)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="Keep the organisation an earlier run built.")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone
    from orgscale import build

    from portal.accounts.models import User
    from portal.compliance.asat import Moment
    from portal.compliance.models import EvidenceEntry, RequirementStatus
    from portal.people.models import StaffMember, Team
    from portal.people.roles import hr_group
    from portal.reports.models import DailyFigure, EvidencePack, KeptDay
    from portal.reports.packs import pack_build

    if connection.vendor != "postgresql":
        raise SystemExit("Run this on PostgreSQL (DATABASE_URL=postgres://...): its figures are the ones that count.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.reuse or not StaffMember.objects.exists():
        print(f"Building an organisation of {args.staff:,} staff...", flush=True)
        counts = build(staff=args.staff)
        print("  " + "; ".join(f"{k}: {v:,}" for k, v in counts.items()), flush=True)
    EvidencePack.objects.all().delete()
    hr, _ = User.objects.get_or_create(email="bench-hr@example.nhs.uk")
    hr.groups.add(hr_group())
    if not hr.authenticator_set.exists():
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(hr, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = _signed_in(hr)
    today = timezone.localdate()
    root = Team.objects.get(depth=1)
    month_ago = today - datetime.timedelta(days=30)
    team40, size40 = _team_of_about(40, today)
    team50, size50 = _team_of_about(50, today)
    rows_total = RequirementStatus.objects.filter(
        staff__in=StaffMember.objects.current(on=today), requirement__active=True
    ).count()
    print(
        f"\n{StaffMember.objects.count():,} staff, {Team.objects.count():,} teams, "
        f"{EvidenceEntry.objects.count():,} ledger rows, {rows_total:,} current status rows; "
        f"team page: {team40.name} ({size40} people); pack: {team50.name} ({size50} people)\n",
        flush=True,
    )

    def get(path, **query):
        def run():
            response = client.get(path, query)
            assert response.status_code == 200, (path, response.status_code)
            if response.streaming:
                return sum(len(chunk) for chunk in response.streaming_content)
            return len(response.content)

        return run

    def pack():
        moment = Moment.end_of(month_ago)
        built = EvidencePack.objects.create(team=team50, as_at=moment.day, cutoff=moment.cutoff, requested_by=hr)
        pack_build(built)

    def first_time():
        """The first request for a day: computed from the ledger and kept (the kept figures are dropped first)."""
        DailyFigure.objects.filter(day=month_ago).delete()
        KeptDay.objects.filter(day=month_ago).delete()
        return get("/hr/reports/", as_at=month_ago.isoformat())()

    cutoff = Moment.end_of(month_ago).cutoff
    cases = [
        (
            "HR organisation report",
            get("/hr/reports/"),
            _sql(ORG_REPORT_SQL, {"today": today, "prefix": root.path + "%"}),
        ),
        (
            f"Team page ({size40} people)",
            get("/team/", team=team40.pk),
            _sql(TEAM_SQL, {"today": today, "prefix": team40.path + "%"}),
        ),
        (
            "As-at report, a month ago, first time",
            first_time,
            _sql(AS_AT_SQL, {"cutoff": cutoff, "day": month_ago, "prefix": root.path + "%"}),
        ),
        (
            "As-at report, a month ago, kept",
            get("/hr/reports/", as_at=month_ago.isoformat()),
            _sql(KEPT_SQL, {"day": month_ago, "prefix": root.path + "%"}),
        ),
        (
            f"CSV export, every row ({rows_total:,})",
            get("/exports/compliance.csv"),
            _sql(EXPORT_SQL, {"today": today, "prefix": root.path + "%"}),
        ),
        (
            f"PDF evidence pack ({size50} people)",
            pack,
            _sql(AS_AT_SQL, {"cutoff": cutoff, "day": month_ago, "prefix": team50.path + "%"}),
        ),
    ]
    header = f"{'':42} {'median':>9} {'queries':>8} {'peak MB':>8} {'bare SQL':>9} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    results = {}
    for name, page, bare in cases:
        seconds = _median_seconds(page, args.repeats)
        queries = _queries(page)
        peak = _peak_mb(page)
        bare_seconds = _median_seconds(bare, args.repeats)
        results[name] = seconds
        print(
            f"{name:42} {seconds * 1000:7.0f}ms {queries:8d} {peak:8.1f} {bare_seconds * 1000:7.0f}ms "
            f"{seconds / bare_seconds:5.1f}x",
            flush=True,
        )
    live, cold = results["HR organisation report"], results["As-at report, a month ago, first time"]
    as_at = results["As-at report, a month ago, kept"]
    export = results[f"CSV export, every row ({rows_total:,})"]
    print(
        f"\nas-at report / live report: {as_at / live:.1f}x kept, {cold / live:.1f}x the first time; "
        f"CSV export: {rows_total / export:,.0f} rows a second"
    )


if __name__ == "__main__":
    main()
