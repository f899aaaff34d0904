"""The CMS form for a policy page: the questions about a new version start blank for every version, and a title
another policy holds is refused."""

from wagtail.admin.forms.pages import WagtailAdminPageForm


class PolicyPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "change_base" not in self.fields:
            return
        latest = self.instance.latest_snapshot()
        base = latest.content_hash if latest else ""
        if self.instance.change_base != base:
            # Answers saved about an earlier version (the last publish, or an autosave around it) are not this
            # version's: the editor answers afresh.
            self.initial["section_changes"] = []
            self.initial["reattest_deadline"] = None
            self.initial["reopen_modules"] = False
        self.initial["change_base"] = base

    def clean(self):
        cleaned_data = super().clean()
        title = cleaned_data.get("title")
        if title and self._title_changed(title):
            taken = self._other_policy_titled(title)
            if taken:
                self.add_error("title", self._title_taken_message(title, taken))
        return cleaned_data

    def _title_changed(self, title: str) -> bool:
        """A new policy's title, or a title changed from the page's own: a policy already sharing its title with
        another (made before this was refused) can still be edited, and renamed apart."""
        from modules.policy_existing import title_key

        return self.instance.pk is None or title_key(title) != title_key(self.instance.title)

    def _other_policy_titled(self, title: str):
        """The first other policy with `title` in any of its versions, capitals and spacing aside (as `import_policy`
        finds one), or None."""
        from modules.policy_existing import policy_list_repeated_by

        found = policy_list_repeated_by(title=title, sections=[])
        return next((policy for policy in found if policy.same_title and policy.page.pk != self.instance.pk), None)

    @staticmethod
    def _title_taken_message(title: str, taken) -> str:
        from modules.policy_existing import title_key

        if title_key(taken.draft.title) == title_key(title):
            who = f"Another policy is titled “{taken.draft.title}” ({taken.state})"
        else:
            who = f"Another policy, “{taken.draft.title}” ({taken.state}), had this title in an earlier version"
        return (
            f"{who}: staff, requirements and reports tell policies apart by title. To change that policy, edit it and "
            "publish a new version; for another policy, give it a title of its own."
        )
