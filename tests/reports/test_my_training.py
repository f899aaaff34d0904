"""My training: every requirement that applies to me, its status, when it is due, what to do next, my history."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.dates import add_months
from portal.compliance.models import Certificate, EvidenceEntry, PolicySnapshot, Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record, evidence_void
from portal.people.models import TeamManager
from tests import factories

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def clock(monkeypatch):
    """Move "now" (and so Europe/London's today) to a given local date and time, for the app and Django alike."""

    def travel_to(year, month, day, hour=12, minute=0):
        moment = datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return travel_to


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person, start_date=datetime.date(2025, 1, 6))


@pytest.fixture
def course(db):
    return factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)


def my_training(client, user) -> str:
    factories.sign_in(client, user)  # again after each time jump: a session from another day has expired
    response = client.get(reverse("reports:my_training"))
    assert response.status_code == 200
    return response.content.decode()


def row_for(html: str, name: str) -> str:
    """The text of the first table row that names `name`, tags stripped and spaces collapsed."""
    for row in re.findall(r"<tr\b.*?</tr>", html, flags=re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        if name in text:
            return text
    raise AssertionError(f"No row for {name!r}")


def test_each_requirement_shows_its_status_due_date_and_next_step(client, person, staff, course, module_page, policy):
    attest = factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)
    module = factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    factories.make_requirement(name="Fire safety", renewal_months=None)
    refresh(staff_ids=[staff.pk])
    # Done a month ago, read in the test: a fixed day (2 March 2026, expiring 2 March 2029) was due soon from 2029.
    done = timezone.localdate() - datetime.timedelta(days=30)
    factories.make_completion(staff, course, timezone.make_aware(datetime.datetime.combine(done, datetime.time(10))))
    expires = add_months(done, 36)
    html = my_training(client, person)

    assert row_for(html, "Safeguarding Adults Level 1").startswith(
        "Training Safeguarding Adults Level 1 Status Compliant Due date or expiry "
        f"Expires {expires.day} {expires:%B %Y}"
    )
    assert "Nothing for now" in row_for(html, "Safeguarding Adults Level 1")
    # Started 6 January 2025 with 28 days to do each: long overdue.
    assert "Overdue Due date or expiry Due by 3 February 2025" in row_for(html, "Policy attestation")
    assert "Overdue" in row_for(html, "Social media module")
    assert f'href="{reverse("attestation:attest", args=[attest.pk])}"' in html
    assert f'href="{module_page.url}"' in html and "Start the module" in row_for(html, module.name)
    assert "Upload your certificate" in row_for(html, "Fire safety")
    assert f'href="{reverse("certificates:upload")}?requirement=' in html
    # Most urgent first.
    assert html.index("Policy attestation") < html.index("Safeguarding Adults Level 1")


def test_a_pending_certificate_says_hr_is_checking_it(client, person, staff, course):
    refresh(staff_ids=[staff.pk])
    Certificate.objects.create(
        staff=staff,
        requirement=course,
        file="certificates/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        completed_on=datetime.date(2026, 3, 2),
    )
    assert "HR is checking the certificate you uploaded" in row_for(my_training(client, person), course.name)


@pytest.mark.parametrize(
    ("day", "state", "when"),
    [
        (datetime.date(2026, 3, 2), "Compliant", "Expires 2 March 2027"),
        (datetime.date(2027, 1, 31), "Compliant", "Expires 2 March 2027"),  # 30 days to go: not yet inside window
        (datetime.date(2027, 2, 1), "Due soon", "Expires 2 March 2027"),
        (datetime.date(2027, 3, 2), "Due soon", "Expires 2 March 2027"),  # still valid on its last day
        (datetime.date(2027, 3, 3), "Overdue", "Expired 2 March 2027"),
    ],
)
def test_the_status_follows_the_calendar(client, clock, person, staff, day, state, when):
    yearly = factories.make_requirement(name="Information governance", renewal_months=12)
    clock(2026, 3, 2, 10, 0)
    factories.make_completion(staff, yearly, timezone.now())
    clock(day.year, day.month, day.day)
    assert f"Status {state} Due date or expiry {when}" in row_for(my_training(client, person), yearly.name)


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (datetime.date(2026, 3, 2), "Due soon"),  # a 28-day window is inside the 30-day due-soon window at once
        (datetime.date(2026, 3, 30), "Due soon"),  # the last day of the window
        (datetime.date(2026, 3, 31), "Overdue"),
    ],
)
def test_a_new_starter_has_until_the_end_of_their_window(client, clock, person, day, state):
    new_starter = factories.make_staff(user=person, start_date=datetime.date(2026, 3, 2))
    factories.make_requirement(name="Information governance", new_starter_days=28)
    refresh(staff_ids=[new_starter.pk])
    clock(day.year, day.month, day.day)
    row = row_for(my_training(client, person), "Information governance")
    assert f"Status {state} Due date or expiry Due by 30 March 2026" in row


def test_the_due_soon_window_is_a_setting(client, clock, person, staff, settings):
    yearly = factories.make_requirement(name="Information governance", renewal_months=12)
    clock(2026, 3, 2)
    factories.make_completion(staff, yearly, timezone.now())
    clock(2027, 1, 20)
    assert "Compliant" in row_for(my_training(client, person), yearly.name)
    settings.PORTAL_DUE_SOON_DAYS = 60
    assert "Due soon" in row_for(my_training(client, person), yearly.name)


