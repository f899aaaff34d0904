"""Time the report pages and exports on a realistic trust, each beside the bare SQL it needs; the team page beside a
bare Wagtail page for the same user; evidence packs of 50 and 1,000 people.

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/reports.py --staff 10000

Builds the organisation with bench/orgscale.py (wiping the bench tables first; pass --reuse to keep one built by an
earlier run), then, for the HR organisation report, a team page of about 40 people, the organisation report as at a
month ago (the first time, when it is computed from the ledger and kept, its kept figures dropped before each run;
then read from the kept figures), the CSV export of every row and a PDF evidence pack of about 50 people (built as
the background task builds it), prints: the median server time over --repeats runs (through Django's full request
stack, in process: no network), the number of queries, the peak Python memory of one more run (tracemalloc, in a
pass of its own: it slows Python several times, so no time is taken under it), and the median time of the bare SQL
the page needs, run on the same database in the same run, with the ratio between the two.

Then the team page against a bare Wagtail page (an information page with nothing on it but its title, through
Wagtail's page serving, the portal's header and footer: the floor of a page for a signed-in person), for the same
user, the team's own manager and then an HR officer: --page-rounds rounds, each one request of each page in turn
(so both meet the same load on a shared machine); the median and minimum of each, and their ratios.

With --team-page-only, only that comparison (and no packs): to measure it again on an organisation an earlier run
built (with --reuse).

Last, evidence packs of --pack-sizes people (bench/packs.py: each built in a process of its own, timed, with its
peak resident memory, then once more under tracemalloc). Packs and receipts are written to a scratch folder.
"""

import argparse
import datetime
import os
import statistics
import tempfile
import time
import tracemalloc

import packs as pack_bench
from _setup import django_setup, scratch_files, team_of_about


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


def _bare_wagtail_page() -> str:
    """The address of an information page with nothing on it but its title (modules.ContentPage), made if missing,
    under the portal's home page (made too, as the demo makes it, if the database has none)."""
    from wagtail.models import Page, Site

    from modules.models import ContentPage, HomePage

    home = HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Staff training", slug="training"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
        )
    page = ContentPage.objects.filter(slug="bench-bare-page").first()
    if page is None:
        page = home.add_child(instance=ContentPage(title="About this portal", slug="bench-bare-page"))
    return page.url


def _manager_client(team):
    """A client signed in as the team's own manager (given a sign-in of their own if the generator gave none)."""
    from django.test import Client

    from portal.accounts.models import User
    from portal.people.models import TeamManager

    manager = TeamManager.objects.filter(team=team).select_related("staff").first().staff
    if manager.user_id is None:
        manager.user, _ = User.objects.get_or_create(email=f"bench-manager-{team.pk}@example.nhs.uk")
        manager.save(update_fields=["user"])
    client = Client()
    client.force_login(User.objects.get(pk=manager.user_id))
    return client, manager.full_name


def _side_by_side(page, bare, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of `rounds` requests of each, one of each in turn."""
    page(), bare()  # warm both
    page_times, bare_times = [], []
    for _ in range(rounds):
        for fn, times in ((page, page_times), (bare, bare_times)):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    return page_times, bare_times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="Keep the organisation an earlier run built.")
    parser.add_argument("--page-rounds", type=int, default=40, help="Team page and bare page requests, each")
    parser.add_argument("--pack-sizes", type=int, nargs="*", default=[50, 1000], help="People in each pack")
    parser.add_argument("--pack-repeats", type=int, default=3)
    parser.add_argument(
        "--team-page-only", action="store_true", help="Only the team page beside a bare Wagtail page; no packs."
    )
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="bench-reports-")
    scratch_files(scratch)  # evidence packs and receipts
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
    team40, size40 = team_of_about(40, today)
    team50, size50 = team_of_about(50, today)
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
    if args.team_page_only:
        cases, args.pack_sizes = [], []
    header = f"{'':42} {'median':>9} {'queries':>8} {'peak MB':>8} {'bare SQL':>9} {'ratio':>6}"
    if cases:
        print(f"{header}\n{'-' * len(header)}")
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
    if results:
        live, cold = results["HR organisation report"], results["As-at report, a month ago, first time"]
        as_at = results["As-at report, a month ago, kept"]
        export = results[f"CSV export, every row ({rows_total:,})"]
        print(
            f"\nas-at report / live report: {as_at / live:.1f}x kept, {cold / live:.1f}x the first time; "
            f"CSV export: {rows_total / export:,.0f} rows a second"
        )

    bare_url = _bare_wagtail_page()
    manager, manager_name = _manager_client(team40)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nTeam page ({size40} people) beside a bare Wagtail page ({bare_url}) for the same user, "
        f"{args.page_rounds} requests of each in turn; load average {load}"
    )
    ratios = []
    for who, signed_in in ((f"the team's manager, {manager_name}", manager), ("an HR officer", client)):
        team_page, bare_page = _page(signed_in, "/team/", team=team40.pk), _page(signed_in, bare_url)
        page_times, bare_times = _side_by_side(team_page, bare_page, args.page_rounds)
        page_ms, bare_ms = statistics.median(page_times) * 1000, statistics.median(bare_times) * 1000
        ratios.append(page_ms / bare_ms)
        print(
            f"  as {who}: team page median {page_ms:.0f} ms (min {min(page_times) * 1000:.0f}), bare page median "
            f"{bare_ms:.0f} ms (min {min(bare_times) * 1000:.0f}); ratio {page_ms / bare_ms:.2f}x of the medians, "
            f"{min(page_times) / min(bare_times):.2f}x of the minimums; queries {_queries(team_page)} and "
            f"{_queries(bare_page)}"
        )

    summary = [f"team_page_ratio_manager={ratios[0]:.2f}", f"team_page_ratio_hr={ratios[1]:.2f}"]
    if args.pack_sizes:
        print()
        summary += pack_bench.measure(args.pack_sizes, args.pack_repeats)
    print(f"\nfiles in {scratch}\n" + " ".join(summary))


def _page(client, path, **query):
    def run():
        response = client.get(path, query)
        assert response.status_code == 200, (path, response.status_code)
        return len(response.content)

    return run


if __name__ == "__main__":
    main()
