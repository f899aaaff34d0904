"""Someone signed in with no record on the staff roster is told what applies to them. Before, a superuser made with
createsuperuser (docs/setup.md, step 3) or an HR officer who opened My training read "We cannot find your staff
record ... Contact HR": they are HR. HR (and a superuser) are now told their account is not on the staff roster, so
there is no training to show, how an account comes to be linked to a record (a roster giving that work email), and
are pointed to the roster import and their own pages; a CMS editor to the CMS, and to ask HR if they should be on
the roster; everyone else, as before, to contact HR with their work email."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories

PAGES = ["reports:my_training", "attestation:list", "certificates:mine", "certificates:upload"]
CONTACT_HR = "Contact HR and give them your work email address"


def page(client, user, name="reports:my_training") -> str:
    factories.sign_in(client, user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def superuser(db):
    return factories.with_mfa(factories.make_user(email="admin@example.nhs.uk", is_superuser=True))


@pytest.fixture
def hr_officer(db):
    user = factories.with_mfa(factories.make_user(email="hr.officer@example.nhs.uk"))
    user.groups.add(hr_group())
    return user


@pytest.mark.parametrize("name", PAGES)
def test_a_superuser_is_told_their_account_is_not_on_the_roster_and_where_to_import_it(client, superuser, name):
    html = page(client, superuser, name)
    assert "<h1>Your account is not on the staff roster</h1>" in html
    assert "so there is no training to show you" in html and superuser.email in html
    assert "An administrator's account" in html
    assert f'href="{reverse("imports:upload", args=["roster"])}"' in html
    assert f'href="{reverse("hr_reports:organisation")}"' in html and 'href="/cms/"' in html
    assert CONTACT_HR not in html and "cannot find your staff record" not in html


def test_an_hr_officer_is_pointed_to_their_own_tools_not_to_hr(client, hr_officer):
    html = page(client, hr_officer)
    assert "<h1>Your account is not on the staff roster</h1>" in html
    assert f"a staff roster that gives your work email as {hr_officer.email} is imported" in html
    assert f'href="{reverse("imports:upload", args=["roster"])}"' in html
    assert f'href="{reverse("hr_roles:list")}"' in html
    assert 'href="/cms/"' not in html and CONTACT_HR not in html


def test_an_hr_officer_who_has_not_entered_their_code_is_still_told_what_applies(client, hr_officer):
    factories.sign_in(client, hr_officer, second_factor=False)
    html = client.get(reverse("reports:my_training")).content.decode()
    assert "<h1>Your account is not on the staff roster</h1>" in html and CONTACT_HR not in html
    # Its links wait for the code, as the header's do (tests/accounts/test_one_door.py): the pages ask for it.
    assert "/hr/" not in html.split("<main", 1)[1] and 'href="/cms/"' not in html
    assert "ask for the code from your authenticator app when you open them" in html


def test_a_cms_editor_is_pointed_to_the_cms_and_to_hr_for_the_roster(client, db):
    editor = factories.with_mfa(factories.make_user(email="editor@example.nhs.uk"))
    editor.user_permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    html = page(client, editor)
    assert "<h1>Your account is not on the staff roster</h1>" in html and 'href="/cms/"' in html
    assert f"ask HR to check that the roster gives your work email as {editor.email}" in html
    assert reverse("imports:index") not in html


@pytest.mark.parametrize("name", PAGES)
def test_anyone_else_is_still_told_to_contact_hr(client, someone_else, name):
    html = page(client, someone_else, name)
    assert "<h1>We cannot find your staff record</h1>" in html and CONTACT_HR in html
    assert reverse("imports:index") not in html and "Your account is not on the staff roster" not in html


def test_hr_on_the_roster_see_their_own_training(client, hr_officer):
    factories.make_staff(user=hr_officer)
    factories.make_requirement(name="Fire safety")
    refresh()
    html = page(client, hr_officer)
    assert "<h1>My training</h1>" in html and "Fire safety" in html
