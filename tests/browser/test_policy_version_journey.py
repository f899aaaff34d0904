"""The annual review, as an editor and staff do it: version 2.0 of the policy (material changes in 7.2, 9 and 10.1,
a wording fix in 13) loaded into the existing policy and answered section by section in the CMS, then a minor 2.1;
staff are told why, see the words that changed, are not asked about the superseded rule, and attest the ratified
text."""

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from modules.models import PolicyPage
from modules.policy_import import parse_policy
from modules.versions import rich_text_to_plain
from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from quizzes.models import Choice, Question
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB

SEED = Path(__file__).resolve().parents[2] / "portal" / "demo" / "content" / "policy.txt"
EDITS_2_0 = [
    (
        "- Have a neutral picture of yourself as your profile image.",
        "- Use no picture of yourself as your profile image.",
    ),
    ("Wherever possible include the following disclaimer:", "You must always include the following disclaimer:"),
    (
        "active for 6 months or more but has less than 100 followers",
        "active for 3 months or more but has less than 250 followers",
    ),
    ("This policy apply to all forms", "This policy applies to all forms"),
]
EDITS_2_1 = [
    (
        "please contact the Communications and Engagement Team to discuss.",
        "please contact the Communications and Engagement Team.",
    )
]


def _write(tmp_path, name, edits, text=None):
    text = text if text is not None else SEED.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / name, text


def _answer_and_publish(page, base_url, policy_pk, answers, deadline=None):
    page.goto(f"{base_url}/cms/pages/{policy_pk}/edit/")
    for i, (change, reason) in enumerate(answers):
        page.locator(f'[name="section_changes-{i}-value-change"]').select_option(change)
        page.locator(f'[name="section_changes-{i}-value-reason"]').fill(reason)
    if deadline:
        page.locator('[name="reattest_deadline"]').fill(deadline.isoformat())
    with page.expect_response(lambda r: r.request.method == "POST" and "action-publish" in (r.request.post_data or "")):
        page.locator('button[name="action-publish"]').dispatch_event("click")
    # Wagtail then sends the editor to the parent's page list: wait for it, so the next step's navigation is not
    # interrupted by this redirect.
    page.wait_for_url("**/cms/pages/*/")


def test_a_new_version_reaches_everyone_with_the_right_reason_text_and_questions(page, live_server, site, tmp_path):
    v1 = tmp_path / "v1.txt"
    v1.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    call_command("import_policy", str(v1), stdout=StringIO())
    policy = PolicyPage.objects.get()
    policy.get_latest_revision().publish()
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    quiz = factories.make_quiz(questions=4, per_attempt=3)
    for clause in ("10.1", "10.1"):
        question = Question.objects.create(
            bank=quiz.banks.get(), kind="single", stem="Close an account?", clause=clause
        )
        Choice.objects.create(
            question=question, text="Under 100 followers after six months", is_correct=True, feedback=""
        )
        Choice.objects.create(question=question, text="Never", is_correct=False, feedback="")
    sam = factories.make_user(first_name="Sam", last_name="Taylor", email="sam@example.nhs.uk")
    staff = factories.make_staff(user=sam)
    editor = factories.make_user(email="editor@example.nhs.uk", is_superuser=True)
    factories.with_mfa(editor)
    refresh()
    attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=sam)

    # Version 2.0: three material changes and a wording fix, answered section by section in the CMS.
    v2, v2_text = _write(tmp_path, "v2.txt", EDITS_2_0)
    out = StringIO()
    call_command("import_policy", str(v2), "--into", str(policy.pk), "--version", "2.0", stdout=out)
    assert "section 7.2, 9, 10.1, 13" in out.getvalue()
    deadline = timezone.localdate() + datetime.timedelta(days=28)
    sign_in_by_session(page, live_server.url, editor)
    _answer_and_publish(
        page,
        live_server.url,
        policy.pk,
        [
            ("material", "No photo of yourself on a work profile"),
            ("material", "The disclaimer is now required"),
            ("material", "Accounts close under 250 followers after 3 months"),
            ("minor", "Grammar"),
        ],
        deadline,
    )
    v2_snapshot = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert v2_snapshot.version_label == "2.0"
    assert [(c["number"], c["change"]) for c in v2_snapshot.changes] == [
        ("7.2", "material"),
        ("9", "material"),
        ("10.1", "material"),
        ("13", "minor"),
    ]
    # The snapshot is the ratified v2 text, section by section.
    assert [s["text"] for s in v2_snapshot.sections] == [
        rich_text_to_plain(s.html) for s in parse_policy(v2_text).sections
    ]
    # No question on the changed clause is asked until reviewed.
    assert set(quiz.active_question_clauses().values()) == {"6.2"}

    # Version 2.1: a minor fix, in the CMS too.
    v21, _ = _write(tmp_path, "v21.txt", EDITS_2_1, text=v2_text)
    call_command("import_policy", str(v21), "--into", policy.slug, "--version", "2.1", stdout=StringIO())
    _answer_and_publish(page, live_server.url, policy.pk, [("minor", "Shorter sentence in section 13")])
    assert PolicySnapshot.objects.filter(page_id=policy.pk).latest().version_label == "2.1"

    # Sam, who attested 1.0, is told why: the material sections of 2.0, re-attest by the deadline.
    page.context.clear_cookies()
    sign_in_by_session(page, live_server.url, sam)
    day = f"{deadline.day} {deadline:%B %Y}"
    for path in ["/", "/training/"]:
        page.goto(f"{live_server.url}{path}")
        notice = page.locator(".nhsuk-inset-text", has_text="changed on")
        expect(notice).to_contain_text("7.2 Safeguarding Yourself, 9 Responding to the Media, 10.1 Establishing")
        expect(notice).to_contain_text(f"Attest again by {day}")
    page.get_by_role("link", name="Read what changed and attest").first.click()
    expect(page.get_by_text("(version 2.0): Accounts close under 250 followers after 3 months")).to_be_visible()
    expect(page.get_by_text("Shorter sentence in section 13")).to_have_count(0)
    expect(page.locator("ins", has_text="250")).to_be_visible()
    expect(page.locator("del", has_text="100")).to_be_visible()
    expect(page.locator("details", has_text="Minor changes")).to_contain_text("13 Non compliance")
    page.get_by_label("I have read and understood version 2.1").check()
    page.get_by_role("button", name="Attest").click()
    expect(page.get_by_role("heading", name="Attestation recorded")).to_be_visible()
    latest = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert EvidenceEntry.objects.filter(staff=staff, snapshot=latest).exists()

    # The revisions table has a row for each version.
    page.goto(f"{live_server.url}{policy.url}")
    table = page.locator("#revisions + table")
    expect(table).to_contain_text("7.2, 9, 10.1 (material); 13 (minor)")
    expect(table).to_contain_text("13 (minor)")
    expect(table.locator("tbody tr")).to_have_count(2)
    assert requirement.statuses.get(staff=staff).evidence.snapshot == latest
