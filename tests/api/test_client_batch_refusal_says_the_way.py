"""A batch an API client sent, with a row that is the own record of the client's maker: since aba3a1d no one may apply
it by hand from its page, so the refusal another member of HR reads there may not tell them to ask another member of
HR to import it (they are one, and were just refused). It says the way that works, and that way works: a file they
upload themselves records it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.compliance.models import EvidenceEntry, ImportBatch
from tests import factories

from .conftest import COURSE
from .test_client_batch_applied_by_hand import failed_in_the_worker  # noqa: F401 (the fixture)


def test_another_officer_refused_by_hand_is_told_to_upload_it_and_that_records_it(
    failed_in_the_worker,  # noqa: F811
    org,
    ola,
    settings,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    officer = factories.sign_in(Client(), ola.user)
    batch = failed_in_the_worker
    response = officer.post(reverse("imports:apply", args=[batch.pk]), follow=True)
    refusal = response.content.decode().split("Not applied. Line 3: ")[1].split("<")[0]
    assert "Ask another member of HR to import it" not in refusal
    assert "a file they upload" in refusal
    assert not EvidenceEntry.objects.exists()

    data = f'Person,Competence Name,Achievement Date\r\n"E7777777|Officer, Hana","{COURSE}",01/06/2026\r\n'.encode()
    upload = SimpleUploadedFile("hana.csv", data)
    officer.post(reverse("imports:upload", args=["completions"]), {"file": upload})
    own = ImportBatch.objects.latest("pk")
    officer.post(reverse("imports:apply", args=[own.pk]), {"dry_run": own.summary["dry_run"]["fingerprint"]})
    own.refresh_from_db()
    assert own.status == ImportBatch.DONE, own.error
    assert list(EvidenceEntry.objects.values_list("staff", flat=True)) == [org["people"]["hr"].pk]
