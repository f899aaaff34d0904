"""Builders for test data: small, explicit, and each returning saved objects."""

import datetime
import itertools

from wagtail.models import Page, Site

from modules.models import HomePage, ModuleIndexPage, ModulePage, PolicyPage
from portal.accounts.models import User
from quizzes import scoring
from quizzes.models import Choice, Question, QuestionBank, Quiz

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_user(**overrides) -> User:
    n = next(_counter)
    fields = {"email": f"person{n}@example.nhs.uk", "first_name": "Test", "last_name": f"Person {n}"}
    fields.update(overrides)
    return User.objects.create_user(password=PASSWORD, **fields)


def ensure_wagtail_rows() -> None:
    """Put back the rows Wagtail's data migrations made (the default Locale and the root page), if missing.

    Transactional tests end by flushing every table. Django's serialized rollback would restore these rows, but once
    Playwright's sync API has run an event loop in the test thread, the thread gets a fresh connection object
    without the serialized copy, so nothing is restored for the transactional tests that follow.
    """
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.objects.create(
            title="Root",
            slug="root",
            content_type=ContentType.objects.get_for_model(Page),
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
        )


def make_home_page() -> HomePage:
    ensure_wagtail_rows()
    existing = HomePage.objects.first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Staff training", slug="training-home"))
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    return home


def make_policy(parent=None, **overrides) -> PolicyPage:
    parent = parent or make_home_page()
    n = next(_counter)
    fields = {
        "title": "Social Media and Digital Content Policy",
        "slug": f"policy-{n}",
        "version_label": "1.0",
        "effective_date": datetime.date(2021, 6, 21),
        "next_review_date": datetime.date(2022, 6, 21),
        "owner_team": "Communications and Engagement Team",
        "sections": [
            ("section", {"number": "6", "heading": "Principles", "body": "<p>Principles.</p>"}),
            ("section", {"number": "6.2", "heading": "Best practice", "body": "<p>Speak for yourself.</p>"}),
            ("section", {"number": "9", "heading": "Responding to the media", "body": "<p>Refer it.</p>"}),
        ],
    }
    fields.update(overrides)
    page = parent.add_child(instance=PolicyPage(**fields))
    page.save_revision().publish()
    return page


def make_bank_with_questions(count=6, title=None) -> QuestionBank:
    bank = QuestionBank.objects.create(title=title or f"Bank {next(_counter)}")
    for i in range(count):
        question = Question.objects.create(bank=bank, kind=scoring.SINGLE, stem=f"Question {i + 1}?", clause="6.2")
        Choice.objects.create(question=question, text=f"Right {i + 1}", is_correct=True, feedback="Yes, that's it.")
        Choice.objects.create(question=question, text=f"Wrong {i + 1}", is_correct=False, feedback="No: see 6.2.")
    return bank


def make_quiz(questions=6, per_attempt=5, pass_mark=80, attempts_before_reread=2) -> Quiz:
    quiz = Quiz.objects.create(
        title=f"Quiz {next(_counter)}",
        questions_per_attempt=per_attempt,
        pass_mark=pass_mark,
        attempts_before_reread=attempts_before_reread,
    )
    quiz.banks.add(make_bank_with_questions(questions))
    quiz.save()  # ParentalManyToManyField changes are written on save
    return quiz


def scenario_value(title="A journalist messages you", expected_index=1):
    return {
        "title": title,
        "situation": "<p>A reporter messages you about your post.</p>",
        "question": "What should you do?",
        "options": [
            {"text": f"Option {i + 1}", "expected": i == expected_index, "feedback": f"<p>Feedback {i + 1}</p>"}
            for i in range(3)
        ],
        "clauses": "6.2, 9",
    }


def make_module(policy=None, quiz=None, scenarios=2, with_quiz=True, **overrides) -> ModulePage:
    policy = policy or make_policy()
    home = policy.get_parent()
    index = ModuleIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=ModuleIndexPage(title="Modules", slug="modules"))
        index.save_revision().publish()
    n = next(_counter)
    body = [("text", "<p>Read this first.</p>")]
    body += [("scenario", scenario_value(title=f"Scenario {i + 1}")) for i in range(scenarios)]
    if with_quiz:
        body.append(("quiz", {"quiz": quiz or make_quiz(), "intro": ""}))
    fields = {
        "title": f"Module {n}",
        "slug": f"module-{n}",
        "summary": "What the module covers.",
        "policy": policy,
        "clauses": "6.2, 9",
        "body": body,
    }
    fields.update(overrides)
    page = index.add_child(instance=ModulePage(**fields))
    page.save_revision().publish()
    return ModulePage.objects.get(pk=page.pk)


