"""An import file whose upload is cut short (the connection drops while it is being sent) records nothing and keeps
nothing, and the page, if anyone is still there to see it, says the form did not arrive whole and to send it again:
not that the page was out of date (portal.errors.csrf_failure). The token check reads the form first, so this is where
such a request ends, before the import's own form sees it."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from portal.compliance.models import ImportBatch
from portal.people.roles import hr_group
from tests import factories


class _CutShort(io.BytesIO):
    """wsgi.input of a connection that drops after `at` bytes: the server reading it gets an OSError, as Gunicorn's
    NoMoreData is."""

    def __init__(self, data: bytes, at: int):
        super().__init__(data[:at])

    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            raise OSError("The client closed the connection")
        return chunk


@pytest.mark.parametrize("kind", ["roster", "completions", "organisation"])
def test_an_upload_cut_short_records_nothing_and_says_so(db, kind):
    hr = factories.with_mfa(factories.make_user())
    hr.groups.add(hr_group())
    client = factories.sign_in(Client(enforce_csrf_checks=True), hr)
    url = reverse("imports:upload", args=[kind])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()).group(1)
    rows = b"Employee Number,Assignment Number,Last Name,First Name\n" + b"10000001,10000001-1,Taylor,Sam\n" * 20_000
    body = encode_multipart(BOUNDARY, {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile(f"{kind}.csv", rows)})

    sent = {"wsgi.input": _CutShort(body, len(body) // 2), "CONTENT_LENGTH": str(len(body))}

    response = client.post(url, CONTENT_TYPE=MULTIPART_CONTENT, HTTP_REFERER=f"http://testserver{url}", **sent)

    page = " ".join(response.content.decode().split())
    assert response.status_code == 403
    assert "The form did not arrive whole, so nothing you entered has been saved" in page
    assert f'<a href="{url}">Go back to the page</a>' in page
    assert not ImportBatch.objects.exists()
