""" "Remind everyone overdue" pressed by a manager who is the only one overdue in their team: the page counts them
(they are overdue), the button reminds everyone but the person pressing it, so nobody is sent anything, and the
message said "Nobody in this team is overdue.", which is untrue: they are. It now says they are the only one, and
where their own training is."""

from django.urls import reverse

from tests import factories
from tests.reports.conftest import client_for

URL = reverse("reports:team_remind")


def test_the_only_one_overdue_is_told_so_and_nothing_is_sent(org, mailoutbox):
    factories.make_completion(org["fin"], org["fin"].statuses.get().requirement)  # Fay done: only Felix overdue
    client = client_for(org["other"])
    page = client.get(reverse("reports:team")).content.decode()
    assert "1 person is overdue on something." in page
    response = client.post(URL, {}, follow=True)
    said = response.content.decode()
    assert "Nobody in this team is overdue." not in said
    assert "You are the only person overdue here, and this button does not remind the person pressing it" in said
    assert f'<a href="{reverse("reports:my_training")}">My training</a> lists what you need to do.' in said
    assert mailoutbox == []


def test_with_others_overdue_the_message_is_as_before(org, mailoutbox):
    response = client_for(org["other"]).post(URL, {}, follow=True)
    assert "Reminder sent to Fay Finance." in response.content.decode()
    assert [email.to for email in mailoutbox] == [[org["fin"].work_email]]
