import os
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from portal.lib.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403

DEBUG = False
# base.py read and checked DATABASE_URL if it is set; without it base.py falls back to a SQLite file in the code
# directory, where staff's evidence would sit outside the PostgreSQL backups (docs/deploy.md, section 7), unnoticed.
if not env_str("DATABASE_URL", "").strip():
    raise ImproperlyConfigured(
        "Set the DATABASE_URL environment variable to the portal's PostgreSQL database, "
        "postgres://USER:PASSWORD@HOST:5432/NAME (docs/deploy.md, section 2, says which role to connect as)."
    )
# base.py takes a sqlite:// URL too, for the demo and development. In production a SQLite file would hold staff's
# evidence outside the PostgreSQL backups (section 7), without the database roles that keep the ledger append-only
# (section 2), and with one writer at a time.
for _alias, _name in (("default", "DATABASE_URL"), ("replica", "DATABASE_REPLICA_URL")):
    if _alias in DATABASES and DATABASES[_alias]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
        raise ImproperlyConfigured(
            f"{_name} names a SQLite file, and production settings run on PostgreSQL only: set it to "
            "postgres://USER:PASSWORD@HOST:5432/NAME (docs/deploy.md, section 2). SQLite is for the demo and "
            "development (DJANGO_SETTINGS_MODULE=portal.settings.dev)."
        )
SECRET_KEY = env_str("SECRET_KEY")
# .env.example ships SECRET_KEY empty. Django itself refuses an empty key only when something first signs with it (a
# sign-in page, a password reset link), so a copy not filled in migrated, imported and sent invitations before the web
# failed; and a short key is one `check --deploy` warns of (docs/deploy.md: it must print no warnings). Refuse both at
# start-up, as PORTAL_RECEIPT_KEY is refused, with how to make one.
if len(SECRET_KEY.strip()) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a long random string, at least 50 characters (.env.example leaves it empty): make one "
        'with  python -c "import secrets; print(secrets.token_urlsafe(50))"  and keep it in your secret store.'
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The portal's address as staff reach it: every link in an email (reminders, invitations) and on a certificate is
# built from it, because a task or a command has no request to take the address from.
# Required here: base.py's default, development's http://127.0.0.1:8000, would send staff nowhere, and `setup_site`
# would point the CMS's site at it.
WAGTAILADMIN_BASE_URL = env_str("PORTAL_BASE_URL", "").strip().rstrip("/")
if not WAGTAILADMIN_BASE_URL:
    raise ImproperlyConfigured(
        "Set the PORTAL_BASE_URL environment variable to the portal's https address as staff reach it, with no path, "
        "e.g. https://training.example.nhs.uk: every link in its emails and on its certificates is built from it."
    )
_base = urlsplit(WAGTAILADMIN_BASE_URL)
if _base.scheme != "https" or not _base.hostname or _base.path or _base.query:
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL must be the portal's https address with no path, e.g. https://training.example.nhs.uk, "
        f"not {WAGTAILADMIN_BASE_URL!r}."
    )
if _base.hostname not in ALLOWED_HOSTS and "*" not in ALLOWED_HOSTS:
    raise ImproperlyConfigured(f"PORTAL_BASE_URL's host {_base.hostname} is not in ALLOWED_HOSTS ({ALLOWED_HOSTS}).")

