"""Requirements changed in the CMS (Wagtail's snippet pages) reach the status table and the audit log, through the
same service as everywhere else: adding, copying, editing, deleting, and the listing's bulk delete."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import projection
from portal.compliance.models import Requirement, RequirementStatus
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)


def today() -> datetime.date:
    """Read in each test, as the code under test reads it: a date read once, when the file was imported, is
    yesterday's for the tests of a run that went past midnight."""
    return timezone.localdate()


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation)
    finance = factories.make_team("Finance", parent=organisation)
    return {
        "wards": wards,
        "nurse": factories.make_staff(team=wards, staff_group="Nursing", start_date=LONG_AGO),
        "clerk": factories.make_staff(team=finance, start_date=LONG_AGO),
    }


@pytest.fixture
def editor(db):
    """A CMS editor with a second factor, trusted by HR with requirements (Wagtail's group settings give the
    Editors group the three permissions)."""
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="compliance",
            codename__in=["add_requirement", "change_requirement", "delete_requirement"],
        )
    )
    user = factories.make_user(first_name="Eddie", last_name="Editor")
    user.groups.add(editors)
    return factories.with_mfa(user)


@pytest.fixture
def editor_client(client, editor):
    factories.sign_in(client, editor)
    return client


def _form(**overrides) -> dict:
    data = {
        "name": "Fire safety",
        "kind": Requirement.EXTERNAL_COURSE,
        "page": "",
        "applies_to_everyone": "on",
        "staff_groups": "[]",
        "introduced_on": today().isoformat(),
        "renewal_months": "12",
        "new_starter_days": "28",
        "active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _url(name, *args):
    return reverse(f"wagtailsnippets_compliance_requirement:{name}", args=args)


def _rows(requirement) -> dict:
    return {row.staff_id: row for row in RequirementStatus.objects.filter(requirement=requirement)}


def _table() -> dict:
    return {
        (row.staff_id, row.requirement_id): (row.completed_on, row.expires_on, row.due_on, row.evidence_id)
        for row in RequirementStatus.objects.all()
    }


def test_adding_one_in_the_cms_gives_long_standing_staff_a_window_from_today(trust, editor, editor_client):
    response = editor_client.post(_url("add"), _form())

    assert response.status_code == 302, response.content.decode()[:2000]
    requirement = Requirement.objects.get(name="Fire safety")
    rows = _rows(requirement)
    assert set(rows) == {trust["nurse"].pk, trust["clerk"].pk}
    assert {row.due_on for row in rows.values()} == {today() + datetime.timedelta(days=28)}
    entry = AuditEvent.objects.get(action=AuditEvent.REQUIREMENT_CHANGED)
    assert (entry.actor, entry.scope, entry.detail["change"]) == (editor, "Fire safety", "added")
    listing = editor_client.get(_url("list"))
    assert "Fire safety" in listing.content.decode()


def test_narrowing_it_in_the_cms_removes_rows_and_a_rebuild_agrees(trust, editor_client):
    editor_client.post(_url("add"), _form())
    requirement = Requirement.objects.get()

    response = editor_client.post(
        _url("edit", requirement.pk), _form(applies_to_everyone=None, teams=[str(trust["wards"].pk)])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(_rows(requirement)) == {trust["nurse"].pk}
    live = _table()
    RequirementStatus.objects.all().delete()
    projection.refresh()
    assert _table() == live


def test_a_date_in_the_future_is_refused_with_a_message_and_nothing_changes(trust, editor_client):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()

    response = editor_client.post(_url("add"), _form(introduced_on=tomorrow))

    assert response.status_code == 200
    assert "cannot be introduced in the future" in response.content.decode()
    assert not Requirement.objects.exists()
    assert not RequirementStatus.objects.exists()


def test_staff_groups_not_written_as_a_list_are_refused_with_a_message(trust, editor_client):
    response = editor_client.post(_url("add"), _form(applies_to_everyone=None, staff_groups='{"Nursing": true}'))

    assert response.status_code == 200
    assert "List the staff groups in quotes between square brackets" in response.content.decode()
    assert not Requirement.objects.exists()


def test_a_copy_is_sent_to_the_add_page_and_is_a_new_requirement_with_its_own_rows(trust, editor_client):
    editor_client.post(_url("add"), _form())
    original = Requirement.objects.get()

    page = editor_client.get(_url("copy", original.pk))
    response = editor_client.post(_url("add"), _form(name="Fire safety (wards)"))

    assert f'action="{_url("add")}"' in page.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(_rows(Requirement.objects.get(name="Fire safety (wards)"))) == 2
    assert AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED, detail__change="added").count() == 2


def test_a_form_sent_to_the_copy_page_changes_nothing(trust, editor_client):
    editor_client.post(_url("add"), _form())
    original = Requirement.objects.get()

    response = editor_client.post(_url("copy", original.pk), _form(name="Renamed", applies_to_everyone=None))

    assert response.status_code == 405
    assert Requirement.objects.get().name == "Fire safety"
    assert len(_rows(original)) == 2


def test_deleting_one_with_evidence_is_refused_with_a_message(trust, editor_client):
    editor_client.post(_url("add"), _form())
    requirement = Requirement.objects.get()
    factories.make_completion(trust["clerk"], requirement)

    response = editor_client.post(_url("delete", requirement.pk), follow=True)

    assert "retire it instead" in response.content.decode()
    assert Requirement.objects.filter(pk=requirement.pk).exists()
    assert len(_rows(requirement)) == 2


def test_deleting_one_added_by_mistake_that_asks_no_one_removes_it(trust, editor_client):
    """One that anyone was measured against is retired, not deleted (test_requirement_delete_keeps_status_history)."""
    editor_client.post(_url("add"), _form(applies_to_everyone=None))
    requirement = Requirement.objects.get()

    response = editor_client.post(_url("delete", requirement.pk))

    assert response.status_code == 302
    assert not Requirement.objects.exists()
    assert not RequirementStatus.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED, detail__change="deleted").exists()


