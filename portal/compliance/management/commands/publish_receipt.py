from django.conf import settings
from django.core.management.base import BaseCommand

from portal.compliance.receipts import receipt_publish


class Command(BaseCommand):
    help = (
        "Sign the evidence ledger's head (its last entry's position and hash, and the time) and publish the receipt: "
        "a new file in PORTAL_RECEIPT_DIR and an email to PORTAL_RECEIPT_EMAIL. Run daily from cron."
    )

    def handle(self, *args, **options):
        receipt, path = receipt_publish(occasion="daily")
        self.stdout.write(f"Receipt for entry #{receipt.seq} (hash {receipt.head_hash}) written to {path}.")
        if settings.PORTAL_RECEIPT_EMAIL:
            self.stdout.write(f"Emailed to {settings.PORTAL_RECEIPT_EMAIL}.")
        else:
            self.stdout.write("Not emailed: PORTAL_RECEIPT_EMAIL is not set.")
