"""A collection's Wagtail password (documents kept for some people, at /documents/...) cannot be guessed without limit,
and every password given there is in the audit log, as a page's is (tests/accounts/test_page_password_limited.py).
The portal put its own view at a page's password door, but Wagtail's documents app has a door of its own,
/documents/authenticate_with_password/<restriction>/, which took any number of wrong passwords and recorded none: the
same guessing, one address along. The portal's view takes its place there too (portal.accounts.page_password): ten
wrong passwords an hour per person and restriction, then the "Too many attempts" page even for the right one."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import resolve, reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from portal.accounts.page_password import document_password
from portal.audit.models import AuditEvent
from tests import factories

PASSWORD = "board-papers-2026"


pytestmark = pytest.mark.usefixtures("production_rate_limits")


@pytest.fixture
def restriction(db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    collection = Collection.get_first_root_node().add_child(name="Board papers")
    get_document_model().objects.create(
        title="Minutes", file=ContentFile(b"%PDF-1.4 minutes", name="minutes.pdf"), collection=collection
    )
    return CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password=PASSWORD
    )


def _document_url(restriction) -> str:
    document = get_document_model().objects.get(collection=restriction.collection)
    return reverse("wagtaildocs_serve", args=[document.pk, document.filename])


def give(client, restriction, password):
    door = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    return client.post(door, {"password": password, "return_url": _document_url(restriction)})


def audited(restriction, result):
    return AuditEvent.objects.filter(
        action=AuditEvent.PAGE_PASSWORD, detail__collection_restriction=restriction.pk, detail__result=result
    )


def test_the_portals_view_answers_at_wagtails_address(restriction):
    door = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    assert resolve(door).func is document_password


def test_a_collections_password_cannot_be_guessed_without_limit(restriction):
    gus = factories.sign_in(Client(), factories.make_user(email="gus.guess@example.nhs.uk"))
    answers = [give(gus, restriction, f"guess-{n}").status_code for n in range(30)]
    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}
    assert give(gus, restriction, PASSWORD).status_code == 429  # the right one, found at last, is not even checked
    assert gus.get(_document_url(restriction)).content != b"%PDF-1.4 minutes"
    assert audited(restriction, "wrong").count() == 10
    assert audited(restriction, "refused: too many wrong passwords").count() == 1


def test_the_right_password_opens_the_documents_is_audited_and_does_not_count(restriction):
    ana = factories.sign_in(Client(), factories.make_user(email="ana.asked@example.nhs.uk"))
    for n in range(9):
        assert give(ana, restriction, f"typo-{n}").status_code == 200
    response = give(ana, restriction, PASSWORD)
    assert response.status_code == 302 and response["Location"] == _document_url(restriction)
    assert b"".join(ana.get(_document_url(restriction)).streaming_content) == b"%PDF-1.4 minutes"
    assert give(ana, restriction, "typo-9").status_code == 200
    assert give(ana, restriction, "typo-10").status_code == 429
    event = audited(restriction, "right").get()
    assert event.actor.email == "ana.asked@example.nhs.uk" and "Board papers" in event.scope
    assert PASSWORD not in str(audited(restriction, "wrong").first().detail)


def test_an_address_that_names_no_password_restriction_is_not_found(restriction):
    gus = factories.sign_in(Client(), factories.make_user(email="gus.guess@example.nhs.uk"))
    others = CollectionViewRestriction.objects.create(
        collection=restriction.collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    assert give(gus, others, "").status_code == 404
    assert gus.post(f"/documents/authenticate_with_password/{10**17}/", {"password": "x"}).status_code == 404
