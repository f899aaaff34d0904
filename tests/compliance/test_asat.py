"""Standing as at a moment: read from the ledger and roster history, equal to the projection now, and never changed
by anything recorded afterwards."""

import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from portal.compliance import projection
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import EvidenceEntry, RequirementStatus
from portal.compliance.services import (
    evidence_void,
    reattestation_round_open,
)
from portal.people.history import staff_changes_record
from tests import factories
from tests.compliance.histories import EVENTS, organisation, play, status_values


def _as_at(moment, **scope):
    return status_values(row for _, rows in statuses_as_at(moment, **scope) for row in rows)


def _projection():
    return status_values(RequirementStatus.objects.filter(requirement__active=True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=EVENTS)
def test_as_at_now_equals_the_projection(db, person, sequence):
    savepoint = transaction.savepoint()
    try:
        teams, staff, requirements = organisation()
        play(sequence, teams=teams, staff=staff, requirements=requirements, corrector=person)
        assert _as_at(Moment.now()) == _projection()
    finally:
        transaction.savepoint_rollback(savepoint)


def test_what_it_said_about_a_moment_never_changes(db, person, policy):
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = [factories.make_team(f"Ward {i}", parent=organisation) for i in range(2)]
    staff = [factories.make_staff(team=wards[i % 2]) for i in range(4)]
    course = factories.make_requirement(renewal_months=12)
    attest = factories.make_requirement(kind="attest_policy", page=policy, renewal_months=12)
    projection.refresh()
    first = factories.make_completion(staff[0], course)
    factories.make_completion(staff[1], course, completed_at=timezone.now() - datetime.timedelta(days=400))
    factories.make_completion(
        staff[2],
        attest,
        snapshot=factories.make_snapshot(policy, "1", "Version 1 of the policy."),
        source=EvidenceEntry.ATTESTATION,
    )
    moment = Moment.now()
    before = {team.pk: _as_at(moment, teams=[team]) for team in [organisation, *wards]}
    everyone_before = _as_at(moment)
    assert everyone_before[(staff[0].pk, course.pk)][3] == first.pk

    # Later: new evidence, a correction, a move, a leaver, a material change to the policy.
    factories.make_completion(staff[3], course)
    factories.make_completion(staff[1], course)
    evidence_void(entry=first, reason="recorded against the wrong person", voided_by=person)
    staff[0].team = wards[1]
    staff[0].staff_group = "Nursing"
    staff[2].leave_date = timezone.localdate()
    for member in staff[:3]:
        member.save()
    staff_changes_record(staff)
    reattestation_round_open(
        snapshot=factories.make_snapshot(policy, "2", "Version 2 of the policy."),
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        reason="material",
    )
    projection.refresh()
    assert RequirementStatus.objects.get(staff=staff[3], requirement=course).completed_on is not None

    assert {team.pk: _as_at(moment, teams=[team]) for team in [organisation, *wards]} == before
    assert _as_at(moment) == everyone_before
    assert _as_at(Moment.now()) != everyone_before


def test_a_person_is_in_the_team_the_roster_had_them_in_at_the_time(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    ward_a, ward_b = (factories.make_team(name, parent=organisation) for name in ("Ward A", "Ward B"))
    member = factories.make_staff(team=ward_a)
    factories.make_requirement()
    projection.refresh()
    moment = Moment.now()
    member.team = ward_b
    member.save()
    staff_changes_record([member])

    assert [facts.staff_id for facts, _ in statuses_as_at(moment, teams=[ward_a])] == [member.pk]
    assert list(statuses_as_at(moment, teams=[ward_b])) == []
    assert [facts.staff_id for facts, _ in statuses_as_at(Moment.now(), teams=[ward_b])] == [member.pk]


def test_someone_not_yet_on_the_roster_is_not_in_a_report_from_before_they_joined(db):
    team = factories.make_team("Organisation", kind="organisation")
    before = Moment.now()
    factories.make_staff(team=team)
    assert list(statuses_as_at(before)) == []


def test_a_day_ends_at_midnight_in_london(db, monkeypatch, requirement):
    """Evidence recorded at 23:30 on 30 June (London, BST) counts for 30 June; at 00:30 on 1 July it does not."""
    london = timezone.get_current_timezone()
    late = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=london)
    monkeypatch.setattr(timezone, "now", lambda: late)
    staff = factories.make_staff(start_date=datetime.date(2026, 1, 5))
    kept = factories.make_completion(staff, requirement, completed_at=late - datetime.timedelta(hours=1))
    monkeypatch.setattr(timezone, "now", lambda: late + datetime.timedelta(hours=1))
    factories.make_completion(staff, requirement, completed_at=late)

    rows = _as_at(Moment.end_of(datetime.date(2026, 6, 30)))
    assert rows[(staff.pk, requirement.pk)][3] == kept.pk


def test_the_number_of_queries_does_not_grow_with_the_organisation(db, django_assert_max_num_queries):
    organisation = factories.make_team("Organisation", kind="organisation")
    requirements = [factories.make_requirement() for _ in range(3)]

    def count_queries():
        with django_assert_max_num_queries(6) as captured:
            people = list(statuses_as_at(Moment.now()))
        return len(captured.captured_queries), len(people)

    factories.make_staff(team=organisation)
    small = count_queries()
    for n in range(12):
        member = factories.make_staff(team=organisation)
        factories.make_completion(member, requirements[n % 3])
    large = count_queries()
    assert small[0] == large[0]
    assert (small[1], large[1]) == (1, 13)


def test_the_lean_and_the_full_readings_agree(db, person, policy):
    from portal.compliance.asat import standings_as_at

    organisation = factories.make_team("Organisation", kind="organisation")
    wards = [factories.make_team(f"Ward {i}", parent=organisation) for i in range(2)]
    staff = [factories.make_staff(team=wards[i % 2]) for i in range(5)]
    course = factories.make_requirement(renewal_months=12)
    one_ward = factories.make_requirement(renewal_months=None, applies_to_everyone=False)
    one_ward.teams.add(wards[1])
    factories.make_completion(staff[0], course)
    factories.make_completion(staff[1], one_ward, completed_at=timezone.now() - datetime.timedelta(days=900))
    factories.make_completion(staff[2], course, expires_on=timezone.localdate() + datetime.timedelta(days=3))
    projection.refresh()
    moment = Moment.now()
    full = {
        (row.staff_id, row.requirement_id): row.standing
        for _, rows in statuses_as_at(moment, teams=[organisation])
        for row in rows
    }
    lean = {
        (facts.staff_id, requirement.pk): standing
        for facts, standings in standings_as_at(moment, teams=[organisation])
        for requirement, standing in standings
    }
    assert lean == full and len(lean) == 5 + 2
