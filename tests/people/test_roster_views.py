import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from tests import factories
from tests.people.conftest import row


def test_hr_uploads_sees_the_dry_run_and_applies(hr_client, roster_csv, teams, mailoutbox):
    data = roster_csv(row("1001", "Ann", "Able", teams["comms"]), row("1002", "Ben", "Best", teams["comms"])).encode()
    response = hr_client.post(
        reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("roster.csv", data)}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:batch", args=[batch.pk])
    page = hr_client.get(response["Location"]).content.decode()
    assert "2 to add" in page and "Apply this roster" in page and not StaffMember.objects.exists()
    assert hr_client.get(reverse("imports:apply", args=[batch.pk])).status_code == 405
    done = hr_client.post(reverse("imports:apply", args=[batch.pk]), follow=True).content.decode()
    assert "Roster applied: 2 people added" in done
    assert StaffMember.objects.count() == 2
    hr_client.post(reverse("imports:apply", args=[batch.pk]))  # a second click applies nothing more
    assert StaffMember.objects.count() == 2


def test_a_roster_with_rejected_rows_cannot_be_applied(hr_client, roster_csv, teams):
    data = roster_csv(row("1001", "Ann", "Able", teams["comms"], start="yesterday")).encode()
    hr_client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("roster.csv", data)})
    batch = ImportBatch.objects.get()
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "This roster cannot be applied yet" in page and "Line 2: Start Date &#x27;yesterday&#x27;" in page
    assert "Apply this roster" not in page
    hr_client.post(reverse("imports:apply", args=[batch.pk]))
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Select the roster file"),
        (SimpleUploadedFile("roster.pdf", b"%PDF-1.4"), "must be a CSV or Excel (.xlsx) file"),
    ],
)
def test_bad_uploads_are_named(hr_client, upload, message, db):
    response = hr_client.post(reverse("imports:upload", args=["roster"]), {"file": upload} if upload else {})
    html = response.content.decode()
    assert "There is a problem" in html and message in html and not ImportBatch.objects.exists()


def test_roster_pages_are_for_hr_only(client, person, teams, roster_csv):
    manager = factories.make_staff(user=person, team=teams["comms"])
    from portal.people.models import TeamManager

    TeamManager.objects.create(staff=manager, team=teams["comms"])
    batch = ImportBatch.objects.create(kind="roster", filename="x.csv", sha256="0" * 64)
    urls = [reverse("imports:upload", args=["roster"]), reverse("imports:batch", args=[batch.pk])]
    factories.sign_in(client, person)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("imports:apply", args=[batch.pk])).status_code == 403
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302


def test_the_dry_run_page_runs_a_bounded_number_of_queries(hr_client, roster_csv, teams, django_assert_max_num_queries):
    rows = [row(str(5000 + n), "Person", f"P{n}", teams["comms"]) for n in range(60)]
    hr_client.post(
        reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", roster_csv(*rows).encode())}
    )
    batch = ImportBatch.objects.get()
    # session, user, HR check, MFA authenticator, batch, teams, existing staff, emails, assignments,
    # managers, permissions x2, numbers that differ from a new one only in leading zeros, the requirements in use
    # (who must do what: none here; with some, three more, pinned in test_roster_audiences)
    with django_assert_max_num_queries(15):
        response = hr_client.get(reverse("imports:batch", args=[batch.pk]))
    # The dry run itself answered: a redirect (to sign in, to the second factor) runs fewer queries and would pass.
    assert response.status_code == 200 and "Roster: r.csv" in response.content.decode()
