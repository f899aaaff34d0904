"""The API's dry run says of a completion HR voided that it was voided, not that it is already recorded, and of one
recorded with another expiry that the recorded date is kept: counted apart in `summary`, named by item in `details`
(as the file's dry run does: tests/compliance/test_import_completions_voided_or_other_expiry.py)."""

import datetime

from django.utils import timezone

from portal.compliance.models import EvidenceEntry
from portal.compliance.services import evidence_void
from portal.lib.csvfiles import show_date

from .conftest import completion


def test_the_dry_run_names_a_voided_completion_and_another_expiry(api, org):
    sam, kim = org["people"]["sam"], org["people"]["kim"]
    expiry = datetime.date.today() + datetime.timedelta(days=300)
    rows = [completion(sam, expires_on=expiry.isoformat()), completion(kim, expires_on=expiry.isoformat())]
    assert api("post", "/api/v1/completions", "completions", {"completions": rows}, key="first").status_code == 202
    hr = org["people"]["hr"].user
    evidence_void(entry=EvidenceEntry.objects.get(staff=sam), reason="Not Sam's", voided_by=hr)
    later = expiry - datetime.timedelta(days=1)
    rows = [completion(sam, expires_on=expiry.isoformat()), completion(kim, expires_on=later.isoformat())]
    answer = api("post", "/api/v1/completions", "completions", {"completions": rows, "dry_run": True}, key="again")
    body = answer.json()
    summary = body["summary"]
    assert (summary["to_record"], summary["already_recorded"]) == (0, 0)
    assert (summary["not_recorded_voided"], summary["already_recorded_other_expiry"]) == (1, 1)
    assert body["details"]["voided"] == [
        {"item": "completions[0]", "message": f"voided by HR on {show_date(timezone.localdate())}: not recorded again"}
    ]
    assert body["details"]["other_expiry"] == [
        {
            "item": "completions[1]",
            "message": f"already recorded with expiry {show_date(expiry)}; the file says {show_date(later)}: the "
            "recorded date is kept",
        }
    ]
