"""The batch page of a completions batch an API client sent shows the rows that are the own record of its maker
rejected; its download of the completions the dry run would record ("planned CSV") listed the maker's completion
among them, refused only the viewer's own. It now lists what the page shows: the maker's row left out."""

from django.test import Client
from django.urls import reverse

from portal.compliance.imports.completions import CLIENTS_MAKERS_RECORD
from tests import factories

from .test_client_batch_applied_by_hand import failed_in_the_worker  # noqa: F401 (the fixture)


def test_the_listing_leaves_out_the_makers_row_the_page_shows_rejected(failed_in_the_worker, org, ola):  # noqa: F811
    officer, batch = factories.sign_in(Client(), ola.user), failed_in_the_worker
    page = officer.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"Line 3: {CLIENTS_MAKERS_RECORD}" in page
    listing = officer.get(reverse("imports:planned_csv", args=[batch.pk])).content.decode()
    assert org["people"]["fay"].employee_number in listing
    assert org["people"]["hr"].employee_number not in listing  # listed by her number on the roster
