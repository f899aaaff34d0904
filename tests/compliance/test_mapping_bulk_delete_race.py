"""The listing's bulk delete of course mappings, sent after one of the mappings picked was deleted by someone else
(its own delete page, in another tab or by a colleague): the rest are deleted, each with its audit line, and the one
already gone is skipped, as Wagtail's bulk delete skips it for other snippets; it is not deleted or audited twice."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.text import capfirst

from portal.audit.models import AuditEvent
from portal.compliance.models import CompetenceMapping
from tests import factories
from tests.compliance.test_requirement_admin import editor, editor_client  # noqa: F401 - fixtures

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"
OTHER = "NHS|CSTF|Moving and Handling - Level 1|"


@pytest.fixture(autouse=True)
def editors_map_courses(db):
    """The CMS editors (`editor`, as in test_requirement_admin) are trusted with course mappings."""
    Group.objects.get(name="Editors").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="compliance",
            codename__in=["add_competencemapping", "change_competencemapping", "delete_competencemapping"],
        )
    )


def test_a_bulk_delete_sent_after_one_mapping_was_deleted_elsewhere_deletes_the_rest(editor_client, cms):  # noqa: F811
    fire = factories.make_requirement(name="Fire safety")
    kept, gone = (
        CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire),
        CompetenceMapping.objects.create(competence_name=OTHER, requirement=fire),
    )
    bulk = reverse("wagtail_bulk_action", args=["compliance", "competencemapping", "delete"])
    bulk = f"{bulk}?id={kept.pk}&id={gone.pk}&next=/cms/"
    assert editor_client.get(bulk).status_code == 200  # the confirmation page, naming both
    delete_page = reverse("wagtailsnippets_compliance_competencemapping:delete", args=[gone.pk])
    assert cms.post(delete_page).status_code == 302  # someone else deletes one of them meanwhile

    response = editor_client.post(bulk)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not CompetenceMapping.objects.exists()
    deleted = AuditEvent.objects.filter(action=AuditEvent.MAPPING_CHANGED, detail__change="deleted")
    assert sorted(deleted.values_list("scope", flat=True)) == sorted([COURSE, OTHER])  # each once
    shown = [str(message.message) for message in get_messages(response.wsgi_request)]
    assert shown == [
        f"{capfirst(CompetenceMapping._meta.verbose_name)} '{kept}' deleted."
    ]  # the one this form deleted, not two