# --- people and compliance ---------------------------------------------------------------------------------------


def make_team(name=None, parent=None, kind="team"):
    from portal.people.models import Team

    n = next(_counter)
    fields = {"name": name or f"Team {n}", "code": f"T{n}", "kind": kind}
    if parent is None:
        return Team.add_root(**fields)
    return Team.objects.get(pk=parent.pk).add_child(**fields)


def make_staff(user=None, team=None, **overrides):
    from portal.people.history import staff_changes_record
    from portal.people.models import Assignment, StaffMember

    n = next(_counter)
    user = user if user is not None else make_user()
    fields = {
        "user": user,
        "employee_number": f"E{n:07d}",
        "first_name": user.first_name or "Test",
        "last_name": user.last_name or f"Person {n}",
        "work_email": user.email,
        "job_title": "Officer",
        "staff_group": "Administrative and Clerical",
        "team": team,
        "start_date": datetime.date(2020, 1, 6),
    }
    fields.update(overrides)
    staff = StaffMember.objects.create(**fields)
    Assignment.objects.create(staff=staff, number=staff.employee_number)
    staff_changes_record([staff])
    return staff


def make_requirement(**overrides):
    from portal.compliance.models import Requirement

    n = next(_counter)
    fields = {
        "name": f"Requirement {n}",
        "kind": Requirement.EXTERNAL_COURSE,
        "renewal_months": 12,
        "new_starter_days": 28,
        # Long established, as most are: people already in post are due from their own start.
        "introduced_on": datetime.date(2000, 1, 1),
    }
    fields.update(overrides)
    return Requirement.objects.create(**fields)


def with_mfa(user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"):
    """Give `user` an authenticator app (TOTP), as HR and CMS editors must have."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return user


def totp_code(secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", *, margin=5.0) -> str:
    """The code an authenticator app would show now for `secret`, read early enough in its 30-second step to be
    sent before the step ends: the portal accepts only the current step's code, so a code read in the step's last
    `margin` seconds would be refused on arrival (a person would wait for the next one, and so does this)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < margin:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def date_boxes(name: str, day: datetime.date) -> dict:
    """`day` as a form posts it from an NHS.UK date input (portal.lib.forms.DayMonthYearField): three boxes."""
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def sign_in(client, user, *, second_factor: bool = True):
    """Sign `user` in on a test client as allauth's sign-in would leave the session: a password, then (if they have
    an authenticator app and `second_factor` is true) the code. `second_factor=False` is a session that stopped at
    the password, as a side door would leave it: a privileged role does not count in it."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    user.refresh_from_db()  # as a real sign-in reads the person afresh (their session epoch may have moved on)
    client.force_login(user)
    session = client.session
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None and second_factor:
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": totp.type})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def signed_in_hours_ago(client, user, hours, *, first="password"):
    """The session of `client` (signed in by `sign_in`) as a sign-in `hours` ago left it: the first step (`password`
    or `socialaccount`), then the code from the person's app. The records are moved back from now, whatever the hour,
    so the session itself stays live: what it no longer is, is signed in moments ago ("confirm it is you" asks)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    session = client.session
    then = time.time() - hours * 3600
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": first, "at": then, **({"email": user.email} if first == "password" else {"provider": "oidc"})},
        {"method": "mfa", "at": then, "id": totp.pk, "type": totp.type},
    ]
    session["_portal_started"] = int(then)
    session.save()
    return client


def make_completion(staff, requirement, completed_at=None, **overrides):
    """Record in the ledger (through the service, so the projection follows) that `staff` completed `requirement`."""
    from django.utils import timezone

    from portal.compliance.models import EvidenceEntry
    from portal.compliance.services import evidence_record

    fields = {
        "source": EvidenceEntry.IMPORT,
        "source_ref": "national record",
        "idempotency_key": f"completion-{next(_counter)}",
        "completed_at": completed_at or timezone.now() - datetime.timedelta(days=1),
    }
    fields.update(overrides)
    entry, _ = evidence_record(staff=staff, requirement=requirement, **fields)
    return entry


def make_snapshot(policy, version="1", text="Think before you post."):
    """A published version of `policy`, frozen as the attestation service freezes it."""
    from django.utils import timezone

    from portal.compliance.services import policy_snapshot_create

    return policy_snapshot_create(
        page=policy,
        version_label=version,
        effective_date=timezone.localdate(),
        title=policy.title,
        sections=[{"number": "1", "heading": "Purpose", "text": text}],
        material=True,
    )
