"""Wagtail's `publish_scheduled`, keeping the next version of a page whose live version expires.

Wagtail takes the pages past their expiry date off the site first, and unpublishing a page drops the schedule of every
revision of it, so a new version scheduled to go live on the day the live version expires, or later (replacing a
policy on its review date: this version expires then, the next goes live then), never went live: no version frozen,
no re-attestation round, nothing said. The CMS lets the editor clear the expiry date as they schedule the new version,
but that is the new version's date: the live version keeps its own. Here the pages expiring keep their schedules, and
those due are published in the same run (a page expired with nothing scheduled is off the site, as before). An
editor's own Unpublish still cancels the schedule, as Wagtail's does: that is a choice made with the page open.

This app comes before Wagtail in INSTALLED_APPS, so `manage.py publish_scheduled` (cron, and the daily
`send_reminders`) runs this one.
"""

from django.utils import timezone
from wagtail.management.commands.publish_scheduled import Command as WagtailPublishScheduled
from wagtail.models import Page, Revision


class Command(WagtailPublishScheduled):
    help = (
        "Wagtail's publish_scheduled: take pages past their expiry date off the site and publish the revisions "
        "scheduled to go live by now, keeping the schedule of a page's next version when its live version expires."
    )

    def handle(self, *args, **options):
        if options["dryrun"]:
            return super().handle(*args, **options)
        kept = _schedules_of_pages_expiring()
        super().handle(*args, **options)
        if not kept:
            return
        for pk, go_live_at in kept:
            Revision.objects.filter(pk=pk, approved_go_live_at__isnull=True).update(approved_go_live_at=go_live_at)
        super().handle(*args, **options)  # publishes those now due; the rest wait for their time, as scheduled


def _schedules_of_pages_expiring() -> list[tuple[int, object]]:
    """The scheduled revisions of the live pages past their expiry date, which Wagtail's expiry is about to drop."""
    expiring = Page.objects.filter(live=True, expire_at__lt=timezone.now()).values_list("pk", flat=True)
    return list(
        Revision.page_revisions.filter(
            object_id__in=[str(pk) for pk in expiring], approved_go_live_at__isnull=False
        ).values_list("pk", "approved_go_live_at")
    )
