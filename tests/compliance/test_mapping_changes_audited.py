"""Every change to a course mapping is written to the audit log ("Changed a course mapping", with what changed), in
the transaction that makes it, whichever door it came through: HR's batch page, the CMS's add, edit, delete and
bulk delete, and a requirement's delete (which takes its mappings with it). Before, none was: a mapping re-pointed in
the CMS, which sends every later import's completions of the course elsewhere, left no trace but its `created_by`,
and that was overwritten with whoever re-pointed it, so who made it was lost too."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance import mappings
from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping
from tests import factories

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"
OTHER = "NHS|CSTF|Moving and Handling - Level 1|"


@pytest.fixture
def courses(db):
    return factories.make_requirement(name="Fire safety"), factories.make_requirement(name="Fire safety Level 2")


@pytest.fixture
def maker(db):
    return factories.make_user(first_name="Maud", last_name="Maker")


def _lines() -> list[tuple[str, dict]]:
    return [
        (event.scope, event.detail)
        for event in AuditEvent.objects.filter(action=AuditEvent.MAPPING_CHANGED).order_by("pk")
    ]


def _snippet_url(name, *args):
    return reverse(f"wagtailsnippets_compliance_competencemapping:{name}", args=args)


def test_the_audit_action_reads_as_a_change_to_a_course_mapping():
    assert dict(AuditEvent.ACTION_CHOICES)[AuditEvent.MAPPING_CHANGED] == "Changed a course mapping"


def test_a_course_mapped_from_hrs_batch_page_is_audited(hr_client, courses):
    fire, _ = courses
    staff = factories.make_staff()
    data = f"Person,Competence Name,Achievement Date\r\n{staff.employee_number},{COURSE},15/01/2026\r\n".encode()
    batch, _ = import_batch_create(kind="completions", data=data, filename="esr.csv", user=None)

    hr_client.post(reverse("imports:map", args=[batch.pk]), {"competence": COURSE, "requirement": fire.pk})
    hr_client.post(reverse("imports:map", args=[batch.pk]), {"competence": COURSE, "requirement": fire.pk})  # again

    assert _lines() == [(COURSE, {"course": COURSE, "change": "added", "requirement": "Fire safety"})]
    assert AuditEvent.objects.get(action=AuditEvent.MAPPING_CHANGED).actor is not None


def test_a_mapping_added_in_the_cms_is_audited(cms, courses):
    fire, _ = courses
    response = cms.post(_snippet_url("add"), {"competence_name": COURSE, "requirement": fire.pk})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _lines() == [(COURSE, {"course": COURSE, "change": "added", "requirement": "Fire safety"})]


def test_a_mapping_re_pointed_in_the_cms_keeps_who_made_it_and_says_what_changed(cms, courses, maker):
    fire, level_2 = courses
    mapping = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire, created_by=maker)

    response = cms.post(_snippet_url("edit", mapping.pk), {"competence_name": COURSE, "requirement": level_2.pk})

    assert response.status_code == 302, response.content.decode()[:2000]
    mapping.refresh_from_db()
    assert (mapping.requirement, mapping.created_by) == (level_2, maker)
    assert _lines() == [
        (
            COURSE,
            {
                "course": COURSE,
                "change": "changed",
                "requirement_before": "Fire safety",
                "requirement": "Fire safety Level 2",
            },
        )
    ]


def test_a_mapping_renamed_in_the_cms_names_the_course_before(cms, courses):
    fire, _ = courses
    mapping = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)
    renamed = "NHS|CSTF|Fire Safety - 3 Years|"

    cms.post(_snippet_url("edit", mapping.pk), {"competence_name": renamed, "requirement": fire.pk})

    assert _lines() == [
        (renamed, {"course": renamed, "change": "changed", "course_before": COURSE, "requirement": "Fire safety"})
    ]


def test_a_mapping_saved_unchanged_in_the_cms_writes_no_line(cms, courses):
    fire, _ = courses
    mapping = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)

    assert cms.post(_snippet_url("edit", mapping.pk), {"competence_name": COURSE, "requirement": fire.pk}).status_code
    assert _lines() == []


def test_a_mapping_deleted_in_the_cms_is_audited(cms, courses):
    fire, _ = courses
    mapping = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)

    assert cms.post(_snippet_url("delete", mapping.pk)).status_code == 302

    assert not CompetenceMapping.objects.exists()
    assert _lines() == [(COURSE, {"course": COURSE, "change": "deleted", "requirement": "Fire safety"})]


def test_mappings_deleted_together_in_the_cms_are_each_audited(cms, courses):
    fire, level_2 = courses
    first = CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)
    second = CompetenceMapping.objects.create(competence_name=OTHER, requirement=level_2)
    url = reverse("wagtail_bulk_action", args=["compliance", "competencemapping", "delete"])

    response = cms.post(f"{url}?id={first.pk}&id={second.pk}&next=/cms/")

    assert response.status_code == 302
    assert not CompetenceMapping.objects.exists()
    assert sorted(_lines()) == [
        (COURSE, {"course": COURSE, "change": "deleted", "requirement": "Fire safety"}),
        (OTHER, {"course": OTHER, "change": "deleted", "requirement": "Fire safety Level 2"}),
    ]


def test_a_requirement_deleted_in_the_cms_audits_the_mappings_it_takes(cms, courses):
    fire, _ = courses
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)
    url = reverse("wagtailsnippets_compliance_requirement:delete", args=[fire.pk])

    assert cms.post(url).status_code == 302

    assert not CompetenceMapping.objects.exists()
    assert _lines() == [(COURSE, {"course": COURSE, "change": "deleted", "requirement": "Fire safety"})]


def test_the_audit_line_is_written_in_the_mappings_transaction(courses, monkeypatch):
    fire, _ = courses

    def audit_down(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(mappings, "audit_record", audit_down)
    with pytest.raises(RuntimeError):
        mappings.competence_mapping_save(competence=COURSE, requirement=fire, user=None)

    assert not CompetenceMapping.objects.exists()


def test_the_cms_says_which_mapping_it_added_with_a_link_to_edit_it(cms, courses):
    """The add page's message links to the mapping saved: the service's, not the form's unsaved copy (before, the
    message had no Edit button, its mapping having no id)."""
    fire, _ = courses

    response = cms.post(_snippet_url("add"), {"competence_name": COURSE, "requirement": fire.pk}, follow=True)

    mapping = CompetenceMapping.objects.get()
    shown = " ".join(str(message.message) for message in response.context["messages"])
    assert f'href="{_snippet_url("edit", mapping.pk)}"' in shown
