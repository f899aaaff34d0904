"""A reminder by hand to someone overdue with no work email on record is not sent, and the manager is told that, not
that the person "has nothing outstanding". Before, `reminder_by_hand` gave nothing for either, and the page said
"1 person has nothing outstanding." about Sam, overdue on Safeguarding, whom the manager then left unchased."""

from django.urls import reverse

from portal.compliance.models import ReminderLog
from portal.people.models import StaffMember
from tests import factories
from tests.reports.conftest import client_for

URL = reverse("reports:team_remind")
NO_ADDRESS = "Not sent to Sam Digital, who has no work email address on record: ask HR to add it to the roster."


def _without_address(staff):
    StaffMember.objects.filter(pk=staff.pk).update(work_email="")


def test_one_person_without_an_address_is_named_as_such(org, mailoutbox):
    _without_address(org["sam"])
    page = client_for(org["manager"]).post(URL, {"staff": org["sam"].pk}, follow=True).content.decode()
    assert NO_ADDRESS in page
    assert "nothing outstanding" not in page
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def test_everyone_overdue_counts_them_apart_from_those_sent(org, mailoutbox):
    from portal.compliance.projection import refresh

    extra = factories.make_staff(team=org["digital"], first_name="Ola", last_name="Overdue")
    refresh(staff_ids=[extra.pk])
    _without_address(org["sam"])
    page = client_for(org["manager"]).post(URL, {}, follow=True).content.decode()
    assert "Reminder sent to Ola Overdue." in page and NO_ADDRESS in page
    assert "nothing outstanding" not in page
    assert [email.to for email in mailoutbox] == [[extra.work_email]]


def test_the_persons_page_says_there_is_no_address_instead_of_offering_the_button(org):
    _without_address(org["sam"])
    page = client_for(org["manager"]).get(reverse("reports:team_person", args=[org["sam"].pk])).content.decode()
    assert "has no work email address on record, so the portal cannot send them a reminder" in page
    assert "a reminder</button>" not in page


def test_with_an_address_the_button_is_offered(org):
    page = client_for(org["manager"]).get(reverse("reports:team_person", args=[org["sam"].pk])).content.decode()
    assert f"Send {org['sam'].first_name} a reminder</button>" in page
    assert "has no work email address on record" not in page
