"""The managers' weekly digest names only the people a manager may see: those in the teams they manage and the teams
below them (Grace manages Communications; Sam is in Digital, below it), never another manager's people, a leaver, nor
the manager themselves; the manager of a team elsewhere hears only about theirs. (Ended assignments and closed
accounts: test_reminders_closed_accounts.py.)"""

import datetime

from django.utils import timezone

from portal.compliance.reminder_sending import reminders_send


def test_each_manager_hears_about_their_teams_and_the_teams_below_only(org, mailoutbox):
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())  # the managers were made managers today
    reminders_send(monday)  # everyone started in 2020 and never did the one requirement: overdue
    digests = {m.to[0]: m for m in mailoutbox if "to follow up this week" in m.subject}
    assert set(digests) == {org["manager"].work_email, org["other"].work_email}
    graces = digests[org["manager"].work_email]
    assert graces.subject == "Your team's training: 1 person to follow up this week"
    assert "Sam Digital" in graces.body
    for name in ("Fay Finance", "Felix Other", "Lee Leaver", "Grace Manager"):
        assert name not in graces.body
    felixs = digests[org["other"].work_email]
    assert "Fay Finance" in felixs.body and "Sam Digital" not in felixs.body and "Felix Other" not in felixs.body
