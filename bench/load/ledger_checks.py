"""After the run: what the ledger recorded for the success answers the clients saw, and `verify_evidence`."""

import collections
import io

LATE_SECONDS = 5


def check_ledger(plan: dict, successes: list[dict]) -> list[tuple[str, bool, str]]:
    from django.utils import timezone

    from modules.models import ModuleCompletion
    from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus
    from quizzes.models import Attempt

    results = []
    staff_ids = [p["staff_id"] for p in plan["people"]]
    user_ids = [p["user_id"] for p in plan["people"]]
    today = timezone.localdate()

    # Attestations: each success answer names an entry; that entry is this person's attestation.
    attest = [s for s in successes if s["kind"] == "attestation"]
    entries = EvidenceEntry.objects.in_bulk([s["entry_id"] for s in attest])
    wrong = [
        s
        for s in attest
        if s["entry_id"] not in entries
        or entries[s["entry_id"]].staff_id != s["staff_id"]
        or entries[s["entry_id"]].source != EvidenceEntry.ATTESTATION
        or entries[s["entry_id"]].requirement_id != s["requirement_id"]
    ]
    results.append(
        (
            "every attestation answered with success is in the ledger, for that person",
            not wrong,
            f"{len(attest)} success answers, {len({s['entry_id'] for s in attest})} distinct entries"
            + (f"; {len(wrong)} missing or someone else's: {wrong[:3]}" if wrong else ""),
        )
    )
    per_day = collections.Counter(
        (e.staff_id, e.requirement_id, e.snapshot_id, timezone.localdate(e.recorded_at))
        for e in EvidenceEntry.objects.filter(staff_id__in=staff_ids, source=EvidenceEntry.ATTESTATION)
    )
    dupes = {key: n for key, n in per_day.items() if n > 1}
    results.append(
        (
            "attestations recorded once per person, policy version and day (idempotency key)",
            not dupes,
            f"{sum(per_day.values())} attestation entries for the bench staff over {len(per_day)} person-days"
            + (f"; DUPLICATES: {list(dupes.items())[:5]}" if dupes else ""),
        )
    )

    # Quiz attempts: each success answer names an attempt, submitted once, with the answers this client sent.
    quiz = [s for s in successes if s["kind"] == "quiz"]
    attempts = Attempt.objects.in_bulk([s["attempt_id"] for s in quiz])
    problems = []
    for s in quiz:
        attempt = attempts.get(s["attempt_id"])
        sent = {qid.removeprefix("q"): ids for qid, ids in s["answers"].items()}
        if attempt is None or attempt.user_id != s["user_id"] or attempt.page_id != s["page_id"]:
            problems.append(f"attempt {s['attempt_id']} missing or someone else's")
        elif attempt.submitted_at is None:
            problems.append(f"attempt {s['attempt_id']} answered as submitted but not submitted")
        elif {q: sorted(ids) for q, ids in attempt.answers.items()} != sent:
            problems.append(f"attempt {s['attempt_id']} holds answers other than those sent")
        elif s["shown"] is not None and (s["shown"] == "passed") != bool(attempt.passed):
            problems.append(f"attempt {s['attempt_id']} shown as {s['shown']} but recorded passed={attempt.passed}")
    results.append(
        (
            "every quiz submission answered with success is recorded once, as sent and as shown",
            not problems,
            f"{len(quiz)} success answers for {len({s['attempt_id'] for s in quiz})} distinct attempts"
            + (f"; {len(problems)} problems: {problems[:4]}" if problems else ""),
        )
    )
    open_rows = collections.Counter(
        Attempt.objects.filter(user_id__in=user_ids, submitted_at__isnull=True).values_list(
            "user_id", "quiz_id", "page_id"
        )
    )
    results.append(
        (
            "at most one open attempt per person and module",
            all(n == 1 for n in open_rows.values()),
            f"{sum(open_rows.values())} open attempts left (abandoned at the end of a run or after a failure)",
        )
    )

    # Completions: each passed attempt completes its module once, and each completion is in the ledger once.
    # (attempts made by this run: an earlier run's gap stays in the database for good)
    this_run = {"user_id__in": user_ids, "pk__gt": plan["baseline"]["attempt_max_id"]}
    passed_ids = set(Attempt.objects.filter(passed=True, **this_run).values_list("pk", flat=True))
    completions = list(
        ModuleCompletion.objects.filter(user_id__in=user_ids, pk__gt=plan["baseline"]["completion_max_id"])
    )
    by_attempt = collections.Counter(c.attempt_id for c in completions)
    missing = sorted(passed_ids - set(by_attempt))
    shown_completed = {s["attempt_id"] for s in quiz if s["module_completed_shown"]}
    missing_shown = sorted(set(missing) & shown_completed)
    results.append(
        (
            "every attempt passed in this run has exactly one module completion",
            not missing and all(n == 1 for n in by_attempt.values()),
            f"{len(passed_ids)} passed attempts, {len(completions)} completions"
            + (
                f"; {len(missing)} passed attempts WITHOUT a completion (ids {missing[:10]}), "
                f"{len(missing_shown)} of them shown to the person as 'Module completed'"
                if missing
                else ""
            ),
        )
    )
    submitted = dict(
        Attempt.objects.filter(pk__in=[c.attempt_id for c in completions]).values_list("pk", "submitted_at")
    )
    late = sorted(
        c.attempt_id
        for c in completions
        if c.attempt_id in submitted and (c.completed_at - submitted[c.attempt_id]).total_seconds() > LATE_SECONDS
    )
    results.append(
        (
            f"each completion recorded with its passing attempt (within {LATE_SECONDS} s), not later by another call",
            not late,
            f"{len(late)} late" + (f": attempts {late[:10]}" if late else ""),
        )
    )
    module_reqs = collections.defaultdict(list)
    for req in Requirement.objects.filter(active=True).exclude(kind=Requirement.ATTEST_POLICY).exclude(page=None):
        module_reqs[req.page_id].append(req.pk)
    expected_keys = {f"module-completion:{c.pk}:{req}" for c in completions for req in module_reqs[c.page_id]}
    module_entries = collections.Counter(
        EvidenceEntry.objects.filter(
            staff_id__in=staff_ids, source=EvidenceEntry.MODULE, seq__gt=plan["baseline"]["ledger_seq"]
        ).values_list("idempotency_key", flat=True)
    )
    lost = expected_keys - set(module_entries)
    extra = set(module_entries) - expected_keys
    results.append(
        (
            "every module completion is in the ledger exactly once",
            not lost and not extra and all(n == 1 for n in module_entries.values()),
            f"{len(expected_keys)} expected module entries, {sum(module_entries.values())} found"
            + (f"; {len(lost)} missing" if lost else "")
            + (f"; {len(extra)} with no completion" if extra else ""),
        )
    )

    # The status projection follows the ledger.
    attested = {s["staff_id"] for s in attest}
    stale = RequirementStatus.objects.filter(
        staff_id__in=attested, requirement_id__in=plan["attest_requirement_ids"]
    ).exclude(completed_on=today)
    results.append(
        (
            "the status of everyone who attested today shows today",
            not stale.exists(),
            f"{len(attested)} people checked" + (f"; {stale.count()} stale" if stale.exists() else ""),
        )
    )
    return results


