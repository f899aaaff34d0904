"""What the completions import refuses, by line and value, and what course mappings it accepts: only external courses
take imported completions, and dates are bounded (docs/import-completions.md)."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.compliance.completions import (
    MappingError,
    competence_mapping_save,
    plan_completions,
)
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch, Requirement
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_completions
from tests.compliance.test_completions import ADULTS, esr

people, adults = test_completions.people, test_completions.adults  # the same fixtures

BAD = [
    ('"20001|Jones, Grace","{c}",01/01/0001,', "Completion Date 01/01/0001 is before 01/01/1990"),
    ('"20001|Jones, Grace","{c}",31/12/1989,', "Completion Date 31/12/1989 is before 01/01/1990"),
    ('"20001|Jones, Grace","{c}",01/01/2025,31/12/9999', "Expiry Date 31/12/9999 is later than 01/01/2028"),
    ('"20001|Jones, Grace","{c}",01/01/2025,02/01/2028', "the renewal period of Safeguarding Adults Level 1 is 36"),
    ('"20001|Jones, Grace","{c}",01/01/2025,01/01/2025', "Expiry Date 01/01/2025 is the same day as the Completion"),
    ('"20001|Jones, Grace","{c}",01/01/2025,01/01/2024', "Expiry Date 01/01/2024 is before the Completion Date"),
    ('"20001\x00|Jones, Grace","{c}",01/01/2025,', "Person contains the control character U+0000"),
    ('"20001|Jones, Grace","{c}\u202e",01/01/2025,', "Competence Name contains the hidden character U+202E"),
    ('"20001|Jones, Grace","{c}",01/01/2025\x00,', "Completion Date contains the control character U+0000"),
]


@pytest.mark.parametrize(("line", "message"), BAD, ids=[message[:45] for _, message in BAD])
def test_bad_values_are_named_with_their_line_and_nothing_is_recorded(people, adults, line, message):
    data = esr(f'"20002|Taylor, Sam","{ADULTS}",01/01/2025,', line.format(c=ADULTS))
    batch, plan = import_batch_create(kind="completions", data=data, filename="bad.csv", user=None)
    assert [(n, message in reason) for n, reason in plan.rejected] == [(3, True)], plan.rejected
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.FAILED and "rejected rows" in batch.error
    assert not EvidenceEntry.objects.exists()


def test_the_furthest_dates_allowed_are_recorded(people, adults):
    today = timezone.localdate()
    plan = plan_completions(
        esr(
            f'"20001|Jones, Grace","{ADULTS}",01/01/1990,01/01/1993',
            f'"20002|Taylor, Sam","{ADULTS}",{today:%d/%m/%Y},',
        )
    )
    assert plan.can_apply and len(plan.to_record) == 2, plan.rejected


def test_a_requirement_without_renewal_takes_an_expiry_up_to_ten_years_on(people):
    once = factories.make_requirement(name="Induction", renewal_months=None)
    CompetenceMapping.objects.create(competence_name="Induction", requirement=once)
    plan = plan_completions(
        esr(
            '"20001|Jones, Grace","Induction",01/01/2020,01/01/2030',
            '"20002|Taylor, Sam",Induction,01/01/2020,02/01/2030',
        )
    )
    assert plan.rejected == [
        (
            3,
            "Expiry Date 02/01/2030 is later than 01/01/2030: Induction has no renewal period, and ten years is the "
            "longest accepted",
        )
    ]


def test_a_completions_file_with_nul_bytes_gets_row_errors_not_a_server_error(client, people, adults):
    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(hr))
    data = esr(f'"2000\x001|Jones, Grace","{ADULTS}\x00",01/01/2025,')
    response = client.post(
        reverse("imports:upload", args=["completions"]), {"file": SimpleUploadedFile("nul.csv", data)}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Line 2: Person contains the control character U+0000" in page
    assert not EvidenceEntry.objects.exists()


# --- mapping courses to requirements --------------------------------------------------------------------------------


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def batch(db):
    return ImportBatch.objects.create(kind="completions", filename="c.csv", sha256="0" * 64)


@pytest.mark.parametrize(
    ("requirement", "message"),
    [("abc", "Choose a requirement from the list"), ("", "Choose the requirement this course counts towards")],
)
def test_mapping_to_a_requirement_that_is_not_a_number_is_refused_with_a_message(
    hr_client, batch, requirement, message
):
    response = hr_client.post(
        reverse("imports:map", args=[batch.pk]), {"competence": ADULTS, "requirement": requirement}
    )
    assert response.status_code == 302 and _messages(response) == [message]
    assert not CompetenceMapping.objects.exists()


def test_a_course_cannot_be_mapped_to_a_policy_attestation_by_a_crafted_post(hr_client, batch, policy):
    attest = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    module = factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE)
    for requirement in (attest, module):
        response = hr_client.post(
            reverse("imports:map", args=[batch.pk]), {"competence": ADULTS, "requirement": requirement.pk}
        )
        assert set(_messages(response)) == {"Choose a requirement from the list"}
    assert not CompetenceMapping.objects.exists()


def test_the_service_and_the_cms_refuse_a_mapping_to_anything_but_an_external_course(db, policy):
    attest = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    with pytest.raises(MappingError, match="not an external course"):
        competence_mapping_save(competence=ADULTS, requirement=attest, user=None)
    with pytest.raises(MappingError, match="contains the control character U\\+0000"):
        competence_mapping_save(competence="Fire\x00", requirement=factories.make_requirement(), user=None)
    with pytest.raises(ValidationError, match="Choose an external course"):
        CompetenceMapping(competence_name=ADULTS, requirement=attest).full_clean()
    assert not CompetenceMapping.objects.exists()


def test_an_import_refuses_rows_for_a_mapping_made_before_the_rule(people, policy):
    """A mapping to the policy attestation made earlier (or by hand in the database) records no attestation without a
    policy version: its rows are refused until HR maps the course to an external course."""
    attest = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=attest)
    batch, plan = import_batch_create(
        kind="completions", data=esr(f'"20001|Jones, Grace","{ADULTS}",01/01/2025,'), filename="c.csv", user=None
    )
    assert plan.rejected == [
        (
            2,
            f"'{ADULTS}' is mapped to Social media policy, which is not an external course: only external courses take "
            "imported completions. Change the course mapping.",
        )
    ]
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.FAILED and "rejected rows" in batch.error
    assert not EvidenceEntry.objects.filter(requirement=attest).exists()


def test_the_mapping_form_offers_only_external_courses(hr_client, people, adults, policy):
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE)
    CompetenceMapping.objects.all().delete()
    response = hr_client.post(
        reverse("imports:upload", args=["completions"]),
        {"file": SimpleUploadedFile("c.csv", esr(f'"20001|Jones, Grace","{ADULTS}",01/01/2025,'))},
    )
    page = hr_client.get(response["Location"]).content.decode()
    assert "Safeguarding Adults Level 1</option>" in page
    assert "Social media policy</option>" not in page and "Social media module</option>" not in page
    assert "0 rejected rows" in page  # the row waits for its mapping
