"""A receipt store that is not there is a failure named, in production, not a folder made on the local disk.

PORTAL_RECEIPT_DIR is meant to be a store the database's administrators do not control, typically another machine's
share mounted on the portal's. Before, publishing made the folder when it was missing: with the share not mounted,
receipts went on being written to the portal's own disk, where they prove nothing, and nobody was told.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.compliance.receipts import ReceiptStoreMissing, receipt_publish
from portal.people.roles import hr_group
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests import factories
from tests.settings.test_cache_deploy_check import manage
from tests.settings.test_production import load_settings

MAILBOX = "ledger-receipts@example.nhs.uk"


@pytest.fixture
def unmounted(settings, tmp_path):
    """Production's setting, and a store whose share is not mounted: the mount point's parent is there, it is not."""
    settings.PORTAL_RECEIPT_DIR_CREATE = False
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "mnt" / "ledger-receipts")
    settings.PORTAL_RECEIPT_EMAIL = MAILBOX
    (tmp_path / "mnt").mkdir()
    return tmp_path / "mnt" / "ledger-receipts"


def test_production_does_not_make_the_store():
    loaded = load_settings("portal.settings.production", "PORTAL_RECEIPT_DIR_CREATE")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "False"


@pytest.mark.django_db
def test_publishing_to_a_store_that_is_not_there_is_refused_and_writes_nothing(record, unmounted, mailoutbox):
    record("a")
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("publish_receipt", stdout=out)
    assert str(refused.value) == (
        f"The receipt store {unmounted} (PORTAL_RECEIPT_DIR) is not there, so no receipt was written. If it is a "
        "share, mount it there; if it is a new store, make the folder, writable by the portal's account only "
        "(docs/deploy.md, section 9). Then publish the receipt again."
    )
    assert not unmounted.exists() and list(unmounted.parent.iterdir()) == []
    assert mailoutbox == [] and out.getvalue() == ""


@pytest.mark.django_db
def test_once_the_store_is_there_the_receipt_is_written(record, unmounted, mailoutbox):
    record("a")
    unmounted.mkdir()
    receipt, path = receipt_publish(occasion="daily")
    assert path.parent == unmounted and receipt.seq == 1
    assert len(mailoutbox) == 1


def test_an_evidence_pack_fails_with_the_reason_rather_than_print_a_receipt_kept_nowhere(
    unmounted, settings, tmp_path, db
):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    team = factories.make_team("Communications", kind="organisation")
    hr = factories.make_staff(team=team, first_name="Hana", last_name="Human-Resources")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    pack = EvidencePack.objects.create(
        team=team, as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )
    with pytest.raises(ReceiptStoreMissing):
        evidence_pack_build_task.call(pack.pk)
    pack.refresh_from_db()
    assert pack.status == EvidencePack.FAILED
    assert pack.error.startswith(f"The receipt store {unmounted} (PORTAL_RECEIPT_DIR) is not there")
    assert not unmounted.exists() and not any((tmp_path / "private").rglob("*.*"))


def test_development_still_makes_its_own_store(settings, tmp_path, db):
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "var" / "receipts")
    _, path = receipt_publish(occasion="daily")
    assert path.parent == tmp_path / "var" / "receipts"


def test_the_daily_command_under_production_settings_names_the_missing_store(tmp_path):
    """As cron runs it on the production machine (production settings, no terminal): the store is checked before the
    database is reached, so this needs no database, and ends in the message, not a traceback."""
    missing = tmp_path / "ledger-receipts"
    ran = manage("publish_receipt", PORTAL_RECEIPT_DIR=str(missing))
    assert ran.returncode == 1, ran.stderr
    assert "Traceback" not in ran.stderr
    assert ran.stderr.startswith(f"CommandError: The receipt store {missing} (PORTAL_RECEIPT_DIR) is not there")
    assert not missing.exists()
