"""The organisation hierarchy import: the dry run names what will be added, renamed and moved, and every problem by
line and column; applying (through the pipeline's task) makes exactly those changes, audited, and the status of the
people in a moved team follows the requirements of its new place."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance import projection
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch, RequirementStatus
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from portal.people.roles import hr_group
from tests import factories
from tests.command_line import command_line_by

HEADER = "Organisation Code,Organisation Name,Parent Organisation Code,Hierarchy Level"


def esr(*rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.fixture
def tree(db):
    trust = Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    corporate = trust.add_child(code="RX1-C", name="Corporate", kind=Team.DIRECTORATE)
    Team.objects.get(pk=trust.pk).add_child(code="RX1-M", name="Medicine", kind=Team.DIRECTORATE)
    finance = Team.objects.get(pk=corporate.pk).add_child(code="RX1-F", name="Finance", kind=Team.TEAM)
    return {"trust": trust, "corporate": corporate, "finance": finance}


def test_an_empty_portal_gets_its_tree_from_the_file_with_kinds_by_level_or_depth(db):
    data = esr(
        "RX1,Example Trust,,",
        "RX1-C,Corporate,RX1,Directorate",
        "RX1-BI,Business Intelligence,RX1-C,",  # no level: a team, by its depth
        "RX1-BI-D,Data Quality,RX1-BI,4",
    )
    plan = plan_organisation(data)
    assert plan.can_apply and [(r.code, r.kind) for r in plan.to_create] == [
        ("RX1", "organisation"),
        ("RX1-C", "directorate"),
        ("RX1-BI", "team"),
        ("RX1-BI-D", "sub_team"),
    ]
    batch, _ = import_batch_create(kind="organisation", data=data, filename="org.csv", user=None)
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.DONE and batch.summary["created"] == 4
    quality = Team.objects.get(code="RX1-BI-D")
    assert [t.code for t in quality.get_ancestors()] == ["RX1", "RX1-C", "RX1-BI"]
    assert AuditEvent.objects.filter(action=AuditEvent.TEAM_CHANGED).count() == 4
    _, plan = import_batch_create(kind="organisation", data=data, filename="org.csv", user=None)
    assert plan.summary["unchanged"] == 4 and not (plan.to_create or plan.to_rename or plan.to_move)


def test_renames_and_moves_are_shown_then_made_and_the_moved_teams_people_follow_their_new_requirements(tree):
    medicine_only = factories.make_requirement(name="Medicines management", applies_to_everyone=False)
    medicine_only.teams.set([Team.objects.get(code="RX1-M")])
    ann = factories.make_staff(team=tree["finance"])
    projection.refresh()
    assert not RequirementStatus.objects.filter(staff=ann, requirement=medicine_only).exists()
    data = esr("rx1-f,Finance and Procurement,RX1-M,", "RX1-C,Corporate,RX1,")
    plan = plan_organisation(data)
    assert [(t.code, r.name) for t, r in plan.to_rename] == [("RX1-F", "Finance and Procurement")]
    assert [(t.code, old, r.parent_code) for t, r, old in plan.to_move] == [("RX1-F", "RX1-C", "RX1-M")]
    assert plan.unchanged == 1
    batch, _ = import_batch_create(kind="organisation", data=data, filename="org.csv", user=None)
    import_batch_apply(batch=batch, user=None)
    finance = Team.objects.get(pk=tree["finance"].pk)
    assert (finance.code, finance.name, finance.get_parent().code) == ("rx1-f", "Finance and Procurement", "RX1-M")
    assert RequirementStatus.objects.filter(staff=ann, requirement=medicine_only).exists()
    assert batch.summary["people_refreshed"] == 1


BAD = [
    (",Nameless,RX1,", "Line 2: Organisation Code is empty"),
    ("RX1-X,,RX1,", "Line 2: Organisation Name is empty"),
    ("RX1-X,Unknown parent,RX9,", "Line 2: Parent Organisation Code 'RX9' is neither in the file nor a known team"),
    ("RX1-X,Self,RX1-X,", "Line 2: Organisation 'RX1-X' is its own parent"),
    ("RX1-X,Bad level,RX1,Ward", "Line 2: Hierarchy Level 'Ward' is not Organisation, Directorate, Team"),
    ("RX1-X,Hidden\u202ename,RX1,", "Line 2: Organisation Name contains the hidden character U+202E"),
    ("RX1-X," + "n" * 201 + ",RX1,", "Line 2: Organisation Name is longer than 200 characters"),
]


@pytest.mark.parametrize(("line", "message"), BAD, ids=[m[8:50] for _, m in BAD])
def test_bad_rows_are_named_by_line_and_column_and_nothing_changes(tree, line, message):
    plan = plan_organisation(esr(line))
    assert not plan.can_apply
    assert len(plan.rejected) == 1 and f"Line {plan.rejected[0][0]}: {plan.rejected[0][1]}".startswith(message)


def test_a_duplicate_code_and_a_cycle_are_named(tree):
    plan = plan_organisation(esr("RX1-A,A,RX1,", "rx1-a,Again,RX1,"))
    assert plan.rejected == [(3, "Organisation Code 'rx1-a' is already on line 2")]
    # Corporate under Finance, which is under Corporate: a cycle through the portal's own tree
    plan = plan_organisation(esr("RX1-C,Corporate,RX1-F,"))
    assert plan.problems == ["Parent cycle: RX1-C (line 2) → RX1-F → RX1-C (line 2)"] and not plan.can_apply
    batch, _ = import_batch_create(kind="organisation", data=esr("RX1-C,Corporate,RX1-F,"), filename="o.csv", user=None)
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    assert Team.objects.get(code="RX1-C").get_parent().code == "RX1"


def test_a_closed_parent_and_a_move_to_the_top_are_refused_by_the_dry_run(tree):
    Team.objects.filter(code="RX1-M").update(closed_on=datetime.date(2026, 1, 31))
    plan = plan_organisation(esr("RX1-N,New ward,RX1-M,", "RX1-F,Finance,,"))
    assert plan.rejected == [
        (2, "Parent Organisation Code 'RX1-M' is Medicine, which closed on 31/01/2026: choose an open team"),
        (
            3,
            "Parent Organisation Code is empty, but Finance sits under RX1-C: give its parent (a team cannot be moved "
            "to the top of the tree)",
        ),
    ]


def test_hr_imports_the_tree_from_the_page_and_the_command_line_is_audited(client, tree, tmp_path, settings):
    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(hr))
    upload = SimpleUploadedFile("org.csv", esr("RX1-BI,Business Intelligence,RX1-C,"))
    batch_url = client.post(reverse("imports:upload", args=["organisation"]), {"file": upload})["Location"]
    page = client.get(batch_url).content.decode()
    assert "1 to add" in page and "Business Intelligence" in page and "Apply these changes to the teams" in page
    batch = ImportBatch.objects.get()
    done = client.post(reverse("imports:apply", args=[batch.pk]), follow=True).content.decode()
    assert "Organisation applied: 1 teams added, 0 renamed, 0 moved." in done
    assert Team.objects.get(code="RX1-BI").get_parent().code == "RX1-C"

    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    path = tmp_path / "org.csv"
    path.write_bytes(esr("RX1-BI,BI and Analytics,RX1-C,"))
    call_command("import_file", "organisation", str(path), "--apply", stdout=io.StringIO())
    event = AuditEvent.objects.filter(action=AuditEvent.IMPORT).latest("pk")
    assert (event.actor_name, event.scope, event.detail["renamed"]) == (
        command_line_by("import_file"),
        "Organisation org.csv",
        1,
    )
    assert Team.objects.get(code="RX1-BI").name == "BI and Analytics"
