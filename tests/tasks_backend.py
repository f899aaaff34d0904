"""The tests' task backend: each task runs at once, in the test, as the worker would run it, but for the CMS's own index
upkeep, which is left queued.

Every save of a page, question, bank, quiz or mapping enqueues Wagtail's reference-index update (the CMS's "Usage"
counts) and the search index's update. In production both wait in the queue for the worker and the request that
saved never runs them. Run at once, they were half the CPU of making a module page (factories.make_module: 76 ms
left queued against 41 ms, 15 in a row, two runs each, alternated), and no test reads either: nothing in the portal
asks the reference index, tests/modules/test_cms_search.py, which reads the search index, puts the plain immediate
backend back, and a task that failed at once was caught by the immediate backend and kept in its result, unseen.

Which tasks are left is named in the backend's OPTIONS (LEFT_QUEUED: the tasks' module paths), so a test or a setting
can see it; the portal's own tasks (packs, reminders, imports, receipts) all run."""

from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.utils import get_module_path


class ImmediateButIndexing(ImmediateBackend):
    def __init__(self, alias: str, params: dict):
        super().__init__(alias, params)
        self.left_queued = frozenset(self.options.get("LEFT_QUEUED", ()))

    def _execute_task(self, task_result) -> None:
        """The result is made as the immediate backend makes it; one of the tasks left queued is not run (READY)."""
        if get_module_path(task_result.task.func) not in self.left_queued:
            super()._execute_task(task_result)
