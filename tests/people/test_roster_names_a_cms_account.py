"""An account made in the CMS keeps its work email in lower case, as the roster and `createsuperuser` keep it: saved
as typed, the roster's first row for that person (the usual way an early HR officer or editor is made) refused the
row as "how another account signs in" instead of making the account theirs."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.people.models import StaffMember
from tests.people.roster_doors import esr_file, esr_row, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)
from tests.people.test_roster_existing_accounts import EMAIL


def test_an_account_made_in_the_cms_with_capitals_is_the_one_the_roster_then_names(cms, teams):
    data = {"email": " Chris.Lee@Example.NHS.uk ", "first_name": "Chris", "last_name": "Lee"}
    response = cms.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    user = get_user_model().objects.get(first_name="Chris")
    assert user.email == EMAIL and not user.has_usable_password()

    roster = esr_file(
        esr_row("10000005", "10000005-1", first="Chris", last="Lee", email=EMAIL, code=teams["comms"].code)
    )
    _, plan = upload(roster)
    assert plan.can_apply, plan.rejected
    upload_and_apply(roster)
    assert StaffMember.objects.get(employee_number="10000005").user_id == user.pk
    assert get_user_model().objects.count() == 2  # the CMS's superuser, and Chris: no second account for Chris
