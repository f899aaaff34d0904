"""Signed receipts of the ledger's head, published where the database's owner cannot reach them.

The hash chain shows a changed entry only if its hash was not recomputed: whoever controls the database can rewrite an
entry and re-chain everything after it, or cut entries off the end and wind the head back, and the chain still checks.
A receipt pins the chain from outside: "at time T the ledger ended at entry #S, with hash H", signed with a key the
database does not hold (PORTAL_RECEIPT_KEY). It is written to a separate store (PORTAL_RECEIPT_DIR, one file per
receipt, never overwritten), emailed to a named mailbox (PORTAL_RECEIPT_EMAIL) and printed in every evidence pack.

Any later rewrite of entries up to #S changes the hash at #S, and removing them leaves no entry #S: either way
`receipts_check` names the receipt that no longer matches. Entries after the latest receipt are covered only once the
next receipt is published (`manage.py publish_receipt`, daily).
"""

import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from portal.lib.mail import email_message

from .ledger import GENESIS_HASH
from .models import EvidenceEntry, LedgerHead

logger = logging.getLogger(__name__)

KIND = "evidence-ledger-receipt"
FIELDS = ("kind", "seq", "head_hash", "issued_at", "signature")
# A receipt names the key that signed it (`key_id`) from 2026-12: one from before names none.
KEY_ID_FIELD = "key_id"
KEY_ID_MESSAGE = b"evidence ledger receipt key id"


@dataclass(frozen=True)
class Receipt:
    seq: int
    head_hash: str
    issued_at: str  # ISO 8601, UTC, to the second
    signature: str
    # The id of the key that signed it (`key_id`), which is not signed: it only says which key to check with. Empty
    # for receipts issued before receipts named their key.
    key_id: str = ""

    @property
    def filename(self) -> str:
        stamp = self.issued_at.replace("-", "").replace(":", "").replace("+0000", "Z")
        return f"receipt-{self.seq:09d}-{stamp}-{self.signature[:8]}.json"

    def as_json(self) -> str:
        fields = {"kind": KIND, "seq": self.seq, "head_hash": self.head_hash, "issued_at": self.issued_at}
        named = {KEY_ID_FIELD: self.key_id} if self.key_id else {}
        return json.dumps({**fields, **named, "signature": self.signature}, indent=2) + "\n"


def _key() -> bytes:
    """PORTAL_RECEIPT_KEY, which production requires; development and tests derive one from SECRET_KEY."""
    if settings.PORTAL_RECEIPT_KEY:
        return settings.PORTAL_RECEIPT_KEY.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), b"evidence ledger receipts", hashlib.sha256).digest()


def _checking_keys() -> list[bytes]:
    """The keys a receipt may have been signed with: today's, then those it replaced (PORTAL_RECEIPT_RETIRED_KEYS),
    which sign nothing new but keep the receipts they signed checkable once the key is changed."""
    return [_key(), *(key.encode("utf-8") for key in settings.PORTAL_RECEIPT_RETIRED_KEYS)]


def key_id(key: bytes) -> str:
    """A receipt key's id, printed on every receipt it signs (and in each pack's manifest), so that a receipt whose key
    is not configured names the key to add: the first 12 hex digits of HMAC-SHA256 of a fixed message under the key.
    It tells no more about the key than any receipt's signature does."""
    return hmac.new(key, KEY_ID_MESSAGE, hashlib.sha256).hexdigest()[:12]


def receipt_key_unknown(receipt: "Receipt") -> str:
    """If `receipt` names a key (`key_id`) that is none of those configured (PORTAL_RECEIPT_KEY, and those in
    PORTAL_RECEIPT_RETIRED_KEYS): words saying which, that its signature cannot be checked, and what setting to add
    the key to; else "". A receipt from before receipts named their key names none: "" (it is checked as before)."""
    current, *retired = [key_id(key) for key in _checking_keys()]
    if not receipt.key_id or receipt.key_id in (current, *retired):
        return ""
    listed = f"PORTAL_RECEIPT_RETIRED_KEYS, id{'s' if len(retired) > 1 else ''} {', '.join(retired)}"
    return (
        f"it was signed with the receipt key whose id is {receipt.key_id}, which is not among the keys configured "
        f"here (PORTAL_RECEIPT_KEY, id {current}; {listed if retired else 'no PORTAL_RECEIPT_RETIRED_KEYS'}). If the "
        "receipt key was changed since, add the old key to PORTAL_RECEIPT_RETIRED_KEYS (comma-separated) and check "
        "again; if no key of this portal ever had that id, the receipt is not the portal's."
    )


