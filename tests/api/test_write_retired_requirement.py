"""A completion sent for a course mapped to a requirement HR has since retired is skipped, as the import skips it
(tests/compliance/test_import_completions_retired_requirement.py): `details` names the course, the requirement, its
rows and what to do, and the rest is recorded."""

from django.utils import timezone

from portal.compliance.models import EvidenceEntry
from portal.compliance.services import requirement_retire
from portal.lib.csvfiles import show_date

from .conftest import COURSE, completion


def test_its_rows_are_skipped_and_named_and_the_rest_recorded(api, org):
    requirement_retire(requirement=org["fire"], user=None, reason="Replaced")
    unmapped = "NHS|CSTF|Moving and Handling|"
    rows = [completion(org["people"]["sam"], days_ago=0), completion(org["people"]["kim"], course=unmapped)]
    response = api("post", "/api/v1/completions", "completions", {"completions": rows}, key="retired")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["summary"]["skipped_retired"] == 1 and body["summary"]["to_record"] == 0
    assert body["details"]["retired_courses"] == [
        {
            "course": COURSE,
            "requirement": "Fire safety",
            "rows": 1,
            "message": f"'{COURSE}' counts towards Fire safety, which was retired on "
            f"{show_date(timezone.localdate())}: its 1 row completed since then is not recorded. If another "
            "requirement has taken its place, map the course to that one in the CMS (Settings > Course mappings); if "
            "not, nothing needs doing",
        }
    ]
    assert body["details"]["unmapped_courses"] == {unmapped: 1}
    assert not EvidenceEntry.objects.exists()
