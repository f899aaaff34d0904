"""The portal keeps one HR officer who can sign in: the role cannot be taken from the last of them. The check counted
everyone in the HR group, so a leaver still in it (their account closed at their leave date: the roster leaves roles
as they are) or an account closed by hand counted as an HR officer, and the last one who could sign in was removed,
leaving nobody to grant the role again but a superuser."""

import datetime

import pytest
from django.utils import timezone

from portal.people.hr_roles import RoleError, hr_officers, hr_role_remove
from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def hana(db):
    """Hana, the HR officer who can sign in, and a superuser to ask to remove her role."""
    hana = factories.make_staff(user=factories.make_user(first_name="Hana", last_name="HR"))
    hana.user.groups.add(hr_group())
    return hana.user


def superuser():
    return factories.make_user(email="root@example.nhs.uk", is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    ("account", "left"),
    [
        pytest.param({"is_active": False}, True, id="a leaver, their account closed at their leave date"),
        pytest.param({"is_active": False, "closed_by_hand": True}, False, id="an account closed by hand"),
        pytest.param({}, True, id="a leaver whose account the daily run has not closed yet"),
    ],
)
def test_someone_in_the_hr_group_who_cannot_sign_in_does_not_count(hana, account, left):
    user = factories.make_user(first_name="Lee", last_name="Gone", **account)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    factories.make_staff(user=user, leave_date=yesterday if left else None)
    user.groups.add(hr_group())

    with pytest.raises(RoleError, match="Hana HR is the last HR officer who can sign in"):
        hr_role_remove(account=hana, reason="Tidy up", user=superuser())

    assert hana in hr_officers()


def test_with_another_officer_who_can_sign_in_the_role_is_removed(hana):
    ivan = factories.make_staff(user=factories.make_user(first_name="Ivan", last_name="HR")).user
    ivan.groups.add(hr_group())

    hr_role_remove(account=hana, reason="Moved to finance", user=ivan)

    assert list(hr_officers()) == [ivan]
