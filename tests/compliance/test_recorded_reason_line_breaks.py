"""A reason HR gives on the record (voiding an entry, retiring a requirement, withdrawing a round) that its box took
to the end is taken. The box stops at 1,000 characters (maxlength, from the field's max_length), which browsers count
with a line break as one; a form sends each as CR LF, so a reason of several lines typed to the box's end was refused
after the post ('The reason must be 1000 characters or fewer'). A line break now counts as one; the reason is kept
as sent."""

from portal.compliance.models import EvidenceEntry
from portal.lib.forms import REASON_MAX_LENGTH
from tests import factories
from tests.compliance.test_void_page import client_for, void_url, world  # noqa: F401 (a fixture)

# Ten lines, nine line breaks: 1,000 characters as the box counts them.
LINES = ["x" * 100] * 9 + ["x" * (REASON_MAX_LENGTH - 9 - 900)]


def test_a_void_reason_the_box_took_to_its_end_is_taken(world):  # noqa: F811
    entry = factories.make_completion(world["sam"], world["course"])
    client = client_for(world["hr"])
    assert f'maxlength="{REASON_MAX_LENGTH}"' in client.get(void_url(entry)).content.decode()

    response = client.post(void_url(entry), {"reason": "\r\n".join(LINES)})  # what the browser sends

    assert response.status_code == 302, response.content.decode()
    void = EvidenceEntry.objects.get(source=EvidenceEntry.VOID)
    assert void.reason == "\r\n".join(LINES)


def test_one_character_more_is_still_refused(world):  # noqa: F811
    entry = factories.make_completion(world["sam"], world["course"])

    response = client_for(world["hr"]).post(void_url(entry), {"reason": "\r\n".join(LINES) + "x"})

    assert "The reason must be 1000 characters or fewer" in response.content.decode()
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).exists()
