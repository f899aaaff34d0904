"""Writes that create evidence or change who must do what. Each keeps the ledger, the status projection and the
audit log in step, in one transaction. The one gate (docs/architecture.md): pages, the CMS, commands, imports and the
API call these; by what they write:

- `evidence`: a completion, an attestation, a module's completion, a correction voiding one;
- `requirements`: a requirement added, changed, retired, put back or deleted;
- `rounds`: a policy version frozen, the re-attestation rounds it opens, a round withdrawn;
- `refresh`: everyone's status on a requirement brought in step, in the request or the task worker
  (`refresh.REFRESH_IN_BACKGROUND_OVER`, read and set there), and the whole table rebuilt.
"""

from .evidence import (
    EvidenceError,
    attestation_record,
    evidence_record,
    evidence_void,
    module_completion_evidence,
)
from .refresh import requirement_status_refresh, status_rebuild
from .requirements import (
    HISTORY_FIELDS,
    LEVEL_FIELDS,
    SAVED_SINCE_OPENED,
    STANDING_FIELDS,
    RequirementError,
    requirement_delete,
    requirement_delete_refusal,
    requirement_reinstate,
    requirement_retire,
    requirement_save,
)
from .rounds import (
    RoundError,
    policy_snapshot_create,
    reattestation_round_open,
    reattestation_round_withdraw,
    versions_saying_the_same,
)

__all__ = [
    "HISTORY_FIELDS",
    "LEVEL_FIELDS",
    "SAVED_SINCE_OPENED",
    "STANDING_FIELDS",
    "EvidenceError",
    "RequirementError",
    "RoundError",
    "attestation_record",
    "evidence_record",
    "evidence_void",
    "module_completion_evidence",
    "policy_snapshot_create",
    "reattestation_round_open",
    "reattestation_round_withdraw",
    "requirement_delete",
    "requirement_delete_refusal",
    "requirement_reinstate",
    "requirement_retire",
    "requirement_save",
    "requirement_status_refresh",
    "status_rebuild",
    "versions_saying_the_same",
]
