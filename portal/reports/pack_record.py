"""A pack's PDF checked against its record (`manage.py verify_pack`, `pack_verify`): its manifest prints the pack's
id, the CSV twin's SHA-256 and the ledger's head, but cannot print the PDF's own SHA-256, which the pack's row keeps
(`EvidencePack.pdf_sha256`) from when it was made. So a PDF with a page taken out, added, moved or changed, its
manifest untouched, is told apart from the pack as made only here; the records must be from after the pack was made
(docs/deploy.md: a backup taken before it does not hold it)."""

import re

from portal.compliance.receipts import Receipt, receipt_key_unknown, receipt_signed

from .models import EvidencePack
from .packs import sha256_of

RECEIPT_FIELDS = {
    "seq": r"Receipt entry:\s*#(\d+)",
    "head_hash": r"Receipt head hash:\s*([0-9a-f\s]{64,})",
    "issued_at": r"Receipt issued:\s*(\S+)",
    "signature": r"Receipt signature:\s*([0-9a-f\s]{64,})",
}
# Printed from 2026-12 (`receipts.key_id`); a manifest from before names no key.
KEY_ID_PATTERN = r"Receipt key id:\s*([0-9a-f]{12})\b"


def receipt_printed(text: str) -> Receipt | None:
    """The receipt of the ledger a manifest's text prints (`reports/pack/manifest.html`), or None if it prints one
    only in part."""
    found = {key: re.search(pattern, text) for key, pattern in RECEIPT_FIELDS.items()}
    if not all(found.values()):
        return None
    value = {key: re.sub(r"\s+", "", match.group(1)) for key, match in found.items()}
    named = re.search(KEY_ID_PATTERN, text)
    return Receipt(
        int(value["seq"]),
        value["head_hash"][:64],
        value["issued_at"],
        value["signature"][:64],
        named.group(1) if named else "",
    )


def receipt_checked(manifest: dict) -> str:
    """A problem with the receipt a manifest prints, or "": its time is what tells a pack's making apart from a later
    pack's (`pdf_checked`), and the portal signed it over its entry, hash and time, so an edited one does not verify.
    A receipt signed with a key not configured (the key changed since, and not listed as retired) cannot be checked
    at all: it is named by its key's id, with the setting to add the key to. A manifest from before receipts prints
    none; one from before receipts named their key cannot tell the two apart, and says so."""
    if manifest["made"] is None:
        return ""
    receipt = manifest["receipt"]
    if receipt is not None and (unknown := receipt_key_unknown(receipt)):
        return f"The receipt printed in the manifest cannot be checked: {unknown}"
    if receipt is not None and receipt.key_id and not receipt_signed(receipt):
        return (
            "The receipt printed in the manifest is not one the portal signed: its signature does not verify for the "
            f"entry, hash and time it prints with the key it names (id {receipt.key_id}, which is configured here), "
            "so one of them was altered."
        )
    if receipt is None or not receipt_signed(receipt):
        return (
            "The receipt printed in the manifest is not one the portal signed: its signature does not verify for the "
            "entry, hash and time it prints, so one of them was altered (or it was signed with a key other than "
            "PORTAL_RECEIPT_KEY)."
        )
    return ""


def pdf_checked(pdf_path, manifest: dict) -> tuple[str, str]:
    """(a problem, or a note) about the PDF itself, against the SHA-256 its pack's row kept when it was made: the
    manifest names the CSV's and the ledger's, not the PDF's own, so a page taken out, added, moved or changed shows
    only here. The row is the one whose id the manifest prints (two packs of a past day as recorded then have the same
    CSV), and must be the pack the manifest describes. A pack made before the row kept it: a note, its manifest alone
    checked."""
    pack_id = manifest["pack_id"]
    if pack_id is None:
        return "The manifest prints no pack number, so its PDF cannot be checked against the records.", ""
    pack = EvidencePack.objects.filter(pk=pack_id).first()
    if pack is None:
        return (
            f"The records hold no pack #{pack_id}, so its PDF cannot be checked: was the database restored from a "
            "backup taken before the pack was made?",
            "",
        )
    recorded = {
        "its CSV SHA-256": (pack.csv_sha256, manifest["csv_sha256"]),
        "its day": (pack.as_at, manifest["as_at"]),
        "its cut-off": (pack.cutoff, manifest["cutoff"]),
        "its clock": (pack.basis, manifest["basis"]),
        "its requirement filter": (pack.requirement_id, manifest["requirement_id"]),
        "its ledger head": (
            (pack.ledger_seq, pack.ledger_head_hash),
            (manifest["ledger_seq"], manifest["ledger_head_hash"]),
        ),
    }
    differing = [f"{words} differs" for words, (kept, printed) in recorded.items() if kept != printed]
    # The manifest's receipt is issued as the pack is made, before the row is marked finished: one issued after it is
    # another pack's (a later pack of the same CSV, its id altered to an earlier one's, whose row has no PDF SHA-256).
    if manifest["made"] and pack.finished_at and manifest["made"] > pack.finished_at:
        differing.append("its receipt was issued after that pack was finished")
    # ... and after the pack was asked for (the receipt's time is to the second: the same second is not before).
    if manifest["made"] and manifest["made"] < pack.requested_at.replace(microsecond=0):
        differing.append("its receipt was issued before that pack was asked for")
    if differing:
        return (
            f"The records' pack #{pack_id} is not the pack this manifest describes ({'; '.join(differing)}), so its "
            "PDF cannot be checked.",
            "",
        )
    if pack.status not in (EvidencePack.DONE, EvidencePack.REMOVED):
        return f"Pack #{pack_id} was never finished ({pack.get_status_display().lower()}): this PDF is not it.", ""
    if not pack.pdf_sha256:
        return (
            "",
            f"Pack #{pack_id} was made before the portal kept the SHA-256 of each pack's PDF: only its manifest (the "
            "last page) is checked, not its other pages.",
        )
    with open(pdf_path, "rb") as handle:
        made_as = sha256_of(handle) == pack.pdf_sha256
    if not made_as:
        return (
            f"The PDF is not pack #{pack_id} as it was made: its SHA-256 differs from the one kept when it was made, "
            "so a page has been added, taken out, moved or changed.",
            "",
        )
    return "", f"The PDF is pack #{pack_id} as it was made: its SHA-256 matches the one kept when it was made."