def test_a_leap_day_completion_expires_on_the_28th_of_february(client, clock, person, staff):
    yearly = factories.make_requirement(name="Information governance", renewal_months=12)
    clock(2028, 2, 29, 9, 0)
    factories.make_completion(staff, yearly, timezone.now())
    clock(2029, 2, 28)
    html = my_training(client, person)
    assert "Due soon Due date or expiry Expires 28 February 2029" in row_for(html, yearly.name)
    assert "29 February 2028" in html  # the history
    clock(2029, 3, 1)
    assert "Overdue Due date or expiry Expired 28 February 2029" in row_for(my_training(client, person), yearly.name)


@pytest.mark.parametrize(
    ("moment", "london_day", "expiry"),
    [
        # Clocks go back at 02:00 BST on 25 October 2026: 00:30 BST that morning is 23:30 UTC the day before.
        (datetime.datetime(2026, 10, 24, 23, 30, tzinfo=datetime.UTC), "25 October 2026", "25 October 2027"),
        # Clocks went forward on 29 March 2026: 00:30 BST on the 30th is 23:30 UTC on the 29th.
        (datetime.datetime(2026, 3, 29, 23, 30, tzinfo=datetime.UTC), "30 March 2026", "30 March 2027"),
    ],
)
def test_a_completion_just_after_midnight_bst_counts_for_that_london_day(
    client, clock, person, staff, moment, london_day, expiry
):
    yearly = factories.make_requirement(name="Information governance", renewal_months=12)
    factories.make_completion(staff, yearly, moment)
    clock(2026, 11, 1)
    html = my_training(client, person)
    assert f"Expires {expiry}" in row_for(html, yearly.name)
    history = row_for(html[html.index("My history") :], yearly.name)
    assert history.startswith(f"Date {london_day} Training Information governance")


def test_my_history_lists_every_entry_newest_first_with_certificates_for_what_still_stands(
    client, person, staff, course, policy, someone_else
):
    attest = factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)
    refresh(staff_ids=[staff.pk])
    old = factories.make_completion(staff, course, timezone.now() - datetime.timedelta(days=30))
    evidence_void(entry=old, reason="Recorded against the wrong person", voided_by=someone_else)
    current = factories.make_completion(staff, course, timezone.now() - datetime.timedelta(days=2))
    (attested,) = attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=person)
    html = my_training(client, person)
    history = html[html.index("My history") :]

    assert history.index("Attestation, version 1.0") < history.index("Correction: Recorded against the wrong person")
    recorded = f"{timezone.localtime(old.recorded_at):%-d %B %Y}"
    assert f"Imported completion, recorded {recorded} from {old.source_ref} Withdrawn" in row_for(history, "Withdrawn")
    links = re.findall(r'href="(/training/certificates/\d+\.pdf)"', history)
    assert links == [reverse("reports:certificate_pdf", args=[e.pk]) for e in (attested, current)]
    assert history.count("Download certificate (PDF)") == 2
    assert attested.requirement == attest


def test_someone_else_sees_only_their_own_training(client, person, staff, course, someone_else):
    factories.make_completion(staff, course)
    theirs = factories.make_staff(user=someone_else)
    factories.make_requirement(name="Manual handling")
    refresh()
    url = reverse("reports:my_training")
    assert url == "/training/"  # nobody's id in the address: the page is always the signed-in person's own
    factories.sign_in(client, someone_else)
    html = client.get(url, {"staff": staff.pk, "user": person.pk}).content.decode()
    assert "Manual handling" in html
    assert "Imported completion" not in html and "Download certificate" not in html
    assert not EvidenceEntry.objects.filter(staff=theirs).exists()


def test_a_manager_sees_their_own_training_here_not_their_teams(client, person, staff, course, someone_else):
    team = factories.make_team()
    staff.team = team
    staff.save()
    manager = factories.make_staff(user=someone_else, team=team)
    TeamManager.objects.create(staff=manager, team=team)
    factories.make_completion(staff, course)
    html = my_training(client, someone_else)
    assert "Imported completion" not in html


def test_someone_without_a_staff_record_is_told_plainly(client, someone_else):
    html = my_training(client, someone_else)
    assert "We cannot find your staff record" in html and someone_else.email in html


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("reports:my_training"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_home_page_and_the_header_lead_here(client, person, staff, home_page):
    factories.sign_in(client, person)
    html = client.get("/").content.decode()
    assert 'href="/training/"' in html
    header = client.get(reverse("reports:my_training")).content.decode()
    assert '<a class="nhsuk-header__navigation-link" href="/training/" aria-current="page">My training</a>' in header


def test_my_training_runs_a_constant_number_of_queries(
    client, person, staff, course, policy, module_page, someone_else, django_assert_num_queries
):
    attest = factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    for n in range(5):
        factories.make_completion(staff, factories.make_requirement(), timezone.now() - datetime.timedelta(days=n))
    refresh(staff_ids=[staff.pk])
    attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=person)
    evidence_void(entry=factories.make_completion(staff, course), reason="Wrong course", voided_by=someone_else)
    assert attest.statuses.get(staff=staff).completed_on
    my_training(client, person)  # Wagtail caches the site's root paths (for the module's address) after this
    # 1 session, 2 user, 3 staff record, 4 requirement rows with their requirement and page, 5 their certificates'
    # states (waiting for HR; the latest rejected, and why), 6 history with requirements, snapshots and each
    # withdrawal's reason, time and who made it, 7 attestation rows and 8 their latest re-attestation rounds (the
    # "policy changed" notice; none here), and for how far the person has got in the module required
    # (modules.progress): 9 the module pages, 10 scenarios held for review with the person's answers, 11 quiz
    # attempts, 12 module completions, 13 the published module index (the link to the list of modules).
    with django_assert_num_queries(13):
        client.get(reverse("reports:my_training"))
