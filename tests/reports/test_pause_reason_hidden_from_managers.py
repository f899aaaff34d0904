"""Why someone is paused (a suspension, sickness, maternity leave) is for HR and the person: their managers, at every
level above them, and the evidence pack they can ask for see that they are paused, and until when, never why."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance import pauses, projection
from portal.people.models import TeamManager
from portal.reports.models import EvidencePack
from portal.reports.pack_verify import late_facts
from portal.reports.packs import pack_build
from tests import factories
from tests.reports.conftest import client_for
from tests.reports.test_packs import _pdf_text


def first():
    return timezone.localdate() - datetime.timedelta(days=3)


WORDS = ("Suspension", "suspension")


@pytest.fixture
def director(org):
    """Dee manages the directorate above Communications, so Sam (in Digital, below it) is on her team page too."""
    dee = factories.make_staff(team=org["finance"], first_name="Dee", last_name="Director")
    TeamManager.objects.create(staff=dee, team=org["comms"].get_parent())
    projection.refresh()
    return dee


def _suspend(org, hr) -> pauses.Pause:
    return pauses.pause_add(
        staff=org["sam"],
        requirements=None,
        reason_code=pauses.SUSPENSION,
        first_day=first(),
        last_day=None,
        user=hr.user,
    )


def _change(org, hr, pause, last_day) -> pauses.Pause:
    return pauses.pause_change(
        staff=org["sam"],
        ref=pause.ref,
        reason_code=pauses.SUSPENSION,
        first_day=first(),
        last_day=last_day,
        user=hr.user,
    )


def _person_page(who, sam, **query) -> str:
    url = reverse("reports:team_person", args=[sam.pk])
    response = client_for(who).get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_manager_and_a_directorate_manager_see_the_pause_but_not_its_reason(org, hr, director):
    _suspend(org, hr)
    for who in (org["manager"], director):
        page = _person_page(who, org["sam"])
        assert f"paused from {first():%-d %b %Y} with no return date yet" in page
        assert not any(word in page for word in WORDS)


def test_a_changed_pause_tells_managers_its_dates_not_its_reason_live_and_as_at(org, hr, director):
    ended = first() + datetime.timedelta(days=1)
    _change(org, hr, _suspend(org, hr), ended)
    for who in (org["manager"], director):
        for query in (
            {},
            {"as_at": timezone.localdate().isoformat(), "basis": "as_it_was"},
            {"as_at": timezone.localdate().isoformat(), "basis": "as_recorded"},
        ):
            page = _person_page(who, org["sam"], **query)
            assert f"paused from {first():%-d %b %Y} to {ended:%-d %b %Y}" in page
            # The correction the change made, and the tag on the pause it replaced, say what changed: the dates.
            assert f"Pause changed: from {first().day} {first():%B %Y} with no return date is now from" in page
            assert not any(word in page for word in WORDS)


def test_hr_and_the_person_still_see_why(org, hr, director):
    ended = first() + datetime.timedelta(days=1)
    _change(org, hr, _suspend(org, hr), ended)
    hr_page = _person_page(hr, org["sam"])
    assert "paused (Suspension) from" in hr_page and "Pause changed: Suspension from" in hr_page
    mine = client_for(org["sam"]).get(reverse("reports:my_training")).content.decode()
    assert "Paused (Suspension)" in mine and "Pause changed: Suspension from" in mine


def test_hrs_words_for_withdrawing_a_pause_still_reach_the_manager(org, hr):
    # The withdrawal form tells HR that the person and their manager will see its reason.
    pauses.pause_withdraw(
        staff=org["sam"], ref=_suspend(org, hr).ref, reason="Recorded on the wrong person", user=hr.user
    )
    page = _person_page(org["manager"], org["sam"])
    assert "Recorded on the wrong person" in page and not any(word in page for word in WORDS)


def test_an_evidence_pack_names_no_reason_for_a_pause_changed_or_withdrawn(org, hr, director, private_media):
    _change(org, hr, _suspend(org, hr), first() + datetime.timedelta(days=1))
    sickness = pauses.pause_add(
        staff=org["manager"],
        requirements=None,
        reason_code=pauses.SICKNESS,
        first_day=first(),
        last_day=None,
        user=hr.user,
    )
    pauses.pause_withdraw(staff=org["manager"], ref=sickness.ref, reason="Entered twice", user=hr.user)
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=director.user
    )
    pack_build(pack)
    pack.refresh_from_db()
    text = " ".join(_pdf_text(pack.pdf.path, layout=False).split())
    assert "Pause changed: from" in text and "Entered twice" in text  # the corrections are there
    assert not any(word in text for word in (*WORDS, "sickness", "Sickness"))
    with pack.csv.open("rb") as csv:
        assert not any(word in csv.read().decode("utf-8") for word in (*WORDS, "sickness", "Sickness"))


def test_what_was_recorded_after_a_pack_names_no_reason(org, hr):
    before = timezone.now()
    _change(org, hr, _suspend(org, hr), first() + datetime.timedelta(days=1))
    words = " ".join(fact.words for fact in late_facts([org["sam"].pk], before)[org["sam"].pk])
    assert "Pause changed: from" in words and not any(word in words for word in WORDS)
