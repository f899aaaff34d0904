"""An evidence pack of a team whose code holds a slash or a backslash (the organisation import takes any code ESR
gives, 'ICB/COMMS') downloads under its whole name. The name was the code as it is, and a browser's file name, like
the pack's stored file, cannot hold a slash: the download was named from the last slash on ('COMMS-2026-10-27-as-it-
was-7.csv'), saying neither that it is an evidence pack nor whose, and the files were stored in a folder named for
the code's first part. Each slash is now a hyphen in the name."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Team
from tests.reports import test_team_history_packs
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_made

# The organisation as the roster recorded it 500 days ago, each test's own private storage.
history, _private_media = test_team_history_packs.history, test_team_history_packs._private_media


def day():
    return timezone.localdate() - datetime.timedelta(days=40)


@pytest.mark.parametrize("code", ["ICB/COMMS", "ICB\\COMMS"])
def test_a_team_code_with_a_slash_keeps_the_whole_file_name(history, hr, code):
    team = history["comms"]
    Team.objects.filter(pk=team.pk).update(code=code)
    client = client_for(hr)
    pack = pack_made(client, team, day(), "as_it_was")
    stem = f"evidence-pack-ICB-COMMS-{day():%Y-%m-%d}-as-it-was-{pack.pk}"
    for kind in ("pdf", "csv"):
        response = client.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        assert response["Content-Disposition"] == f'attachment; filename="{stem}.{kind}"'
        assert getattr(pack, kind).name.endswith(f"/{stem}.{kind}")
