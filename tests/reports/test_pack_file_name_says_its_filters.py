"""An evidence pack made from a filtered organisation report is named for its filters, as the exports are
(`compliance-...-<requirement>-<staff group>.csv`): before, a pack of one requirement for the nurses and a pack of
everyone for the same team and day downloaded as 'evidence-pack-COMMS-2026-12-07-as-it-was-7.pdf' and '...-8.pdf',
which an inspector holding both could tell apart only by opening them. The requirement is named as it stood on the
pack's day (as the pack's cover names it), whatever it is called now."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.compliance.services.requirements import requirement_save
from portal.reports.models import EvidencePack
from tests.reports.conftest import client_for
from tests.reports.test_pack_detail_filters import NURSES, _pack


def _stem(pack) -> str:
    return f"evidence-pack-{pack.team.code}-{pack.as_at:%Y-%m-%d}-as-it-was"


@pytest.mark.parametrize(
    ("filtered", "words"),
    [
        ({}, ""),
        ({"staff_group": NURSES}, "-nursing-and-midwifery-registered"),
        ({"requirement": True}, "-safeguarding-adults-level-1"),
        ({"requirement": True, "staff_group": NURSES}, "-safeguarding-adults-level-1-nursing-and-midwifery-registered"),
    ],
    ids=["everyone", "staff group", "requirement", "both"],
)
def test_a_packs_name_says_what_it_is_narrowed_to(org, hr, filtered, words):
    if filtered.get("requirement"):
        filtered = {**filtered, "requirement": org["sam"].statuses.get().requirement}
    pack = _pack(org, hr, **filtered)
    assert pack.stem == f"{_stem(pack)}{words}-{pack.pk}"


def test_the_requirement_is_named_as_it_stood_on_the_packs_day(org, hr):
    requirement = org["sam"].statuses.get().requirement
    pack = _pack(org, hr, requirement=requirement)
    requirement.name = "Safeguarding Adults (renamed)"
    requirement_save(requirement=requirement, user=hr.user)
    pack = EvidencePack.objects.get(pk=pack.pk)
    assert pack.stem == f"{_stem(pack)}-safeguarding-adults-level-1-{pack.pk}"


def test_the_download_carries_the_name(org, hr):
    pack = _pack(org, hr, requirement=org["sam"].statuses.get().requirement, staff_group=NURSES)
    pack.csv.save("made.csv", ContentFile(b"a\n"))
    response = client_for(hr).get(reverse("exports:pack_csv", args=[pack.pk]))
    narrowed = "safeguarding-adults-level-1-nursing-and-midwifery-registered"
    assert response["Content-Disposition"] == f'attachment; filename="{_stem(pack)}-{narrowed}-{pack.pk}.csv"'
