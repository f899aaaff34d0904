"""The API and the file import are one service: the same completions, sent either way, leave the same ledger and the
same standing. What differs is only what names the door: the batch's id in `source_ref`, the HR officer the file's
entries name as recorder (the API's name no person: its client is on the batch and in the audit log), and the times."""

import datetime

from django.db import transaction

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, RequirementStatus

from .conftest import COURSE


def _rows(org):
    sam, kim, fay = (org["people"][name] for name in ("sam", "kim", "fay"))
    day = datetime.date.today() - datetime.timedelta(days=40)
    expiry = day.replace(year=day.year + 2) - datetime.timedelta(days=1)
    return [
        (sam.employee_number, COURSE, day, None),
        (kim.employee_number, COURSE, day - datetime.timedelta(days=400), expiry - datetime.timedelta(days=400)),
        (kim.employee_number, COURSE, day, expiry),
        (sam.employee_number, COURSE, day, None),  # the same completion twice: one fact
        (fay.employee_number, "Not a course HR has mapped", day, None),
        ("E0999999", COURSE, day, None),  # not on the roster: skipped
    ]


def _ledger():
    entries = EvidenceEntry.objects.order_by("seq")
    return [
        (
            e.seq,
            e.staff_id,
            e.requirement_id,
            e.completed_at,
            e.expires_on,
            e.source,
            e.idempotency_key,
            e.source_ref.rsplit(" line ", 1)[1],
            e.snapshot_id,
            e.voids_id,
            e.reason,
        )
        for e in entries
    ]


def _standing():
    return sorted(
        RequirementStatus.objects.values_list("staff_id", "requirement_id", "completed_on", "expires_on", "due_on")
    )


def _by_file(org):
    """An ESR export as HR would upload it: its own headings, dates as ESR writes them."""
    lines = ["Person,Competence Name,Achievement Date,Expiry Date"]
    for number, course, done, expires in _rows(org):
        lines.append(
            f'"{number}|Surname, Forename",{course},{done:%d/%m/%Y},{expires.strftime("%d-%b-%Y") if expires else ""}'
        )
    batch, plan = import_batch_create(
        kind="completions", data="\r\n".join(lines).encode(), filename="esr.csv", user=org["people"]["hr"].user
    )
    assert plan.can_apply
    import_batch_apply(batch=batch, user=org["people"]["hr"].user)


def _by_api(api, org):
    rows = [
        {
            "employee_number": number,
            "course": course,
            "completed_on": str(done),
            "expires_on": str(expires) if expires else None,
        }
        for number, course, done, expires in _rows(org)
    ]
    response = api("post", "/api/v1/completions", "completions", {"completions": rows}, key="same-ledger")
    assert response.status_code == 202, response.content


def _recorded(send) -> tuple[list, list]:
    with transaction.atomic():
        send()
        found = _ledger(), _standing()
        transaction.set_rollback(True)
    return found


def test_the_api_and_the_file_import_leave_the_same_ledger(api, org):
    by_file = _recorded(lambda: _by_file(org))
    by_api = _recorded(lambda: _by_api(api, org))
    assert len(by_file[0]) == 3  # three facts: the repeat, the unmapped course and the stranger are not recorded
    assert by_api[0] == by_file[0]
    assert by_api[1] == by_file[1]


def test_what_one_door_recorded_the_other_finds_already_recorded(api, org):
    _by_file(org)
    response = api(
        "post",
        "/api/v1/completions",
        "completions",
        {
            "completions": [
                {"employee_number": n, "course": c, "completed_on": str(d), "expires_on": str(x) if x else None}
                for n, c, d, x in _rows(org)
            ],
            "dry_run": True,
        },
        key="after-the-file",
    )
    summary = response.json()["summary"]
    assert (summary["to_record"], summary["already_recorded"]) == (0, 4)
