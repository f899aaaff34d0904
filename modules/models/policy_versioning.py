"""What a new version of a policy must say before it is saved and published, mixed into `PolicyPage`."""

from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.compliance.diff import changed_clauses
from portal.compliance.models import PolicySnapshot

# Who is publishing the revision going live, while Wagtail publishes it (`PolicyVersioning.publish`): its
# `page_published` signal names the revision, whose author is not the publisher on a workflow approval (the moderator
# approves) or the page listing's bulk publish. None on a scheduled go-live, published by nobody at the time.
_publisher: ContextVar = ContextVar("policy_publisher", default=None)


def publishing_user():
    """The person publishing the policy revision going live now, or None (a scheduled go-live; code not naming one)."""
    return _publisher.get()


class ScheduledVersionError(Exception):
    """Another version of a policy was to be published while one is scheduled to go live (`PolicyPage.publish`)."""


class PolicyVersioning:
    """A policy's version rules: a changed text declares, section by section, a material or minor change, and takes a
    number of its own; a material change sets a re-attest by date; no other version is published over one scheduled
    to go live."""

    def _clean_version_change(self):
        """Any change to the text asks, section by section, material (everyone re-attests by a deadline) or minor; and
        a new version takes a number no version of this policy has had."""
        from modules.versions import policy_sections

        latest = self.latest_snapshot()
        if latest is None:
            return
        errors = {}
        reused = self._version_label_used_before(latest)
        if reused:
            errors["version_label"] = reused
        changed = changed_clauses(latest.sections, policy_sections(self))
        # With no section changed, answers given for this version are still checked: each is about a section that has
        # not changed, and a material one would otherwise be published as a minor version without a word.
        if changed and self.version_label.strip() == latest.version_label:
            errors["version_label"] = (
                f"The text has changed since version {latest.version_label} was published "
                f"(section {', '.join(changed)}): give this version a new number."
            )
        elif self.title != latest.title and self.version_label.strip() == latest.version_label:
            # The title is part of what staff attest to (`PolicySnapshot.TITLE_AND_TEXT`): another title is another
            # version, minor when no section changed.
            errors["version_label"] = (
                f"The title has changed since version {latest.version_label} was published (it was “{latest.title}”): "
                "give this version a new number."
            )
        declared = self.declared_changes(latest)
        missing = [number for number in changed if number not in declared]
        unanswered = [number for number in changed if number in declared and not declared[number]["change"]]
        unexplained = [
            number for number, answer in declared.items() if answer["change"] == self.MATERIAL and not answer["reason"]
        ]
        extra = [number for number in declared if number not in changed]
        problems = []
        if missing:
            problems.append(
                f"Say whether the change to section {', '.join(missing)} is material or minor: add a row for each."
            )
        if unanswered:
            problems.append(f"Choose material or minor for section {', '.join(unanswered)}.")
        if unexplained:
            problems.append(f"Give the reason for the material change to section {', '.join(unexplained)}.")
        if extra:
            problems.append(f"Section {', '.join(extra)} has not changed since version {latest.version_label}.")
        if problems:
            errors["section_changes"] = " ".join(problems)
        material = any(answer["change"] == self.MATERIAL for answer in declared.values())
        if material:
            problem = self._reattest_deadline_problem()
            if problem:
                errors["reattest_deadline"] = problem
        if self.reopen_modules and self.change_base == latest.content_hash and not material:
            errors["reopen_modules"] = (
                "Modules are completed again only after a material change: untick this, or mark a section material."
            )
        if errors:
            raise ValidationError(errors)

    def _version_label_used_before(self, latest: PolicySnapshot) -> str:
        """Why this version's number cannot be used, if a version published before the latest had it. A number names
        one text: attestations and reports name a version by it. Publishing an earlier revision again (Wagtail's
        revisions let an editor go back to 1.0 after 2.0) brings its number back, and would freeze a second "1.0"
        after 2.0. The latest version's own number is checked with the text (`_clean_version_change`)."""
        label = self.version_label.strip()
        if label == latest.version_label:
            return ""
        earlier = PolicySnapshot.objects.filter(page_id=self.pk, version_label=label).order_by("created_at").first()
        if earlier is None:
            return ""
        return (
            f"Version {label} of this policy was published on {timezone.localdate(earlier.created_at):%-d %B %Y}: "
            f"each version needs a number of its own. Give this version a new number (the latest published is "
            f"{latest.version_label})."
        )

    def _reattest_deadline_problem(self) -> str:
        """A material version's re-attest by date must be after the day it goes live: today, or the go-live date it
        is scheduled for (a date before that would have passed when staff are first asked). Wagtail checks the page
        again as it publishes a revision saved earlier (a scheduled go-live, a workflow approval): the date was
        checked when the revision was saved, and one passed since is moved on publishing (`modules.publishing`)
        rather than stopping the version going live with nobody there to change it."""
        if self.reattest_deadline is None:
            return "For a material change, set a future date by which everyone must re-attest."
        if self._publishing_a_saved_revision():
            return ""
        if self.reattest_deadline <= timezone.localdate():
            return "For a material change, set a future date by which everyone must re-attest."
        if self.go_live_at and self.go_live_at > timezone.now():
            go_live = timezone.localdate(self.go_live_at)
            if self.reattest_deadline <= go_live:
                return (
                    f"Set a re-attest by date after the go-live date: this version goes live on {go_live:%-d %B %Y}, "
                    f"so staff cannot re-attest it by {self.reattest_deadline:%-d %B %Y}."
                )
        return ""

    def publish(self, revision, *args, **kwargs):
        """Wagtail's publish, refused for every version but the scheduled one while a version is scheduled to go live.

        Publishing any revision makes Wagtail drop every other revision's schedule without a word, so the version
        an editor scheduled (a material change, say, with its re-attest by date) would never go live and nobody
        would know. An editor who publishes while a version is scheduled expects one of the two to go live, not to
        lose the other, so the choice is theirs to make: cancel the schedule (Wagtail's "Cancel scheduled publish"),
        then publish. Wagtail's edit view already refuses to save a page while a revision is scheduled (its
        ScheduledForPublishLock; `wagtail_hooks` names the version there); this closes the other ways a revision
        is published: a workflow approval and the bulk publish action (each publishes the latest revision, which a
        draft saved since in code would make another than the scheduled one; `import_policy --into` refuses to save
        one then, as the edit view does), and code.
        Refused before anything is written: the schedule, the live version and the evidence stay as they were."""
        notice = self.scheduled_version_notice(publishing=revision)
        if notice:
            raise ScheduledVersionError(notice)
        token = _publisher.set(kwargs.get("user", args[0] if args else None))
        try:
            return super().publish(revision, *args, **kwargs)
        finally:
            _publisher.reset(token)

    def publish_refusal(self, revision) -> str:
        """Why `revision` cannot be published as it stands, or "": another version scheduled to go live, or the checks
        Wagtail runs on the page as it publishes it (`clean`: a new version's questions unanswered, as in the draft
        `import_policy --into` saves). Asked first by the doors that publish without the edit form (the page
        listing's bulk publish), so they refuse with the reason instead of failing part way with a server error."""
        notice = self.scheduled_version_notice(publishing=revision)
        if notice:
            return notice
        page = revision.as_object()
        page.live_revision = revision  # as Wagtail sets it before checking and saving the page it publishes
        try:
            page.full_clean()
        except ValidationError as error:
            return f"{' '.join(error.messages)} Open the policy in the CMS, put this right and publish it there."
        return ""

    def scheduled_version_notice(self, publishing=None) -> str:
        """Why no other version can be published now, naming the version scheduled to go live and when, and what to
        do: "" when none is scheduled, or when `publishing` (a revision) is the scheduled one. One query."""
        scheduled = self.scheduled_revision if self.pk else None
        if scheduled is None or (publishing is not None and publishing.pk == scheduled.pk):
            return ""
        go_live = timezone.localtime(scheduled.approved_go_live_at)
        return (
            f"Version {scheduled.content.get('version_label', '')} of this policy is scheduled to go live on "
            f"{go_live:%-d %B %Y} at {go_live:%H:%M}, so no other version can be published before then. To publish "
            "another version, first cancel the scheduled publish (“Cancel scheduled publish” on the policy's edit "
            "page), then publish it."
        )

    def _publishing_a_saved_revision(self) -> bool:
        """Whether Wagtail is publishing this version from its revision: it makes the revision the live one before
        saving the page. While an editor edits, the live revision is the published version, which has another
        number (or the version number is refused)."""
        live = self.live_revision
        return live is not None and live.content.get("version_label") == self.version_label
