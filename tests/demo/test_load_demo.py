from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from modules.models import ModuleCompletion, ModulePage, PolicyPage
from portal.accounts.models import User
from portal.compliance.models import EvidenceEntry, ImportBatch, Requirement
from portal.demo.content import load_content
from portal.demo.history import HR_EMAIL, IMPORTER_EMAIL
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def loaded(demo_loaded, db, settings):
    """The demo, loaded once for this module (tests/conftest.py); each test's changes roll back."""
    settings.DEBUG = True
    return demo_loaded


def test_load_demo_builds_the_policy_every_module_and_prints_the_sign_ins(loaded):
    content = load_content()
    assert PolicyPage.objects.live().count() == 1
    assert ModulePage.objects.live().count() == len(content.modules)
    assert "sam.taylor@example.nhs.uk" in loaded
    assert "chloe.evans@example.nhs.uk" in loaded
    assert User.objects.get(email="chloe.evans@example.nhs.uk").has_perm("wagtailadmin.access_admin")


def test_the_demo_has_two_hr_officers_and_each_imports_the_others_completions(loaded):
    """An import never records the completions of whoever applies it (the task worker refuses them), so the demo's
    e-learning records come in two files, each applied by a member of HR who is not in it."""
    officers = {email: User.objects.get(email=email) for email in (HR_EMAIL, IMPORTER_EMAIL)}
    for email, user in officers.items():
        assert hr_group() in user.groups.all()
        assert f"HR officer, {user.staff.job_title}" in loaded and email in loaded  # among the printed sign-ins
    batches = ImportBatch.objects.filter(kind=ImportBatch.COMPLETIONS)
    assert {batch.status for batch in batches} == {ImportBatch.DONE}
    assert {batch.applied_by.email for batch in batches} == set(officers)
    for batch in batches:
        recorded = EvidenceEntry.objects.filter(source_ref__startswith=f"import batch {batch.pk} line ")
        assert recorded.exists() and not recorded.filter(staff__user=batch.applied_by).exists()
    for email, user in officers.items():
        theirs = EvidenceEntry.objects.filter(staff__user=user, source=EvidenceEntry.IMPORT, recorded_by__isnull=False)
        assert theirs.exists() and not theirs.filter(recorded_by=user).exists(), email


def test_load_demo_leaves_some_history_for_dashboards(loaded):
    assert ModuleCompletion.objects.filter(user__email="grace.oconnor@example.nhs.uk").count() == len(
        load_content().modules
    )
    assert not ModuleCompletion.objects.filter(user__email="sam.taylor@example.nhs.uk").exists()


def test_loading_twice_changes_nothing(loaded, settings):
    before = _row_counts()
    call_command("load_demo", stdout=StringIO())
    assert _row_counts() == before


def test_load_demo_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    before = _row_counts()  # the module's demo may already be loaded around this test: nothing more is written
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert _row_counts() == before


def test_role_modules_are_required_only_of_the_people_they_are_for(loaded):
    official = Requirement.objects.get(page__slug="representing-the-ccg-officially")
    assert not official.applies_to_everyone
    assert [team.code for team in official.teams.all()] == ["COMMS"]
    runs_an_account = {s.job_title: official.applies_to(s) for s in StaffMember.objects.select_related("team")}
    # Communications and Engagement by team, and an account owner in another team by job title.
    assert runs_an_account["Communications Officer"] and runs_an_account["Digital Content Editor"]
    owner = StaffMember.objects.select_related("team").get(job_title="Digital Communications Officer")
    assert owner.team.code == "PCC" and official.applies_to(owner)
    assert not runs_an_account["Primary Care Contracts Manager"] and not runs_an_account["Finance Officer"]
    managers = Requirement.objects.get(page__slug="supporting-your-team-online")
    assert not managers.applies_to_everyone
    titles = {s.job_title: managers.applies_to(s) for s in StaffMember.objects.select_related("team")}
    assert titles["Head of Communications and Engagement"] and titles["Primary Care Contracts Manager"]
    assert not titles["Communications Officer"] and not titles["Finance Officer"]
    assert Requirement.objects.get(page__slug="principles-and-best-practice").applies_to_everyone


def test_the_demo_requirements_are_the_core_skills_training_framework(loaded):
    def shape(name):
        r = Requirement.objects.get(name=name)
        return (r.renewal_months, r.applies_to_everyone, r.level_family, r.level)

    assert shape("Data Security Awareness Level 1") == (12, True, "", None)
    assert shape("Safeguarding Adults Level 1") == (36, True, "Safeguarding Adults", 1)
    assert shape("Safeguarding Children Level 2") == (36, False, "Safeguarding Children", 2)
    assert shape("Preventing Radicalisation (Prevent) Basic Awareness") == (36, True, "", None)
    level2 = Requirement.objects.get(name="Safeguarding Adults Level 2")
    assert "Nursing and Midwifery Registered" in level2.staff_groups
    level3 = Requirement.objects.get(name="Safeguarding Adults Level 3")
    nurse = StaffMember.objects.select_related("team").get(job_title="Designated Nurse for Safeguarding")
    officer = StaffMember.objects.select_related("team").get(job_title="Communications Officer")
    assert level3.applies_to(nurse) and level2.applies_to(nurse) and not level3.applies_to(officer)
    assert Requirement.objects.filter(kind=Requirement.ATTEST_POLICY).count() == 1


def test_the_demo_policy_keeps_its_front_matter_as_import_policy_would(loaded, client):
    """Section 13 relies on "the related policies listed on the front page": the demo shows them."""
    policy = PolicyPage.objects.get()
    assert policy.applies_to.startswith("all employees of NHS Warrington")
    assert policy.related_policy_list[:2] == ["IT Equipment Policy", "Disciplinary Policy"]
    factories.sign_in(client, User.objects.get(email="sam.taylor@example.nhs.uk"))
    assert "Safeguarding Policy" in client.get(policy.url).content.decode()


def test_fiona_s_second_post_in_communications_shows_her_to_grace_counted_in_her_own_team(loaded, client):
    factories.sign_in(client, User.objects.get(email="grace.oconnor@example.nhs.uk"))
    html = client.get("/team/").content.decode()
    also = html.split("Also working in this team", 1)[1]
    assert "Fiona Walsh" in also and "Fiona Walsh" not in html.split("Also working in this team", 1)[0]
    fiona = StaffMember.objects.get(work_email="fiona.walsh@example.nhs.uk")
    assert fiona.team.code == "PCC"
    assert "holds a post in a team you manage" in client.get(f"/team/people/{fiona.pk}/").content.decode()
