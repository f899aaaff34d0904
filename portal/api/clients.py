"""Making, rotating and revoking API clients (HR's pages call these), and finding the client a token belongs to."""

import hashlib
import re
import secrets

from django.db import transaction
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character

from .models import ApiClient

TOKEN_START = "ntp"  # noqa: S105  "NHS training portal": a token found in a log or a repository says where it works
NAME_MAX, REASON_MAX = 100, 500
PREFIX = re.compile(r"[0-9a-f]{12}")  # secrets.token_hex(6): asked of the database only if it can be one


class ClientError(ValueError):
    """Why a client cannot be made as asked, in words for HR; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _new_token() -> tuple[str, str, str]:
    """(token, prefix, sha256): 256 random bits after a prefix that finds the client without a scan. A fast hash is
    enough for a secret this long (nobody can guess it), and lets every call check it in microseconds."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_START}_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, hashlib.sha256(token.encode()).hexdigest()


def clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ClientError("Enter a name for the client", "name")
    if len(name) > NAME_MAX:
        raise ClientError(f"The name must be {NAME_MAX} characters or fewer", "name")
    problem = hidden_character(name)
    if problem:
        raise ClientError(f"The name contains {problem}: type it again", "name")
    if ApiClient.objects.filter(name__iexact=name, revoked_at__isnull=True).exists():
        raise ClientError(f"There is already a client named {name}: choose another name", "name")
    return name


def check_scopes(scopes: list[str], team) -> list[str]:
    known = [scope for scope, _ in ApiClient.SCOPE_CHOICES]
    if not scopes:
        raise ClientError("Choose at least one thing the client may do", "scopes")
    if set(scopes) - set(known):
        raise ClientError("Choose what the client may do from the list", "scopes")
    if team is not None and ApiClient.READ_LEDGER in scopes:
        raise ClientError(
            "A client limited to one team cannot read the ledger: the chain covers everyone. Choose the whole "
            "organisation, or leave out reading the ledger",
            "scopes",
        )
    return [scope for scope in known if scope in scopes]


@transaction.atomic
def api_client_create(*, name: str, scopes: list[str], team, user, request=None) -> tuple[ApiClient, str]:
    """Make a client; returns it with its token, which is never shown again."""
    name = clean_name(name)
    scopes = check_scopes(scopes, team)
    token, prefix, digest = _new_token()
    client = ApiClient.objects.create(
        name=name,
        scopes=scopes,
        team=team,
        token_prefix=prefix,
        token_sha256=digest,
        created_by=user,
        token_shown_to=user,
    )
    _audit(user, request, client, "created", scopes=scopes, team=team.name if team else "the whole organisation")
    return client, token


@transaction.atomic
def api_client_rotate(*, client: ApiClient, user, request=None) -> str:
    """A new token for the client; the old one stops working at once. `user` is shown it, so is recorded as holding
    it: their own completions are refused through it from now on."""
    if client.is_revoked:
        raise ClientError("This client has been revoked: make a new one instead")
    token, client.token_prefix, client.token_sha256 = _new_token()
    client.rotated_at = timezone.now()
    client.token_shown_to = user
    client.save(update_fields=["token_prefix", "token_sha256", "rotated_at", "token_shown_to"])
    _audit(user, request, client, "token rotated")
    return token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, reason: str, user, request=None) -> ApiClient:
    """Stop the client for good: its token is refused from now on (it can be neither rotated nor restored)."""
    reason = reason.strip()
    if not reason:
        raise ClientError("Give the reason for revoking the client", "reason")
    if len(reason) > REASON_MAX:
        raise ClientError(f"The reason must be {REASON_MAX} characters or fewer", "reason")
    problem = hidden_character(reason, line_breaks=True)
    if problem:
        raise ClientError(f"The reason contains {problem}: type it again", "reason")
    claimed = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user, revoked_reason=reason
    )
    if not claimed:
        raise ClientError("This client has already been revoked")
    client.refresh_from_db()
    _audit(user, request, client, "revoked", reason=reason)
    return client


def client_for_token(token: str) -> ApiClient | None:
    """The client whose token this is (revoked or not, its holder still in HR or not: the caller says which), or None.
    One query."""
    start, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if start != TOKEN_START or not PREFIX.fullmatch(prefix) or not secret or len(token) > 200:
        return None
    client = ApiClient.objects.with_holder().select_related("team").filter(token_prefix=prefix).first()
    return client if client is not None and client.token_matches(token) else None


def _audit(user, request, client: ApiClient, change: str, **detail) -> None:
    audit_record(
        request=request,
        actor=user,
        action=AuditEvent.ROLE_CHANGED,
        scope=f"{client.audit_name}: {change}",
        api_client=client.pk,
        **detail,
    )
