"""A requirement an evidence pack was filtered to cannot be deleted: the pack names it (PROTECT), and the pack is
evidence given to someone. Before, the CMS's delete of such a requirement (no evidence, certificate or round against
it, so `requirement_delete` let it through) was a server error. It is refused in words naming the pack and
suggesting retiring it, and the refusal changes nothing: the requirement keeps its course mappings and no audit line
is written, for the requirement or its mappings."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.models import CompetenceMapping, Requirement, RequirementStatus
from portal.compliance.services import RequirementError, requirement_delete
from portal.reports.models import EvidencePack
from tests import factories

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"


@pytest.fixture
def named_by_a_pack(db):
    fire = factories.make_requirement(name="Fire safety")
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=fire)
    EvidencePack.objects.create(
        team=factories.make_team(name="Estates"),
        as_at=datetime.date(2026, 3, 2),
        cutoff=timezone.now(),
        requirement=fire,
        requested_by=factories.make_user(),
    )
    return fire


def _refusal(pack_team) -> str:
    return (
        f"“Fire safety” is named by an evidence pack (Evidence pack for {pack_team} as at 02 Mar 2026), so it cannot "
        "be deleted: retire it instead by unticking “Active”. People keep their history, and it stops counting "
        "from then on."
    )


def test_the_cms_refuses_in_words_and_changes_nothing(cms, named_by_a_pack):
    statuses = RequirementStatus.objects.filter(requirement=named_by_a_pack).count()
    url = reverse("wagtailsnippets_compliance_requirement:delete", args=[named_by_a_pack.pk])

    response = cms.post(url)

    assert response.status_code == 302
    pack = EvidencePack.objects.get()
    assert _refusal(pack.team) in [str(message) for message in get_messages(response.wsgi_request)]
    assert Requirement.objects.filter(pk=named_by_a_pack.pk).exists()
    assert list(CompetenceMapping.objects.values_list("competence_name", "requirement")) == [
        (COURSE, named_by_a_pack.pk)
    ]
    assert RequirementStatus.objects.filter(requirement=named_by_a_pack).count() == statuses
    assert not AuditEvent.objects.filter(
        action__in=[AuditEvent.REQUIREMENT_CHANGED, AuditEvent.MAPPING_CHANGED]
    ).exists()


def test_the_service_refuses_it_the_same(named_by_a_pack):
    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=named_by_a_pack, user=None)

    assert str(refused.value) == _refusal(EvidencePack.objects.get().team)
    assert CompetenceMapping.objects.filter(requirement=named_by_a_pack).exists()


def test_a_requirement_no_pack_names_is_still_deleted_with_its_mappings(cms, named_by_a_pack):
    EvidencePack.objects.update(requirement=None)  # a pack of every requirement names none

    assert cms.post(reverse("wagtailsnippets_compliance_requirement:delete", args=[named_by_a_pack.pk])).status_code
    assert not Requirement.objects.filter(pk=named_by_a_pack.pk).exists()
    assert not CompetenceMapping.objects.exists()
