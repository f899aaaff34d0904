"""What people must do, and on which page, is checked whichever way a requirement is saved: attesting needs a
policy and completing a module needs a module (HR's form, the CMS's snippet pages, the service), and once evidence
or a re-attestation round names a requirement, its kind and page stay as they are (evidence for one policy must not
count towards another): HR adds a new requirement and retires this one. Before then, a change is a standing change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.models import ReattestationRound, Requirement, RequirementStatus
from portal.compliance.services import requirement_save
from tests import factories
from tests.compliance.test_requirement_admin import editor, editor_client  # noqa: F401 - fixtures
from tests.compliance.test_requirement_pages import _form as hr_form

LONG_AGO = datetime.date(2015, 4, 1)
REFUSED = "add a new requirement for the new policy, module or course and retire this one"


@pytest.fixture
def clerk(db):
    return factories.make_staff(start_date=LONG_AGO)


@pytest.fixture
def other_policy(home_page):
    return factories.make_policy(parent=home_page, title="Information Governance Policy")


def _url(name, *args):
    return reverse(f"wagtailsnippets_compliance_requirement:{name}", args=args)


def _cms_form(**overrides) -> dict:
    data = {
        "name": "Social media policy",
        "kind": Requirement.ATTEST_POLICY,
        "page": "",
        "applies_to_everyone": "on",
        "staff_groups": "[]",
        "job_title_patterns": "[]",
        "reminder_days": "[14]",
        "introduced_on": timezone.localdate().isoformat(),
        "renewal_months": "12",
        "new_starter_days": "28",
        "active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- the page the kind needs, in the CMS ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "page", "message"),
    [
        (Requirement.ATTEST_POLICY, None, "Choose the policy people must attest to"),
        (Requirement.ATTEST_POLICY, "module", "Choose the policy people must attest to"),
        (Requirement.COMPLETE_MODULE, None, "Choose the module people must complete"),
        (Requirement.COMPLETE_MODULE, "policy", "Choose the module people must complete"),
    ],
)
def test_the_cms_refuses_a_page_its_kind_cannot_use(clerk, editor_client, policy, module_page, kind, page, message):  # noqa: F811
    pages = {None: "", "policy": str(policy.pk), "module": str(module_page.pk)}

    response = editor_client.post(_url("add"), _cms_form(kind=kind, page=pages[page]))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Requirement.objects.exists()
    assert not RequirementStatus.objects.exists()


def test_the_cms_adds_a_policy_attestation_that_names_a_policy(clerk, editor_client, policy):  # noqa: F811
    response = editor_client.post(_url("add"), _cms_form(page=str(policy.pk)))

    assert response.status_code == 302, response.content.decode()[:2000]
    requirement = Requirement.objects.get()
    assert requirement.page_id == policy.pk
    assert RequirementStatus.objects.filter(requirement=requirement, staff=clerk).exists()


def test_the_cms_refuses_an_edit_that_leaves_an_attestation_without_its_policy(clerk, editor_client, policy):  # noqa: F811
    requirement = factories.make_requirement(name="Fire safety")  # an external course: no page

    response = editor_client.post(
        _url("edit", requirement.pk), _cms_form(name="Fire safety", kind=Requirement.ATTEST_POLICY)
    )

    assert response.status_code == 200
    assert "Choose the policy people must attest to" in response.content.decode()
    assert Requirement.objects.get().kind == Requirement.EXTERNAL_COURSE


def test_the_service_refuses_a_module_requirement_on_a_policy(db, policy):
    requirement = Requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=policy)

    with pytest.raises(ValidationError) as error:
        requirement_save(requirement=requirement, user=None)

    assert error.value.message_dict["page"] == ["Choose the module people must complete"]
    assert not Requirement.objects.exists()


# --- once on the record, what people must do stays as it is -----------------------------------------------------


@pytest.fixture
def attestation(clerk, policy):
    """An attestation requirement on `policy`, with a completion recorded against it."""
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    factories.make_completion(clerk, requirement)
    return requirement


def test_another_policy_is_refused_once_evidence_is_recorded(attestation, other_policy):
    attestation.page = other_policy

    with pytest.raises(ValidationError) as error:
        requirement_save(requirement=attestation, user=None)

    assert REFUSED in error.value.message_dict["page"][0]
    attestation.refresh_from_db()
    assert attestation.page_id != other_policy.pk
    assert not AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).exists()


def test_another_kind_is_refused_once_evidence_is_recorded(clerk, module_page):
    course = factories.make_requirement(name="Social media course")
    factories.make_completion(clerk, course)
    course.kind, course.page = Requirement.COMPLETE_MODULE, module_page

    with pytest.raises(ValidationError) as error:
        requirement_save(requirement=course, user=None)

    assert REFUSED in error.value.message_dict["kind"][0]
    assert Requirement.objects.get(pk=course.pk).kind == Requirement.EXTERNAL_COURSE


def test_another_policy_is_refused_once_a_round_is_open(db, policy, other_policy):
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = factories.make_snapshot(policy)
    ReattestationRound.objects.create(
        requirement=requirement,
        snapshot=snapshot,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        reason="Rewritten",
    )
    requirement.page = other_policy

    with pytest.raises(ValidationError):
        requirement_save(requirement=requirement, user=None)

    assert Requirement.objects.get(pk=requirement.pk).page_id == policy.pk


def test_before_any_evidence_another_policy_is_a_standing_change(clerk, policy, other_policy):
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    requirement_save(requirement=requirement, user=None)  # everyone's row

    requirement.page = other_policy
    changes = requirement_save(requirement=requirement, user=None)

    assert changes == {"page": [policy.pk, other_policy.pk]}
    entry = AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).order_by("-pk").first()
    assert entry.detail["people"] == 1  # the clerk's status refreshed
    assert RequirementStatus.objects.filter(requirement=requirement, staff=clerk).exists()


def test_hrs_form_names_the_refusal_on_the_field(attestation, other_policy, hr_client):
    response = hr_client.post(
        reverse("requirements:edit", args=[attestation.pk]),
        hr_form(name=attestation.name, kind=attestation.kind, page=other_policy.pk, introduced_on="2000-01-01"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and REFUSED in page and 'href="#id_page"' in page
    assert Requirement.objects.get(pk=attestation.pk).page_id == attestation.page_id


def test_the_cms_names_the_refusal_and_changes_nothing(attestation, other_policy, editor_client):  # noqa: F811
    response = editor_client.post(
        _url("edit", attestation.pk), _cms_form(name=attestation.name, page=str(other_policy.pk))
    )

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert Requirement.objects.get(pk=attestation.pk).page_id == attestation.page_id
    assert not AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).exists()


def test_the_rest_of_a_requirement_with_evidence_can_still_change(attestation, editor_client):  # noqa: F811
    response = editor_client.post(
        _url("edit", attestation.pk),
        _cms_form(name=attestation.name, page=str(attestation.page_id), renewal_months="24"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Requirement.objects.get(pk=attestation.pk).renewal_months == 24
