"""An evidence pack publishes its receipt to the receipt store and the receipts mailbox. With the mail server down,
the pack failed ('[Errno 111] Connection refused') after all its work, though the receipt was in the store and
printed in the pack: HR were told their pack failed over an email. The pack is now made; the failure is logged,
naming the receipt in the store. `publish_receipt` still fails on it (it says whether it emailed the receipt)."""

import logging

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.reports.models import EvidencePack
from tests.mail_down import DOWN
from tests.reports.conftest import client_for
from tests.reports.test_pack_receipts import MAILBOX, _stores  # noqa: F401 - the stores and the mailbox


def test_a_pack_is_made_with_the_mail_server_down(org, hr, tmp_path, settings, caplog):
    settings.EMAIL_BACKEND = DOWN
    with caplog.at_level(logging.ERROR, logger="portal.compliance.receipts"):
        response = client_for(hr).post(reverse("exports:pack_new"), {"team": org["comms"].pk, "as_at": ""})
    assert response.status_code == 302
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE
    (stored,) = (tmp_path / "receipts").glob("*.json")
    assert (
        f"Receipt {stored.name} (evidence pack {pack.stem}) is in the receipt store but could not be emailed to "
        f"{MAILBOX}" in caplog.text
    )


def test_publish_receipt_still_fails_with_the_mail_server_down(db, settings):
    settings.EMAIL_BACKEND = DOWN
    with pytest.raises(CommandError, match="Connection refused"):
        call_command("publish_receipt")
