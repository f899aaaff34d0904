"""Django's database sessions, with the statements a sign-in does not need left out.

Signing in makes a session (the password step) and gives it a new key (Django's defence against session fixation).
Django's database backend checks that each new random key is unused before inserting it, inserts the session under
its new key at once and updates it again when the response goes out, and reads a row before deleting it. Here a new
key is inserted once, when the response saves the session, and a clash with an existing key (32 random characters)
is still caught: the insert refuses it and another key is drawn (`SessionBase.create`).
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self):
        # `save(must_create=True)` inserts it, and raises CreateError for a key in use: `create` then draws again.
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self):
        """Keep the data under a new key, written when the session is saved (by SessionMiddleware, as the response
        goes out); the old key's row goes now."""
        data, old_key = self._session, self.session_key
        self._session_key = None  # save() creates the session, under a fresh key
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is not None:
            self.model.objects.filter(session_key=session_key).delete()
