"""An evidence pack's files are named for their clock as well as their day, as the exports' are
(`...-as-it-was.csv`, `...-as-recorded-then.csv`): the pack's CSV twin holds only its columns and rows, so its name
is the one place it says which clock its day was read on. Before, the pack as it was and the pack as recorded then
for the same team and day downloaded as 'evidence-pack-COMMS-2026-10-27-7.csv' and '...-8.csv', which an auditor
holding both could tell apart only by opening the PDFs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests.reports import test_team_history_packs
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_made

# The organisation as the roster recorded it 500 days ago, each test's own private storage.
history, _private_media = test_team_history_packs.history, test_team_history_packs._private_media


def _day():
    return timezone.localdate() - datetime.timedelta(days=40)


@pytest.mark.parametrize(("basis", "words"), [(AS_IT_WAS, "as-it-was"), (AS_RECORDED, "as-recorded-then")])
def test_a_packs_downloads_are_named_for_its_day_and_clock(history, hr, basis, words):
    client = client_for(hr)
    pack = pack_made(client, history["comms"], _day(), basis)
    stem = f"evidence-pack-{history['comms'].code}-{_day():%Y-%m-%d}-{words}-{pack.pk}"
    for kind in ("pdf", "csv"):
        response = client.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        assert response["Content-Disposition"] == f'attachment; filename="{stem}.{kind}"'