# With password sign-in off, single sign-on is the only way in for everyone but a superuser (docs/sso.md).
if not PORTAL_PASSWORD_LOGIN and not PORTAL_SSO_ISSUER:  # noqa: F405
    raise ImproperlyConfigured(
        "PORTAL_PASSWORD_LOGIN is false but PORTAL_SSO_ISSUER is empty: nobody but a superuser could sign in. Set up "
        "single sign-on first (PORTAL_SSO_ISSUER, PORTAL_SSO_CLIENT_ID, PORTAL_SSO_CLIENT_SECRET: docs/sso.md), or "
        "set PORTAL_PASSWORD_LOGIN=true."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

# Whose portal this is, and who its emails are from. base.py's are the demo's: another body's name on every page, email
# and certificate, and an example.nhs.uk sender that no relay accepts. Production takes both from its environment, and
# refuses .env.example's change-me placeholders, which would otherwise go out to every member of staff.
PORTAL_ORGANISATION_NAME = env_str("PORTAL_ORGANISATION_NAME", "").strip()
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "").strip()
_organisation_takes = (
    'your organisation\'s name as staff know it, e.g. PORTAL_ORGANISATION_NAME="NHS Example Integrated Care Board": '
    "it heads every page, email and certificate"
)
_sender_takes = (
    "the address the portal's emails come from (one your SMTP relay lets it send as), e.g. "
    'training-portal@your-organisation.nhs.uk or "Training portal <training-portal@your-organisation.nhs.uk>"'
)
for _name, _value, _takes in (
    ("PORTAL_ORGANISATION_NAME", PORTAL_ORGANISATION_NAME, _organisation_takes),
    ("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL, _sender_takes),
):
    if not _value:
        raise ImproperlyConfigured(f"Set the {_name} environment variable to {_takes}.")
    if "change-me" in _value.lower():
        raise ImproperlyConfigured(f"{_name} still holds .env.example's placeholder: set it to {_takes}.")
try:
    validate_email(parseaddr(DEFAULT_FROM_EMAIL)[1])
except ValidationError as exc:
    raise ImproperlyConfigured(f"DEFAULT_FROM_EMAIL must be {_sender_takes}, not {DEFAULT_FROM_EMAIL!r}.") from exc
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Behind the reverse proxy every request comes from the proxy's address: allauth's sign-in rate limits must read the
# client's address from X-Forwarded-For, trusting as many proxies as the deployment puts in front (docs/deploy.md).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
# Rate limits count in the cache: one cache for all web workers and machines, so that a limit is the same whichever
# worker answers. On Redis when REDIS_URL is set (redis://host:6379/0). Without it, in the database (run `manage.py
# createcachetable` on each release), where a password-and-code sign-in makes 149 statements instead of 17: its
# counting is 88 of them. docs/deploy.md, section 6.
REDIS_URL = env_str("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}}

# The evidence ledger's receipts (docs/deploy.md, "Ledger receipts"): signed with a key of their own, written to a
# store the database's owner cannot write, and emailed to a mailbox kept apart from the portal.
PORTAL_RECEIPT_KEY = env_str("PORTAL_RECEIPT_KEY")
PORTAL_RECEIPT_DIR = env_str("PORTAL_RECEIPT_DIR").strip()
if not os.path.isabs(PORTAL_RECEIPT_DIR):
    # Blank or relative, receipts would be written wherever a command happened to start: in the code's own folder.
    raise ImproperlyConfigured(
        "PORTAL_RECEIPT_DIR must be the absolute path of the receipt store, for example /mnt/ledger-receipts: a store "
        "the database's owner cannot write or delete from (docs/deploy.md, section 9)."
    )
PORTAL_RECEIPT_DIR_CREATE = False  # the store must be there (mounted, or made when the store is set up)
PORTAL_RECEIPT_EMAIL = env_str("PORTAL_RECEIPT_EMAIL")
if len(PORTAL_RECEIPT_KEY) < 32 or PORTAL_RECEIPT_KEY == SECRET_KEY:
    raise ImproperlyConfigured("PORTAL_RECEIPT_KEY must be at least 32 characters long and differ from SECRET_KEY.")
PORTAL_RECEIPT_RETIRED_KEYS = env_list("PORTAL_RECEIPT_RETIRED_KEYS")
if PORTAL_RECEIPT_KEY in PORTAL_RECEIPT_RETIRED_KEYS:
    raise ImproperlyConfigured(
        "PORTAL_RECEIPT_RETIRED_KEYS lists PORTAL_RECEIPT_KEY: a key in use is not retired (docs/deploy.md, section 9)."
    )
