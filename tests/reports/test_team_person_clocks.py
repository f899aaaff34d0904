"""The team page and a person's page about a past day run on either clock: "as it was" (everything known now, read
from the status table in effective time; the default) and "as recorded then" (what the portal showed). A completion
from last year recorded today changes "as it was" for last year and never "as recorded then"; a move with an
effective date puts the person in their old team before it and the new one after; each page says which clock in
words, refuses a clock that is not one, keeps to who may see whom, and runs as many queries for 30 people as for 3."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import pauses, projection
from portal.compliance.models import Requirement
from portal.compliance.services import evidence_void
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.test_two_clocks import COURSE, _import_today


def last_year():
    return timezone.localdate() - datetime.timedelta(days=200)


REQUIREMENT = "Safeguarding Adults Level 1"


@pytest.fixture
def history(org):
    """The roster as loaded long ago, and the course mapped for imports (as tests/reports/test_two_clocks.py)."""
    from portal.compliance.models import CompetenceMapping

    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    requirement = Requirement.objects.get(name=REQUIREMENT)
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=requirement)
    return requirement


def _team(client, day=None, basis=None, **query):
    params = {**query, **({"as_at": day.isoformat()} if day else {}), **({"basis": basis} if basis else {})}
    response = client.get(reverse("reports:team"), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def _labels(response) -> dict[str, str]:
    """Each person on the page: their tag for the requirement."""
    matrix = response.context["matrix"]
    [column] = [n for n, r in enumerate(matrix.requirements) if r.name == REQUIREMENT]
    return {person.full_name: cells[column].label for person, cells in matrix.people}


def _teams(response) -> dict[str, str]:
    """Each person on the page: the team it shows them in."""
    return {person.full_name: person.team_name for person, _ in response.context["matrix"].people}


def _person(client, staff, day=None, basis=None):
    params = {**({"as_at": day.isoformat()} if day else {}), **({"basis": basis} if basis else {})}
    response = client.get(reverse("reports:team_person", args=[staff.pk]), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def _short(day: datetime.date) -> str:
    """As the page prints a date with "j M Y"."""
    return f"{day.day} {day:%b %Y}"


def test_last_years_completion_recorded_today_changes_both_pages_as_it_was_and_never_as_recorded_then(org, history):
    client, sam = client_for(org["manager"]), org["sam"]
    assert _labels(_team(client, last_year()))["Sam Digital"] == "Overdue"  # as it was, the default

    done = last_year() - datetime.timedelta(days=30)
    _import_today(f"{sam.employee_number},{COURSE},{done:%d/%m/%Y},")

    as_it_was = _team(client, last_year())
    assert as_it_was.context["matrix"].basis == "as_it_was"
    assert _labels(as_it_was) == {"Grace Manager": "Overdue", "Sam Digital": "Compliant"}
    [line] = as_it_was.context["matrix"].figures
    assert (line.figure.compliant, line.figure.required, line.figure.overdue) == (1, 2, 1)
    html = as_it_was.content.decode()
    assert "Shown as it was, from everything we know now" in html
    assert 'value="as_it_was" aria-describedby="basis-as_it_was-hint" checked' in html
    # The way to Sam's page keeps the day and the clock.
    person_url = reverse("reports:team_person", args=[sam.pk])
    assert f'href="{person_url}?as_at={last_year().isoformat()}&amp;basis=as_it_was"' in html

    as_recorded = _team(client, last_year(), "as_recorded")
    assert as_recorded.context["matrix"].basis == "as_recorded"
    assert _labels(as_recorded) == {"Grace Manager": "Overdue", "Sam Digital": "Overdue"}
    html = as_recorded.content.decode()
    assert "Shown as recorded at the time: what the portal showed then" in html
    assert 'value="as_recorded" aria-describedby="basis-as_recorded-hint" checked' in html
    assert f'href="{person_url}?as_at={last_year().isoformat()}&amp;basis=as_recorded"' in html
    assert "basis=as_recorded" in html.split("Download")[-1]  # the downloads keep the clock with the day

    page = _person(client, sam, last_year())
    [line] = page.context["lines"]
    assert line.state == "compliant" and line.row.completed_on == done
    [entry] = page.context["history"]
    assert entry.recorded_since and entry.took_effect == done
    html = page.content.decode()
    assert "Shown at the end of" in html and "as it was, from everything we know now" in html
    assert (
        f"{_short(done)} (recorded {_short(timezone.localdate())}, after {_short(last_year())}): {REQUIREMENT}" in html
    )

    then = _person(client, sam, last_year(), "as_recorded")
    [line] = then.context["lines"]
    assert line.state == "overdue"
    assert list(then.context["history"]) == []
    assert "as recorded at the time" in then.content.decode() and "Nothing recorded yet." in then.content.decode()

    before_it_was_done = _person(client, sam, done - datetime.timedelta(days=1))
    assert [line.state for line in before_it_was_done.context["lines"]] == ["overdue"]
    assert before_it_was_done.context["history"] == []
    assert "Nothing had taken effect by then." in before_it_was_done.content.decode()

    live = _team(client)
    assert live.context["matrix"].basis is None and "from everything we know now" not in live.content.decode()


@pytest.fixture
def movers(org):
    """Nora, in Digital with Sam, is a student: the requirement is for administrative and clerical staff only, so
    nothing is required of her and the status table holds nothing for her. The roster was loaded long ago."""
    nora = factories.make_staff(team=org["digital"], first_name="Nora", last_name="Nothing", staff_group="Students")
    Requirement.objects.filter(name=REQUIREMENT).update(
        applies_to_everyone=False, staff_groups=["Administrative and Clerical"]
    )
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    return nora


def _move(member, team, days_ago: int) -> None:
    """A move recorded today that took effect `days_ago`, as a roster file with an Effective Date records it."""
    member.team = team
    member.save()
    staff_changes_record([member], effective=timezone.localdate() - datetime.timedelta(days=days_ago))
    projection.refresh(staff_ids=[member.pk])


def test_a_dated_move_shows_the_person_in_their_old_team_before_it_and_the_new_one_after_as_it_was(org, hr, movers):
    before, after = (
        timezone.localdate() - datetime.timedelta(days=150),
        timezone.localdate() - datetime.timedelta(days=50),
    )
    for person in (org["sam"], movers):
        _move(person, org["finance"], days_ago=100)
    manager, hr_client, finance = client_for(org["manager"]), client_for(hr), {"team": org["finance"].pk}

    comms_before = _team(manager, before)
    assert _teams(comms_before) == {
        "Grace Manager": "Communications",
        "Sam Digital": "Digital",
        "Nora Nothing": "Digital",
    }
    assert _labels(comms_before)["Nora Nothing"] == "Not required"  # in the team, nothing required of her
    assert _labels(comms_before)["Sam Digital"] == "Overdue"
    assert "Sam Digital" not in _teams(_team(manager, after)) and "Nora Nothing" not in _teams(_team(manager, after))

    assert {"Sam Digital", "Nora Nothing"}.isdisjoint(_teams(_team(hr_client, before, **finance)))
    finance_after = _teams(_team(hr_client, after, **finance))
    assert finance_after["Sam Digital"] == finance_after["Nora Nothing"] == "Finance"

    # As recorded then, the move was not known on either day: both were still in Digital.
    for day in (before, after):
        assert _teams(_team(manager, day, "as_recorded"))["Sam Digital"] == "Digital"
        assert "Sam Digital" not in _teams(_team(hr_client, day, "as_recorded", **finance))
    # And today, they are in Finance.
    assert "Sam Digital" not in _teams(_team(manager))

    # HR opens Sam's page as it was before the move: in Digital then, though in Finance now.
    page = _person(hr_client, org["sam"], before)
    assert page.context["lines"][0].row.team == org["digital"]
    assert "On " in page.content.decode() and "Sam was in Digital." in page.content.decode()


def test_a_backdated_pause_and_a_correction_show_as_it_was_on_both_pages(org, hr, history):
    sam, client = org["sam"], client_for(hr)
    now = timezone.now()
    wrong = factories.make_completion(sam, history, completed_at=now - datetime.timedelta(days=300))
    evidence_void(entry=wrong, reason="Another person's record", voided_by=hr.user)
    factories.make_completion(sam, history, completed_at=now - datetime.timedelta(days=10))
    last_day = timezone.localdate() - datetime.timedelta(days=40)
    pauses.pause_add(
        staff=sam,
        requirements=[history],
        reason_code=pauses.OTHER,
        reason_text="Jury service",
        first_day=timezone.localdate() - datetime.timedelta(days=120),
        last_day=last_day,
        user=hr.user,
    )
    day = timezone.localdate() - datetime.timedelta(days=80)
    paused = f"Paused until {last_day.day} {last_day:%B %Y}"

    page = _person(client, sam, day)
    [line] = page.context["lines"]
    assert (line.state, line.label) == ("paused", paused)
    # Newest first by the day each took effect: the pause, then the correction (recorded today, taking effect on the
    # day of what it voids) just above the completion it withdrew. The one done ten days ago had not taken effect.
    shown = [(entry.source, entry.withdrawn) for entry in page.context["history"]]
    assert shown == [("pause", False), ("void", False), ("import", True)]
    html = page.content.decode()
    assert "Withdrawn" in html and "Another person&#x27;s record" in html
    assert "Void<span" not in html  # no correcting from a page about the past

    digital = _team(client, day, team=org["digital"].pk)
    assert _labels(digital)["Sam Digital"] == paused
    [figure] = digital.context["matrix"].figures
    assert (figure.figure.required, figure.counts["paused"]) == (0, 1)  # a paused person is out of the figures

    then = _person(client, sam, day, "as_recorded")
    assert [line.state for line in then.context["lines"]] == ["overdue"]
    assert _labels(_team(client, day, "as_recorded", team=org["digital"].pk))["Sam Digital"] == "Overdue"


def test_a_persons_page_as_it_was_says_when_they_were_not_in_post(org, hr):
    client, lee = client_for(hr), org["leaver"]  # left on 1 January 2025
    html = _person(client, lee, datetime.date(2025, 6, 1)).content.decode()
    assert "Lee was not in post on 1 June 2025: they left on 1 January 2025." in html
    assert _person(client, lee, datetime.date(2025, 1, 1)).context["lines"] != []
    started = org["sam"].start_date
    html = _person(client, org["sam"], started - datetime.timedelta(days=1)).content.decode()
    assert f"they started on {started.day} {started:%B %Y}" in html


@pytest.mark.parametrize("name", ["reports:team", "reports:team_person"])
def test_a_clock_that_is_not_one_is_named_and_nothing_is_shown(org, name):
    args = [org["sam"].pk] if name == "reports:team_person" else []
    query = {"as_at": last_year().isoformat(), "basis": "yesterday"}
    response = client_for(org["manager"]).get(reverse(name, args=args), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#basis-as_it_was">Choose “As it was” or “As recorded then”</a>' in html  # the error summary
    assert 'id="basis-as_it_was" name="basis"' in html  # what it links to
    assert "basis-error" in html and "<h2>Requirements" not in html and "Everyone&#x27;s status" not in html
    assert not AuditEvent.objects.filter(action__in=[AuditEvent.VIEW_TEAM, AuditEvent.VIEW_PERSON]).exists()


PERMISSIONS = [
    # (persona, page, team or person asked for, status)
    ("sam", "team", None, 403),
    ("sam", "person", "sam", 302),  # their own: sent to their own training page
    ("sam", "person", "fin", 404),
    ("manager", "team", None, 200),
    ("manager", "team", "digital", 200),
    ("manager", "person", "sam", 200),
    ("manager", "person", "fin", 404),
    ("other", "team", "comms", 404),
    ("other", "person", "sam", 404),
    ("hr", "team", "comms", 200),
    ("hr", "person", "sam", 200),
]


@pytest.mark.parametrize(("persona", "page", "whom", "code"), PERMISSIONS)
def test_the_pages_as_it_was_keep_to_who_may_see_whom(org, hr, persona, page, whom, code):
    client = client_for(hr if persona == "hr" else org[persona])
    query = {"as_at": last_year().isoformat(), "basis": "as_it_was"}
    if page == "team":
        url = reverse("reports:team")
        if whom:
            query["team"] = org[whom].pk
    else:
        url = reverse("reports:team_person", args=[org[whom].pk])
    response = client.get(url, query)
    assert response.status_code == code
    if page == "team" and code == 200:
        assert "Sam Digital" in _teams(response)
        assert "Fay Finance" not in _teams(response)
    if code == 302:
        assert response["Location"] == reverse("reports:my_training")
    if persona == "other" and page == "team":
        assert "Sam Digital" not in _teams(_team(client, last_year()))  # Felix's own page: Finance only


def _crowd(org, requirement, people: int) -> None:
    """More people in Digital: some done, one paused, one with nothing required (a student)."""
    for n in range(people):
        member = factories.make_staff(team=org["digital"], first_name=f"Extra{n}")
        if n % 2:
            factories.make_completion(member, requirement, completed_at=timezone.now() - datetime.timedelta(days=90))
    factories.make_staff(team=org["digital"], first_name="Student", staff_group="Students")
    projection.refresh()


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured.captured_queries)


def test_the_team_page_as_it_was_runs_as_many_queries_for_30_people_as_for_3(org, django_assert_num_queries):
    requirement = Requirement.objects.get(name=REQUIREMENT)
    Requirement.objects.filter(pk=requirement.pk).update(
        applies_to_everyone=False, staff_groups=["Administrative and Clerical"]
    )
    factories.make_staff(team=org["digital"], first_name="Third")
    projection.refresh()
    client, url = client_for(org["manager"]), reverse("reports:team")
    query = {"as_at": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(), "basis": "as_it_was"}
    # What every request to the page runs (the session, the user, the roles, the teams they may see, the audit log's
    # insert) is counted on the live page, which reads the requirements and the people with their status rows; as it
    # was reads the requirements, the team tree as it stood that day (people.team_history: one query, whatever its
    # size), the runs that held that day and the people with nothing required (their roster rows): exactly two more;
    # and not the people holding a second post in the team, which only the live page lists (reports.posts): one less.
    live = _queries(client, url, {})
    with django_assert_num_queries(live + 2 - 1):
        response = client.get(url, query)
    assert len(response.context["matrix"].people) == 3

    _crowd(org, requirement, 27)
    assert _queries(client, url, {}) == live
    with django_assert_num_queries(live + 2 - 1):
        response = client.get(url, query)
    assert len(response.context["matrix"].people) == 31  # the 27, the student, Grace, Sam and Third

    # Someone paused that day: one more, for the pauses' last days, however many are paused.
    hr = factories.make_staff(team=org["finance"])
    for member in list(org["digital"].staff.filter(first_name__startswith="Extra"))[:3]:
        pauses.pause_add(
            staff=member,
            requirements=[requirement],
            reason_code=pauses.OTHER,
            reason_text="Secondment",
            first_day=timezone.localdate() - datetime.timedelta(days=60),
            last_day=None,
            user=hr.user,
        )
    with django_assert_num_queries(live + 3 - 1):
        response = client.get(url, query)
    assert sum(figure.counts["paused"] for figure in response.context["matrix"].figures) == 3


def test_a_persons_page_as_it_was_runs_the_same_queries_however_long_their_history(org):
    client = client_for(org["manager"])
    url = reverse("reports:team_person", args=[org["sam"].pk])
    query = {"as_at": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(), "basis": "as_it_was"}
    small = _queries(client, url, query)
    requirement = Requirement.objects.get(name=REQUIREMENT)
    for days in range(5):
        completed_at = timezone.now() - datetime.timedelta(days=400 - days * 50)
        factories.make_completion(org["sam"], requirement, completed_at=completed_at)
    assert _queries(client, url, query) == small


def test_the_organisation_report_opens_a_team_and_the_downloads_on_its_own_clock(org, hr, history):
    query = {"as_at": last_year().isoformat(), "basis": "as_recorded"}
    html = client_for(hr).get(reverse("hr_reports:organisation"), query).content.decode()
    finance = (
        f'{reverse("reports:team")}?team={org["finance"].pk}&amp;as_at={last_year().isoformat()}&amp;basis=as_recorded"'
    )
    assert finance in html
    assert f"{reverse('exports:csv')}?as_at={last_year().isoformat()}&amp;basis=as_recorded&amp;team=" in html
    assert "A team's page, the downloads and evidence packs keep the same clock." in html.replace("&#x27;", "'")
