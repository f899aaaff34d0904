"""An account that training records name cannot be deleted by any door the CMS offers (the user's own delete, the
users list's bulk delete), nor in code: the refusal names the records and says to close the account instead, and
nothing changes. A delete took the person's module completions, quiz attempts and scenario answers with the account
(CASCADE), and ended in a server error (ProtectedError) for an account that had recorded evidence or asked for an
evidence pack. An account nothing names (one made by mistake) is still deleted."""

import datetime
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from modules import services as module_services
from modules.models import ModuleCompletion, ScenarioResponse
from portal.accounts.deletion import account_deletion_refusals
from portal.compliance.models import Certificate, EvidenceEntry
from portal.reports.models import EvidencePack
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories

CLOSE_INSTEAD = "Close the account instead: untick Active and save."


def delete(cms, user):
    """The user's own delete, asked for and then confirmed; what the CMS shows after the confirmation."""
    url = reverse("wagtailusers_users:delete", args=[user.pk])
    asked = cms.get(url)
    confirmed = cms.post(url, follow=True)
    return asked, unescape(confirmed.content.decode())


def bulk_delete(cms, *users):
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "delete"])
    query = "&".join(f"id={user.pk}" for user in users)
    return unescape(cms.post(f"{url}?{query}&next=/cms/users/", follow=True).content.decode())


def refused_by(door: str, cms, user) -> str:
    return delete(cms, user)[1] if door == "user" else bulk_delete(cms, user)


def still_there(*users) -> bool:
    return get_user_model().objects.filter(pk__in=[user.pk for user in users]).count() == len(users)


def refusal(user, records: str) -> str:
    return f"“{user}” ({user.email}) cannot be deleted: training records name the account ({records})."


def module_completion(person, module_page):
    ModuleCompletion.objects.create(user=person, page=module_page, completed_at=module_page.first_published_at)


def quiz_attempt(person, module_page):
    attempt_start(user=person, quiz=module_page.quiz, page=module_page)


def scenario_answer(person, module_page):
    block = module_page.scenario_blocks()[0]
    module_services.scenario_response_record(user=person, page=module_page, block_id=block.id, option_index=0)


def evidence_recorded(person, module_page):
    factories.make_completion(factories.make_staff(), factories.make_requirement(), recorded_by=person)


def evidence_of_their_staff_record(person, module_page):
    factories.make_completion(factories.make_staff(user=person), factories.make_requirement())


def certificate(**people):
    Certificate.objects.create(
        staff=factories.make_staff(),
        requirement=factories.make_requirement(),
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
        **people,
    )


def certificate_uploaded(person, module_page):
    certificate(uploaded_by=person)


def certificate_reviewed(person, module_page):
    certificate(reviewed_by=person, status=Certificate.REJECTED, rejection_reason="Not the course")


def evidence_pack_requested(person, module_page):
    team = factories.make_team()
    EvidencePack.objects.create(team=team, as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=person)


RECORDS = [
    (module_completion, "module completions"),
    (quiz_attempt, "quiz attempts"),
    (scenario_answer, "scenario answers"),
    (evidence_recorded, "evidence it recorded"),
    (evidence_of_their_staff_record, "evidence on its staff record"),
    (certificate_uploaded, "certificates it uploaded"),
    (certificate_reviewed, "certificates it reviewed"),
    (evidence_pack_requested, "evidence packs it requested"),
]


def counts(person):
    return (
        ModuleCompletion.objects.filter(user=person).count(),
        Attempt.objects.filter(user=person).count(),
        ScenarioResponse.objects.filter(user=person).count(),
        EvidenceEntry.objects.count(),
        Certificate.objects.filter(uploaded_by=person).count() + Certificate.objects.filter(reviewed_by=person).count(),
        EvidencePack.objects.filter(requested_by=person).count(),
    )


@pytest.mark.parametrize("door", ["user", "bulk"])
@pytest.mark.parametrize(("record", "named"), RECORDS, ids=[named for _, named in RECORDS])
def test_an_account_on_record_is_not_deleted_by_any_door(cms, person, module_page, door, record, named):
    record(person, module_page)
    before = counts(person)

    shown = refused_by(door, cms, person)

    assert refusal(person, named) in shown
    assert CLOSE_INSTEAD in shown
    assert still_there(person)
    assert counts(person) == before
    person.refresh_from_db()
    assert person.is_active  # refused, not closed: closing is the editor's choice


def test_the_users_delete_is_refused_before_the_confirmation_and_leads_to_the_account(cms, person, module_page):
    module_completion(person, module_page)
    quiz_attempt(person, module_page)

    asked, shown = delete(cms, person)

    assert asked.status_code == 302
    assert asked.url == reverse("wagtailusers_users:edit", args=[person.pk])
    assert refusal(person, "module completions, quiz attempts") in shown
    assert 'for="id_is_active"' in shown  # the account's page, with the Active box to untick


def test_a_bulk_delete_is_refused_as_a_whole_naming_each_account_on_record(cms, person, someone_else, module_page):
    module_completion(person, module_page)
    mistake = factories.make_user(email="made.by.mistake@example.nhs.uk")

    shown = bulk_delete(cms, mistake, person, someone_else)

    assert refusal(person, "module completions") in shown
    assert "cannot be deleted" not in shown.replace(refusal(person, "module completions"), "")
    assert "No account was deleted." in shown
    assert still_there(person, someone_else, mistake)


@pytest.mark.parametrize("door", ["user", "bulk"])
def test_an_account_nothing_names_is_deleted(cms, person, door):
    staff = factories.make_staff(user=person)  # a staff record with no evidence yet loses only its link
    signed_in = factories.sign_in(Client(), person)  # and its audit events keep the name
    signed_in.get("/")

    if door == "user":
        delete(cms, person)
    else:
        bulk_delete(cms, person)

    assert not still_there(person)
    staff.refresh_from_db()
    assert staff.user_id is None


def test_the_refusal_asks_once_whatever_the_records_and_accounts(person, someone_else, module_page):
    for record, _ in RECORDS:
        record(person, module_page)

    with CaptureQueriesContext(connection) as queries:
        refusals = account_deletion_refusals([person, someone_else])

    assert len(queries) == 1  # the accounts, with an EXISTS for each kind of record
    assert set(refusals) == {person.pk}
    assert sorted(refusals[person.pk]) == sorted(named for _, named in RECORDS)


# Which records hold the account in the database too: those that are evidence of what the person did, or that
# name who did it (a certificate's uploader and reviewer among them). A staff record only loses the link (SET_NULL).
HELD_IN_THE_DATABASE = [
    module_completion,
    quiz_attempt,
    scenario_answer,
    evidence_recorded,
    evidence_pack_requested,
    certificate_uploaded,
    certificate_reviewed,
]


@pytest.mark.parametrize("record", HELD_IN_THE_DATABASE, ids=lambda record: record.__name__)
def test_the_database_keeps_an_account_on_record_whatever_deletes_it(person, module_page, record):
    """Round the CMS (a shell, a command), the training records hold the account."""
    record(person, module_page)
    before = counts(person)

    with pytest.raises(ProtectedError):
        person.delete()

    assert still_there(person)
    assert counts(person) == before
