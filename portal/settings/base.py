"""Settings shared by every environment. What differs comes from environment variables."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from portal.lib.env import env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "portal.accounts",
    "portal.people",
    "portal.compliance",
    "portal.reports",
    "portal.audit",
    "portal.api",
    "csp",
    "portal.demo",
    "modules",
    "quizzes",
    "wagtailnhsukfrontend",
    "wagtailnhsukfrontend.forms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.accounts.cms_users_app.UsersAppConfig",  # wagtail.users, keeping the HR group (portal.accounts.cms_groups)
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.lib.nostore.SignedInPagesNotStoredMiddleware",  # what a signed-in person sees is never cached
    "portal.errors.LoginRequiredMiddleware",  # Django's; a form sent once signed out brings the person back to it
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.lib.csp_paths.PathPolicyCSPMiddleware",  # the Wagtail admin has a policy of its own (below)
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.RefusedAccessAuditMiddleware",  # outside the two below, to see their refusals
    # A privileged role counts only once the session has proved its second factor (portal.accounts.mfa).
    "portal.accounts.mfa.PrivilegedRolesNeedMfaMiddleware",
    "portal.accounts.middleware.CmsEditorsOnlyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.errors.MethodNotAllowedPageMiddleware",  # a page, not an empty 405, where a form's address is opened
    "portal.lib.replica.ReplicaReadsMiddleware",  # report pages read the replica, if there is one
    # After the sign-in, MFA and CMS checks, so nobody they refuse waits for the lock it takes.
    "portal.accounts.middleware.AccountClosingOneAtATimeMiddleware",
]

ROOT_URLCONF = "portal.urls"
# A form refused for its security token gets a page saying why and what to do, not Django's bare one (portal.errors);
# portal.urls names the page for a request Django will not read (handler400).
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
# The CMS's editor sends each policy section as eight fields (and each answer to "what changed" as seven): a policy of
# 122 sections, or of 65 with a new version's answer for each, passed Django's default of 1,000 fields, and saving it
# was refused. Wagtail's own project template takes 10,000 (tests/modules/test_policy_editor_many_sections.py).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.service",
            ],
        },
    },
]

# Without DATABASE_URL, a SQLite file beside the code: the demo's and development's database. Production settings
# refuse to start without DATABASE_URL, or with a SQLite one (such a file is outside every backup the deployment guide
# sets up).
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the task worker and the web server share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Report reads on a replica (portal.lib.replica; docs/scale.md): DATABASE_REPLICA_URL names a streaming replica of
# DATABASE_URL, and the report pages read from it; everything else, and every write, uses the primary. A page that read
# it says how far behind it is once that passes PORTAL_REPLICA_LAG_WARN_SECONDS.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env_database(
        "DATABASE_REPLICA_URL", conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the test database through it
DATABASE_ROUTERS = ["portal.lib.replica.ReplicaRouter"]
PORTAL_REPLICA_LAG_WARN_SECONDS = env_int("PORTAL_REPLICA_LAG_WARN_SECONDS", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
STATICFILES_FINDERS = [
    "portal.lib.staticfiles.OwnHostFontsFinder",  # first: NHS.UK frontend's stylesheet without its outside fonts
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded certificates: outside the web root, no URL; served only through a permission-checked view.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")), "base_url": None},
    },
    "staticfiles": {"BACKEND": "portal.lib.staticfiles.StaticFilesStorage"},
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Accounts come from HR, never from public sign-up (portal.accounts.adapter closes it).
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
# The sign-in email comes from the roster or the identity provider; nobody adds, swaps or removes it in the portal
# (portal.accounts.email_address replaces allauth's email page), so every address is one HR or the provider vouched for:
# it counts as verified for setting up a second factor, even on a row allauth left marked unverified.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# The same for CMS editors in the Wagtail admin's own account page, and passwords are changed in one place (allauth's).
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# Nor does anyone set another person's password: the CMS's user editor and new-user form have no password boxes (with
# them, a superuser could choose someone's password and sign in as them). An account made there gets its password
# from allauth's reset link, mailed to its holder.
WAGTAILUSERS_PASSWORD_ENABLED = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# A reset asked for an address with no account sends nothing: allauth's "unknown account" email invites the person to
# sign up, which the portal refuses (accounts come from the roster), and anyone could make it mail any address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Sign-in limits (portal.accounts.ratelimits). Many NHS sites reach the internet through a handful of gateway
# addresses, so a whole hospital can share one IP: the per-address limit is generous (a Monday-morning rush must not
# be refused). Wrong passwords for one account are held back per client address (five in five minutes, twenty an
# hour), so one stranger cannot lock a named person out; across all addresses an account takes thirty an hour, and
# its holder gets an email when that trips. allauth's `login_failed` is that per-account limit: it also counts wrong
# second-step codes per person (thirty an hour, not five in five minutes). A browser the person signed in on before
# is spared the per-account limit and has ten an hour of its own. Single sign-on counts none of these.
ACCOUNT_RATE_LIMITS = {
    "login": "600/m/ip",
    "login_failed": "30/h/key",
    "login_failed_from_client": "100/m/ip,5/5m/key,20/h/key",
    "login_failed_known_device": "10/h/key",
    # Wagtail's password on a module or policy page (portal.accounts.page_password): ten wrong passwords an hour per
    # person and page restriction. Someone given the password types it once or twice; a guesser is held to 240 a day.
    "page_password_failed": "10/h/key",
    # "Forgotten your password": five links an hour per address (allauth's default, five a minute, let anyone send a
    # colleague 300 an hour). Every unexpired link works, so someone who asked again and again uses the newest.
    "reset_password": "20/m/ip,5/h/key",
}
# The code forms count wrong codes as portal.accounts.ratelimits says; portal.accounts.forms gives them its words.
MFA_FORMS = {
    "authenticate": "portal.accounts.forms.AuthenticateForm",
    "reauthenticate": "portal.accounts.forms.CodeReauthenticateForm",
    "activate_totp": "portal.accounts.forms.ActivateTOTPForm",
}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "NHS staff training portal"
MFA_ADAPTER = "portal.accounts.mfa.MFAAdapter"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the portal itself only; no inline
# script anywhere in the portal's pages. The Wagtail admin under /cms/ has its own, below.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],  # nothing from another host (see portal.lib.staticfiles.OwnHostFontsFinder)
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# The Wagtail admin's policy (portal.lib.csp_paths): the portal's, but for what Wagtail 8's own pages need, each found
# by tests/browser/test_csp_cms.py failing without it. Still nothing from another host, no eval, no plugins, no
# <base>, no inline event handlers, forms post only here, and only the admin may frame it (its block previews).
PORTAL_CMS_CONTENT_SECURITY_POLICY = {
    "URL_PREFIXES": ["/cms/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Wagtail renders inline <script>s that start its widgets with their ids and values, so no hash can allow
        # them: date and date-time pickers (a policy's editor, the schedule dialog, the explorer's and users'
        # filters), page and snippet choosers (a module's policy, a requirement's page, a question's bank) and
        # inline panels (a policy's revisions and amendments, a question's choices). Without them those do nothing.
        "script-src": ["'self'", "'unsafe-inline'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'"],
        # Each rich-text editor (Draftail) renders a <style> per editor: its block placeholders (keyed by the block
        # under the caret) and the numbering of nested lists.
        "style-src-elem": ["'self'", "'unsafe-inline'"],
        # One style attribute: the one Draftail puts on the HTML it copies to the clipboard ("white-space: pre-wrap;").
        "style-src-attr": ["'unsafe-hashes'", "'sha256-7kiMZ7dRwS7ki6fPwMfIFws2+Hf0JQNLICbgISNJZ+g='"],
        # blob: the image library's upload page shows each image before it is sent, from the browser's own copy.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],  # the block chooser's previews are frames of the admin
        "form-action": ["'self'"],
    },
}

# A session ends after this long without a request, or this long after signing in (portal.accounts.sessions).
PORTAL_SESSION_IDLE_MINUTES = env_int("PORTAL_SESSION_IDLE_MINUTES", 30)
PORTAL_SESSION_MAX_HOURS = env_int("PORTAL_SESSION_MAX_HOURS", 10)
SESSION_COOKIE_AGE = PORTAL_SESSION_MAX_HOURS * 60 * 60
# Sessions in the database, as Django keeps them, with fewer statements per sign-in (portal.accounts.session_store).
SESSION_ENGINE = "portal.accounts.session_store"

WAGTAIL_SITE_NAME = "Staff training and attestation"
WAGTAILADMIN_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").strip().rstrip("/")  # links add "/..."
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: the CMS would send each editor's hashed email to another host on every page.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Background tasks: a queue in the database (django-tasks-db; worker `manage.py db_worker`) unless TASKS_BACKEND=redis,
# which puts them on the Redis at TASKS_REDIS_URL (django-tasks-rq; workers `manage.py rqworker --job-class
# django_tasks_rq.Job default`, as many as wanted, on any machine): docs/deploy.md, "Tasks on Redis". Not the cache's
# REDIS_URL: a cache may evict keys and its clear() empties its database, and queued tasks must never go that way.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        # An evidence pack for a directorate or a 25,000-row roster runs long: an hour before RQ gives up on it.
        "default": {"URL": env_str("TASKS_REDIS_URL", "redis://127.0.0.1:6379/1"), "DEFAULT_TIMEOUT": 3600},
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database or redis, not {TASKS_BACKEND!r}.")

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "training-portal@example.nhs.uk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where replies to every email the portal sends go (HR's training mailbox, say; portal.lib.mail): the sending address
# is often one nobody reads, and staff do answer a reminder ("I did it on ESR last week"). Empty: replies go to
# DEFAULT_FROM_EMAIL. A reminder a manager sends from the team page is answered to that manager.
PORTAL_REPLY_TO = env_str("PORTAL_REPLY_TO", "").strip()
if PORTAL_REPLY_TO:
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(parseaddr(PORTAL_REPLY_TO)[1])
    except ValidationError as exc:
        raise ImproperlyConfigured(
            f"PORTAL_REPLY_TO must be an email address (or a name and address, quoted), not {PORTAL_REPLY_TO!r}."
        ) from exc
# Seconds the SMTP connection waits on the server. Django's default is no limit: a relay that takes the connection and
# never answers would hold a request (an invitation, a password reset) or the task worker's reminder run for minutes.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if EMAIL_TIMEOUT < 1:
    raise ImproperlyConfigured(f"EMAIL_TIMEOUT must be a whole number of seconds, at least 1, not {EMAIL_TIMEOUT}.")

PORTAL_ORGANISATION_NAME = env_str("PORTAL_ORGANISATION_NAME", "NHS Warrington CCG")
PORTAL_SERVICE_NAME = "Staff training and attestation"
# A requirement shows as "due soon" this many days before it falls due.
PORTAL_DUE_SOON_DAYS = env_int("PORTAL_DUE_SOON_DAYS", 30)
# The share of people compliant (percent) the organisation report measures each requirement against.
PORTAL_COMPLIANCE_TARGET = env_int("PORTAL_COMPLIANCE_TARGET", 95)
# An import or an evidence pack waiting for the task worker, or being applied or made by it, with no sign of life for
# this many minutes has stopped (its worker restarted or is not running): its page says so and offers to go again
# (portal.lib.stalled).
PORTAL_STALLED_MINUTES = env_int("PORTAL_STALLED_MINUTES", 30)
# An evidence pack's files (its PDF and spreadsheet, copies of a team's records) are removed this many days after it
# was made, by `manage.py remove_old_packs` (portal.reports.retention); the same pack can be asked for again.
PORTAL_PACK_KEEP_DAYS = env_int("PORTAL_PACK_KEEP_DAYS", 30)
if PORTAL_PACK_KEEP_DAYS < 1:
    raise ImproperlyConfigured(
        f"PORTAL_PACK_KEEP_DAYS must be a whole number of days, at least 1, not {PORTAL_PACK_KEEP_DAYS}."
    )
# Signed receipts of the evidence ledger's head (portal.compliance.receipts; docs/deploy.md, "Ledger receipts"): the
# key that signs them (production requires one of its own; elsewhere it is derived from SECRET_KEY), the store each
# receipt is written to, and the mailbox each is sent to (empty: not emailed).
PORTAL_RECEIPT_KEY = env_str("PORTAL_RECEIPT_KEY", "")
# Keys PORTAL_RECEIPT_KEY replaced, comma-separated: they sign nothing new, and the receipts they signed still check.
PORTAL_RECEIPT_RETIRED_KEYS = env_list("PORTAL_RECEIPT_RETIRED_KEYS")
PORTAL_RECEIPT_DIR = env_str("PORTAL_RECEIPT_DIR", str(BASE_DIR / "var" / "receipts"))
PORTAL_RECEIPT_EMAIL = env_str("PORTAL_RECEIPT_EMAIL", "")
# Whether a missing PORTAL_RECEIPT_DIR is made on first use: here, yes (var/receipts). Production says no, so that a
# share that is not mounted is a failure named, not receipts quietly kept on the local disk.
PORTAL_RECEIPT_DIR_CREATE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A command that tells its failure in words does not print the traceback above them at a terminal (cron and
    # services still log it): portal.lib.commands.
    "filters": {"told_at_terminal": {"()": "portal.lib.commands.TracebackToldAtTerminal"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["told_at_terminal"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Single sign-on (OpenID Connect) ---
# Sign-in through the organisation's identity provider (Microsoft Entra ID for NHSmail), by django-allauth's OpenID
# Connect provider: docs/sso.md. Off, and no button shows, unless PORTAL_SSO_ISSUER is set. Who may sign in (people on
# the staff roster who have not left, and nobody else) is decided in portal.accounts.sso.
from urllib.parse import urlsplit  # noqa: E402

from portal.lib.env import env_bool  # noqa: E402

SOCIALACCOUNT_ADAPTER = "portal.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # not allauth's email matching: the adapter matches to the roster itself
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False  # the portal calls no API on the person's behalf
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a sign-in is a POST with a CSRF token
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"  # redirect URI: /accounts/oidc/<provider id>/login/callback/

PORTAL_SSO_ISSUER = env_str("PORTAL_SSO_ISSUER", "").strip().rstrip("/")
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if PORTAL_SSO_ISSUER:
    _sso_issuer = urlsplit(PORTAL_SSO_ISSUER)
    if _sso_issuer.scheme != "https" and _sso_issuer.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise ImproperlyConfigured("PORTAL_SSO_ISSUER must be an https:// URL.")
    _sso_client = {name: env_str(name, "").strip() for name in ("PORTAL_SSO_CLIENT_ID", "PORTAL_SSO_CLIENT_SECRET")}
    _sso_missing = [name for name, value in _sso_client.items() if not value]
    if _sso_missing:
        raise ImproperlyConfigured(f"PORTAL_SSO_ISSUER is set, so set {' and '.join(_sso_missing)} too.")
    _sso_provider_id = env_str("PORTAL_SSO_PROVIDER_ID", "nhsmail").strip()
    if not _sso_provider_id.replace("-", "").isalnum() or not _sso_provider_id.isascii():
        raise ImproperlyConfigured("PORTAL_SSO_PROVIDER_ID may hold only letters, digits and hyphens.")
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": _sso_provider_id,
            "name": env_str("PORTAL_SSO_PROVIDER_NAME", "NHSmail").strip() or "NHSmail",
            "client_id": _sso_client["PORTAL_SSO_CLIENT_ID"],
            "secret": _sso_client["PORTAL_SSO_CLIENT_SECRET"],
            "settings": {
                "server_url": PORTAL_SSO_ISSUER,
                "scope": ["openid", "email", "profile"],
                # Take the issuer's `email` / `preferred_username` as verified without `email_verified` (Entra ID).
                "trust_email": env_bool("PORTAL_SSO_TRUST_EMAIL", False),
            },
        }
    )
    # The sign-in button's form is answered with a redirect to the provider, and browsers apply the policy's
    # form-action to that redirect: allow the issuer's origin (Entra ID's authorization endpoint shares it).
    CONTENT_SECURITY_POLICY["DIRECTIVES"].setdefault("form-action", ["'self'"])
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
        *CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
        f"{_sso_issuer.scheme}://{_sso_issuer.netloc}",
    ]

# Password sign-in stays unless PORTAL_PASSWORD_LOGIN=false. Then the sign-in page offers only single sign-on, and
# only superusers may still sign in with a password, at /accounts/login/?break-glass (docs/sso.md); the backend first
# in the list refuses everyone else's password wherever it is typed (the Wagtail admin's /cms/login/ too).
PORTAL_PASSWORD_LOGIN = env_bool("PORTAL_PASSWORD_LOGIN", True)
# No password reset is mailed to a leaver or a closed account, and a link stops working when its holder leaves
# (portal.accounts.password_reset).
# Each in the portal's words (portal.accounts.forms), over what it checks: sign-in and single sign-on (sso), leavers'
# resets (password_reset), the current password counted as a sign-in's (ratelimits).
ACCOUNT_FORMS = {
    "login": "portal.accounts.forms.LoginForm",
    "reset_password": "portal.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "portal.accounts.forms.ResetPasswordKeyForm",
    "user_token": "portal.accounts.password_reset.UserTokenForm",
    "change_password": "portal.accounts.forms.ChangePasswordForm",
    "set_password": "portal.accounts.forms.SetPasswordForm",
    "reauthenticate": "portal.accounts.forms.ReauthenticateForm",
}
SOCIALACCOUNT_FORMS = {"disconnect": "portal.accounts.sso.DisconnectForm"}
AUTHENTICATION_BACKENDS = ["portal.accounts.sso.PasswordSwitchBackend", *AUTHENTICATION_BACKENDS]
# --- end of single sign-on ---
