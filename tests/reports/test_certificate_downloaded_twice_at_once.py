"""Two downloads of the same certificate at the same moment give one certificate, one code: both requests find none
issued and both go to issue it (held together here until both have looked), and the second is given the first's.

Only PostgreSQL lets the two run side by side: SQLite takes one writer at a time."""

import datetime
import secrets
import threading

import pytest
from django.db import connection, connections  # noqa: F401 - connection: the skipif reads it
from django.utils import timezone

from portal.compliance.models import VerificationCode
from portal.reports import certificates
from tests import factories

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs two transactions at once"),
    pytest.mark.django_db(transaction=True),
]


def test_two_downloads_at_once_issue_one_certificate(monkeypatch):
    staff = factories.make_staff(first_name="Priya", last_name="Shah")
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    entry = factories.make_completion(staff, course, timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)))
    both_looked = threading.Barrier(2, timeout=30)
    drawn = []

    def new_code():  # reached only once a request has found no certificate with these facts
        if len(drawn) < 2:
            drawn.append(None)
            both_looked.wait()
        return "".join(secrets.choice(certificates.ALPHABET) for _ in range(certificates.CODE_LENGTH))

    monkeypatch.setattr(certificates, "new_code", new_code)
    outcomes = [{}, {}]

    def download(outcome):
        try:
            outcome["code"] = certificates.verification_code_for(entry).code
        except Exception as error:  # the test reports it below
            outcome["raised"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=download, args=(outcome,)) for outcome in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(drawn) == 2, "both requests should have gone to issue it"
    assert [outcome.get("raised") for outcome in outcomes] == [None, None]
    assert outcomes[0]["code"] == outcomes[1]["code"]
    assert list(VerificationCode.objects.values_list("code", flat=True)) == [outcomes[0]["code"]]
