"""An evidence pack's cover, as an auditor reads it: the team named as it was on the pack's day, as the summary and
the people's pages name it, with its name now beside it when renamed since (before, the scope gave today's name
above a summary of the old one); how many rows were paused, shown but left out of the figures (before, a team whose
one person was paused read "Required 0" with nothing to say why); the time it was generated, in UK time like every
other time on it; and what each status means, as the workbook says it. Every page's footer names the team as the
cover does (before, by its name when the pack was made). A paused row's date column says what became
of its due date (`tests/reports/test_paused_due_in_words.py`), under a heading that says it holds due dates too."""

import datetime

from django.db.models import F
from django.utils import timezone

from portal.compliance import pauses, projection
from portal.compliance.organisation import team_rename
from portal.people.models import StaffChange, Team
from portal.reports import basis as clocks
from portal.reports.models import EvidencePack
from portal.reports.packs import pack_build
from tests.dbrole import as_owner
from tests.reports.test_packs import _pdf_text


def _day():
    return timezone.localdate() - datetime.timedelta(days=2)


def test_the_cover_names_the_team_then_counts_the_paused_and_says_what_each_status_means(org, hr, private_media):
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    pauses.pause_add(
        staff=org["manager"],
        requirements=None,
        reason_code=pauses.SICKNESS,
        first_day=_day() - datetime.timedelta(days=5),
        last_day=timezone.localdate() + datetime.timedelta(days=60),
        user=hr.user,
    )
    team_rename(team=org["comms"], name="Communications and Engagement", code="CE1", user=hr.user)
    renamed = Team.objects.get(pk=org["comms"].pk)
    pack = EvidencePack.objects.create(
        team=renamed, as_at=_day(), cutoff=timezone.now(), basis=clocks.AS_IT_WAS, requested_by=hr.user
    )
    pack_build(pack)
    pack.refresh_from_db()
    text = " ".join(_pdf_text(pack.pdf.path, layout=False).split())
    cover = text[: text.index("Evidence by person")]
    assert "Scope Communications (now called Communications and Engagement) and every team below it" in cover
    assert "1 paused, shown but left out of the figures" in cover
    assert "(UK time) People" in cover  # "Generated at ... (UK time)", then the count of people
    assert "What each status means" in cover and "Paused until HR has stopped the person's clock" in cover
    assert "Expires or due" in text[text.index("Evidence by person") :]
    # Every page's footer names the team as the pack does, not by its name when the pack was made.
    assert text.count(f"Evidence pack {pack.pk}: Communications as at") == 3
    assert f"Evidence pack {pack.pk}: Communications and Engagement" not in text