def test_the_listings_bulk_delete_is_turned_away(trust, editor_client):
    editor_client.post(_url("add"), _form())
    requirement = Requirement.objects.get()
    url = reverse("wagtail_bulk_action", args=["compliance", "requirement", "delete"]) + f"?id={requirement.pk}"

    response = editor_client.post(url, follow=True)

    assert "one at a time" in response.content.decode()
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_an_editor_who_has_not_proved_a_second_factor_cannot_add_one(trust, client, editor):
    factories.sign_in(client, editor, second_factor=False)

    client.post(_url("add"), _form())

    assert not Requirement.objects.exists()


def test_retiring_in_the_cms_asks_for_the_reason_and_stamps_the_day(trust, editor_client):
    editor_client.post(_url("add"), _form())
    requirement = Requirement.objects.get()

    refused = editor_client.post(_url("edit", requirement.pk), _form(active=None))
    assert refused.status_code == 200
    assert "Give the reason for retiring the requirement." in refused.content.decode()
    requirement.refresh_from_db()
    assert requirement.active and _rows(requirement)

    retired = editor_client.post(_url("edit", requirement.pk), _form(active=None, retired_reason="Replaced"))
    assert retired.status_code == 302, retired.content.decode()[:2000]
    requirement.refresh_from_db()
    assert (requirement.active, requirement.retired_on, requirement.retired_reason) == (False, today(), "Replaced")
    assert _rows(requirement) == {}


def test_job_titles_and_levels_set_in_the_cms_reach_the_status_table(trust, editor_client):
    trust["nurse"].job_title = "Staff Nurse"
    trust["nurse"].save()
    response = editor_client.post(
        _url("add"),
        _form(
            applies_to_everyone=None,
            job_title_patterns='["*nurse"]',
            level_family="Fire safety",
            level="1",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    requirement = Requirement.objects.get()
    assert (requirement.job_title_patterns, requirement.level) == (["*nurse"], 1)
    assert set(_rows(requirement)) == {trust["nurse"].pk}
