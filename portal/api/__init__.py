"""The API for HR and workforce systems, under /api/v1/ (docs/api.md).

Clients are systems, not people: HR creates one (`clients`) with scopes and, if it may see only part of the
organisation, a team. Its bearer token is the only way in (`auth`): a session never counts here, and a token counts
nowhere else. Reads go through the reports' selectors; writes build the same rows a file would hold and go through
the file import's own dry run and apply (`writes`), each behind an Idempotency-Key (`idempotency`).
"""
