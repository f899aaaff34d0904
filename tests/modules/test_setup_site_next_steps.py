"""What `setup_site` says to do next covers what a trust needs before staff sign in. It said to make CMS editors
"the Editors group", which may not publish the policy nor write a quiz, and stopped at import_policy, so a portal set
up by its list had a policy and no modules, and sent its first invitations before anyone had checked that email
worked. It now says which group publishes and where quizzes are allowed, to test email before the roster, and to
write the modules (docs/setup.md, steps 5, 6 and 9)."""

from tests.modules.test_setup_site_command import _setup_site, fresh_install  # noqa: F401 (a fixture)


def _next_steps() -> list[str]:
    return [line.strip() for line in _setup_site().split("Next (docs/setup.md):")[1].splitlines() if line.strip()]


def test_email_is_tested_before_the_roster_sends_invitations(fresh_install):  # noqa: F811
    steps = _next_steps()
    email = steps.index("python manage.py sendtestemail YOUR-ADDRESS")
    assert email < steps.index("https://training.example.nhs.uk/hr/imports/")
    assert "before the roster import emails everyone an invitation" in steps[email + 1]


def test_editors_are_told_which_group_publishes_and_where_quizzes_are_allowed(fresh_install):  # noqa: F811
    steps = _next_steps()
    editors = steps[steps.index("https://training.example.nhs.uk/cms/users/") + 1]
    assert "Moderators also publish" in editors
    assert "/cms/groups/" in editors and "docs/setup.md, step 6" in editors


def test_the_modules_come_after_the_policy(fresh_install):  # noqa: F811
    steps = _next_steps()
    modules = steps.index("https://training.example.nhs.uk/cms/")
    assert modules > steps.index("python manage.py import_policy POLICY.txt")
    assert "the policy's modules and quizzes" in steps[modules + 1] and "step 9" in steps[modules + 1]
