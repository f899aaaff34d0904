"""A new person on the staff list whose work email is already how an account signs in: an account with no staff
record becomes theirs (an account made before the roster named them: the first HR officer is the usual one), but one
that signs in with the address another way is refused by line, and so is a row whose passed leave date would close an
account with HR or editor rights, or a superuser's."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from portal.lib.csvfiles import show_date
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, refused_everywhere, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)

EMAIL = "chris.lee@example.nhs.uk"


def left():
    return show_date(timezone.localdate() - datetime.timedelta(days=10))


def cms_editor(user):
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user.groups.add(editors)


def own_cms_permission(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


PRIVILEGES = {
    "superuser": lambda user: get_user_model().objects.filter(pk=user.pk).update(is_superuser=True),
    "staff": lambda user: get_user_model().objects.filter(pk=user.pk).update(is_staff=True),
    "HR": lambda user: user.groups.add(hr_group()),
    "CMS editor": cms_editor,
    "CMS permission of their own": own_cms_permission,
}


def new_person(teams, leave=None) -> bytes:
    leave = left() if leave is None else leave
    code = teams["comms"].code
    return esr_file(
        esr_row("10000001", "10000001-1", first="Ann", code=code),
        esr_row("10000005", "10000005-1", first="Chris", last="Lee", email=EMAIL, code=code, leave=leave),
    )


@pytest.mark.parametrize("privilege", PRIVILEGES)
def test_an_account_with_rights_is_never_closed_by_a_new_persons_leave_date(teams, tmp_path, privilege):
    user = factories.make_user(email=EMAIL, first_name="Chris", last_name="Lee")
    PRIVILEGES[privilege](user)
    refused_everywhere(
        new_person(teams),
        tmp_path,
        f"Line 3: Work Email '{EMAIL}' is how an account with HR or editor rights signs in, and the row's Leave Date "
        f"({left()}) has passed: an import never closes such an account. Check the row, or ask the service desk to "
        "close the account",
    )
    user.refresh_from_db()
    assert user.is_active and not StaffMember.objects.exists()


@pytest.mark.parametrize("privilege", ["HR", "superuser"])
def test_an_account_with_rights_made_before_the_staff_list_becomes_its_persons(teams, privilege):
    """The first HR officer is made before the first staff list, which then names them: their account is theirs."""
    user = factories.make_user(email=EMAIL, first_name="Chris", last_name="Lee")
    PRIVILEGES[privilege](user)
    upload_and_apply(new_person(teams, leave=""))
    user.refresh_from_db()
    assert StaffMember.objects.get(employee_number="10000005").user_id == user.pk and user.is_active


def test_an_address_an_account_signs_in_with_by_another_row_is_refused(teams, tmp_path):
    user = factories.make_user(email="c.lee@example.nhs.uk")
    EmailAddress.objects.create(user=user, email=EMAIL.upper(), verified=True, primary=False)
    refused_everywhere(new_person(teams), tmp_path, f"Line 3: Work Email '{EMAIL}' is how another account signs in")


def test_an_ordinary_account_without_a_staff_record_becomes_theirs(
    teams, mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.make_user(email=EMAIL, first_name="Chris", last_name="Lee")
    data = new_person(teams, leave="")
    _, plan = upload(data)
    assert plan.can_apply and [p.employee_number for p in plan.to_create] == ["10000001", "10000005"]

    with django_capture_on_commit_callbacks(execute=True):
        upload_and_apply(data)

    assert StaffMember.objects.get(employee_number="10000005").user_id == user.pk
    assert get_user_model().objects.filter(email=EMAIL).count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["ann.10000001@example.nhs.uk", EMAIL]
