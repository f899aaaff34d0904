"""Every page of an evidence pack says, at its foot, which clock its day is read on, as well as the day: a page of
people printed alone and handed to an inspector says whether it is the day as it was (which a later fact may change)
or as recorded then. Before, the footer said 'as at 2026-10-27' on both, so a page of one pack could not be told
from the same day's page of the other, whose statuses may differ, without its cover."""

import datetime

import pytest
from django.utils import timezone

from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests.reports import test_team_history_packs
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_made
from tests.reports.test_pack_footer_long_team import _footer_words
from tests.reports.test_pdf_long_and_rare_names import _letters

# The organisation as the roster recorded it 500 days ago, each test's own private storage.
history, _private_media = test_team_history_packs.history, test_team_history_packs._private_media


def _day():
    return timezone.localdate() - datetime.timedelta(days=40)


@pytest.mark.parametrize(("basis", "words"), [(AS_IT_WAS, "as it was"), (AS_RECORDED, "as recorded then")])
def test_each_page_of_a_pack_names_its_day_and_its_clock(history, hr, basis, words):
    pack = pack_made(client_for(hr), history["comms"], _day(), basis)
    footer = _letters(f"NHS Warrington CCG. Evidence pack {pack.pk}: Communications as at {_day():%Y-%m-%d}, {words}.")
    pages = _footer_words(pack.pdf.path)
    assert len(pages) >= 3  # the cover, the people, the manifest
    for number, found in enumerate(pages, start=1):
        assert _letters("".join(word for _, _, word in found)) == footer, number
