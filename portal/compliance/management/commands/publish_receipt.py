from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.compliance.receipts import ReceiptStoreMissing, receipt_publish
from portal.lib.commands import failure_told


class Command(BaseCommand):
    help = (
        "Sign the evidence ledger's head (its last entry's position and hash, and the time) and publish the receipt: "
        "a new file in PORTAL_RECEIPT_DIR and an email to PORTAL_RECEIPT_EMAIL. Run daily from cron."
    )

    def handle(self, *args, **options):
        directory = settings.PORTAL_RECEIPT_DIR
        published = failure_told(
            "Publishing the receipt",
            kept=f"A receipt written to {directory} before it failed stays there; run it again to publish another.",
            traceback=options["traceback"],
        )
        with published:
            try:
                receipt, path = receipt_publish(occasion="daily")
            except ReceiptStoreMissing as error:
                raise CommandError(str(error)) from error
            except OSError as error:
                if error.filename is None:  # not the receipt store's: the mail server, say
                    raise
                raise CommandError(
                    f"Cannot write the receipt to the receipt store {directory} (PORTAL_RECEIPT_DIR): "
                    f"{error.strerror or error} ({error.filename}). No receipt was published: make it a folder the "
                    "portal may write to, then run it again."
                ) from error
        self.stdout.write(f"Receipt for entry #{receipt.seq} (hash {receipt.head_hash}) written to {path}.")
        if settings.PORTAL_RECEIPT_EMAIL:
            self.stdout.write(f"Emailed to {settings.PORTAL_RECEIPT_EMAIL}.")
        else:
            self.stdout.write("Not emailed: PORTAL_RECEIPT_EMAIL is not set.")