def _signature(seq: int, head_hash: str, issued_at: str, key: bytes | None = None) -> str:
    message = json.dumps(
        {"kind": KIND, "seq": seq, "head_hash": head_hash, "issued_at": issued_at},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hmac.new(key or _key(), message.encode("utf-8"), hashlib.sha256).hexdigest()


def receipt_issue() -> Receipt:
    """Sign the ledger's last entry (its position and hash) as it is now."""
    last = EvidenceEntry.objects.order_by("-seq").values_list("seq", "content_hash").first()
    seq, head_hash = last or (0, GENESIS_HASH)
    issued_at = timezone.now().astimezone(datetime.UTC).replace(microsecond=0).isoformat()
    return Receipt(seq, head_hash, issued_at, _signature(seq, head_hash, issued_at), key_id(_key()))


class ReceiptStoreMissing(Exception):
    """PORTAL_RECEIPT_DIR is not there, where it must be (production). Made on first use, a store meant to be another
    machine's share, not mounted, would quietly be a folder on the portal's own disk, which the database's
    administrators may well control: the receipts would be kept where they prove nothing, and nobody told."""

    def __init__(self, directory: Path):
        super().__init__(
            f"The receipt store {directory} (PORTAL_RECEIPT_DIR) is not there, so no receipt was written. If it is a "
            "share, mount it there; if it is a new store, make the folder, writable by the portal's account only "
            "(docs/deploy.md, section 9). Then publish the receipt again."
        )


def receipt_publish(*, occasion: str, mail_failure_logged: bool = False) -> tuple[Receipt, Path]:
    """Issue a receipt, write it to the receipt store (a new file, never an existing one) and email it to the
    receipts mailbox if one is set. `occasion` says why, in the email: "daily", "evidence pack ...".
    Returns the receipt and the file written. The store is made if missing only where PORTAL_RECEIPT_DIR_CREATE says
    so (development and tests); elsewhere ReceiptStoreMissing is raised and nothing is written or sent.
    `mail_failure_logged`: a mail server that fails is logged, not raised, the receipt being in the store (an evidence
    pack, which prints it too, is not failed after all its work for the email; the next daily receipt covers it)."""
    directory = Path(settings.PORTAL_RECEIPT_DIR)
    if settings.PORTAL_RECEIPT_DIR_CREATE:
        directory.mkdir(parents=True, exist_ok=True)
    elif not directory.exists():
        raise ReceiptStoreMissing(directory)
    receipt = receipt_issue()
    path = directory / receipt.filename
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrites a receipt
            handle.write(receipt.as_json())
    except FileExistsError:
        # The same receipt, issued twice in one second (a pack and the daily run); anything else is a real clash.
        if path.read_text(encoding="utf-8") != receipt.as_json():
            raise
    if settings.PORTAL_RECEIPT_EMAIL:
        try:
            _email(receipt, occasion)
        except OSError:
            if not mail_failure_logged:
                raise
            logger.exception(
                "Receipt %s (%s) is in the receipt store but could not be emailed to %s",
                receipt.filename,
                occasion,
                settings.PORTAL_RECEIPT_EMAIL,
            )
    return receipt, path


def _email(receipt: Receipt, occasion: str) -> None:
    message = email_message(
        subject=f"Evidence ledger receipt: entry #{receipt.seq} ({occasion})",
        body=(
            f"The {settings.PORTAL_SERVICE_NAME} portal's evidence ledger ended at entry #{receipt.seq} at "
            f"{receipt.issued_at}, with hash\n{receipt.head_hash}\n\nKeep this email and its attachment. They "
            f"let an auditor show that no evidence recorded up to that entry was changed or removed later:\n"
            f"python manage.py verify_evidence --receipts <folder of receipts>\n\n{receipt.as_json()}"
        ),
        to=[settings.PORTAL_RECEIPT_EMAIL],
    )
    message.attach(receipt.filename, receipt.as_json(), "application/json")
    message.send()


# --- Checking the ledger against receipts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptFinding:
    name: str  # the receipt's file name
    receipt: Receipt | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def receipt_read(path: Path) -> Receipt:
    """A receipt file, read back; ValueError names what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"it cannot be read as JSON ({error})") from error
    if not isinstance(data, dict) or data.get("kind") != KIND or set(data) - {KEY_ID_FIELD} != set(FIELDS):
        raise ValueError(f"it is not a ledger receipt (expected the fields {', '.join(FIELDS)})")
    strings = [k for k in (*FIELDS, KEY_ID_FIELD) if k != "seq" and k in data]
    if not isinstance(data["seq"], int) or not all(isinstance(data[k], str) for k in strings):
        raise ValueError("its fields have the wrong types")
    return Receipt(data["seq"], data["head_hash"], data["issued_at"], data["signature"], data.get(KEY_ID_FIELD, ""))


def receipts_check(directory) -> list[ReceiptFinding]:
    """Check the ledger against every receipt (*.json) in `directory`, oldest position first.

    A receipt passes when its signature verifies and the ledger's entry at the receipt's position has the receipt's
    hash. Each one that fails is named with what is wrong: an altered or foreign receipt, entries removed from the end
    (the ledger now ends before the receipt's entry), or entries rewritten up to the receipt's entry.
    """
    findings = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            receipt = receipt_read(path)
        except ValueError as error:
            findings.append(ReceiptFinding(path.name, None, f"{error}."))
            continue
        findings.append(ReceiptFinding(path.name, receipt, _problem_with(receipt)))
    return sorted(findings, key=lambda f: (f.receipt.seq, f.receipt.issued_at) if f.receipt else (-1, ""))


def receipt_signed(receipt: Receipt) -> bool:
    """Whether `receipt`'s signature is the portal's (PORTAL_RECEIPT_KEY, or a retired key) for its entry, hash and
    time: a receipt with any of them altered is not."""
    signed = (_signature(receipt.seq, receipt.head_hash, receipt.issued_at, key) for key in _checking_keys())
    return any(hmac.compare_digest(expected, receipt.signature) for expected in signed)


def _problem_with(receipt: Receipt) -> str:
    if unknown := receipt_key_unknown(receipt):
        return f"its signature cannot be checked: {unknown}"
    signed = receipt_signed(receipt)
    if not signed and receipt.key_id:
        return (
            f"its signature does not verify with the key it names (id {receipt.key_id}, configured here): the receipt "
            "was altered."
        )
    if not signed:
        retired = " or a retired one (PORTAL_RECEIPT_RETIRED_KEYS)" if settings.PORTAL_RECEIPT_RETIRED_KEYS else ""
        return (
            "its signature does not verify: the receipt was altered, or signed with a key other than "
            f"PORTAL_RECEIPT_KEY{retired}."
        )
    if receipt.seq == 0:
        return "" if receipt.head_hash == GENESIS_HASH else "it names entry #0 with a hash other than the start's."
    found = EvidenceEntry.objects.filter(seq=receipt.seq).values_list("content_hash", flat=True).first()
    if found is None:
        last = EvidenceEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        if last < receipt.seq:
            head = LedgerHead.objects.filter(pk=1).values_list("seq", flat=True).first()
            return (
                f"the receipt names entry #{receipt.seq}, but the ledger now ends at entry #{last} (its head table "
                f"says #{head}): entries from #{last + 1} on were removed after the receipt was issued."
            )
        return f"entry #{receipt.seq}, which the receipt names, is missing from the ledger."
    if found != receipt.head_hash:
        return (
            f"entry #{receipt.seq} now has hash {found}, the receipt says {receipt.head_hash}: entries up to "
            f"#{receipt.seq} were changed or forged and the chain recomputed after the receipt was issued."
        )
    return ""


def receipts_confirmed_up_to(findings: list[ReceiptFinding]) -> int:
    """The position of the last entry a passing receipt confirms (0 if none): no receipt covers the entries after it."""
    return max((f.receipt.seq for f in findings if f.ok and f.receipt), default=0)
