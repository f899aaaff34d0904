"""An evidence pack's footer stays in its 0.8 cm on every page, at its 7.5 pt, whatever the organisation's name
(PORTAL_ORGANISATION_NAME, a setting of any length): the footer cuts it with an ellipsis, as it cuts a long team's
name (test_pack_footer_long_team.py), and the whole name is on the cover. Before, a long name pushed the footer of
the people's pages onto a third line below the page's bottom, and xhtml2pdf shrank the cover's and the manifest's.
The longest names of NHS bodies print whole."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.reports.models import EvidencePack
from portal.reports.pdf import footer_organisation, footer_team
from portal.reports.tasks import evidence_pack_build_task
from tests.reports.test_pack_footer_long_team import FOOTER_BOTTOM, FOOTER_TOP, _footer_words
from tests.reports.test_pack_footer_long_team import NAME as TEAM
from tests.reports.test_pdf_long_and_rare_names import _letters, _read

ORGANISATION = (
    "Northern Lincolnshire, Humber, Coast and Vale Community, Mental Health and Learning Disability Services "
    "Partnership NHS Foundation Trust Hospitals Group"
)


@pytest.mark.parametrize(
    "name",
    [
        "NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board",
        "Birmingham and Solihull Mental Health NHS Foundation Trust",
        "NHS Warrington CCG",
    ],
)
def test_an_nhs_body_s_name_prints_whole(name):
    assert footer_organisation(name) == name


def test_a_long_organisation_name_keeps_the_footer_within_its_height(org, hr, private_media, settings, capsys):
    settings.PORTAL_ORGANISATION_NAME = ORGANISATION
    org["comms"].name = TEAM  # the longest a team's name may be, too
    org["comms"].save()
    refresh()
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )

    evidence_pack_build_task.call(pack.pk)

    pack.refresh_from_db()
    assert pack.status == EvidencePack.DONE, pack.error
    short = footer_organisation(ORGANISATION)
    assert short.endswith("\u2026") and ORGANISATION.startswith(short[:-1]) and len(short) < len(ORGANISATION)
    footer = _letters(
        f"{short}. Evidence pack {pack.pk}: {footer_team(TEAM)} as at {pack.as_at:%Y-%m-%d}, as recorded then."
    )
    pages = _footer_words(pack.pdf.path)
    assert len(pages) == 4  # the cover (what each status means goes over with a name this long), people, manifest
    for number, words in enumerate(pages, start=1):
        assert _letters("".join(word for _, _, word in words)) == footer, number
        assert all(top >= FOOTER_TOP - 0.5 and bottom <= FOOTER_BOTTOM for top, bottom, _ in words), (number, words)
        assert {round(bottom - top, 1) for top, bottom, _ in words} == {7.5}, number  # not shrunk to fit
    assert _letters(ORGANISATION) in _read(pack.pdf.path, page=1)  # whole, at the top of the cover
    call_command("verify_pack", pack.pdf.path, pack.csv.path)
    assert "The pack matches the records." in capsys.readouterr().out
