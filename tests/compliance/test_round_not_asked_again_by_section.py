"""Which earlier versions a round does not ask again (`ReattestationRound.not_asked_again`), as the sections of the
policy are added, removed, renamed, reordered or restored in other markup: the versions whose sections (heading and
text as staff read them) say materially what the round's version says, worked out once as the round opens and kept,
whatever is published after."""

import datetime

import pytest
from django.utils import timezone

from modules.models import PolicyPage
from modules.versions import policy_sections
from portal.compliance.diff import changed_clauses
from portal.compliance.models import ReattestationRound
from tests.compliance.test_attestation import attestation  # noqa: F401 - fixtures


def deadline():
    return timezone.localdate() + datetime.timedelta(days=30)


FIRST = [
    ("6", "Principles", "<p>Principles.</p>"),
    ("6.2", "Best practice", "<p>Speak for yourself.</p>"),
    ("9", "Responding to the media", "<p>Refer it.</p>"),
]


def _publish(policy, label: str, sections, kind: str = PolicyPage.MATERIAL) -> None:
    """A version with `sections` ((number, heading, body) in page order), each section changed since the last
    version answered `kind`, as the editor would in the CMS."""
    page = PolicyPage.objects.get(pk=policy.pk)
    latest = page.latest_snapshot()
    page.version_label, page.change_base, page.reattest_deadline = label, latest.content_hash, deadline()
    page.sections = [("section", {"number": n, "heading": h, "body": body}) for n, h, body in sections]
    changed = changed_clauses(latest.sections, policy_sections(page))
    page.section_changes = [("change", {"section": n, "change": kind, "reason": f"{label}: {n}"}) for n in changed]
    page.full_clean()
    page.save_revision().publish()


def _not_asked_again(label: str) -> list[str]:
    round_ = ReattestationRound.objects.get(snapshot__version_label=label)
    return [version.version_label for version in round_.versions_not_asked_again()]


def _with(number: str, heading: str | None = None, body: str | None = None, sections=FIRST):
    return [(n, heading or h, body or b) if n == number else (n, h, b) for n, h, b in sections]


@pytest.mark.parametrize(
    ("second", "third", "asked_of_1_0"),
    [
        # a section added, then taken out again
        ([*FIRST, ("10", "Records", "<p>Keep a record.</p>")], FIRST, False),
        # 6.2 rewritten, then put back in other markup and spacing: staff read the same words
        (_with("6.2", body="<p>Always.</p>"), _with("6.2", body="<p>Speak  for <b>yourself</b>.</p>"), False),
        # 6.2 rewritten, then put back with the sections in another order in the page
        (_with("6.2", body="<p>Always.</p>"), list(reversed(FIRST)), False),
        # 6.2 renamed and rewritten, its text put back: the heading staff read is not the one they attested
        (_with("6.2", "Good practice", "<p>Always.</p>"), _with("6.2", heading="Good practice"), True),
        # 6.2 rewritten, 9 rewritten as it is put back: what they attested of 9 is not what it says
        (_with("6.2", body="<p>Always.</p>"), _with("9", body="<p>Tell the press office.</p>"), True),
    ],
    ids=["added-removed", "markup", "reordered", "renamed", "another-section"],
)
def test_a_round_does_not_ask_again_those_whose_version_says_the_same(
    policy,
    attestation,  # noqa: F811
    second,
    third,
    asked_of_1_0,
):
    _publish(policy, "2.0", second)
    _publish(policy, "3.0", third)
    assert _not_asked_again("3.0") == ([] if asked_of_1_0 else ["1.0"])


def test_a_version_changed_in_a_minor_way_since_is_not_asked_again(policy, attestation):  # noqa: F811
    _publish(policy, "1.1", _with("9", body="<p>Refer it on.</p>"), PolicyPage.MINOR)
    _publish(policy, "2.0", _with("6.2", body="<p>Always.</p>", sections=_with("9", body="<p>Refer it on.</p>")))
    _publish(policy, "3.0", _with("9", body="<p>Refer it on.</p>"))
    assert _not_asked_again("3.0") == ["1.0", "1.1"]


def test_what_a_round_keeps_is_not_changed_by_the_versions_after_it(policy, attestation):  # noqa: F811
    _publish(policy, "2.0", _with("6.2", body="<p>Always.</p>"))
    _publish(policy, "3.0", FIRST)
    _publish(policy, "4.0", _with("6.2", body="<p>Always.</p>"))  # 2.0's text again
    assert (_not_asked_again("3.0"), _not_asked_again("4.0")) == (["1.0"], ["2.0"])
