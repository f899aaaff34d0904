"""Time the API beside the work it stands for: reading a 40-person team's standing (the API call, and the selector it
calls), and sending 10,000 completions (the API request with its dry run, then the worker's apply; beside the same
10,000 rows uploaded as a file through the file import).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api .venv/bin/python bench/api.py
    DATABASE_URL=sqlite:////tmp/bench_api.sqlite3 .venv/bin/python bench/api.py

Use an empty database: the script creates a 40-person team, two groups of 1,000 staff (one for the file, one for the
API, so neither finds the other's completions already recorded) and ten mapped courses. Calls go through Django's
test client, in process: no network, the same middleware, URLconf and views as a served request.
"""

import datetime
import json
import statistics
import time

from _setup import Phases, django_setup

TEAM, GROUP, COURSES, READS = 40, 1_000, 10, 30
DAY = datetime.date(2026, 11, 1)


def _people(team, prefix: str, count: int) -> list:
    from portal.people.models import Assignment, StaffMember

    StaffMember.objects.bulk_create(
        [
            StaffMember(
                employee_number=f"{prefix}{n:06d}",
                first_name="F",
                last_name=f"{prefix}{n}",
                work_email=f"{prefix.lower()}{n}@bench.nhs.uk",
                team=team,
                start_date=datetime.date(2015, 1, 1),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    people = list(StaffMember.objects.filter(team=team, employee_number__startswith=prefix))
    Assignment.objects.bulk_create([Assignment(staff=p, number=p.employee_number) for p in people], batch_size=2000)
    return people


def _completions(people, courses) -> list[tuple]:
    """Ten completions a person, one per course, on days that differ by person: 10,000 rows for 1,000 people."""
    return [
        (p.employee_number, course, DAY - datetime.timedelta(days=1 + (i * 7 + c) % 600))
        for i, p in enumerate(people)
        for c, course in enumerate(courses)
    ]


def main():
    django_setup()
    from django.db import connection
    from django.test import Client

    from portal.api.clients import api_client_create
    from portal.compliance.imports.services import import_batch_apply, import_batch_create, import_batch_run
    from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch, Requirement
    from portal.compliance.projection import refresh
    from portal.people.models import StaffMember, Team
    from portal.reports.team import team_matrix

    if StaffMember.objects.exists():
        raise SystemExit("Use an empty database: this benchmark creates its own staff.")
    root = Team.add_root(code="ORG", name="Bench Trust", kind="organisation")
    ward = root.add_child(code="WARD", name="Ward 40", kind="team")
    by_file, by_api = root.add_child(code="FILE", name="File group"), root.add_child(code="API", name="API group")
    courses = [f"NHS|CSTF|Course {c} - Level 1 - 3 Years|" for c in range(COURSES)]
    for name in courses:
        requirement = Requirement.objects.create(name=name, kind=Requirement.EXTERNAL_COURSE, renewal_months=36)
        CompetenceMapping.objects.create(competence_name=name, requirement=requirement)
    team = _people(ward, "W", TEAM)
    file_people, api_people = _people(by_file, "F", GROUP), _people(by_api, "A", GROUP)
    refresh()
    _, token = api_client_create(name="Bench", scopes=["read_standing", "write_completions"], team=None, user=None)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    from django.conf import settings

    settings.PORTAL_API_RATE_PER_MINUTE = 10_000
    # Half the team has done half the courses, so the standing has every state in it.
    rows = [(n, c, d) for n, c, d in _completions(team[: TEAM // 2], courses[: COURSES // 2])]
    _file_import(import_batch_create, import_batch_apply, rows)

    ward = Team.objects.get(code="WARD")
    client.get("/api/v1/teams/WARD/standing")  # each once first: the first call of a process pays for its imports
    team_matrix([ward])
    api_ms, selector_ms = [], []
    for _ in range(READS):
        started = time.perf_counter()
        response = client.get("/api/v1/teams/WARD/standing")
        api_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and len(response.json()["people"]) == TEAM, response.content[:300]
        started = time.perf_counter()
        team_matrix([ward])
        selector_ms.append((time.perf_counter() - started) * 1000)

    phase = Phases()
    file_rows = _completions(file_people, courses)
    with phase("file: dry run"):
        batch, plan = import_batch_create(kind="completions", data=_csv(file_rows), filename="bench.csv", user=None)
    assert plan.can_apply and len(plan.to_record) == len(file_rows)
    with phase("file: apply"):
        import_batch_apply(batch=batch, user=None, background=False)

    body = {
        "completions": [
            {"employee_number": n, "course": c, "completed_on": d.isoformat()}
            for n, c, d in _completions(api_people, courses)
        ]
    }
    payload = json.dumps(body)
    # The API asks the worker to apply (202): time the request (its dry run and the enqueue), then the worker's apply.
    with phase("API: request (dry run, enqueue)"):
        response = client.post(
            "/api/v1/completions", payload, content_type="application/json", headers={"Idempotency-Key": "bench-1"}
        )
    assert response.status_code == 202, response.content[:500]
    batch_id = response.json()["import"]["id"]
    if ImportBatch.objects.get(pk=batch_id).status != ImportBatch.DONE:
        with phase("API: apply (the worker's task)"):
            import_batch_run(batch_id)
    assert ImportBatch.objects.get(pk=batch_id).status == ImportBatch.DONE
    with phase("API: retry (same key)"):
        again = client.post(
            "/api/v1/completions", payload, content_type="application/json", headers={"Idempotency-Key": "bench-1"}
        )
    assert again.status_code == 202 and again["Idempotent-Replayed"] == "true"
    recorded = EvidenceEntry.objects.filter(staff__team__in=[by_file, by_api]).count()
    print(
        f"database: {connection.vendor}; team: {TEAM} people x {COURSES} requirements; completions: "
        f"{len(file_rows)} by file, {len(body['completions'])} by API; recorded: {recorded}; "
        f"request body {len(payload) / 1e6:.1f} MB"
    )
    print(
        f"team standing over {READS} reads: API median {statistics.median(api_ms):.1f} ms (min {min(api_ms):.1f}); "
        f"the selector alone median {statistics.median(selector_ms):.1f} ms (min {min(selector_ms):.1f})"
    )
    print(phase.report())


def _csv(rows) -> bytes:
    lines = ["Employee Number,Competence Name,Achievement Date,Expiry Date"]
    lines += [f'{n},"{c}",{d:%d/%m/%Y},' for n, c, d in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _file_import(create, apply, rows) -> None:
    batch, plan = create(kind="completions", data=_csv(rows), filename="setup.csv", user=None)
    assert plan.can_apply
    apply(batch=batch, user=None, background=False)


if __name__ == "__main__":
    main()
