"""The compliance app's models, a module for each part: requirements, the evidence ledger, the status projection,
imports, and certificates. Everything is importable from here, as when this was one file (migrations name
`default_reminder_days` and `private_storage` by this path)."""

from .certificates import Certificate, ReminderLog, VerificationCode, private_storage
from .imports import CompetenceMapping, CompletionBatch, ImportBatch
from .ledger import EvidenceEntry, LedgerHead, PolicySnapshot, ReattestationRound, RoundWithdrawal
from .reminder_refusals import ReminderRefusal
from .reminder_runs import ReminderRun
from .requirement_changes import RequirementChange
from .requirements import (
    JOB_TITLE_PATTERN_MAX_LENGTH,
    Requirement,
    RequirementQuerySet,
    default_reminder_days,
    job_title_matches,
    job_title_regex,
    levels_above_among,
    reminder_days_problem,
)
from .status_tables import RequirementStatus, StatusInterval

__all__ = [
    "JOB_TITLE_PATTERN_MAX_LENGTH",
    "Certificate",
    "CompetenceMapping",
    "CompletionBatch",
    "EvidenceEntry",
    "ImportBatch",
    "LedgerHead",
    "PolicySnapshot",
    "ReattestationRound",
    "ReminderLog",
    "ReminderRefusal",
    "ReminderRun",
    "Requirement",
    "RequirementChange",
    "RequirementQuerySet",
    "RequirementStatus",
    "RoundWithdrawal",
    "StatusInterval",
    "VerificationCode",
    "default_reminder_days",
    "job_title_matches",
    "job_title_regex",
    "levels_above_among",
    "private_storage",
    "reminder_days_problem",
]
