"""An export "as recorded then" writes each person's staff group and employment type as the roster gave them then,
as it writes their team as the tree stood then. It wrote today's: so an agency nurse made substantive, or someone
whose staff group ESR corrected, changed an export about last month made "as recorded then", which never changes
(invariant 3), and an evidence pack's CSV made then no longer matched one made again."""

import datetime

from django.db.models import F
from django.utils import timezone

from portal.compliance import projection
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange
from portal.reports.basis import AS_RECORDED
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.test_exports_clocks import CSV, _by_name, _csv


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def test_an_export_as_recorded_then_keeps_the_staff_group_and_employment_of_then(org, hr):
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    sam = org["sam"]
    assert (sam.staff_group, sam.employment_type) == ("Administrative and Clerical", "agency")
    sam.staff_group, sam.employment_type = "Nursing and Midwifery Registered", "substantive"
    sam.save()
    staff_changes_record([sam])  # recorded now, in effect from today
    projection.refresh(staff_ids=[sam.pk])
    client = client_for(hr)

    then = _by_name(_csv(client.get(CSV, {"team": org["comms"].pk, "as_at": yesterday(), "basis": AS_RECORDED})))
    now = _by_name(_csv(client.get(CSV, {"team": org["comms"].pk})))

    assert then["Sam Digital"][2:5] == ["Digital", "Administrative and Clerical", "Agency"]
    assert now["Sam Digital"][2:5] == ["Digital", "Nursing and Midwifery Registered", "Substantive"]
