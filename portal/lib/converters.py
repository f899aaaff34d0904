"""`<id:name>` in URL patterns: a record's id, as digits that fit a 64-bit key.

Django's `<int:...>` lets any number of digits through, and SQLite cannot even look up a number beyond 64 bits (a
server error); PostgreSQL can. An id of more than 18 digits matches no URL, so it is a 404 on every database.
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
