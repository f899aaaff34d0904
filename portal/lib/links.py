"""Addresses in what the portal sends or prints (emails, PDFs, command output): they start with PORTAL_BASE_URL, the
address staff know the portal by, never with the host a request happened to come in on."""

from django.conf import settings


def portal_url(path: str) -> str:
    """`path` ("/accounts/password/reset/") on the portal's own address."""
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"
