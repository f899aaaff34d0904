"""Marking a held question or scenario reviewed puts it back in front of staff unchanged, so only someone who may
change it can: a question needs the right to change questions; a scenario, the right to edit and publish its module
page. Anyone else in the CMS sees the list without the button, and their POST is refused and releases nothing."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from modules.models import ReviewFlag
from modules.review import review_flags_raise
from quizzes.models import Question
from tests import factories

BUTTON = "Still correct: mark reviewed"


@pytest.fixture
def flags(policy, module_page):
    """Version 2.0 changed clause 6.2: the module's scenarios (tagged 6.2, 9) and its quiz's questions are held."""
    snapshot = factories.make_snapshot(policy, version="2.0")
    review_flags_raise(snapshot=snapshot, clauses=["6.2"])
    return {
        "question": ReviewFlag.objects.filter(question__isnull=False).first(),
        "scenario": ReviewFlag.objects.filter(page=module_page).first(),
    }


def cms_user(group=None, *, may_change_questions=False):
    user = factories.with_mfa(factories.make_user())
    user.groups.add(Group.objects.get(name=group) if group else _admin_access_only())
    if may_change_questions:
        codename = "change_question"
        user.user_permissions.add(Permission.objects.get(content_type__app_label="quizzes", codename=codename))
    return factories.sign_in(Client(), user)


def _admin_access_only():
    group, _ = Group.objects.get_or_create(name="CMS access only")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


def confirm(client, flag):
    return client.post(reverse("modules_review_confirm", args=[flag.pk]))


def is_open(flag):
    flag.refresh_from_db()
    return flag.resolved_at is None


# who: (group, may change questions) -> may they confirm a question flag, a scenario flag
WHO = {
    "cms access only": ((None, False), {"question": False, "scenario": False}),
    "editor (edits pages, cannot publish)": (("Editors", False), {"question": False, "scenario": False}),
    "moderator (edits and publishes pages)": (("Moderators", False), {"question": False, "scenario": True}),
    "editor who may change questions": (("Editors", True), {"question": True, "scenario": False}),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("kind", ["question", "scenario"])
def test_only_someone_who_may_change_the_content_can_mark_it_reviewed(flags, who, kind):
    (group, may_change_questions), allowed = WHO[who]
    client = cms_user(group, may_change_questions=may_change_questions)
    flag = flags[kind]

    response = confirm(client, flag)

    if allowed[kind]:
        assert response["Location"] == reverse("modules_review_list") and not is_open(flag)
    else:
        # Wagtail's admin answers a refusal by sending the person to the dashboard with "you do not have permission".
        assert response["Location"] == reverse("wagtailadmin_home") and is_open(flag)
        if kind == "question":
            assert Question.objects.get(pk=flag.question_id).held_for_review  # still not asked in any quiz


def test_the_list_offers_the_button_only_for_what_the_person_may_confirm(flags):
    html = cms_user("Moderators").get(reverse("modules_review_list")).content.decode()
    assert reverse("modules_review_confirm", args=[flags["scenario"].pk]) in html
    assert reverse("modules_review_confirm", args=[flags["question"].pk]) not in html
    assert "Someone who may change questions can mark it reviewed." in html
