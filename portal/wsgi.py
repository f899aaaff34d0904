import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
application = get_wsgi_application()

# The footer's links to the accessibility statement, privacy notice and cookies page are read from the cache alone
# (modules.statutory_pages): learn them as the server starts, so a cache emptied meanwhile does not leave them out.
from modules.statutory_pages import statutory_pages_refresh_at_start  # noqa: E402 (needs the apps loaded above)

statutory_pages_refresh_at_start()
