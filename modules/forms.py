"""The CMS form for a policy page: the questions about a new version start blank for every version."""

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
