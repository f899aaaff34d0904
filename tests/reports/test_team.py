"""The manager's view with the manager, a manager of another team, HR, the person and an anonymous visitor."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


def test_a_manager_sees_their_teams_and_the_teams_below(org):
    html = client_for(org["manager"]).get(reverse("reports:team")).content.decode()
    assert "Sam Digital" in html and "Agency" in html  # a sub-team, agency marked
    assert "Fay Finance" not in html  # another team
    assert "Lee Leaver" not in html  # leavers excluded
    assert "Overdue" in html


def test_a_manager_can_narrow_to_a_sub_team_but_not_reach_another_team(org):
    client = client_for(org["manager"])
    assert "Sam Digital" in client.get(reverse("reports:team"), {"team": org["digital"].pk}).content.decode()
    assert client.get(reverse("reports:team"), {"team": org["finance"].pk}).status_code == 404


def test_a_manager_opens_a_person_in_their_team_but_not_others(org):
    client = client_for(org["manager"])
    assert client.get(reverse("reports:team_person", args=[org["sam"].pk])).status_code == 200
    assert client.get(reverse("reports:team_person", args=[org["fin"].pk])).status_code == 404
    other = client_for(org["other"])
    assert other.get(reverse("reports:team_person", args=[org["sam"].pk])).status_code == 404
    assert "Sam Digital" not in other.get(reverse("reports:team")).content.decode()


def test_hr_sees_everyone(org):
    hr = org["fin"].user
    hr.groups.add(hr_group())
    factories.with_mfa(hr)
    client = client_for(org["fin"])
    html = client.get(reverse("reports:team")).content.decode()
    assert "Sam Digital" in html and "Fay Finance" in html and "Grace Manager" in html
    assert client.get(reverse("reports:team_person", args=[org["sam"].pk])).status_code == 200


def test_staff_who_manage_no_one_cannot_see_the_team_page(org):
    client = client_for(org["sam"])
    assert client.get(reverse("reports:team")).status_code == 403
    assert client.get(reverse("reports:team_person", args=[org["fin"].pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, org):
    for url in [reverse("reports:team"), reverse("reports:team_person", args=[org["sam"].pk])]:
        assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("extra", [0, 10])
def test_the_team_page_runs_a_constant_number_of_queries(org, extra, django_assert_num_queries):
    for n in range(extra):
        factories.make_staff(team=org["digital"], first_name=f"Extra{n}")
    factories.make_requirement(name="Another")
    refresh()
    client = client_for(org["manager"])
    # session, user, the teams they may see (those they manage and the teams below, in one query), requirements,
    # people with their statuses, the people holding a post here with theirs (reports.posts), the audit log's insert.
    # No query for permissions: the second-factor check reads the roles kept in the session, and so does the HR check
    # first (a manager who proved no second factor is not HR in this session, whatever their groups).
    with django_assert_num_queries(7):
        assert client.get(reverse("reports:team")).status_code == 200
    assert StaffMember.objects.count() >= 5 + extra


def test_a_persons_page_as_at_a_past_date_shows_their_records_of_then(org, hr, monkeypatch):
    import datetime

    from django.db.models import F
    from django.utils import timezone

    from portal.people.models import StaffChange

    requirement = org["sam"].statuses.get().requirement
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now - datetime.timedelta(days=5))
    factories.make_completion(org["sam"], requirement, source_ref="import batch 1 line 2")
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    client = client_for(org["manager"])
    url = reverse("reports:team_person", args=[org["sam"].pk])
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    html = client.get(url, {"as_at": week_ago, "basis": "as_recorded"}).content.decode()
    assert "Overdue" in html and "Compliant" not in html and "Nothing recorded yet." in html
    two_months_ago = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    # As recorded then, Sam was on no roster: not on Grace's team page for that day, so not hers to open; HR's page
    # says why it is empty.
    as_recorded = {"as_at": two_months_ago, "basis": "as_recorded"}
    assert client.get(url, as_recorded).status_code == 404
    assert "was not on the staff roster" in client_for(hr).get(url, as_recorded).content.decode()
    # As it was, from what we know now: in post since 2020, and overdue then.
    html = client.get(url, {"as_at": two_months_ago}).content.decode()
    assert "was not on the staff roster" not in html and "Overdue" in html
    assert "Compliant" in client.get(url).content.decode()
    response = client.get(url, {"as_at": "soon"})
    html = response.content.decode()
    assert response.status_code == 400 and "The date in the web address must be year-month-day" in html
    assert "<h2>Requirements" not in html and "<h2>History" not in html


def _instances_built(client, url, query=None) -> int:
    """How many model instances (of any model) a request builds."""
    from django.db.models.signals import post_init

    built = []

    def count(sender, **kwargs):
        built.append(sender)

    post_init.connect(count)
    try:
        assert client.get(url, query or {}).status_code == 200
    finally:
        post_init.disconnect(count)
    return len(built)


def test_the_team_page_builds_no_model_instance_per_person(org):
    """People and their standings are read as plain values: ten more people and their rows build nothing more
    (the page used to build a person, their team and a status row for each, 537 instances for 40 people)."""
    client = client_for(org["manager"])
    url = reverse("reports:team")
    _instances_built(client, url)
    before = _instances_built(client, url)
    for n in range(10):
        factories.make_staff(team=org["digital"], first_name=f"Extra{n}")
    refresh()
    assert "Extra9" in client.get(url).content.decode()
    assert _instances_built(client, url) == before


def test_names_are_escaped_in_the_chase_list_and_the_matrix(org):
    factories.make_staff(team=org["comms"], first_name="<b>Bold", last_name="O'Brien")
    refresh()
    html = client_for(org["manager"]).get(reverse("reports:team")).content.decode()
    assert "<b>Bold" not in html
    assert html.count("&lt;b&gt;Bold O&#x27;Brien") == 2  # whom to chase, and everyone's status


def test_each_cell_shows_its_tag_and_date_as_the_date_filter_prints_it(org):
    import datetime

    from django.template.defaultfilters import date as date_filter

    from portal.compliance.models import RequirementStatus

    client = client_for(org["manager"])
    year = timezone.localdate().year + 5  # due, not overdue, whatever year the test runs in
    for month in range(1, 13):
        due = datetime.date(year, month, month + 9)
        RequirementStatus.objects.filter(staff=org["sam"]).update(due_on=due)
        html = client.get(reverse("reports:team"), {"team": org["digital"].pk}).content.decode()
        shown = date_filter(due, "j M Y")
        assert (
            '<td class="nhsuk-table__cell"><strong class="nhsuk-tag nhsuk-tag--grey">Not started</strong>'
            f'<br><span class="nhsuk-body-s">{shown}</span></td>'
        ) in html, shown


def test_team_and_requirement_names_are_escaped_wherever_the_page_writes_them_and_the_chosen_ones_selected(org, hr):
    """The team choices, the requirement filter, the table's columns, the figures and the list to chase are written
    in the view, not the template language: each must still escape what it is given and mark what was chosen."""
    team = factories.make_team('R&D <"Labs">', parent=org["comms"])
    requirement = factories.make_requirement(name="<i>Moving</i> & Handling")
    factories.make_staff(team=team, first_name="Ola", last_name="Owed")
    refresh()
    html = client_for(hr).get(reverse("reports:team"), {"team": team.pk, "requirement": requirement.pk}).content
    html = html.decode()
    assert "<i>Moving" not in html and 'R&D <"Labs">' not in html
    assert f'<option value="{team.pk}" selected>– – R&amp;D &lt;&quot;Labs&quot;&gt;</option>' in html
    assert f'<option value="{requirement.pk}" selected>&lt;i&gt;Moving&lt;/i&gt; &amp; Handling</option>' in html
    assert f'<option value="{org["comms"].pk}">– Communications</option>' in html  # the others, not selected
    header = '<th scope="col" class="nhsuk-table__header">&lt;i&gt;Moving&lt;/i&gt; &amp; Handling</th>'
    assert html.count(header) == 1  # the table's one column, the filter narrowing it to this requirement
    assert 'aria-hidden="true">Requirement </span>&lt;i&gt;Moving&lt;/i&gt; &amp; Handling</td>' in html  # figures
    assert "</strong> &lt;i&gt;Moving&lt;/i&gt; &amp; Handling, was due " in html  # Ola's item to chase
    assert html.count("R&amp;D &lt;&quot;Labs&quot;&gt;") == 5  # the title, the choice, the heading, Ola in both tables
