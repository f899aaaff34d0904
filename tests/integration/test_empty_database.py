"""Issue 10's "done means", from an empty database (no load_demo): HR sets up and runs an organisation through the
portal's pages alone, over several days, and after each step the organisation report, the team page, the person's
page, an as-at report for an earlier day and an evidence pack say what happened, and nothing else.

The story runs on a clock moved day by day (`django.utils.timezone.now`, which every date the portal records comes
from), so that "as at an earlier day" means something: the report as at the day before a step still shows the
organisation as it was. Tasks run as the test settings run them (django-tasks' immediate backend: the import and the
pack are built when the page asks for them).

The first HR officer comes from outside the portal: whoever deploys it makes the account (`createsuperuser`, or a
shell, as `load_demo` does) and puts it in the HR group, with an authenticator app. Everything after that is done
through the pages.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.compliance import projection
from portal.compliance.dates import add_months
from portal.compliance.models import EvidenceEntry, ImportBatch, Requirement, RequirementStatus
from portal.compliance.pauses import pauses_for_staff
from portal.compliance.reminder_sending import reminders_send
from portal.people.models import StaffMember, Team, TeamManager
from portal.people.roles import hr_group
from portal.reports.basis import AS_RECORDED as RECORDED
from tests import factories
from tests.integration.empty_database_story import (
    ADULTS_COURSE,
    ORGANISATION_FILE,
    REQUIREMENT,
    WINDOW_DAYS,
    Clock,
    completions_file,
    date_boxes,
    email,
    figures,
    long_day,
    ok_text,
    pack,
    person_block,
    person_page,
    roster_file,
    short_day,
    status_rows,
    team_page,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def test_hr_sets_up_and_runs_an_organisation_from_an_empty_database(db, monkeypatch, tmp_path, mailoutbox, capsys):
    clock = Clock(monkeypatch, days_ago=12)
    today = clock.today
    tree_day, introduced, roster_day, completions_day, pause_day, void_day = (
        today - datetime.timedelta(days=n) for n in (12, 11, 10, 9, 5, 2)
    )
    due = introduced + datetime.timedelta(days=WINDOW_DAYS)
    assert not (Team.objects.exists() or StaffMember.objects.exists() or Requirement.objects.exists())
    assert not EvidenceEntry.objects.exists()

    # The first HR officer, made outside the portal (as createsuperuser or load_demo would), with an authenticator app.
    clock.go_to(tree_day)
    officer = User.objects.create_user(
        email=email("Hana", "Okafor"), password=factories.PASSWORD, first_name="Hana", last_name="Okafor"
    )
    officer.groups.add(hr_group())
    factories.with_mfa(officer)
    hr = Client()

    def sign_in_again():
        """Each day HR signs in afresh (a session lasts hours, not days)."""
        factories.sign_in(hr, officer, second_factor=True)

    sign_in_again()
    assert "There is no organisation yet" in ok_text(hr.get(reverse("hr_reports:organisation")))

    # --- Day 1: the team tree, from an ESR organisation hierarchy (dry run, then apply) ----------------------------
    upload = SimpleUploadedFile("organisation.csv", ORGANISATION_FILE.encode())
    batch_url = hr.post(reverse("imports:upload", args=["organisation"]), {"file": upload})["Location"]
    dry_run = ok_text(hr.get(batch_url))
    assert "This is a dry run: nothing has changed yet. 6 rows read." in dry_run
    assert "6 to add" in dry_run and "0 rejected rows" in dry_run
    assert "CORP Corporate Services NWX Directorate" in dry_run and "SAFE Safeguarding NURS Team" in dry_run
    assert not Team.objects.exists()
    batch = ImportBatch.objects.get()
    applied = ok_text(hr.post(reverse("imports:apply", args=[batch.pk]), follow=True))
    assert "Organisation applied: 6 teams added, 0 renamed, 0 moved." in applied
    parents = {t.code: (t.name, t.get_parent().code if t.depth > 1 else "") for t in Team.objects.all()}
    assert parents == {
        "NWX": ("NHS North West Example ICB", ""),
        "CORP": ("Corporate Services", "NWX"),
        "NURS": ("Nursing and Quality", "NWX"),
        "WORK": ("Workforce", "CORP"),
        "COMMS": ("Communications and Engagement", "CORP"),
        "SAFE": ("Safeguarding", "NURS"),
    }
    tree = ok_text(hr.get(reverse("organisation:teams")))
    for name in ("NHS North West Example ICB", "Corporate Services", "Workforce", "Safeguarding"):
        assert name in tree
    report = figures(hr)
    assert report == {"totals": {}, "groups": {}}
    assert figures(hr, as_at=tree_day - datetime.timedelta(days=1)) == {"totals": {}, "groups": {}}

    # --- Day 2: a requirement introduced today, for everyone -------------------------------------------------------
    clock.go_to(introduced)
    sign_in_again()
    form = hr.get(reverse("requirements:add"))
    # The day it is introduced: today unless HR says otherwise, shown as the form reads it back.
    assert f'name="introduced_on" type="text" value="{introduced.isoformat()}"' in form.content.decode()
    saved = hr.post(
        reverse("requirements:add"),
        {
            "name": REQUIREMENT,
            "kind": Requirement.EXTERNAL_COURSE,
            "audience": "everyone",
            "renewal_months": "36",
            "new_starter_days": str(WINDOW_DAYS),
            "introduced_on": introduced.isoformat(),
            "reminder_days": "14",
        },
        follow=True,
    )
    assert f"{REQUIREMENT} is saved." in ok_text(saved)
    requirement = Requirement.objects.get(name=REQUIREMENT)
    assert requirement.introduced_on == introduced and requirement.applies_to_everyone
    assert figures(hr) == {"totals": {REQUIREMENT: None}, "groups": {}}
    assert figures(hr, as_at=tree_day) == {"totals": {}, "groups": {}}  # not introduced yet: left out

    # --- Day 3: the roster (long-standing staff), then Grace becomes manager of Communications --------------------
    clock.go_to(roster_day)
    sign_in_again()
    upload = SimpleUploadedFile("roster.csv", roster_file())
    batch_url = hr.post(reverse("imports:upload", args=["roster"]), {"file": upload})["Location"]
    dry_run = ok_text(hr.get(batch_url))
    assert "6 rows read. Checked against the portal's records on" in dry_run
    assert "6 to add 0 to change 0 leavers 0 rejected rows" in dry_run
    assert "E1004 Mary Khan mary.khan@example.nhs.uk" in dry_run and not StaffMember.objects.exists()
    batch = ImportBatch.objects.get(kind="roster")
    applied = ok_text(hr.post(reverse("imports:apply", args=[batch.pk]), follow=True))
    assert "Roster applied: 6 people added, 0 changed, 0 marked as leavers." in applied
    assert StaffMember.objects.get(employee_number="E1001").user == officer  # the officer's account, not a second one
    after_roster = {
        "totals": {REQUIREMENT: (0, 6, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (0, 4, 0)}, "Nursing and Quality": {REQUIREMENT: (0, 2, 0)}},
    }
    assert figures(hr) == after_roster
    # What the report said on the day it was introduced: no one on the roster yet. As it was that day, from what we
    # know now: the long-standing staff the roster names were there, and nothing was due yet.
    assert figures(hr, as_at=introduced, basis=RECORDED) == {"totals": {REQUIREMENT: None}, "groups": {}}
    assert figures(hr, as_at=introduced) == after_roster
    # Long-standing staff are due at the end of the window from the day it was introduced, not overdue.
    due_soon = {REQUIREMENT: ("Due soon", due)}
    assert team_page(hr, "COMMS") == dict.fromkeys(("Grace Hughes", "Mary Khan", "Sam Taylor"), due_soon)
    assert team_page(hr, "COMMS", as_at=introduced, basis=RECORDED) == {}
    assert team_page(hr, "COMMS", as_at=introduced) == dict.fromkeys(
        ("Grace Hughes", "Mary Khan", "Sam Taylor"), due_soon
    )

    comms = Team.objects.get(code="COMMS")
    added = hr.post(
        reverse("organisation:manager_add", args=[comms.pk]),
        {
            "employee_number": "E1002",
            **factories.date_boxes("started_on", roster_day),
            "reason": "Head of Communications",
        },
        follow=True,
    )
    assert "Grace Hughes is now a manager of Communications and Engagement." in ok_text(added)
    link = TeamManager.objects.current().get()
    assert (link.staff.full_name, link.team.code, link.started_on) == ("Grace Hughes", "COMMS", roster_day)
    grace = Client()
    factories.sign_in(grace, StaffMember.objects.get(employee_number="E1002").user)
    assert team_page(grace, "COMMS") == dict.fromkeys(("Grace Hughes", "Mary Khan", "Sam Taylor"), due_soon)
    assert grace.get(reverse("reports:team"), {"team": Team.objects.get(code="SAFE").pk}).status_code == 404
    text, rows = pack(hr, "NWX", tmp_path)
    everyone = ("Hana Okafor", "Grace Hughes", "Sam Taylor", "Mary Khan", "Priya Shah", "Tom Reid")
    assert {name: row[:3] for name, row in rows.items()} == dict.fromkeys(everyone, ("Due soon", None, due))
    assert "Summary by team" in text and "Tom Reid employee E1006, Safeguarding" in text

    # --- Day 4: completions from the national e-learning records -------------------------------------------------
    clock.go_to(completions_day)
    sign_in_again()
    achieved = completions_day - datetime.timedelta(days=40)  # before it was introduced: it still counts
    expires = add_months(achieved, 36)
    upload = SimpleUploadedFile("completions.csv", completions_file(achieved))
    batch_url = hr.post(reverse("imports:upload", args=["completions"]), {"file": upload})["Location"]
    dry_run = ok_text(hr.get(batch_url))
    assert "0 to record" in dry_run and "4 skipped: course not mapped" in dry_run and ADULTS_COURSE in dry_run
    batch = ImportBatch.objects.get(kind="completions")
    mapped = hr.post(
        reverse("imports:map", args=[batch.pk]),
        {"competence": ADULTS_COURSE, "requirement": requirement.pk},
        follow=True,
    )
    dry_run = ok_text(mapped)
    assert f"now counts towards {REQUIREMENT}" in dry_run and "4 to record" in dry_run
    assert "Record 4 completions" in dry_run and not EvidenceEntry.objects.exists()
    applied = ok_text(hr.post(reverse("imports:apply", args=[batch.pk]), follow=True))
    assert "4 completions recorded; 0 were already recorded." in applied
    after_completions = {
        "totals": {REQUIREMENT: (4, 6, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (2, 4, 0)}, "Nursing and Quality": {REQUIREMENT: (2, 2, 0)}},
    }
    assert figures(hr) == after_completions
    # Courses done before the roster day, imported today: they change that day as it was, never what was recorded.
    assert figures(hr, as_at=roster_day, basis=RECORDED) == after_roster
    assert figures(hr, as_at=roster_day) == after_completions
    compliant = {REQUIREMENT: ("Compliant", expires)}
    assert team_page(hr, "COMMS") == {"Grace Hughes": compliant, "Mary Khan": due_soon, "Sam Taylor": compliant}
    assert team_page(hr, "COMMS", as_at=roster_day, basis=RECORDED) == dict.fromkeys(
        ["Grace Hughes", "Mary Khan", "Sam Taylor"], due_soon
    )
    assert team_page(hr, "COMMS", as_at=roster_day) == {
        "Grace Hughes": compliant,
        "Mary Khan": due_soon,
        "Sam Taylor": compliant,
    }
    sam = StaffMember.objects.get(employee_number="E1003")
    sam_page = person_page(hr, sam)
    assert f"{REQUIREMENT} Compliant {short_day(expires)}" in sam_page and "Sam has no pauses." in sam_page
    assert f"History {short_day(completions_day)}: {REQUIREMENT}, Imported completion" in sam_page

    # --- Day 5: Mary goes on maternity leave: out of the figures, no reminders ------------------------------------
    clock.go_to(pause_day)
    sign_in_again()
    mary = StaffMember.objects.get(employee_number="E1004")
    back = pause_day + datetime.timedelta(days=273)
    paused = hr.post(
        reverse("pauses:add", args=[mary.pk]),
        {
            "requirement": "all",
            "reason": "maternity",
            "other": "",
            **date_boxes("first_day", pause_day),
            **date_boxes("last_day", back),
        },
        follow=True,
    )
    assert "Mary Khan is paused." in ok_text(paused)
    after_pause = {
        "totals": {REQUIREMENT: (4, 5, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (2, 3, 0)}, "Nursing and Quality": {REQUIREMENT: (2, 2, 0)}},
    }
    assert figures(hr) == after_pause
    assert figures(hr, as_at=completions_day) == after_completions
    # On return she has the days of her window that were left when the pause began (its first day among them).
    mary_due = back + (due - pause_day) + datetime.timedelta(days=1)
    paused_until = (f"Paused until {long_day(back)}", mary_due)
    assert team_page(hr, "COMMS") == {
        "Grace Hughes": compliant,
        "Mary Khan": {REQUIREMENT: paused_until},
        "Sam Taylor": compliant,
    }
    mary_page = person_page(hr, mary)
    (pause,) = pauses_for_staff(mary)
    change = hr.get(reverse("pauses:change", args=[mary.pk, pause.ref])).content.decode()
    for name, day in (("first_day", pause_day), ("last_day", back)):  # the boxes show the date they will read back
        for part, value in date_boxes(name, day).items():
            assert f'name="{part}" type="text" inputmode="numeric" value="{value}"' in change, part
    # The due date her return leaves her, in words beside the pause (`pauses.paused_due`).
    assert f"{REQUIREMENT} Paused until {long_day(back)} Then due by {long_day(mary_due)}" in mary_page
    assert (
        f"{short_day(pause_day)}: {REQUIREMENT}, paused (Maternity, paternity or adoption leave) "
        f"from {short_day(pause_day)} to {short_day(back)}"
    ) in mary_page

    # --- Day 6: Sam's completion was someone else's: HR voids it, with the reason --------------------------------
    clock.go_to(void_day)
    sign_in_again()
    entry = EvidenceEntry.objects.get(staff=sam, source=EvidenceEntry.IMPORT)
    reason = "Imported against the wrong person: Sam Taylor did not do this course"
    assert "Sam Taylor" in ok_text(hr.get(reverse("corrections:void", args=[entry.pk])))
    voided = hr.post(reverse("corrections:void", args=[entry.pk]), {"reason": reason}, follow=True)
    assert "Entry voided. Sam Taylor's status has been updated." in ok_text(voided)
    after_void = {
        "totals": {REQUIREMENT: (3, 5, 0)},
        "groups": {"Corporate Services": {REQUIREMENT: (1, 3, 0)}, "Nursing and Quality": {REQUIREMENT: (2, 2, 0)}},
    }
    assert figures(hr) == after_void
    assert figures(hr, as_at=pause_day, basis=RECORDED) == after_pause
    assert figures(hr, as_at=pause_day) == after_void  # as it was: the correction reaches back to the wrong entry
    assert team_page(hr, "COMMS") == {
        "Grace Hughes": compliant,
        "Mary Khan": {REQUIREMENT: paused_until},
        "Sam Taylor": due_soon,
    }
    sam_page = person_page(hr, sam)
    assert f"{REQUIREMENT} Due soon {short_day(due)}" in sam_page
    assert f"Withdrawn {short_day(void_day)} by Hana Okafor: {reason}" in sam_page, sam_page
    text, rows = pack(hr, "NWX", tmp_path)
    assert rows == {
        "Hana Okafor": ("Due soon", None, due, ""),
        "Grace Hughes": ("Compliant", achieved, expires, f"import batch {batch.pk} line 2"),
        "Sam Taylor": ("Due soon", None, due, ""),
        "Mary Khan": (f"Paused until {long_day(back)}", None, mary_due, ""),
        "Priya Shah": ("Compliant", achieved, expires, f"import batch {batch.pk} line 4"),
        "Tom Reid": ("Compliant", achieved, expires, f"import batch {batch.pk} line 5"),
    }
    assert "Corrections. Evidence recorded for Sam Taylor and later voided" in text
    assert "Imported against the wrong person" in text
    assert person_block(text, "Mary Khan employee E1004").count("Paused") == 1

    # --- Today: reminders skip Mary; the reports about each earlier day still say what they said ------------------
    clock.go_to(today)
    sign_in_again()
    mailoutbox.clear()
    reminder_day = due - datetime.timedelta(days=14)  # inside Mary's pause; the others' 14-day reminder
    assert pause_day < reminder_day < back
    assert reminders_send(reminder_day)["before"] == 2
    reminders = [message for message in mailoutbox if message.subject.startswith("Reminder:")]
    assert sorted(address for message in reminders for address in message.to) == [
        "hana.okafor@example.nhs.uk",
        "sam.taylor@example.nhs.uk",
    ]
    # The managers' weekly summary goes out too, whatever the day: this is the week's first run, and a list Monday's
    # run did not send goes on the next run that week. To Grace alone, and it does not name Mary either.
    digests = [message for message in mailoutbox if message not in reminders]
    assert [message.to for message in digests] == [["grace.hughes@example.nhs.uk"]]
    assert not [m for m in mailoutbox if "Mary" in m.body or "Khan" in m.body or "mary.khan" in str(m.to)]
    assert figures(hr) == after_void
    assert figures(hr, as_at=roster_day, basis=RECORDED) == after_roster
    assert figures(hr, as_at=completions_day, basis=RECORDED) == after_completions
    assert figures(hr, as_at=pause_day, basis=RECORDED) == after_pause
    assert figures(hr, as_at=void_day, basis=RECORDED) == after_void
    # As recorded then, before the correction: Sam's completion counted.
    text, rows = pack(hr, "NWX", tmp_path, as_at=pause_day, basis=RECORDED)
    assert rows["Sam Taylor"] == ("Compliant", achieved, expires, f"import batch {batch.pk} line 3")
    assert rows["Mary Khan"] == (f"Paused until {long_day(back)}", None, mary_due, "")
    assert "Corrections" not in text
    # As it was, the correction reaches back: that completion never held.
    text, rows = pack(hr, "NWX", tmp_path, as_at=pause_day)
    assert rows["Sam Taylor"][:2] == ("Due soon", None)
    assert rows["Mary Khan"] == (f"Paused until {long_day(back)}", None, mary_due, "")
    assert "Corrections. Evidence recorded for Sam Taylor and later voided" in text

    # rebuild_status leaves the status table as it was, and so does building it again from nothing.
    live = status_rows()
    assert len(live) == 6
    call_command("rebuild_status")
    assert "Status rebuilt: 0 rows changed, 6 rows in all" in capsys.readouterr().out
    assert status_rows() == live
    RequirementStatus.objects.all().delete()
    projection.refresh()
    assert status_rows() == live
    call_command("verify_evidence")
    assert "Evidence ledger intact: 6 entries checked." in capsys.readouterr().out