def check_submissions(plan: dict, successes: list[dict]) -> list[tuple[str, bool, str]]:
    """The submissions-only phase, submission by submission: the attempt recorded as sent and passed, one module
    completion for it, one ledger entry for that completion (the requirement that names the module), and the
    person's status row for that requirement pointing at that entry, as of today."""
    from django.utils import timezone

    from modules.models import ModuleCompletion
    from portal.compliance.models import EvidenceEntry, RequirementStatus
    from quizzes.models import Attempt

    today = timezone.localdate()
    ids = [s["attempt_id"] for s in successes]
    attempts = Attempt.objects.in_bulk(ids)
    completions = collections.defaultdict(list)
    for completion in ModuleCompletion.objects.filter(attempt_id__in=ids):
        completions[completion.attempt_id].append(completion)
    keys = {
        f"module-completion:{c.pk}:{s['requirement_id']}": s for s in successes for c in completions[s["attempt_id"]]
    }
    entries = collections.defaultdict(list)
    for entry in EvidenceEntry.objects.filter(idempotency_key__in=keys):
        entries[entry.idempotency_key].append(entry)
    statuses = {
        (row.staff_id, row.requirement_id): row
        for row in RequirementStatus.objects.filter(
            staff_id__in={s["staff_id"] for s in successes},
            requirement_id__in={s["requirement_id"] for s in successes},
        )
    }
    problems = collections.Counter()
    for s in successes:
        attempt = attempts.get(s["attempt_id"])
        sent = {name.removeprefix("q"): ids for name, ids in s["answers"].items()}
        if attempt is None or attempt.user_id != s["user_id"] or attempt.page_id != s["page_id"]:
            problems["attempt missing or someone else's"] += 1
            continue
        if attempt.submitted_at is None or not attempt.passed or attempt.answers != sent:
            problems["attempt not recorded as sent and passed"] += 1
            continue
        if len(completions[attempt.pk]) != 1:
            problems[f"{len(completions[attempt.pk])} module completions, not 1"] += 1
            continue
        found = entries[f"module-completion:{completions[attempt.pk][0].pk}:{s['requirement_id']}"]
        if len(found) != 1 or found[0].staff_id != s["staff_id"] or found[0].source != EvidenceEntry.MODULE:
            problems[f"{len(found)} ledger entries for the completion, not 1 of this person's"] += 1
            continue
        status = statuses.get((s["staff_id"], s["requirement_id"]))
        if status is None or status.evidence_id != found[0].pk or status.completed_on != today:
            problems["status row not moved to the entry"] += 1
    # Nothing else went into the ledger for these people: a submission whose answer the client never saw (it timed
    # out) may have recorded, and is accounted for; anything more was recorded by something the phase did not send.
    people = [p["staff_id"] for p in plan["submitters"]]
    prepared = [a["attempt_id"] for p in plan["submitters"] for a in p["attempts"]]
    unseen = Attempt.objects.filter(pk__in=prepared, submitted_at__isnull=False).exclude(pk__in=ids)
    unseen_completions = {
        str(pk) for pk in ModuleCompletion.objects.filter(attempt__in=unseen).values_list("pk", flat=True)
    }
    recorded = EvidenceEntry.objects.filter(staff_id__in=people, seq__gt=plan["baseline"]["ledger_seq"])
    recorded = list(recorded.values_list("idempotency_key", flat=True))
    unexplained = [
        key
        for key in recorded
        if key not in keys and key.removeprefix("module-completion:").split(":")[0] not in unseen_completions
    ]
    return [
        (
            "submissions only: every submission answered with success recorded its attempt, one completion, one "
            "ledger entry and the status row",
            not problems and bool(successes),
            f"{len(successes)} success answers for {len(set(ids))} distinct attempts, {len(keys)} completions, "
            f"{sum(len(found) for found in entries.values())} ledger entries"
            + ("; problems: " + ", ".join(f"{n} x {what}" for what, n in problems.items()) if problems else ""),
        ),
        (
            "submissions only: nothing else recorded in the ledger for the phase's people",
            not unexplained,
            f"{len(recorded)} entries since the run began for its {len(people)} people, "
            f"{len(unseen_completions)} from submissions whose answer the client did not see (timed out)"
            + (f"; {len(unexplained)} unexplained: {unexplained[:5]}" if unexplained else ""),
        ),
    ]


def verify_evidence() -> tuple[bool, str]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    try:
        call_command("verify_evidence", stdout=out)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue().strip()
