from .base import *  # noqa: F403
from .base import BASE_DIR, STORAGES, WAGTAILSEARCH_BACKENDS

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BASE_DIR / "var" / "test-private"), "base_url": None},
}
# Tasks run at once, in the test; the CMS's index upkeep on each save is left queued, as a request leaves it for the
# worker in production (tests/tasks_backend.py says why).
TASKS = {
    "default": {
        "BACKEND": "tests.tasks_backend.ImmediateButIndexing",
        "OPTIONS": {
            "LEFT_QUEUED": [
                "wagtail.tasks.update_reference_index_task",
                "modelsearch.tasks.insert_or_update_object_task",
            ]
        },
    }
}
ACCOUNT_RATE_LIMITS = False
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PORTAL_RECEIPT_DIR = str(BASE_DIR / "var" / "test-receipts")
# The CMS's search index is written on every save of a page, question, bank or quiz (a task): a quarter of the time
# of the tests that build quizzes, and no test reads it but tests/modules/test_cms_search.py, which turns it back on.
WAGTAILSEARCH_BACKENDS = {"default": {**WAGTAILSEARCH_BACKENDS["default"], "AUTO_UPDATE": False}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database is dropped at the end of the run, so a commit need not wait for its WAL to reach the disk: on the
    # CI machine a committed statement took 6 ms waiting for it and 0.1 ms without (migrations, the browser journeys'
    # requests and the concurrency tests commit). Still PostgreSQL's own transactions, locks and visibility.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
