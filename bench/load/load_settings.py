"""Production settings for the load run, served over plain HTTP on the loopback interface.

Imports portal.settings.production unchanged and overrides only what loopback HTTP (and a scratch machine) needs.
"""

import os
import tempfile
from pathlib import Path

SCRATCH = Path(os.environ.get("PORTAL_LOAD_SCRATCH", Path(tempfile.gettempdir()) / "portal_load"))

# production.py reads these from the environment at import time and refuses to start without SECRET_KEY and the
# receipts' key, store and mailbox, the organisation's name and the sender of its emails.
os.environ.setdefault("SECRET_KEY", "load-run-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("PORTAL_RECEIPT_KEY", "load-run-only-receipts-not-a-secret-" + "y" * 40)
os.environ.setdefault("PORTAL_RECEIPT_DIR", str(SCRATCH / "receipts"))
os.environ.setdefault("PORTAL_RECEIPT_EMAIL", "ledger-receipts@example.nhs.uk")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("PORTAL_BASE_URL", "https://127.0.0.1")  # links in emails; the run itself is plain HTTP
os.environ.setdefault("PORTAL_ORGANISATION_NAME", "Load Run NHS Trust")
os.environ.setdefault("DEFAULT_FROM_EMAIL", "training-portal@load-run.nhs.uk")
os.environ.setdefault("MEDIA_ROOT", str(SCRATCH / "media"))
os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(SCRATCH / "private"))

from portal.settings.production import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ROOT_URLCONF = "load_urls"
# A deployment runs collectstatic into its own STATIC_ROOT; the load run keeps its copy out of the repository.
STATIC_ROOT = SCRATCH / "static"

ALLAUTH_TRUSTED_PROXY_COUNT = 0  # loopback: no proxy in front
