"""A material policy change reopens the modules that teach the changed sections, when the editor chooses so: whoever
completed one before the change completes it again by the re-attest date; a module on other sections, and every
module when the editor does not choose it, keeps its completions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from modules.models import PolicyPage
from modules.publishing import modules_teaching
from portal.compliance import asat, status
from portal.compliance.models import EvidenceEntry, ReattestationRound, Requirement, RequirementStatus
from tests import factories
from tests.modules.test_policy_versions import _edit, _form

DEADLINE_DAYS = 21  # inside the 30 days before a due date that make it "due soon"


@pytest.fixture
def trust(policy):
    """Two modules of the policy: one teaching section 9 (by its sections), one teaching only section 6 (sections,
    scenarios and questions alike); a module requirement for each; Sam completed both last month."""
    media = factories.make_module(policy=policy, title="Talking to the media", clauses="9")
    principles_quiz = factories.make_quiz()
    principles_quiz.banks.first().questions.update(clause="6")
    principles = factories.make_module(policy=policy, quiz=principles_quiz, title="Principles", clauses="6")
    principles.body = [
        (c.block_type, {**dict(c.value), "clauses": "6"} if c.block_type == "scenario" else c.value)
        for c in principles.body
    ]
    principles.save_revision().publish()
    requirements = {
        page.title: factories.make_requirement(name=page.title, kind=Requirement.COMPLETE_MODULE, page=page)
        for page in (media, principles)
    }
    sam = factories.make_staff(first_name="Sam", last_name="Taylor")
    last_month = timezone.now() - datetime.timedelta(days=30)
    for requirement in requirements.values():
        factories.make_completion(sam, requirement, completed_at=last_month, source=EvidenceEntry.MODULE)
    return {"media": media, "principles": principles, "requirements": requirements, "sam": sam}


def _publish_v2(policy, *, reopen: bool, section="9", change="material"):
    deadline = timezone.localdate() + datetime.timedelta(days=DEADLINE_DAYS) if change == "material" else None
    draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    draft.reopen_modules = reopen
    draft.save_revision(clean=False)
    draft, revision = _edit(
        policy,
        label="2.0",
        texts={section: "Refer every media enquiry to the Communications and Engagement Team within the hour."},
        answers={section: (change, "Media enquiries now go to the team within the hour.")},
        deadline=deadline,
    )
    return draft, revision, deadline


def _states(trust) -> dict[str, tuple[str, datetime.date | None]]:
    today = timezone.localdate()
    rows = RequirementStatus.objects.filter(staff=trust["sam"]).select_related("requirement")
    return {row.requirement.name: (status.state_on(today, row.standing), row.due_on) for row in rows}


def test_the_modules_teaching_a_changed_section_are_those_tagged_to_it_by_sections_scenarios_or_questions(trust):
    policy = trust["media"].policy
    assert modules_teaching(policy, ["9"]) == [trust["media"]]
    assert modules_teaching(policy, ["6"]) == [trust["principles"]]
    assert modules_teaching(policy, ["6.2"]) == [trust["media"]]  # its scenarios (factories) and questions say 6.2
    assert modules_teaching(policy, ["1"]) == []


def test_when_the_editor_chooses_so_a_completion_before_the_change_is_due_again_by_the_deadline(trust):
    draft, revision, deadline = _publish_v2(trust["media"].policy, reopen=True)
    assert draft.reopen_modules
    revision.publish()

    media = trust["requirements"]["Talking to the media"]
    assert [r.requirement for r in ReattestationRound.objects.all()] == [media]
    assert _states(trust) == {
        "Talking to the media": (status.DUE_SOON, deadline),
        "Principles": (status.COMPLIANT, principles_due(trust)),
    }

    # Sam does the module again: compliant, as after any completion.
    factories.make_completion(trust["sam"], media, completed_at=timezone.now(), source=EvidenceEntry.MODULE)
    assert _states(trust)["Talking to the media"][0] == status.COMPLIANT


def principles_due(trust) -> datetime.date:
    return RequirementStatus.objects.get(staff=trust["sam"], requirement__name="Principles").due_on


def test_past_the_deadline_without_doing_it_again_is_overdue_live_as_at_and_after_a_rebuild(trust, capsys):
    _publish_v2(trust["media"].policy, reopen=True)[1].publish()
    media = trust["requirements"]["Talking to the media"]
    after = timezone.localdate() + datetime.timedelta(days=DEADLINE_DAYS + 1)
    row = RequirementStatus.objects.get(staff=trust["sam"], requirement=media)
    assert status.state_on(after, row.standing) == status.OVERDUE

    as_at = {
        requirement.name: standing
        for facts, standings in asat.standings_as_at(asat.Moment.now())
        for requirement, standing in standings
    }
    assert as_at["Talking to the media"] == row.standing

    call_command("rebuild_status")
    assert "0 rows changed" in capsys.readouterr().out


def test_without_the_choice_module_completions_keep_counting(trust):
    draft, revision, _ = _publish_v2(trust["media"].policy, reopen=False)
    assert not draft.reopen_modules
    revision.publish()
    assert not ReattestationRound.objects.filter(requirement__kind=Requirement.COMPLETE_MODULE).exists()
    assert {name: state for name, (state, _) in _states(trust).items()} == {
        "Talking to the media": status.COMPLIANT,
        "Principles": status.COMPLIANT,
    }


def test_the_choice_starts_unticked_for_every_new_version(trust):
    _publish_v2(trust["media"].policy, reopen=True)[1].publish()
    latest = PolicyPage.objects.get(pk=trust["media"].policy.pk).get_latest_revision_as_object()
    assert latest.reopen_modules  # what the last publish saved ...
    assert _form(latest).initial["reopen_modules"] is False  # ... is not this version's answer


def test_reopening_modules_needs_a_material_change(trust):
    policy = trust["media"].policy
    draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    draft.version_label = "1.1"
    draft.sections = [
        ("section", {**dict(b.value), "body": "<p>Refer it, promptly.</p>"})
        if b.value["number"] == "9"
        else ("section", dict(b.value))
        for b in draft.sections
    ]
    draft.change_base = _form(draft).initial["change_base"]
    draft.section_changes = [("change", {"section": "9", "change": "minor", "reason": "Wording"})]
    draft.reopen_modules = True
    with pytest.raises(ValidationError) as error:
        draft.full_clean()
    assert error.value.message_dict["reopen_modules"] == [
        "Modules are completed again only after a material change: untick this, or mark a section material."
    ]
