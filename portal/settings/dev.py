from portal.lib.env import env_list, env_str

from .base import *  # noqa: F403

DEBUG = True
# A development-only key: production refuses to start without SECRET_KEY from the environment.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where Django's file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes each email:
# `make demo` sends its first reminder run there, so its emails do not scroll the demo's sign-ins off the screen.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "demo-mail"))  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
