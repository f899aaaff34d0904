"""A completion dated before the person started here: the national e-learning record follows a person between NHS
employers, so a new starter's export carries courses done in their last post. They count, as the national record
says, and are recorded with the day they were done; only a day in the future or before 1990 is refused."""

import datetime

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, RequirementStatus
from tests import factories

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"


def test_a_course_done_in_a_previous_post_is_recorded(db, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    starter = factories.make_staff(employee_number="20001", start_date=datetime.date(2025, 9, 1))
    data = f"Employee Number,Competence Name,Achievement Date\r\n20001,{ADULTS},15/03/2024\r\n".encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    assert plan.can_apply and [row.completed_on for row in plan.to_record] == [datetime.date(2024, 3, 15)]
    import_batch_apply(batch=batch, user=None, background=False)
    entry = EvidenceEntry.objects.get()
    assert (entry.staff, entry.completed_at.date()) == (starter, datetime.date(2024, 3, 15))
    status = RequirementStatus.objects.get(staff=starter, requirement=requirement)
    assert status.expires_on == datetime.date(2027, 3, 15)
