"""The two clocks a report about a past day can run on, and how a page says which in words.

"As it was" (effective time): everything known now about that day, read from the status table in effective time
(`compliance.intervals`). A fact recorded later about that day or before it (a completion imported since, a
correction) changes it. "As recorded then" (recorded time): what the portal knew at the end of that day, read from
the ledger and roster as recorded by then (`compliance.asat`) or the figures kept for it; nothing can change it.
"""

AS_IT_WAS, AS_RECORDED = "as_it_was", "as_recorded"
DEFAULT = AS_IT_WAS
CHOICES = [(AS_IT_WAS, "As it was"), (AS_RECORDED, "As recorded then")]
# How a file's name says the clock: the exports' and the evidence packs' alike.
FILE_WORDS = {AS_IT_WAS: "as-it-was", AS_RECORDED: "as-recorded-then"}
HINTS = {
    AS_IT_WAS: "Everything we know now about that day, including facts recorded since, such as a completion "
    "imported later.",
    AS_RECORDED: "What the portal showed at the end of that day. Nothing recorded since changes it.",
}


def described(basis: str) -> str:
    """The clock in words, for the sentence that says what a report shows."""
    if basis == AS_RECORDED:
        return "as recorded at the time: what the portal showed then, which nothing recorded since can change"
    return (
        "as it was, from everything we know now: facts recorded since about that day or before it count, so this "
        "can still change"
    )
